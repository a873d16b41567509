import Foundation

/// Completes a JSON value so that it validates against a schema, keeping everything it has.
///
/// Lenient mode (`evalmock serve --lenient`) stores objects that the published request schema
/// accepts but that lack what the response schema requires (an SDK's placeholder body), and
/// objects first referenced by an id nobody created. Their answers must still parse in the
/// client's models, so missing required members are filled in: the member schema's `example`,
/// else its `default`, else its first `enum` value, else a typed placeholder (`"string"`, `0`,
/// `false`, `[]`, a timestamp for `date-time`, a nil UUID for `uuid`). Members that are present
/// and valid are kept as they are, in their order; present members of the wrong type are
/// replaced. Unions complete towards the member the value already names (a discriminator's
/// tag), else the first member that can be completed.
public struct SchemaCompletion: Sendable {
    /// Responses are checked with JSON Schema's exact types.
    private let validator = SchemaValidator()
    /// Recursive schemas (a model that requires a list of itself) stop here.
    private let maxDepth = 16

    public init() {}

    public func complete(_ value: JSONValue, against schema: CompiledSchema) -> JSONValue {
        complete(value, schema, depth: 0)
    }

    /// A value for a member nothing was given for.
    public func placeholder(for schema: CompiledSchema) -> JSONValue {
        placeholder(schema, depth: 0)
    }

    private func complete(_ value: JSONValue, _ schema: CompiledSchema, depth: Int) -> JSONValue {
        if validator.isValid(value, against: schema) { return value }
        guard depth < maxDepth else { return value }
        if let discriminator = schema.discriminator, case .object(var object) = value, !discriminator.branches.isEmpty {
            let tag = object[discriminator.propertyName]?.stringValue
            let branch = discriminator.branches.first { $0.tag == tag } ?? discriminator.branches[0]
            object[discriminator.propertyName] = .string(branch.tag)
            return complete(.object(object), branch.schema, depth: depth + 1)
        }
        let members = schema.unionBranches
        if !members.isEmpty {
            let candidates = members.map { complete(value, $0, depth: depth + 1) }
            return candidates.first { validator.isValid($0, against: schema) } ?? candidates[0]
        }
        var completed = value
        for part in schema.allOf { completed = complete(completed, part, depth: depth + 1) }
        if case .object(let object) = completed, schema.type == .object || (schema.type == nil && !schema.properties.isEmpty) {
            return .object(completeMembers(object, schema, depth: depth))
        }
        if case .array(let items) = completed, schema.type == .array {
            let itemSchema = schema.items ?? .anything
            var completedItems = items.map { complete($0, itemSchema, depth: depth + 1) }
            while completedItems.count < schema.minItems { completedItems.append(placeholder(itemSchema, depth: depth + 1)) }
            return .array(completedItems)
        }
        return validator.isValid(completed, against: schema) ? completed : placeholder(schema, depth: depth)
    }

    private func completeMembers(_ object: JSONValue.JSONObject, _ schema: CompiledSchema, depth: Int) -> JSONValue.JSONObject {
        var completed = object
        for (name, member) in object {
            if let property = schema.propertyIndex[name] {
                completed[name] = complete(member, property.schema, depth: depth + 1)
            }
        }
        for name in schema.required where completed[name] == nil {
            completed[name] = placeholder(schema.propertyIndex[name]?.schema ?? .anything, depth: depth + 1)
        }
        return completed
    }

    private func placeholder(_ schema: CompiledSchema, depth: Int) -> JSONValue {
        if let example = schema.example, validator.isValid(example, against: schema) { return example }
        if let fallback = schema.defaultValue, validator.isValid(fallback, against: schema) { return fallback }
        if let first = schema.enumValues?.first { return first }
        guard depth < maxDepth else { return .null }
        if let discriminator = schema.discriminator, let branch = discriminator.branches.first {
            return complete(.object([discriminator.propertyName: .string(branch.tag)]), branch.schema, depth: depth + 1)
        }
        let members = schema.unionBranches
        if let member = members.first(where: { $0.type != .null }) ?? members.first {
            return placeholder(member, depth: depth + 1)
        }
        if let part = schema.allOf.first, schema.type == nil, schema.properties.isEmpty {
            return complete(placeholder(part, depth: depth + 1), schema, depth: depth + 1)
        }
        switch schema.type {
        case .string?: return .string(placeholderText(schema))
        case .integer?: return .number(JSONNumber(lexeme: placeholderNumber(schema, integer: true)))
        case .number?: return .number(JSONNumber(lexeme: placeholderNumber(schema, integer: false)))
        case .boolean?: return .bool(false)
        case .null?: return .null
        case .array?:
            let itemSchema = schema.items ?? .anything
            return .array((0..<schema.minItems).map { _ in placeholder(itemSchema, depth: depth + 1) })
        case .object?:
            return .object(completeMembers([:], schema, depth: depth))
        case nil:
            return schema.properties.isEmpty ? .null : .object(completeMembers([:], schema, depth: depth))
        }
    }

    private func placeholderText(_ schema: CompiledSchema) -> String {
        switch schema.format {
        case "date-time": return "1970-01-01T00:00:00Z"
        case "date": return "1970-01-01"
        case "uuid": return "00000000-0000-0000-0000-000000000000"
        case "email": return "user@example.com"
        default:
            var text = "string"
            while text.unicodeScalars.count < schema.minLength { text += "x" }
            if let max = schema.maxLength, text.unicodeScalars.count > max { text = String(text.unicodeScalars.prefix(max)) }
            return text
        }
    }

    private func placeholderNumber(_ schema: CompiledSchema, integer: Bool) -> String {
        var value = 0.0
        if let min = schema.minimum, !(min.exclusive ? value > min.value : value >= min.value) {
            value = min.exclusive ? (integer ? min.value.rounded(.down) + 1 : min.value + 1) : min.value.rounded(.up)
        }
        if let max = schema.maximum, !(max.exclusive ? value < max.value : value <= max.value) {
            value = max.exclusive ? (integer ? max.value.rounded(.up) - 1 : max.value - 1) : max.value.rounded(.down)
        }
        return integer || value == value.rounded() ? String(Int(value)) : String(value)
    }
}
