/// Renders validation issues as pydantic v2's `errors()` entries, as FastAPI returns them in
/// a 422 `detail` list: `{"type", "loc", "msg", "input", "ctx"?}`.
///
/// The wording is pydantic's own (pydantic-core's error messages), so that a client comparing
/// evalmock's answer with the real service's sees the same text.
public enum PydanticErrorRenderer {
    public static func detail(_ issues: [ValidationIssue]) -> JSONValue {
        .array(issues.map(entry))
    }

    public static func entry(_ issue: ValidationIssue) -> JSONValue {
        let (type, message, context) = describe(issue)
        var object = JSONValue.JSONObject()
        object["type"] = .string(type)
        object["loc"] = .array(issue.location.map(\.jsonValue))
        object["msg"] = .string(message)
        object["input"] = issue.input ?? .null
        if let context { object["ctx"] = .object(context) }
        return .object(object)
    }

    private static func describe(_ issue: ValidationIssue) -> (String, String, JSONValue.JSONObject?) {
        switch issue.kind {
        case .missing:
            return ("missing", "Field required", nil)
        case .wrongType("object") where issue.expectedObject != nil:
            // FastAPI validates request bodies with `from_attributes=True`, so a model (or a
            // tagged union of models) accepts any object with attributes, and says so when it
            // gets something else.
            return ("model_attributes_type", "Input should be a valid dictionary or object to extract fields from", nil)
        case .wrongType(let expected):
            return wrongType(expected, input: issue.input)
        case .notInEnum(let allowed, let enumName):
            // An Enum class (a component of FastAPI's document) and a `Literal` (a list written in
            // place) say the same thing under different types.
            let expected = quotedList(allowed)
            return (enumName == nil ? "literal_error" : "enum", "Input should be \(expected)", ["expected": .string(expected)])
        case .stringTooShort(let min):
            return ("string_too_short", "String should have at least \(min) character\(min == 1 ? "" : "s")", ["min_length": .int(min)])
        case .stringTooLong(let max):
            return ("string_too_long", "String should have at most \(max) character\(max == 1 ? "" : "s")", ["max_length": .int(max)])
        case .patternMismatch(let pattern):
            return ("string_pattern_mismatch", "String should match pattern '\(pattern)'", ["pattern": .string(pattern)])
        case .formatMismatch(let format):
            if format == "uuid" {
                return (
                    "uuid_parsing",
                    "Input should be a valid UUID, invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `\(firstNonHex(issue.input))` at 1",
                    ["error": "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-]"]
                )
            }
            if format == "uri" {
                // pydantic's AnyUrl (the `url` crate) on a string without a scheme.
                return ("url_parsing", "Input should be a valid URL, relative URL without a base", ["error": "relative URL without a base"])
            }
            return ("value_error", "Value error, input is not a valid \(format)", ["error": .string("input is not a valid \(format)")])
        case .numberTooSmall(let min, let exclusive):
            let bound = number(min)
            return exclusive
                ? ("greater_than", "Input should be greater than \(bound.lexeme)", ["gt": .number(bound)])
                : ("greater_than_equal", "Input should be greater than or equal to \(bound.lexeme)", ["ge": .number(bound)])
        case .numberTooLarge(let max, let exclusive):
            let bound = number(max)
            return exclusive
                ? ("less_than", "Input should be less than \(bound.lexeme)", ["lt": .number(bound)])
                : ("less_than_equal", "Input should be less than or equal to \(bound.lexeme)", ["le": .number(bound)])
        case .notMultipleOf(let factor):
            let bound = number(factor)
            return ("multiple_of", "Input should be a multiple of \(bound.lexeme)", ["multiple_of": .number(bound)])
        case .tooFewItems(let min):
            let actual = issue.input?.arrayValue?.count ?? 0
            return (
                "too_short", "List should have at least \(min) item\(min == 1 ? "" : "s") after validation, not \(actual)",
                ["field_type": "List", "min_length": .int(min), "actual_length": .int(actual)]
            )
        case .tooManyItems(let max):
            let actual = issue.input?.arrayValue?.count ?? 0
            return (
                "too_long", "List should have at most \(max) item\(max == 1 ? "" : "s") after validation, not \(actual)",
                ["field_type": "List", "max_length": .int(max), "actual_length": .int(actual)]
            )
        case .duplicateItems:
            return ("value_error", "Value error, items must be unique", ["error": "items must be unique"])
        case .tooFewProperties(let min):
            let actual = issue.input?.objectValue?.count ?? 0
            return (
                "too_short", "Dictionary should have at least \(min) item\(min == 1 ? "" : "s") after validation, not \(actual)",
                ["field_type": "Dictionary", "min_length": .int(min), "actual_length": .int(actual)]
            )
        case .tooManyProperties(let max):
            let actual = issue.input?.objectValue?.count ?? 0
            return (
                "too_long", "Dictionary should have at most \(max) item\(max == 1 ? "" : "s") after validation, not \(actual)",
                ["field_type": "Dictionary", "max_length": .int(max), "actual_length": .int(actual)]
            )
        case .unexpectedProperty:
            return ("extra_forbidden", "Extra inputs are not permitted", nil)
        case .noUnionBranchMatched, .severalUnionBranchesMatched, .matchesForbiddenSchema, .brokenRule, .unreadableForm:
            return ("value_error", "Value error, \(issue.message)", ["error": .string(issue.message)])
        case .unionTagMissing(let property, _):
            return (
                "union_tag_not_found", "Unable to extract tag using discriminator '\(property)'",
                ["discriminator": .string("'\(property)'")]
            )
        case .unionTagInvalid(let property, let tagValue, let expected):
            // pydantic shows `str()` of the tag: `None`, `True`, `['a']` for what was not a string.
            let tag = PythonRepr.str(tagValue)
            let tags = expected.map { "'\($0)'" }.joined(separator: ", ")
            return (
                "union_tag_invalid", "Input tag '\(tag)' found using '\(property)' does not match any of the expected tags: \(tags)",
                ["discriminator": .string("'\(property)'"), "tag": .string(tag), "expected_tags": .string(tags)]
            )
        case .invalidJSON(let error):
            return ("json_invalid", "JSON decode error", ["error": .string(error.description)])
        }
    }

    /// pydantic distinguishes a value of the wrong kind from a string it could not parse.
    private static func wrongType(_ expected: String, input: JSONValue?) -> (String, String, JSONValue.JSONObject?) {
        switch (expected, input) {
        case ("integer", .string?):
            return ("int_parsing", "Input should be a valid integer, unable to parse string as an integer", nil)
        case ("integer", .number?):
            return ("int_from_float", "Input should be a valid integer, got a number with a fractional part", nil)
        case ("integer", _):
            return ("int_type", "Input should be a valid integer", nil)
        case ("number", .string?):
            return ("float_parsing", "Input should be a valid number, unable to parse string as a number", nil)
        case ("number", _):
            return ("float_type", "Input should be a valid number", nil)
        case ("boolean", .string?), ("boolean", .number?):
            return ("bool_parsing", "Input should be a valid boolean, unable to interpret input", nil)
        case ("boolean", _):
            return ("bool_type", "Input should be a valid boolean", nil)
        case ("string", _):
            return ("string_type", "Input should be a valid string", nil)
        case ("object", _):
            return ("dict_type", "Input should be a valid dictionary", nil)
        case ("array", _):
            return ("list_type", "Input should be a valid list", nil)
        case ("null", _):
            return ("none_required", "Input should be None", nil)
        default:
            return ("value_error", "Value error, input should be of type \(expected)", nil)
        }
    }

    /// `'a'`, `'a' or 'b'`, `'a', 'b' or 'c'`: pydantic's way of listing allowed values.
    static func quotedList(_ values: [JSONValue]) -> String {
        let quoted = values.map(pythonLiteral)
        guard quoted.count > 1 else { return quoted.first ?? "" }
        return quoted.dropLast().joined(separator: ", ") + " or " + quoted.last!
    }

    private static func number(_ value: Double) -> JSONNumber { JSONNumber(value) }

    /// A value as pydantic quotes it in messages and labels: strings in single quotes.
    static func pythonLiteral(_ value: JSONValue) -> String {
        if case .string(let text) = value { return "'\(text)'" }
        return JSONWriter.encodeString(value)
    }

    private static func firstNonHex(_ input: JSONValue?) -> String {
        guard case .string(let text)? = input else { return "" }
        return text.first { !$0.isHexDigit && $0 != "-" }.map(String.init) ?? ""
    }
}
