import Foundation

/// How strictly scalar types are matched.
public enum TypeCoercion: Sendable {
    /// JSON Schema: a value has exactly the type the schema names (integers are whole numbers).
    case jsonSchema
    /// pydantic v2's lax mode, as FastAPI services validate JSON: numeric strings pass as
    /// numbers, whole floats as integers, `0`/`1`/`"yes"`/`"off"`… as booleans, booleans as
    /// numbers. Strings still do not accept numbers. An enumeration (an Enum class or a
    /// `Literal`) is checked before the type, so a non-member of any type is reported as not a
    /// member. Unions are reported as pydantic reports them too (every member's errors under
    /// its label, tags in `loc`; see `PydanticUnionLabel`).
    case pydanticLax
}

/// Checks a JSON value against a compiled schema and lists every violation found.
///
/// Hot path: the location is one array pushed and popped in place (no copy per property), and a
/// union member is first *probed* (stop at the first issue, keep none) so that a valid request
/// never builds the issue lists of the members it does not match.
public struct SchemaValidator: Sendable {
    public let coercion: TypeCoercion
    /// The service's deeper rules; empty checks the document as published.
    public let refinements: SchemaRefinements

    public init(coercion: TypeCoercion = .jsonSchema, refinements: SchemaRefinements = SchemaRefinements()) {
        self.coercion = coercion
        self.refinements = refinements
    }

    public static func validate(_ value: JSONValue, against schema: CompiledSchema, at location: [ValidationIssue.LocationComponent])
        -> [ValidationIssue]
    {
        SchemaValidator().validate(value, against: schema, at: location)
    }

    public static func isValid(_ value: JSONValue, against schema: CompiledSchema) -> Bool {
        SchemaValidator().isValid(value, against: schema)
    }

    public func validate(_ value: JSONValue, against schema: CompiledSchema, at location: [ValidationIssue.LocationComponent])
        -> [ValidationIssue]
    {
        validateNotingCoercion(value, against: schema, at: location).issues
    }

    /// The issues, and whether accepting the value took a lax coercion somewhere (a string or
    /// boolean taken as a number, a whole float as an integer…). When it did not, pydantic's
    /// converted value is the value as sent and `PydanticLaxConversion` has nothing to do.
    public func validateNotingCoercion(_ value: JSONValue, against schema: CompiledSchema, at location: [ValidationIssue.LocationComponent])
        -> (issues: [ValidationIssue], coerced: Bool)
    {
        var walk = Walk(location: location, probing: false)
        check(value, schema, &walk)
        return (walk.issues, walk.coerced)
    }

    public func isValid(_ value: JSONValue, against schema: CompiledSchema) -> Bool {
        !probe(value, schema).failed
    }

    /// A walk that stops at the first issue.
    private func probe(_ value: JSONValue, _ schema: CompiledSchema) -> Walk {
        var walk = Walk(location: [], probing: true)
        check(value, schema, &walk)
        return walk
    }

    /// The state of one validation: where it is, what it found, and whether one issue is enough.
    private struct Walk {
        var location: [ValidationIssue.LocationComponent]
        /// A probe only learns whether there is an issue: it builds none and stops at the first.
        let probing: Bool
        var issues: [ValidationIssue] = []
        var failed = false
        /// A value was accepted by a lax coercion (see `validateNotingCoercion`).
        var coerced = false

        var done: Bool { probing && failed }

        mutating func report(
            _ kind: @autoclosure () -> ValidationIssue.Kind, _ input: JSONValue?, expectedObject: ValidationIssue.ExpectedObject? = nil
        ) {
            failed = true
            if probing { return }
            issues.append(ValidationIssue(location: location, kind: kind(), input: input, expectedObject: expectedObject))
        }

        mutating func report(
            at component: ValidationIssue.LocationComponent, _ kind: @autoclosure () -> ValidationIssue.Kind, _ input: JSONValue?
        ) {
            failed = true
            if probing { return }
            location.append(component)
            report(kind(), input)
            location.removeLast()
        }

        mutating func append(_ found: [ValidationIssue]) {
            guard !found.isEmpty else { return }
            failed = true
            issues.append(contentsOf: found)
        }
    }

    private func check(_ value: JSONValue, _ schema: CompiledSchema, at component: ValidationIssue.LocationComponent, _ walk: inout Walk) {
        walk.location.append(component)
        check(value, schema, &walk)
        walk.location.removeLast()
    }

    private func check(_ value: JSONValue, _ schema: CompiledSchema, _ walk: inout Walk) {
        if walk.done { return }
        if !refinements.isEmpty, let stricter = refinements.stricter(than: schema) {
            check(value, stricter, &walk)
            return
        }
        if case .null = value, schema.nullable { return }

        // pydantic checks an Enum or a Literal by membership alone: any other input, of any type
        // (null, a number, an object), gets the enumeration's error, never a type error.
        if coercion == .pydanticLax, let allowed = schema.enumValues, !pydanticEnumAccepts(value, allowed, schema) {
            walk.report(.notInEnum(allowed: allowed, enumName: schema.componentName), value)
            return
        }
        if let type = schema.type, !matches(value, type, &walk) {
            let model = type == .object && !schema.properties.isEmpty ? schema.componentName.map(ValidationIssue.ExpectedObject.model) : nil
            walk.report(.wrongType(expected: type.rawValue), value, expectedObject: model)
            return
        }
        if coercion == .jsonSchema, let allowed = schema.enumValues, !allowed.contains(value) {
            walk.report(.notInEnum(allowed: allowed, enumName: schema.componentName), value)
            return
        }

        switch value {
        case .string(let string) where schema.type == nil || schema.type == .string:
            checkString(string, value, schema, &walk)
        case .number(let number): checkNumber(number, value, schema, &walk)
        case .string, .bool:
            // Coerced by pydantic's lax mode into a number: its bounds still apply (when there are any).
            if schema.hasNumericBounds, let number = PydanticLaxCoercion.number(from: value) { checkNumber(number, value, schema, &walk) }
        case .object(let object): checkObject(object, schema, &walk)
        case .array(let array): checkArray(array, value, schema, &walk)
        case .null: break
        }

        for part in schema.allOf { check(value, part, &walk) }
        if !schema.oneOf.isEmpty || !schema.anyOf.isEmpty { checkUnion(value, schema, &walk) }
        if let forbidden = schema.not, !walk.done, isValid(value, against: forbidden) {
            walk.report(.matchesForbiddenSchema, value)
        }
    }

    private func matches(_ value: JSONValue, _ type: CompiledSchema.TypeConstraint, _ walk: inout Walk) -> Bool {
        switch (type, value) {
        case (.null, .null), (.boolean, .bool), (.string, .string), (.array, .array), (.object, .object), (.number, .number):
            return true
        case (.integer, .number(let number)):
            guard number.isInteger else { return false }
            // `2.0` is an integer, which pydantic hands on as `2`.
            if number.hasFractionOrExponent { walk.coerced = true }
            return true
        default:
            guard coercion == .pydanticLax, PydanticLaxCoercion.accepts(value, as: type) else { return false }
            walk.coerced = true
            return true
        }
    }

    /// Whether pydantic takes `value` as a member of `allowed`. Only numeric enumerations look
    /// past the exact value: pydantic compares numbers by value (`1.0` and `true` are the member
    /// `1`), and an int Enum class (a component) also reads a numeric string as `int()` does,
    /// where a `Literal` (a list in place) does not. The exact look-up comes first, so a valid
    /// member of a string enum costs one `contains`, as before.
    private func pydanticEnumAccepts(_ value: JSONValue, _ allowed: [JSONValue], _ schema: CompiledSchema) -> Bool {
        if allowed.contains(value) { return true }
        guard schema.type == .integer || schema.type == .number else { return false }
        let number: JSONNumber?
        switch value {
        case .number(let exact): number = exact
        case .bool: number = PydanticLaxCoercion.number(from: value)
        case .string: number = schema.componentName == nil ? nil : PydanticLaxCoercion.number(from: value)
        default: number = nil
        }
        guard let wanted = number?.doubleValue else { return false }
        return allowed.contains { member in
            if case .number(let allowedNumber) = member { return allowedNumber.doubleValue == wanted }
            return false
        }
    }

    private func checkString(_ string: String, _ value: JSONValue, _ schema: CompiledSchema, _ walk: inout Walk) {
        if schema.minLength > 0 || schema.maxLength != nil {
            let length = string.unicodeScalars.count
            if length < schema.minLength {
                walk.report(.stringTooShort(min: schema.minLength), value)
            }
            if let max = schema.maxLength, length > max {
                walk.report(.stringTooLong(max: max), value)
            }
        }
        if let pattern = schema.pattern {
            let range = NSRange(string.startIndex..., in: string)
            if pattern.firstMatch(in: string, range: range) == nil {
                walk.report(.patternMismatch(pattern: schema.patternSource ?? ""), value)
            }
        }
        if let format = schema.format, !FormatChecker.accepts(string, format: format) {
            walk.report(.formatMismatch(format: format), value)
        }
    }

    private func checkNumber(_ number: JSONNumber, _ value: JSONValue, _ schema: CompiledSchema, _ walk: inout Walk) {
        let double = number.doubleValue
        if let min = schema.minimum, min.exclusive ? !(double > min.value) : !(double >= min.value) {
            walk.report(.numberTooSmall(min: min.value, exclusive: min.exclusive), value)
        }
        if let max = schema.maximum, max.exclusive ? !(double < max.value) : !(double <= max.value) {
            walk.report(.numberTooLarge(max: max.value, exclusive: max.exclusive), value)
        }
        if let factor = schema.multipleOf, factor > 0 {
            let quotient = double / factor
            if abs(quotient - quotient.rounded()) > 1e-9 {
                walk.report(.notMultipleOf(factor), value)
            }
        }
    }

    private func checkObject(_ object: JSONValue.JSONObject, _ schema: CompiledSchema, _ walk: inout Walk) {
        if coercion == .pydanticLax, checkObjectMemberByMember(object, schema, &walk) { return }
        if coercion == .pydanticLax {
            // pydantic validates a model field by field in declaration order, so a missing field
            // and a wrong one are reported in the order the schema lists them.
            for (name, property) in schema.properties {
                if walk.done { return }
                if let member = object[name] {
                    check(member, property, at: .key(name), &walk)
                } else if schema.propertyIndex[name]?.isRequired == true {
                    walk.report(at: .key(name), .missing, .object(object))
                }
            }
            for name in schema.required where schema.propertyIndex[name] == nil && object[name] == nil {
                walk.report(at: .key(name), .missing, .object(object))
            }
        } else {
            // A missing field's input is the object it is missing from, as pydantic reports it.
            for name in schema.required where object[name] == nil {
                walk.report(at: .key(name), .missing, .object(object))
            }
        }
        for (key, member) in object {
            if walk.done { return }
            if let property = schema.propertyIndex[key] {
                if coercion != .pydanticLax { check(member, property.schema, at: .key(key), &walk) }
            } else {
                checkAdditional(key, member, schema, &walk)
            }
        }
        checkMemberCount(object, schema, &walk)
    }

    /// A member the schema does not declare, held to `additionalProperties`.
    private func checkAdditional(_ key: String, _ member: JSONValue, _ schema: CompiledSchema, _ walk: inout Walk) {
        switch schema.additionalProperties {
        case .allowed: break
        case .forbidden: walk.report(at: .key(key), .unexpectedProperty, member)
        case .schema(let additional): check(member, additional, at: .key(key), &walk)
        }
    }

    private func checkMemberCount(_ object: JSONValue.JSONObject, _ schema: CompiledSchema, _ walk: inout Walk) {
        if object.count < schema.minProperties {
            walk.report(.tooFewProperties(min: schema.minProperties), .object(object))
        }
        if let max = schema.maxProperties, object.count > max {
            walk.report(.tooManyProperties(max: max), .object(object))
        }
    }

    /// pydantic's checks of an object, member by member in the object's order: one look-up per
    /// member, where the schema's order costs a look-up per declared field. True when that
    /// settled it; false, with nothing reported, when it found an issue that the caller must
    /// report in the schema's order (a probe needs no order and stops here).
    private func checkObjectMemberByMember(_ object: JSONValue.JSONObject, _ schema: CompiledSchema, _ walk: inout Walk) -> Bool {
        guard schema.required.count == schema.requiredPropertyCount else { return false }
        let issuesBefore = walk.issues.count
        let failedBefore = walk.failed
        func foundIssue(_ walk: Walk) -> Bool { walk.probing ? walk.failed : walk.issues.count > issuesBefore }
        var requiredFound = 0
        for (key, member) in object {
            if let property = schema.propertyIndex[key] {
                if property.isRequired { requiredFound += 1 }
                check(member, property.schema, at: .key(key), &walk)
            } else {
                checkAdditional(key, member, schema, &walk)
            }
            if foundIssue(walk) { break }
        }
        if !foundIssue(walk) && requiredFound == schema.requiredPropertyCount {
            checkMemberCount(object, schema, &walk)
            return true
        }
        if walk.probing {
            walk.failed = true
            return true
        }
        walk.issues.removeSubrange(issuesBefore...)
        walk.failed = failedBefore
        return false
    }

    private func checkArray(_ array: [JSONValue], _ value: JSONValue, _ schema: CompiledSchema, _ walk: inout Walk) {
        if array.count < schema.minItems {
            walk.report(.tooFewItems(min: schema.minItems), value)
        }
        if let max = schema.maxItems, array.count > max {
            walk.report(.tooManyItems(max: max), value)
        }
        if schema.uniqueItems {
            for i in array.indices where array[..<i].contains(array[i]) {
                walk.report(at: .index(i), .duplicateItems, array[i])
            }
        }
        if let items = schema.items {
            for (index, item) in array.enumerated() {
                if walk.done { return }
                check(item, items, at: .index(index), &walk)
            }
        }
    }

    /// oneOf/anyOf. With a discriminator only the tagged branch is checked, so its issues are
    /// precise (as pydantic's tagged unions report them); otherwise the branches are tried.
    private func checkUnion(_ value: JSONValue, _ schema: CompiledSchema, _ walk: inout Walk) {
        if coercion == .pydanticLax {
            checkPydanticUnion(value, schema, &walk)
            return
        }
        if let discriminator = schema.discriminator, case .object(let object) = value {
            if let (_, branch) = taggedBranch(object, discriminator, pydanticStyle: false, &walk) {
                check(value, branch, &walk)
            }
            return
        }
        let branches = schema.unionBranches
        let matched = branches.lazy.filter { isValid(value, against: $0) }.prefix(schema.oneOf.isEmpty ? 1 : 2).count
        if matched == 1 { return }
        if matched > 1 {
            walk.report(.severalUnionBranchesMatched, value)
            return
        }
        if walk.probing {
            walk.report(.noUnionBranchMatched, value)
            return
        }
        // No branch matched: report the branch that got furthest (fewest issues, none of them a
        // type mismatch at the top), which is what a client usually meant.
        let branchIssues = branches.map { validate(value, against: $0, at: walk.location) }
        if let best = branchIssues.min(by: { score($0, walk.location) < score($1, walk.location) }),
            score(best, walk.location) < Int.max / 2
        {
            walk.append(best)
        } else {
            walk.report(.noUnionBranchMatched, value)
        }
    }

    /// A union as pydantic v2 validates it. A tagged union checks the tagged member and puts
    /// the tag in `loc`; a wrong or missing tag is reported at the union itself. Other unions
    /// (smart mode) accept a value any member accepts, and otherwise report every member's
    /// errors, each under the member's label (`["body", 0, "data", "ResultSchemaGeneration", "x"]`).
    private func checkPydanticUnion(_ value: JSONValue, _ schema: CompiledSchema, _ walk: inout Walk) {
        if let discriminator = schema.discriminator {
            guard case .object(let object) = value else {
                walk.report(.wrongType(expected: "object"), value, expectedObject: .taggedUnion)
                return
            }
            if let (tag, branch) = taggedBranch(object, discriminator, pydanticStyle: true, &walk) {
                check(value, branch, at: .key(tag), &walk)
            }
            return
        }
        if case .null = value, PydanticUnionLabel.acceptsNull(schema) { return }
        // Whether a member accepts the value: the branches as written decide it as well as the
        // flattened members (a nested union accepts what one of its members does, a null branch
        // no non-null value), without building the member list for every valid value.
        let branches = schema.unionBranches
        for branch in branches {
            let accepted = probe(value, branch)
            if !accepted.failed {
                if accepted.coerced { walk.coerced = true }
                return
            }
        }
        if walk.probing {
            walk.report(.noUnionBranchMatched, value)
            return
        }
        for member in PydanticUnionLabel.members(of: schema) {
            let label = ValidationIssue.LocationComponent.key(PydanticUnionLabel.label(member))
            walk.append(
                validate(value, against: member, at: walk.location).map { issue in
                    var labelled = issue
                    labelled.location.insert(label, at: walk.location.count)
                    return labelled
                })
        }
    }

    /// The branch a discriminated union's tag selects, or nil after reporting a missing or
    /// unknown tag. pydantic reports an unknown tag at the union with the whole object as input;
    /// JSON Schema users expect it at the tag property itself.
    private func taggedBranch(
        _ object: JSONValue.JSONObject, _ discriminator: CompiledSchema.Discriminator, pydanticStyle: Bool, _ walk: inout Walk
    ) -> (String, CompiledSchema)? {
        let tags = discriminator.branches.map(\.tag)
        guard let tagValue = object[discriminator.propertyName] else {
            walk.report(.unionTagMissing(property: discriminator.propertyName, expected: tags), .object(object))
            return nil
        }
        guard case .string(let tag) = tagValue, let branch = discriminator.branches.first(where: { $0.tag == tag }) else {
            let kind = ValidationIssue.Kind.unionTagInvalid(property: discriminator.propertyName, tag: tagValue, expected: tags)
            if pydanticStyle {
                walk.report(kind, .object(object))
            } else {
                walk.report(at: .key(discriminator.propertyName), kind, tagValue)
            }
            return nil
        }
        return (tag, branch.schema)
    }

    private func score(_ branchIssues: [ValidationIssue], _ location: [ValidationIssue.LocationComponent]) -> Int {
        let topLevelTypeMismatch = branchIssues.contains { issue in
            if case .wrongType = issue.kind, issue.location == location { return true }
            return false
        }
        return topLevelTypeMismatch ? Int.max : branchIssues.count
    }
}
