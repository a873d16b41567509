import Foundation

/// How strictly scalar types are matched.
public enum TypeCoercion: Sendable {
    /// JSON Schema: a value has exactly the type the schema names (integers are whole numbers).
    case jsonSchema
    /// pydantic v2's lax mode, as FastAPI services validate JSON: numeric strings pass as
    /// numbers, whole floats as integers, `0`/`1`/`"yes"`/`"off"`… as booleans, booleans as
    /// numbers. Strings still do not accept numbers. Unions are reported as pydantic reports
    /// them too (every member's errors under its label, tags in `loc`; see `PydanticUnionLabel`).
    case pydanticLax
}

/// Checks a JSON value against a compiled schema and lists every violation found.
public struct SchemaValidator: Sendable {
    public let coercion: TypeCoercion
    /// The service's deeper rules; empty checks the document as published.
    public let refinements: SchemaRefinements

    public init(coercion: TypeCoercion = .jsonSchema, refinements: SchemaRefinements = SchemaRefinements()) {
        self.coercion = coercion
        self.refinements = refinements
    }

    public static func validate(_ value: JSONValue, against schema: CompiledSchema, at location: [ValidationIssue.LocationComponent]) -> [ValidationIssue] {
        SchemaValidator().validate(value, against: schema, at: location)
    }

    public static func isValid(_ value: JSONValue, against schema: CompiledSchema) -> Bool {
        SchemaValidator().isValid(value, against: schema)
    }

    public func validate(_ value: JSONValue, against schema: CompiledSchema, at location: [ValidationIssue.LocationComponent]) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        check(value, schema, location, &issues)
        return issues
    }

    public func isValid(_ value: JSONValue, against schema: CompiledSchema) -> Bool {
        var issues: [ValidationIssue] = []
        check(value, schema, [], &issues)
        return issues.isEmpty
    }

    private func check(_ value: JSONValue, _ schema: CompiledSchema, _ location: [ValidationIssue.LocationComponent], _ issues: inout [ValidationIssue]) {
        if !refinements.isEmpty, let stricter = refinements.stricter(than: schema) {
            check(value, stricter, location, &issues)
            return
        }
        if case .null = value, schema.nullable { return }

        if let type = schema.type, !matches(value, type) {
            let model = type == .object && !schema.properties.isEmpty ? schema.componentName.map(ValidationIssue.ExpectedObject.model) : nil
            issues.append(ValidationIssue(location: location, kind: .wrongType(expected: type.rawValue), input: value, expectedObject: model))
            return
        }
        if let allowed = schema.enumValues, !allowed.contains(value) {
            issues.append(ValidationIssue(location: location, kind: .notInEnum(allowed: allowed), input: value))
            return
        }

        switch value {
        case .string(let string) where schema.type == nil || schema.type == .string:
            checkString(string, value, schema, location, &issues)
        case .number(let number): checkNumber(number, value, schema, location, &issues)
        case .string, .bool:
            // Coerced by pydantic's lax mode into a number: its bounds still apply.
            if let number = PydanticLaxCoercion.number(from: value) { checkNumber(number, value, schema, location, &issues) }
        case .object(let object): checkObject(object, schema, location, &issues)
        case .array(let array): checkArray(array, value, schema, location, &issues)
        case .null: break
        }

        for part in schema.allOf { check(value, part, location, &issues) }
        if !schema.oneOf.isEmpty || !schema.anyOf.isEmpty { checkUnion(value, schema, location, &issues) }
        if let forbidden = schema.not, isValid(value, against: forbidden) {
            issues.append(ValidationIssue(location: location, kind: .matchesForbiddenSchema, input: value))
        }
    }

    private func matches(_ value: JSONValue, _ type: CompiledSchema.TypeConstraint) -> Bool {
        switch (type, value) {
        case (.null, .null), (.boolean, .bool), (.string, .string), (.array, .array), (.object, .object), (.number, .number):
            return true
        case (.integer, .number(let number)):
            return number.isInteger
        default:
            return coercion == .pydanticLax && PydanticLaxCoercion.accepts(value, as: type)
        }
    }

    private func checkString(_ string: String, _ value: JSONValue, _ schema: CompiledSchema, _ location: [ValidationIssue.LocationComponent], _ issues: inout [ValidationIssue]) {
        if schema.minLength > 0 || schema.maxLength != nil {
            let length = string.unicodeScalars.count
            if length < schema.minLength {
                issues.append(ValidationIssue(location: location, kind: .stringTooShort(min: schema.minLength), input: value))
            }
            if let max = schema.maxLength, length > max {
                issues.append(ValidationIssue(location: location, kind: .stringTooLong(max: max), input: value))
            }
        }
        if let pattern = schema.pattern {
            let range = NSRange(string.startIndex..., in: string)
            if pattern.firstMatch(in: string, range: range) == nil {
                issues.append(ValidationIssue(location: location, kind: .patternMismatch(pattern: schema.patternSource ?? ""), input: value))
            }
        }
        if let format = schema.format, !FormatChecker.accepts(string, format: format) {
            issues.append(ValidationIssue(location: location, kind: .formatMismatch(format: format), input: value))
        }
    }

    private func checkNumber(_ number: JSONNumber, _ value: JSONValue, _ schema: CompiledSchema, _ location: [ValidationIssue.LocationComponent], _ issues: inout [ValidationIssue]) {
        let double = number.doubleValue
        if let min = schema.minimum, min.exclusive ? !(double > min.value) : !(double >= min.value) {
            issues.append(ValidationIssue(location: location, kind: .numberTooSmall(min: min.value, exclusive: min.exclusive), input: value))
        }
        if let max = schema.maximum, max.exclusive ? !(double < max.value) : !(double <= max.value) {
            issues.append(ValidationIssue(location: location, kind: .numberTooLarge(max: max.value, exclusive: max.exclusive), input: value))
        }
        if let factor = schema.multipleOf, factor > 0 {
            let quotient = double / factor
            if abs(quotient - quotient.rounded()) > 1e-9 {
                issues.append(ValidationIssue(location: location, kind: .notMultipleOf(factor), input: value))
            }
        }
    }

    private func checkObject(_ object: JSONValue.JSONObject, _ schema: CompiledSchema, _ location: [ValidationIssue.LocationComponent], _ issues: inout [ValidationIssue]) {
        if coercion == .pydanticLax {
            // pydantic validates a model field by field in declaration order, so a missing field
            // and a wrong one are reported in the order the schema lists them.
            let required = Set(schema.required)
            for (name, property) in schema.properties {
                if let member = object[name] {
                    check(member, property, location + [.key(name)], &issues)
                } else if required.contains(name) {
                    issues.append(ValidationIssue(location: location + [.key(name)], kind: .missing, input: .object(object)))
                }
            }
            for name in schema.required where schema.propertyIndex[name] == nil && object[name] == nil {
                issues.append(ValidationIssue(location: location + [.key(name)], kind: .missing, input: .object(object)))
            }
        } else {
            // A missing field's input is the object it is missing from, as pydantic reports it.
            for name in schema.required where object[name] == nil {
                issues.append(ValidationIssue(location: location + [.key(name)], kind: .missing, input: .object(object)))
            }
        }
        for (key, member) in object {
            if let property = schema.propertyIndex[key] {
                if coercion != .pydanticLax { check(member, property, location + [.key(key)], &issues) }
                continue
            }
            switch schema.additionalProperties {
            case .allowed: break
            case .forbidden:
                issues.append(ValidationIssue(location: location + [.key(key)], kind: .unexpectedProperty, input: member))
            case .schema(let additional):
                check(member, additional, location + [.key(key)], &issues)
            }
        }
        if object.count < schema.minProperties {
            issues.append(ValidationIssue(location: location, kind: .tooFewProperties(min: schema.minProperties), input: .object(object)))
        }
        if let max = schema.maxProperties, object.count > max {
            issues.append(ValidationIssue(location: location, kind: .tooManyProperties(max: max), input: .object(object)))
        }
    }

    private func checkArray(_ array: [JSONValue], _ value: JSONValue, _ schema: CompiledSchema, _ location: [ValidationIssue.LocationComponent], _ issues: inout [ValidationIssue]) {
        if array.count < schema.minItems {
            issues.append(ValidationIssue(location: location, kind: .tooFewItems(min: schema.minItems), input: value))
        }
        if let max = schema.maxItems, array.count > max {
            issues.append(ValidationIssue(location: location, kind: .tooManyItems(max: max), input: value))
        }
        if schema.uniqueItems {
            for i in array.indices where array[..<i].contains(array[i]) {
                issues.append(ValidationIssue(location: location + [.index(i)], kind: .duplicateItems, input: array[i]))
            }
        }
        if let items = schema.items {
            for (index, item) in array.enumerated() {
                check(item, items, location + [.index(index)], &issues)
            }
        }
    }

    /// oneOf/anyOf. With a discriminator only the tagged branch is checked, so its issues are
    /// precise (as pydantic's tagged unions report them); otherwise the branches are tried.
    private func checkUnion(_ value: JSONValue, _ schema: CompiledSchema, _ location: [ValidationIssue.LocationComponent], _ issues: inout [ValidationIssue]) {
        if coercion == .pydanticLax {
            checkPydanticUnion(value, schema, location, &issues)
            return
        }
        if let discriminator = schema.discriminator, case .object(let object) = value {
            let tags = discriminator.branches.map(\.tag)
            guard let tagValue = object[discriminator.propertyName] else {
                issues.append(ValidationIssue(location: location, kind: .unionTagMissing(property: discriminator.propertyName, expected: tags), input: value))
                return
            }
            guard case .string(let tag) = tagValue, let branch = discriminator.branches.first(where: { $0.tag == tag }) else {
                let shown = tagValue.stringValue ?? JSONWriter.encodeString(tagValue)
                issues.append(ValidationIssue(location: location + [.key(discriminator.propertyName)], kind: .unionTagInvalid(property: discriminator.propertyName, tag: shown, expected: tags), input: tagValue))
                return
            }
            check(value, branch.schema, location, &issues)
            return
        }
        let branches = schema.oneOf.isEmpty ? schema.anyOf : schema.oneOf
        var branchIssues: [[ValidationIssue]] = []
        var matched = 0
        for branch in branches {
            var found: [ValidationIssue] = []
            check(value, branch, location, &found)
            if found.isEmpty {
                matched += 1
                if schema.oneOf.isEmpty { return }
            }
            branchIssues.append(found)
        }
        if matched == 1 { return }
        if matched > 1 {
            issues.append(ValidationIssue(location: location, kind: .severalUnionBranchesMatched, input: value))
            return
        }
        // No branch matched: report the branch that got furthest (fewest issues, none of them a
        // type mismatch at the top), which is what a client usually meant.
        if let best = branchIssues.min(by: { score($0, location) < score($1, location) }), score(best, location) < Int.max / 2 {
            issues.append(contentsOf: best)
        } else {
            issues.append(ValidationIssue(location: location, kind: .noUnionBranchMatched, input: value))
        }
    }

    /// A union as pydantic v2 validates it. A tagged union checks the tagged member and puts
    /// the tag in `loc`; a wrong or missing tag is reported at the union itself. Other unions
    /// (smart mode) accept a value any member accepts, and otherwise report every member's
    /// errors, each under the member's label (`["body", 0, "data", "ResultSchemaGeneration", "x"]`).
    private func checkPydanticUnion(_ value: JSONValue, _ schema: CompiledSchema, _ location: [ValidationIssue.LocationComponent], _ issues: inout [ValidationIssue]) {
        if let discriminator = schema.discriminator {
            guard case .object(let object) = value else {
                issues.append(ValidationIssue(location: location, kind: .wrongType(expected: "object"), input: value, expectedObject: .taggedUnion))
                return
            }
            let tags = discriminator.branches.map(\.tag)
            guard let tagValue = object[discriminator.propertyName] else {
                issues.append(ValidationIssue(location: location, kind: .unionTagMissing(property: discriminator.propertyName, expected: tags), input: value))
                return
            }
            guard case .string(let tag) = tagValue, let branch = discriminator.branches.first(where: { $0.tag == tag }) else {
                let shown = tagValue.stringValue ?? JSONWriter.encodeString(tagValue)
                issues.append(ValidationIssue(location: location, kind: .unionTagInvalid(property: discriminator.propertyName, tag: shown, expected: tags), input: value))
                return
            }
            check(value, branch.schema, location + [.key(tag)], &issues)
            return
        }
        if case .null = value, PydanticUnionLabel.acceptsNull(schema) { return }
        var memberIssues: [ValidationIssue] = []
        for member in PydanticUnionLabel.members(of: schema) {
            var found: [ValidationIssue] = []
            check(value, member, location, &found)
            if found.isEmpty { return }
            let label = ValidationIssue.LocationComponent.key(PydanticUnionLabel.label(member))
            for var issue in found {
                issue.location.insert(label, at: location.count)
                memberIssues.append(issue)
            }
        }
        issues.append(contentsOf: memberIssues)
    }

    private func score(_ branchIssues: [ValidationIssue], _ location: [ValidationIssue.LocationComponent]) -> Int {
        let topLevelTypeMismatch = branchIssues.contains { issue in
            if case .wrongType = issue.kind, issue.location == location { return true }
            return false
        }
        return topLevelTypeMismatch ? Int.max : branchIssues.count
    }
}
