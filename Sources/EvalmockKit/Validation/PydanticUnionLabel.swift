/// How pydantic v2 names the members of a union in an error's `loc`.
///
/// pydantic-core reports a failed union with the errors of every member, each under the
/// member's label: a model's class name (`ResultSchemaGeneration`), a tag of a discriminated
/// union (`CHUNKS`), or the repr of a type (`str`, `list[FlexibleIOChunk]`,
/// `dict[str,any]`). FastAPI names component schemas after the classes, so the label of a
/// model is its component name.
enum PydanticUnionLabel {
    static func label(_ schema: CompiledSchema) -> String {
        var visiting: Set<ObjectIdentifier> = []
        return label(schema, &visiting)
    }

    /// The members of a union as pydantic sees them: nested plain unions are flattened and
    /// `None` is not a member (pydantic wraps the union in `nullable[...]` instead).
    static func members(of schema: CompiledSchema) -> [CompiledSchema] {
        let branches = schema.unionBranches
        return branches.flatMap { branch -> [CompiledSchema] in
            if isPlainUnion(branch) { return members(of: branch) }
            return branch.type == .null && branch.allOf.isEmpty ? [] : [branch]
        }
    }

    static func acceptsNull(_ schema: CompiledSchema) -> Bool {
        let branches = schema.unionBranches
        return branches.contains { $0.type == .null || (isPlainUnion($0) && acceptsNull($0)) }
    }

    private static func isPlainUnion(_ schema: CompiledSchema) -> Bool {
        schema.type == nil && schema.discriminator == nil && (!schema.anyOf.isEmpty || !schema.oneOf.isEmpty)
            && schema.properties.isEmpty && schema.allOf.isEmpty
    }

    private static func label(_ schema: CompiledSchema, _ visiting: inout Set<ObjectIdentifier>) -> String {
        let inner = bareLabel(schema, &visiting)
        return schema.nullable && !inner.hasPrefix("nullable[") ? "nullable[\(inner)]" : inner
    }

    private static func bareLabel(_ schema: CompiledSchema, _ visiting: inout Set<ObjectIdentifier>) -> String {
        // A recursive schema refers to itself; pydantic names the cycle by its model name.
        guard visiting.insert(ObjectIdentifier(schema)).inserted else { return schema.componentName ?? "any" }
        defer { visiting.remove(ObjectIdentifier(schema)) }
        if schema.allOf.count == 1, schema.type == nil { return label(schema.allOf[0], &visiting) }
        if let discriminator = schema.discriminator {
            // In the union's own order, which is the order of the Python annotation.
            let declared = schema.unionBranches
            let branches = declared.isEmpty ? discriminator.branches.map(\.schema) : declared
            var names: [String] = []
            for branch in branches {
                let name = label(branch, &visiting)
                if !names.contains(name) { names.append(name) }
            }
            return "tagged-union[\(names.joined(separator: ","))]"
        }
        if !schema.anyOf.isEmpty || !schema.oneOf.isEmpty {
            let names = members(of: schema).map { label($0, &visiting) }
            let union = names.count == 1 ? names[0] : "union[\(names.joined(separator: ","))]"
            return acceptsNull(schema) ? "nullable[\(union)]" : union
        }
        if let values = schema.enumValues {
            // A component is an Enum class, labelled by its mixed-in type (`class S(str, Enum)`,
            // as FastAPI services declare them); a list in place is a `Literal`.
            guard let name = schema.componentName else {
                return "literal[\(values.map(PydanticErrorRenderer.pythonLiteral).joined(separator: ","))]"
            }
            switch schema.type {
            case .string?: return "str-enum[\(name)]"
            case .integer?: return "int-enum[\(name)]"
            case .number?: return "float-enum[\(name)]"
            default: return "enum[\(name)]"
            }
        }
        switch schema.type {
        case .string?: return "str"
        case .integer?: return "int"
        case .number?: return "float"
        case .boolean?: return "bool"
        case .null?: return "none"
        case .array?: return "list[\(schema.items.map { label($0, &visiting) } ?? "any")]"
        case .object?:
            if !schema.properties.isEmpty { return schema.componentName ?? "model" }
            if case .schema(let values) = schema.additionalProperties { return "dict[str,\(label(values, &visiting))]" }
            return "dict[str,any]"
        case nil: return "any"
        }
    }
}
