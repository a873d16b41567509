/// Deeper rules of a service, expressed as schemas: where the published document is looser than
/// what the service really checks (a free-form object the service validates as a union of
/// models), a refinement names the published schema node and the stricter schema the service
/// applies in its place.
///
/// Both schemas live in the OpenAPI document; an API only pairs them. A `SchemaValidator` with
/// refinements validates each refined node against its stricter schema, at the same location,
/// so the issues read exactly as if the document had said the stricter thing.
public struct SchemaRefinements: @unchecked Sendable {
    private var stricterSchemas: [ObjectIdentifier: CompiledSchema] = [:]

    public init() {}

    public var isEmpty: Bool { stricterSchemas.isEmpty }

    /// Validate `published` as `stricter` wherever the validator meets it.
    public mutating func refine(_ published: CompiledSchema, as stricter: CompiledSchema) {
        stricterSchemas[ObjectIdentifier(published)] = stricter
    }

    func stricter(than schema: CompiledSchema) -> CompiledSchema? {
        stricterSchemas[ObjectIdentifier(schema)]
    }
}
