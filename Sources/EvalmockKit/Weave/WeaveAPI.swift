/// W&B Weave's trace server (`openapi/weave.json`): calls and feedback, and the v2 evaluation
/// routes (evaluation runs, predictions and scores under `/v2/{entity}/{project}`) as views of
/// the same calls. A FastAPI service: pydantic's lax
/// validation and FastAPI's `{"detail"}` errors, plus the server's own `{"reason"}` errors
/// from its handlers.
final class WeaveAPI: EmulatedAPI {
    let name = "weave"
    let specification: OpenAPISpecification
    let mountPrefixes = [""]
    /// FastAPI's `HTTPBasic` answer to a request without credentials.
    let errorDialect: any ErrorDialect = FastAPIErrorDialect(unauthorizedDetail: "Not authenticated", authenticateChallenge: "Basic")
    let typeCoercion = TypeCoercion.pydanticLax
    private let credentials: CredentialCheck
    private let runs: WeaveEvaluationRunHandlers
    private let predictions: WeavePredictionHandlers
    private let scores: WeaveScoreHandlers
    private let calls: WeaveCallHandlers
    private let feedback: WeaveFeedbackHandlers
    let database: SQLiteDatabase

    init(environment: APIEnvironment) throws {
        specification = try environment.specification("weave.json")
        credentials = CredentialCheck(acceptedKeys: environment.apiKeys)
        database = environment.database
        let feedbackStore = WeaveFeedbackStore(database: environment.database)
        let reader = WeaveCallReader(calls: WeaveCallStore(database: environment.database), feedback: feedbackStore)
        runs = WeaveEvaluationRunHandlers(reader: reader)
        predictions = WeavePredictionHandlers(reader: reader)
        scores = WeaveScoreHandlers(reader: reader, feedback: feedbackStore, database: environment.database)
        calls = WeaveCallHandlers(store: reader.calls, reader: reader)
        feedback = WeaveFeedbackHandlers(store: feedbackStore)
    }

    func authenticate(_ request: HTTPRequest) -> AuthenticationOutcome {
        credentials.verdict(WeaveAuth.credential(request))
    }

    /// By the operationIds FastAPI generated for the document.
    var handlers: [String: OperationHandler] {
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
            "call_start_call_start_post": route(calls.start),
            "call_end_call_end_post": route(calls.end),
            "call_start_batch_call_upsert_batch_post": route(calls.upsertBatch),
            "call_read_call_read_post": route(calls.read),
            "calls_query_stream_calls_stream_query_post": route(calls.streamQuery),
            "calls_query_stats_calls_query_stats_post": route(calls.queryStats),
            "call_update_call_update_post": route(calls.update),
            "calls_delete_calls_delete_post": route(calls.delete),
            "call_start_v2\(base)call_start_post": route(calls.start),
            "call_end_v2\(base)call_end_post": route(calls.end),
            "calls_complete\(base)calls_complete_post": route(calls.complete),
            "feedback_create_feedback_create_post": route(feedback.create),
            "feedback_create_batch_feedback_batch_create_post": route(feedback.createBatch),
            "feedback_query_feedback_query_post": route(feedback.query),
            "feedback_purge_feedback_purge_post": route(feedback.purge),
        ]
    }
}
