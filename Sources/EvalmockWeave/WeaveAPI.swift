import EvalmockKit

/// W&B Weave's trace server (`openapi/weave.json`): `server_info`, the v2 evaluation routes
/// (evaluation runs, predictions and scores under `/v2/{entity}/{project}`), the object, table,
/// file and ref routes the `weave` client saves and reads through, and calls and feedback
/// (the v2 evaluation routes are views of the same calls), plus the three GraphQL queries of W&B's API that `weave.init` sends. A FastAPI
/// service: pydantic's lax validation and FastAPI's `{"detail"}` errors, plus the server's own
/// `{"reason"}` errors from its handlers.
///
/// Mounted at the root and under `/traces`: with only `WANDB_BASE_URL` set the client finds
/// the trace server at `$WANDB_BASE_URL/traces` (`trace/env.py`), as on a W&B deployment,
/// while GraphQL stays at `$WANDB_BASE_URL/graphql`, outside the trace server.
public final class WeaveAPI: EmulatedAPI {
    public let name = "weave"
    public let specification: OpenAPISpecification
    public let mountPrefixes = ["", "/traces"]
    /// FastAPI's `HTTPBasic` answer to a request without credentials.
    public let errorDialect: any ErrorDialect = FastAPIErrorDialect(unauthorizedDetail: "Not authenticated", authenticateChallenge: "Basic")
    public let typeCoercion = TypeCoercion.pydanticLax
    private let credentials: CredentialCheck
    private let runs: WeaveEvaluationRunHandlers
    private let predictions: WeavePredictionHandlers
    private let scores: WeaveScoreHandlers
    private let calls: WeaveCallHandlers
    private let feedback: WeaveFeedbackHandlers
    private let graphQL: WandbGraphQL
    private let objects: WeaveObjectHandlers
    private let tables: WeaveTableHandlers
    private let files: WeaveFileHandlers
    private let refs: WeaveRefHandlers
    public let database: SQLiteDatabase

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
        graphQL = WandbGraphQL(projects: WeaveProjectStore(database: environment.database))
        let objectStore = WeaveObjectStore(database: environment.database)
        objects = WeaveObjectHandlers(store: objectStore)
        tables = WeaveTableHandlers(store: objectStore)
        files = WeaveFileHandlers(store: objectStore)
        refs = WeaveRefHandlers(store: objectStore)
    }

    /// W&B's GraphQL API is not part of the trace server, so `/traces/graphql` is the trace
    /// server's 404.
    public func mountPrefixes(for operation: OperationDefinition) -> [String] {
        operation.operationId == Self.graphQLOperation ? [""] : mountPrefixes
    }

    private static let graphQLOperation = "graphql_graphql_post"

    public func authenticate(_ request: HTTPRequest) -> AuthenticationOutcome {
        credentials.verdict(specification.credentialSchemes.credential(in: request))
    }

    /// By the operationIds FastAPI generated for the document.
    public var handlers: [String: OperationHandler] {
        let route = WeaveResponses.handler
        let base = "_v2__entity___project__"
        return [
            "server_info_server_info_get": { _ in .json(200, Self.serverInfo) },
            Self.graphQLOperation: { [graphQL] context in try graphQL.answer(context.body, user: WandbUser(context.caller)) },
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
            "obj_create_obj_create_post": route(objects.create),
            "obj_read_obj_read_post": route(objects.read),
            "objs_query_objs_query_post": route(objects.query),
            "obj_delete_obj_delete_post": route(objects.delete),
            "table_create_table_create_post": route(tables.create),
            "table_create_from_digests_table_create_from_digests_post": route(tables.createFromDigests),
            "table_update_table_update_post": route(tables.update),
            "table_query_table_query_post": route(tables.query),
            "table_query_stats_table_query_stats_post": route(tables.queryStats),
            "table_query_stats_batch_table_query_stats_batch_post": route(tables.queryStatsBatch),
            "refs_read_batch_refs_read_batch_post": route(refs.readBatch),
            "file_create_file_create_post": route(files.create),
            "file_content_file_content_post": route(files.content),
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

    /// What the public reference trace service (`weave/trace_server/reference/`, its
    /// `NoopTraceService.server_info`) answers: no minimum client version worth refusing a
    /// client for, and no trace-server version (the field's default; weave 0.54.0 requires
    /// none, `MIN_TRACE_SERVER_VERSION = None`). W&B's hosted value is not public.
    private static let serverInfo = JSONValue.object(["min_required_weave_python_version": "0.0.1", "trace_server_version": .null])
}

extension WeaveAPI {
    /// What the CLI's API list holds: this API's migrations and how to build it.
    public static let registration = APIRegistration(migrations: WeaveMigrations.all) { try WeaveAPI(environment: $0) }
}
