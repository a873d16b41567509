import Foundation
import OpenAPIKit

/// Turns OpenAPIKit's typed schemas into `CompiledSchema` trees, resolving `$ref`s against the
/// document's components. Each component is compiled once, so recursive schemas become cycles
/// of references rather than infinite trees.
///
/// Not thread-safe: `OpenAPISpecification` compiles under its lock.
final class SchemaCompiler {
    /// A component schema by name (decoded when first asked for); nil when there is none.
    private let schemaNamed: (String) throws -> JSONSchema?
    private var compiledComponents: [String: CompiledSchema] = [:]

    init(schemaNamed: @escaping (String) throws -> JSONSchema?) {
        self.schemaNamed = schemaNamed
    }

    func compile(_ schema: JSONSchema) throws -> CompiledSchema {
        if case .reference(let reference, _) = schema.value {
            return try compileReference(reference)
        }
        let node = CompiledSchema()
        try fill(node, from: schema)
        return node
    }

    /// The schema a reference names, following references between components as OpenAPIKit's
    /// `Components` subscript does (nil for a cycle, a missing or an external one).
    func lookup(_ reference: JSONReference<JSONSchema>) throws -> JSONSchema? {
        var seen = Set<String>()
        var current = reference
        while let name = current.name, case .internal = current, seen.insert(name).inserted {
            guard let schema = try schemaNamed(name) else { return nil }
            guard case .reference(let next, _) = schema.value else { return schema }
            current = next
        }
        return nil
    }

    func compileComponent(named name: String) throws -> CompiledSchema? {
        if let cached = compiledComponents[name] { return cached }
        guard let schema = try schemaNamed(name) else { return nil }
        let node = CompiledSchema()
        node.componentName = name
        compiledComponents[name] = node
        if case .reference(let reference, _) = schema.value {
            // An alias component: share the target's node.
            let target = try compileReference(reference)
            compiledComponents[name] = target
            return target
        }
        do {
            try fill(node, from: schema)
        } catch {
            compiledComponents[name] = nil
            throw error
        }
        return node
    }

    private func compileReference(_ reference: JSONReference<JSONSchema>) throws -> CompiledSchema {
        guard let name = reference.name, let node = try compileComponent(named: name) else {
            // An unresolvable reference constrains nothing rather than rejecting every request.
            return CompiledSchema.anything
        }
        return node
    }

    private func fill(_ node: CompiledSchema, from schema: JSONSchema) throws {
        let core = schema.coreContext
        node.nullable = schema.nullable
        node.enumValues = core.allowedValues?.map(JSONValue.init(anyCodable:))
        node.defaultValue = core.defaultValue.map(JSONValue.init(anyCodable:))
        node.example = core.examples.first.map(JSONValue.init(anyCodable:))
        node.format = core.formatString.flatMap { $0.isEmpty ? nil : $0 }

        switch schema.value {
        case .null:
            node.type = .null
        case .boolean:
            node.type = .boolean
        case .integer(_, let context):
            node.type = .integer
            node.minimum = context.minimum.map { .init(value: Double($0.value), exclusive: $0.exclusive) }
            node.maximum = context.maximum.map { .init(value: Double($0.value), exclusive: $0.exclusive) }
            node.multipleOf = context.multipleOf.map(Double.init)
        case .number(_, let context):
            node.type = .number
            node.minimum = context.minimum.map { .init(value: $0.value, exclusive: $0.exclusive) }
            node.maximum = context.maximum.map { .init(value: $0.value, exclusive: $0.exclusive) }
            node.multipleOf = context.multipleOf
        case .string(_, let context):
            node.type = .string
            node.minLength = context.minLength
            node.maxLength = context.maxLength
            if let pattern = context.pattern {
                node.patternSource = pattern
                node.pattern = try? NSRegularExpression(pattern: pattern)
            }
        case .object(_, let context):
            node.type = .object
            node.setProperties(try context.properties.map { ($0.key, try compile($0.value)) }, required: context.requiredProperties)
            switch context.additionalProperties {
            case .none, .some(.a(true)): node.additionalProperties = .allowed
            case .some(.a(false)): node.additionalProperties = .forbidden
            case .some(.b(let schema)): node.additionalProperties = .schema(try compile(schema))
            }
            // OpenAPIKit raises minProperties to the number of required properties; the required
            // check already covers that, and reporting it twice would only confuse clients.
            node.minProperties = context.minProperties > context.requiredProperties.count ? context.minProperties : 0
            node.maxProperties = context.maxProperties
        case .array(_, let context):
            node.type = .array
            node.items = try context.items.map(compile)
            node.minItems = context.minItems
            node.maxItems = context.maxItems
            node.uniqueItems = context.uniqueItems
        case .all(let schemas, _):
            node.allOf = try schemas.map(compile)
        case .any(let schemas, _):
            let branches = try schemas.map(compile)
            if let single = Self.nullableBranch(branches) {
                // `anyOf: [X, {type: null}]` is how FastAPI writes Optional[X]: a nullable X, and
                // errors name X's rule rather than a failed union.
                node.nullable = true
                node.allOf = [single]
            } else {
                node.anyOf = branches
            }
        case .one(let schemas, _):
            node.oneOf = try schemas.map(compile)
        case .not(let schema, _):
            node.not = try compile(schema)
        case .reference(let reference, _):
            node.allOf = [try compileReference(reference)]
        case .fragment:
            break
        }

        if let discriminator = core.discriminator {
            node.discriminator = try discriminatorBranches(discriminator, union: node.unionBranches)
        }
    }

    private static func nullableBranch(_ branches: [CompiledSchema]) -> CompiledSchema? {
        guard branches.count == 2 else { return nil }
        let nonNull = branches.filter { $0.type != .null }
        guard nonNull.count == 1, branches.contains(where: { $0.type == .null && $0.allOf.isEmpty && $0.enumValues == nil }) else {
            return nil
        }
        return nonNull[0]
    }

    /// Tag → branch: the explicit mapping first, then each branch's component name, then the
    /// `const`/single `enum` of the discriminator property in each branch.
    private func discriminatorBranches(_ discriminator: OpenAPI.Discriminator, union: [CompiledSchema]) throws
        -> CompiledSchema.Discriminator
    {
        var branches: [(tag: String, schema: CompiledSchema)] = []
        if let mapping = discriminator.mapping {
            for (tag, target) in mapping {
                let name = target.split(separator: "/").last.map(String.init) ?? target
                if let node = try compileComponent(named: name) { branches.append((tag, node)) }
            }
        }
        for branch in union where !branches.contains(where: { $0.schema === branch }) {
            if let property =
                (branch.propertyIndex[discriminator.propertyName]
                ?? branch.allOf.lazy.compactMap({ $0.propertyIndex[discriminator.propertyName] }).first)?.schema,
                let values = property.enumValues, !values.isEmpty
            {
                for case .string(let tag) in values { branches.append((tag, branch)) }
            } else if let name = branch.componentName {
                branches.append((name, branch))
            }
        }
        return .init(propertyName: discriminator.propertyName, branches: branches)
    }
}

extension JSONValue {
    /// Converts the untyped values OpenAPIKit keeps for `enum`, `default` and `example`.
    init(anyCodable: AnyCodable) {
        self.init(any: anyCodable.value)
    }

    init(any value: Any) {
        switch value {
        case let bool as Bool: self = .bool(bool)
        case let int as Int: self = .number(JSONNumber(int))
        case let double as Double:
            self = .number(JSONNumber(double))
        case let string as String: self = .string(string)
        case let array as [Any]: self = .array(array.map(JSONValue.init(any:)))
        case let array as [AnyCodable]: self = .array(array.map(JSONValue.init(anyCodable:)))
        case let dictionary as [String: AnyCodable]:
            var object = JSONObject()
            for key in dictionary.keys.sorted() { object[key] = JSONValue(anyCodable: dictionary[key]!) }
            self = .object(object)
        case let dictionary as [String: Any]:
            var object = JSONObject()
            for key in dictionary.keys.sorted() { object[key] = JSONValue(any: dictionary[key]!) }
            self = .object(object)
        case let codable as AnyCodable: self.init(anyCodable: codable)
        default: self = .null
        }
    }
}
