import EvalmockKit

/// Scale GP (`openapi/scale-gp.json`), the EGP API v4 that the `scale-gp` SDK calls. It is a
/// FastAPI service: pydantic's lax validation and FastAPI's `{"detail": ...}` errors.
public final class ScaleGPAPI: EmulatedAPI {
    public let name = "scale-gp"
    public let specification: OpenAPISpecification
    /// The document's server (`https://api.egp.scale.com`) has no path prefix.
    public let mountPrefixes = [""]
    public let errorDialect: any ErrorDialect = FastAPIErrorDialect()
    public let typeCoercion = TypeCoercion.pydanticLax
    private let credentials: CredentialCheck
    private let testCaseResults: TestCaseResultHandlers
    private let testCaseResultHistory: TestCaseResultHistoryHandlers
    public let database: SQLiteDatabase
    public let deeperRules: SchemaRefinements
    /// The v4 resources around an evaluation (`ScaleGPResources`).
    let resources: ResourceCollection
    public let handlers: [String: OperationHandler]

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
        resources = ResourceCollection(
            store: ResourceStore(database: database, table: ScaleGPResources.table),
            specification: specification, lenient: environment.lenient,
            paging: PageNumberPaging(), deleted: ScaleGPResources.deleted)
        var specific: [String: OperationHandler] = [:]
        let results = testCaseResults.store
        for area in [ScaleGPDatasets.declare, ScaleGPApplications.declare, { try ScaleGPEvaluations.declare($0, results: results) }] {
            specific.merge(try area(resources)) { _, _ in preconditionFailure("two areas handle one operation") }
        }
        let base = "/evaluations/{evaluation_id}/test-case-results"
        let resultOperations: [(String, OperationHandler, creates: Bool)] = [
            ("POST-V4-\(base)/batch", testCaseResults.createBatch, true),
            ("POST-V4-\(base)", testCaseResults.createOne, true),
            ("GET-V4-\(base)", testCaseResults.list, false),
            ("GET-V4-\(base)/{test_case_result_id}", testCaseResults.retrieve, false),
            ("PATCH-V4-\(base)/{test_case_result_id}", testCaseResults.update, false),
            ("GET-V4-\(base)/{test_case_result_id}/history/{num}", testCaseResultHistory.retrieve, false),
            ("GET-V4-\(base)/history/{num}", testCaseResultHistory.list, false),
        ]
        for (operation, handler, creates) in resultOperations {
            specific[operation] = ScaleGPEvaluations.linking(resources, results: results, creates: creates, handler)
        }
        handlers = resources.handlers.merging(specific) { _, specific in specific }
    }

    /// The `x-api-key` header (the document's `APIKeyHeader` scheme, what the SDK sends).
    public func authenticate(_ request: HTTPRequest) -> AuthenticationOutcome {
        credentials.verdict(request.headers["x-api-key"])
    }
}

extension ScaleGPAPI {
    /// What the CLI's API list holds: this API's migrations and how to build it.
    public static let registration = APIRegistration(migrations: ScaleGPMigrations.all) { try ScaleGPAPI(environment: $0) }
}
