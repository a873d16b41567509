import EvalmockKit

/// Predictions: `POST/GET/DELETE /v2/{entity}/{project}/predictions`, read by id, and `finish`
/// (`clickhouse_trace_server_batched.prediction_*`). A prediction is a call of the op
/// `<model name>.predict` marked `attributes.weave.prediction = "true"`, its inputs
/// `{"self": model, "inputs": …}`.
struct WeavePredictionHandlers {
    let reader: WeaveCallReader

    static let predictAndScoreOpName = "Evaluation.predict_and_score"

    /// A prediction is stored already ended, with its output. Inside a run the server first
    /// adds a hidden `predict_and_score` call under the run, which must exist (404 otherwise).
    func create(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        let model = request.bodyString("model") ?? ""
        let inputs = request.body["inputs"] ?? .object([:])
        let id = WeaveIds.uuidV7()
        let now = WeaveTimestamp.now()
        var parts: [WeaveCallStore.Part] = []
        var traceId = id
        var parentId: String?
        var marker: JSONValue.JSONObject = ["prediction": "true", "model": .string(model)]
        if let runId = request.bodyString("evaluation_run_id").flatMap({ $0.isEmpty ? nil : $0 }) {
            guard let run = try reader.calls.call(projectId: request.projectId, id: runId) else {
                throw WeaveTraceServerError.notFound("Evaluation run \(runId) not found")
            }
            let predictAndScore = WeaveIds.uuidV7()
            parts.append(
                .start(
                    WeaveCall(
                        projectId: request.projectId, id: predictAndScore, traceId: runId, parentId: runId,
                        opName: Self.predictAndScoreOpName,
                        startedAt: now, attributes: .object(["weave": .object(["predict_call_id": .string(id)])]),
                        inputs: .object(["self": run.inputs["self"] ?? .null, "model": .string(model), "example": inputs]),
                        wbUserId: request.userId
                    )))
            traceId = runId
            parentId = predictAndScore
            marker["evaluation_run_id"] = .string(runId)
        }
        parts.append(
            .complete(
                WeaveCall(
                    projectId: request.projectId, id: id, traceId: traceId, parentId: parentId,
                    opName: "\(Self.refName(model, otherwise: "Model")).predict", startedAt: now, endedAt: now,
                    attributes: .object(["weave": .object(marker)]), inputs: .object(["self": .string(model), "inputs": inputs]),
                    output: request.body["output"] ?? .null, summary: .object([:]), wbUserId: request.userId
                )))
        try reader.calls.write(parts)
        return .json(200, .object(["prediction_id": .string(id)]))
    }

    /// The object name of an op or object ref, else `fallback` (the server's `except
    /// InvalidInternalRef` branch).
    static func refName(_ ref: String, otherwise fallback: String) -> String {
        ref.hasPrefix(WeaveRefs.externalPrefix) ? WeaveCallSchema.objectName(ref) ?? fallback : fallback
    }

    private var queries: WeaveCallQueries {
        WeaveCallQueries(
            reader: reader, marker: "prediction", label: "Prediction", idParameter: "prediction_id",
            idsParameter: "prediction_ids", render: Self.render)
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
        if let prediction = try reader.calls.call(projectId: request.projectId, id: id), prediction.isMarked("prediction") {
            var ids = [id]
            if let parentId = prediction.parentId, let parent = try reader.calls.call(projectId: request.projectId, id: parentId),
                parent.opName.map({ refName($0) == Self.predictAndScoreOpName }) ?? false
            {
                ids.append(parentId)
            }
            try reader.calls.finish(projectId: request.projectId, ids: ids, summary: nil, at: .now())
        }
        return .json(200, .object(["success": true]))
    }

    /// `op_name_matches`: an op ref by its name, anything else as it is.
    private func refName(_ opName: String) -> String {
        opName.hasPrefix(WeaveRefs.externalPrefix) ? WeaveCallSchema.objectName(opName) ?? opName : opName
    }

    static func render(_ call: WeaveCall) -> JSONValue {
        .object([
            "prediction_id": .string(call.id),
            "model": call.weaveAttribute("model")?.stringValue.map(JSONValue.string) ?? "",
            // `get_prediction_inputs`: `(call.inputs or {}).get("inputs") or {}`.
            "inputs": call.inputs["inputs"]?.nonNull ?? .object([:]),
            "output": call.output ?? .null,
            "evaluation_run_id": call.weaveAttribute("evaluation_run_id")?.stringValue.map(JSONValue.string) ?? .null,
            "wb_user_id": WeaveResponses.optional(call.wbUserId),
        ])
    }
}
