/// One operation of an OpenAPI document, with everything the pipeline needs compiled:
/// where it is served, how to validate its input and what its responses look like.
public struct OperationDefinition: @unchecked Sendable {
    public struct ParameterRule {
        public let name: String
        public let required: Bool
        public let schema: CompiledSchema
    }

    public struct BodyRule {
        public let schema: CompiledSchema
        public let required: Bool
    }

    public let operationId: String
    public let method: String
    public let template: PathTemplate
    public let pathParameters: [ParameterRule]
    public let queryParameters: [ParameterRule]
    public let body: BodyRule?
    /// Response schemas by status code (`"201"`, `"default"`), for `application/json`.
    public let responseSchemas: [String: CompiledSchema]
    /// The statuses whose answer is JSON lines, each line checked against `responseSchemas`.
    public var jsonLinesResponses: Set<String> = []
}
