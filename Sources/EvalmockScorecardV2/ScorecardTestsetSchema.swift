import EvalmockKit

/// A Testset's `jsonSchema` as Scorecard checks Testcases against it, and its `fieldMapping`.
///
/// The document lists what the service checks: `required`, `type` (string, number, boolean,
/// null, integer, object, array), `enum`, object `properties`, array `items` and `anyOf`.
/// Those keywords are compiled into evalmock's own `CompiledSchema` and checked by its
/// `SchemaValidator`; every other keyword is ignored, and so is a keyword that is not well
/// formed (`"type": "bar"`, `"properties": "bar"`, as the SDK's suite sends): a schema that is
/// not a JSON Schema validates what can be read from it, which may be nothing. Members the
/// schema does not declare are never an issue ("Extra fields … are ignored during validation").
struct ScorecardTestsetSchema {
    /// Top-level field names, in the schema's order; nil when the schema declares none it can
    /// be read from (then no field can be said to be missing from it).
    let fields: [String]?
    private let compiled: CompiledSchema

    init(_ jsonSchema: JSONValue?) {
        compiled = Self.compile(jsonSchema ?? .object([:]))
        fields = jsonSchema?["properties"]?.objectValue.map { Array($0.keys) }
    }

    /// The problems of a Testcase's `jsonData`, as the Testcase's `validationErrors` items: a
    /// JSON Pointer into the data under `/data` (the document's examples), and a message worded
    /// as the document's examples word them.
    func validationErrors(_ data: JSONValue.JSONObject) -> [JSONValue] {
        SchemaValidator().validate(.object(data), against: compiled, at: []).map { issue in
            var path = issue.location
            let message: String
            switch issue.kind {
            case .missing:
                // The document's example: `{"path": "/data", "message": "Required field 'idealAnswer' is missing"}`.
                let field = path.removeLast()
                message = "Required field '\(field)' is missing"
            case .wrongType(let expected):
                message = "Expected \(expected), received \(issue.input.map(Self.typeName) ?? "undefined")"
            case .notInEnum(let allowed, _):
                message =
                    "Invalid enum value. Expected \(allowed.map(Self.quoted).joined(separator: " | ")), received \(issue.input.map(Self.quoted) ?? "undefined")"
            case .noUnionBranchMatched:
                message = "Invalid input"
            default:
                message = issue.message
            }
            return .object(["path": .string(Self.pointer(path)), "message": .string(message)])
        }
    }

    /// `/data/answers/0/text`: RFC 6901 escapes `~` and `/` in keys.
    private static func pointer(_ location: [ValidationIssue.LocationComponent]) -> String {
        location.reduce("/data") { pointer, component in
            pointer + "/" + component.description.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
        }
    }

    private static func typeName(_ value: JSONValue) -> String {
        if case .number = value { return "number" }
        return value.typeName
    }

    private static func quoted(_ value: JSONValue) -> String {
        if case .string(let text) = value { return "'\(text)'" }
        return JSONWriter.encodeString(value)
    }

    // MARK: - Compiling the supported keywords

    private static func compile(_ schema: JSONValue) -> CompiledSchema {
        guard case .object(let keywords) = schema else { return .anything }
        let types = Self.types(keywords["type"])
        let nonNull = types?.filter { $0 != .null } ?? []
        let node = CompiledSchema()
        if nonNull.count > 1 {
            // `["string", "integer"]`: one branch per type, each with the other keywords.
            node.nullable = nonNull.count < types!.count
            node.anyOf = nonNull.map { type in
                var branch = keywords
                branch["type"] = .string(type.rawValue)
                return compile(.object(branch))
            }
            return node
        }
        if let types {
            node.type = nonNull.first ?? .null
            node.nullable = types.contains(.null) && !nonNull.isEmpty
        }
        if case .array(let values)? = keywords["enum"] { node.enumValues = values }
        let properties = keywords["properties"]?.objectValue ?? [:]
        let required = keywords["required"]?.arrayValue?.compactMap(\.stringValue) ?? []
        node.setProperties(properties.map { ($0.key, compile($0.value)) }, required: required)
        if let items = keywords["items"], case .object = items { node.items = compile(items) }
        if case .array(let branches)? = keywords["anyOf"], !branches.isEmpty { node.anyOf = branches.map(compile) }
        return node
    }

    /// The types `type` names; nil when there is none, or one that is not a JSON Schema type.
    private static func types(_ value: JSONValue?) -> [CompiledSchema.TypeConstraint]? {
        let names: [JSONValue]
        switch value {
        case .string?: names = [value!]
        case .array(let listed)?: names = listed
        default: return nil
        }
        let types = names.compactMap { $0.stringValue.flatMap(CompiledSchema.TypeConstraint.init(rawValue:)) }
        return types.count == names.count && !types.isEmpty ? types : nil
    }
}

/// A Testset's `fieldMapping`: which top-level fields of a Testcase's data are its inputs and
/// its expected outputs; the rest is metadata.
struct ScorecardFieldMapping {
    var inputs: [String]
    var expected: [String]
    var metadata: [String]

    init(_ value: JSONValue?) {
        func names(_ member: String) -> [String] { value?[member]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        inputs = names("inputs")
        expected = names("expected")
        metadata = names("metadata")
    }

    var jsonValue: JSONValue {
        .object([
            "inputs": .array(inputs.map(JSONValue.string)), "expected": .array(expected.map(JSONValue.string)),
            "metadata": .array(metadata.map(JSONValue.string)),
        ])
    }

    /// The mapping as the service answers it: every field of the schema that is neither an
    /// input nor expected is metadata (the document's create example sends `metadata: []` and
    /// answers `["provenance", "geo"]`); with `pruning`, fields the schema no longer has are
    /// dropped from every role (an updated schema without a new mapping).
    func completed(for fields: [String]?, pruning: Bool) -> ScorecardFieldMapping {
        var mapping = self
        if pruning, let fields {
            let present = Set(fields)
            mapping.inputs.removeAll { !present.contains($0) }
            mapping.expected.removeAll { !present.contains($0) }
            mapping.metadata.removeAll { !present.contains($0) }
        }
        var assigned = Set(mapping.inputs + mapping.expected)
        var metadata: [String] = []
        for field in mapping.metadata + (fields ?? []) where !assigned.contains(field) {
            metadata.append(field)
            assigned.insert(field)
        }
        mapping.metadata = metadata
        return mapping
    }

    /// The mapped fields of `data` that are present, in the mapping's order.
    func pick(_ fields: [String], from data: JSONValue.JSONObject) -> JSONValue {
        var picked = JSONValue.JSONObject()
        for field in fields { if let value = data[field] { picked[field] = value } }
        return .object(picked)
    }
}
