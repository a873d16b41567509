import EvalmockKit
/// Predictions: `POST/GET/DELETE /v2/{entity}/{project}/predictions`, read by id, and `finish`
/// (`clickhouse_trace_server_batched.prediction_*`).
struct WeavePredictionHandlers {
    let store: WeaveCallStore

    /// A prediction is stored already ended, with its output. Inside a run the server first
    /// adds a hidden `predict_and_score` call under the run, which must exist (404 otherwise).
    func create(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        let model = request.bodyString("model") ?? ""
        let id = WeaveIds.uuidV7()
        let now = WeaveResponses.now()
        var calls: [WeaveCall] = []
        var traceId = id
        var parentId: String?
        let runId = request.bodyString("evaluation_run_id").flatMap { $0.isEmpty ? nil : $0 }
        if let runId {
            guard let run = try store.call(projectId: request.projectId, id: runId) else {
                throw WeaveTraceServerError.notFound("Evaluation run \(runId) not found")
            }
            let predictAndScore = WeaveIds.uuidV7()
            calls.append(WeaveCall(projectId: request.projectId, id: predictAndScore, kind: .predictAndScore, traceId: runId,
                                   parentId: runId, model: model,
                                   inputs: .object(["self": run.inputs?["self"] ?? .null, "model": .string(model),
                                                    "example": request.body["inputs"] ?? .object([:])]),
                                   wbUserId: request.userId, startedAt: now))
            traceId = runId
            parentId = predictAndScore
        }
        calls.append(WeaveCall(projectId: request.projectId, id: id, kind: .prediction, traceId: traceId, parentId: parentId,
                               evaluationRunId: runId, model: model, inputs: request.body["inputs"] ?? .object([:]),
                               output: request.body["output"] ?? .null, wbUserId: request.userId, startedAt: now, endedAt: now))
        try store.insert(calls)
        return .json(200, .object(["prediction_id": .string(id)]))
    }

    private var queries: WeaveCallQueries {
        WeaveCallQueries(store: store, kind: .prediction, label: "Prediction", idParameter: "prediction_id", idsParameter: "prediction_ids", render: Self.render)
    }

    func read(_ request: WeaveRequest) throws -> HTTPResponse { try queries.read(request) }
    func list(_ request: WeaveRequest) throws -> HTTPResponse { try queries.list(request) }
    func delete(_ request: WeaveRequest) throws -> HTTPResponse { try queries.delete(request) }

    /// Ends the prediction and, inside a run, its `predict_and_score` parent. The id is checked
    /// as a call id; an unknown one still answers success (the server writes an end row).
    func finish(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs(pathParameters: ["prediction_id"])
        let id = request.context.pathParameter("prediction_id")
        if let problem = WeaveIds.callIdProblem(id) { throw WeaveTraceServerError.invalidRequest(problem) }
        if let prediction = try store.call(projectId: request.projectId, id: id), prediction.kind == .prediction {
            var endings: [(id: String, summary: JSONValue?, output: JSONValue?)] = [(id: id, summary: nil, output: nil)]
            if let parentId = prediction.parentId, let parent = try store.call(projectId: request.projectId, id: parentId),
               parent.kind == .predictAndScore {
                endings.append((id: parentId, summary: nil, output: nil))
            }
            try store.end(projectId: request.projectId, endings, at: WeaveResponses.now())
        }
        return .json(200, .object(["success": true]))
    }

    static func render(_ call: WeaveCall) -> JSONValue {
        .object([
            "prediction_id": .string(call.id),
            "model": .string(call.model ?? ""),
            "inputs": call.inputs ?? .object([:]),
            "output": call.output ?? .null,
            "evaluation_run_id": WeaveResponses.optional(call.evaluationRunId),
            "wb_user_id": WeaveResponses.optional(call.wbUserId),
        ])
    }
}
