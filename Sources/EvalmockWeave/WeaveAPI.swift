import EvalmockKit
/// W&B Weave's trace server, v2 evaluation routes (`openapi/weave.json`): evaluation runs,
/// predictions and scores under `/v2/{entity}/{project}`. A FastAPI service: pydantic's lax
/// validation and FastAPI's `{"detail"}` errors, plus the server's own `{"reason"}` errors
/// from its handlers.
public final class WeaveAPI: EmulatedAPI {
    public let name = "weave"
    public let specification: OpenAPISpecification
    public let mountPrefixes = [""]
    /// FastAPI's `HTTPBasic` answer to a request without credentials.
    public let errorDialect: any ErrorDialect = FastAPIErrorDialect(unauthorizedDetail: "Not authenticated", authenticateChallenge: "Basic")
    public let typeCoercion = TypeCoercion.pydanticLax
    private let credentials: CredentialCheck
    private let runs: WeaveEvaluationRunHandlers
    private let predictions: WeavePredictionHandlers
    private let scores: WeaveScoreHandlers
    private let store: WeaveCallStore
    public let database: SQLiteDatabase

    init(environment: APIEnvironment) throws {
        specification = try environment.specification("weave.json")
        credentials = CredentialCheck(acceptedKeys: environment.apiKeys)
        database = environment.database
        let store = WeaveCallStore(database: environment.database)
        self.store = store
        runs = WeaveEvaluationRunHandlers(store: store)
        predictions = WeavePredictionHandlers(store: store)
        scores = WeaveScoreHandlers(store: store)
    }

    public func authenticate(_ request: HTTPRequest) -> AuthenticationOutcome {
        credentials.verdict(WeaveAuth.credential(request))
    }

    public func inventory() throws -> JSONValue.JSONObject { try store.inventory() }

    /// By the operationIds FastAPI generated for the document.
    public var handlers: [String: OperationHandler] {
        let route = WeaveResponses.handler
        let base = "_v2__entity___project__"
        return [
            "evaluation_run_create\(base)evaluation_runs_post": route(runs.create),
            "evaluation_run_read\(base)evaluation_runs__evaluation_run_id__get": route(runs.read),
            "evaluation_run_list\(base)evaluation_runs_get": route(runs.list),
            "evaluation_run_delete\(base)evaluation_runs_delete": route(runs.delete),
            "evaluation_run_finish\(base)evaluation_runs__evaluation_run_id__finish_post": route(runs.finish),
            "prediction_create\(base)predictions_post": route(predictions.create),
            "prediction_read\(base)predictions__prediction_id__get": route(predictions.read),
            "prediction_list\(base)predictions_get": route(predictions.list),
            "prediction_delete\(base)predictions_delete": route(predictions.delete),
            "prediction_finish\(base)predictions__prediction_id__finish_post": route(predictions.finish),
            "score_create\(base)scores_post": route(scores.create),
            "score_read\(base)scores__score_id__get": route(scores.read),
            "score_list\(base)scores_get": route(scores.list),
            "score_delete\(base)scores_delete": route(scores.delete),
        ]
    }
}

extension WeaveAPI {
    /// What the CLI's API list holds: this API's migrations and how to build it.
    public static let registration = APIRegistration(migrations: WeaveMigrations.all) { try WeaveAPI(environment: $0) }
}
