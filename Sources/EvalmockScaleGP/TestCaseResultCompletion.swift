import EvalmockKit

/// `--lenient` mode's completion of Scale GP results: a stored result is made to validate
/// against `TestCaseResultResponse` (the response schema of every result answer), so a client
/// with strict response validation parses it. Used for results whose evaluation data failed the
/// deeper rule (`{"foo": "bar"}` gets a `generation_output`) and for results first referenced by
/// an id nobody created. In the default mode there is no completion: nothing stored needs it.
struct TestCaseResultCompletion {
    let responseSchema: CompiledSchema
    let documents: TestCaseResultDocument
    private let completion = SchemaCompletion()

    init?(specification: OpenAPISpecification, documents: TestCaseResultDocument) {
        guard let schema = specification.componentSchema("TestCaseResultResponse") else { return nil }
        responseSchema = schema
        self.documents = documents
    }

    func complete(_ document: JSONValue.JSONObject) -> JSONValue.JSONObject {
        guard case .object(let completed) = completion.complete(.object(document), against: responseSchema) else { return document }
        return documents.members(of: completed).object
    }
}
