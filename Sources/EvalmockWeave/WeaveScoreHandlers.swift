import EvalmockKit
/// Scores: `POST/GET/DELETE /v2/{entity}/{project}/scores` and read by id
/// (`clickhouse_trace_server_batched.score_*`).
struct WeaveScoreHandlers {
    let store: WeaveCallStore

    /// The checks run in the server's order: refs in the request, the scorer ref, then the ids
    /// the new call is filed under. `prediction_id` and `evaluation_run_id` need not exist:
    /// scores may arrive before their prediction.
    func create(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        let predictionId = request.bodyString("prediction_id") ?? ""
        let scorer = request.bodyString("scorer") ?? ""
        let id = WeaveIds.uuidV7()
        let prediction = try store.call(projectId: request.projectId, id: predictionId)
        let runId = request.bodyString("evaluation_run_id").flatMap { $0.isEmpty ? nil : $0 }

        try WeaveRefs.checkScorer(scorer)

        var traceId = id
        var parentId: String?
        if let runId {
            // A sibling of the prediction under its predict_and_score call, else a child of the run.
            traceId = runId
            parentId = prediction?.parentId ?? runId
            if let problem = WeaveIds.traceIdProblem(traceId) ?? parentId.flatMap(WeaveIds.callIdProblem) {
                throw WeaveTraceServerError.invalidRequest(problem)
            }
        }
        // The server then files feedback on the prediction's call ref, whose id may not hold a
        // slash (InvalidInternalRef, unregistered: 500). It has written the score call by then;
        // evalmock stores nothing for a request it fails.
        if predictionId.contains("/") { throw WeaveTraceServerError.unregistered }

        let now = WeaveResponses.now()
        try store.insert([WeaveCall(
            projectId: request.projectId, id: id, kind: .score, traceId: traceId, parentId: parentId, evaluationRunId: runId,
            scorer: scorer, predictionId: predictionId,
            inputs: .object(["self": .string(scorer), "inputs": prediction?.inputs ?? .object([:]), "output": prediction?.output ?? .null]),
            output: request.body["value"] ?? .null, wbUserId: request.userId, startedAt: now, endedAt: now
        )])
        return .json(200, .object(["score_id": .string(id)]))
    }

    private var queries: WeaveCallQueries {
        WeaveCallQueries(store: store, kind: .score, label: "Score", idParameter: "score_id", idsParameter: "score_ids", render: Self.render)
    }

    func read(_ request: WeaveRequest) throws -> HTTPResponse { try queries.read(request) }
    func list(_ request: WeaveRequest) throws -> HTTPResponse { try queries.list(request) }
    func delete(_ request: WeaveRequest) throws -> HTTPResponse { try queries.delete(request) }

    /// `value = call.output if call.output is not None else 0.0`: a stored null reads as 0.0.
    static func render(_ call: WeaveCall) -> JSONValue {
        let value = call.output.flatMap(\.nonNull) ?? .number(JSONNumber(lexeme: "0.0"))
        return .object([
            "score_id": .string(call.id),
            "scorer": .string(call.scorer ?? ""),
            "value": value,
            "evaluation_run_id": WeaveResponses.optional(call.evaluationRunId),
            "wb_user_id": WeaveResponses.optional(call.wbUserId),
        ])
    }
}
