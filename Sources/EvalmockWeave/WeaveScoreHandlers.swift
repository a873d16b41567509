import EvalmockKit

/// Scores: `POST/GET/DELETE /v2/{entity}/{project}/scores` and read by id
/// (`clickhouse_trace_server_batched.score_*`). A score is a call of the op
/// `<scorer name>.score` marked `attributes.weave.score = "true"`, plus runnable feedback
/// (`wandb.runnable.<scorer name>`, payload `{"output": value}`) on its prediction's call:
/// the same pair the `weave` client writes for a scorer's result.
struct WeaveScoreHandlers {
    let reader: WeaveCallReader
    let feedback: WeaveFeedbackStore
    let database: SQLiteDatabase

    /// The checks run in the server's order: refs in the request, the scorer ref, then the ids
    /// the new call is filed under. `prediction_id` and `evaluation_run_id` need not exist:
    /// scores may arrive before their prediction.
    func create(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        let predictionId = request.bodyString("prediction_id") ?? ""
        let scorer = request.bodyString("scorer") ?? ""
        let id = WeaveIds.uuidV7()
        let prediction = try reader.calls.call(projectId: request.projectId, id: predictionId)
        let runId = request.bodyString("evaluation_run_id").flatMap { $0.isEmpty ? nil : $0 }

        let scorerName = try WeaveRefs.checkScorer(scorer).name

        var traceId = id
        var parentId: String?
        var marker: JSONValue.JSONObject = ["score": "true", "prediction_id": .string(predictionId), "scorer": .string(scorer)]
        if let runId {
            // A sibling of the prediction under its predict_and_score call, else a child of the run.
            traceId = runId
            parentId = prediction?.parentId ?? runId
            if let problem = WeaveIds.traceIdProblem(traceId) ?? parentId.flatMap(WeaveIds.callIdProblem) {
                throw WeaveTraceServerError.invalidRequest(problem)
            }
            marker["evaluation_run_id"] = .string(runId)
        }
        // The server then files feedback on the prediction's call ref, whose id may not hold a
        // slash (InvalidInternalRef, unregistered: 500). It has written the score call by then;
        // evalmock stores nothing for a request it fails.
        if predictionId.utf8.contains(UInt8(ascii: "/")) { throw WeaveTraceServerError.unregistered }

        let now = WeaveTimestamp.now()
        let value = request.body["value"] ?? .null
        let userId = request.userId
        try database.transaction {
            try reader.calls.write([
                .complete(
                    WeaveCall(
                        projectId: request.projectId, id: id, traceId: traceId, parentId: parentId, opName: "\(scorerName).score",
                        startedAt: now, endedAt: now, attributes: .object(["weave": .object(marker)]),
                        inputs: .object([
                            "self": .string(scorer), "inputs": prediction?.inputs["inputs"]?.nonNull ?? .object([:]),
                            "output": prediction?.output ?? .null,
                        ]),
                        output: value, summary: .object([:]), wbUserId: userId
                    ))
            ])
            try feedback.insert([
                WeaveFeedback(
                    projectId: request.projectId, id: WeaveIds.uuidV7(),
                    weaveRef: WeaveCallSchema.ref(projectId: request.projectId, callId: predictionId), wbUserId: userId,
                    createdAt: now, feedbackType: "wandb.runnable.\(scorerName)", payload: .object(["output": value]), runnableRef: scorer
                )
            ])
        }
        return .json(200, .object(["score_id": .string(id)]))
    }

    private var queries: WeaveCallQueries {
        WeaveCallQueries(
            reader: reader, marker: "score", label: "Score", idParameter: "score_id", idsParameter: "score_ids", render: Self.render)
    }

    func read(_ request: WeaveRequest) throws -> HTTPResponse { try queries.read(request) }
    func list(_ request: WeaveRequest) throws -> HTTPResponse { try queries.list(request) }
    func delete(_ request: WeaveRequest) throws -> HTTPResponse { try queries.delete(request) }

    /// `value = call.output if call.output is not None else 0.0`: a stored null reads as 0.0.
    static func render(_ call: WeaveCall) -> JSONValue {
        let value = call.output.flatMap(\.nonNull) ?? .number(JSONNumber(lexeme: "0.0"))
        return .object([
            "score_id": .string(call.id),
            "scorer": call.weaveAttribute("scorer")?.stringValue.map(JSONValue.string) ?? "",
            "value": value,
            "evaluation_run_id": call.weaveAttribute("evaluation_run_id")?.stringValue.map(JSONValue.string) ?? .null,
            "wb_user_id": WeaveResponses.optional(call.wbUserId),
        ])
    }
}
