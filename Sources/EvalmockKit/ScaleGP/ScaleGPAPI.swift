/// Scale GP (`openapi/scale-gp.json`), the EGP API v4 that the `scale-gp` SDK calls. It is a
/// FastAPI service: pydantic's lax validation and FastAPI's `{"detail": ...}` errors.
final class ScaleGPAPI: EmulatedAPI {
    let name = "scale-gp"
    let specification: OpenAPISpecification
    /// The document's server (`https://api.egp.scale.com`) has no path prefix.
    let mountPrefixes = [""]
    let errorDialect: any ErrorDialect = FastAPIErrorDialect()
    let typeCoercion = TypeCoercion.pydanticLax
    private let credentials: CredentialCheck
    private let testCaseResults: TestCaseResultHandlers
    private let testCaseResultHistory: TestCaseResultHistoryHandlers
    let database: SQLiteDatabase
    let deeperRules: SchemaRefinements

    init(environment: APIEnvironment) throws {
        specification = try environment.specification("scale-gp.json")
        credentials = CredentialCheck(acceptedKeys: environment.apiKeys)
        database = environment.database
        deeperRules = ScaleGPDeeperRules.make(specification)
        let documents = TestCaseResultDocument(specification: specification)
        let history = TestCaseResultHistoryStore(database: environment.database)
        testCaseResults = TestCaseResultHandlers(
            store: TestCaseResultStore(database: environment.database),
            history: history,
            documents: documents,
            completion: environment.lenient ? TestCaseResultCompletion(specification: specification, documents: documents) : nil,
            clock: Timestamp.nowPydanticUTC
        )
        testCaseResultHistory = TestCaseResultHistoryHandlers(results: testCaseResults, history: history)
    }

    /// The `x-api-key` header (the document's `APIKeyHeader` scheme, what the SDK sends).
    func authenticate(_ request: HTTPRequest) -> AuthenticationOutcome {
        credentials.verdict(request.headers["x-api-key"])
    }

    var handlers: [String: OperationHandler] {
        let base = "/evaluations/{evaluation_id}/test-case-results"
        return [
            "POST-V4-\(base)/batch": testCaseResults.createBatch,
            "POST-V4-\(base)": testCaseResults.createOne,
            "GET-V4-\(base)": testCaseResults.list,
            "GET-V4-\(base)/{test_case_result_id}": testCaseResults.retrieve,
            "PATCH-V4-\(base)/{test_case_result_id}": testCaseResults.update,
            "GET-V4-\(base)/{test_case_result_id}/history/{num}": testCaseResultHistory.retrieve,
            "GET-V4-\(base)/history/{num}": testCaseResultHistory.list,
        ]
    }
}
