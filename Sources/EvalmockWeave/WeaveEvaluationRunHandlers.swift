import EvalmockKit
/// Evaluation runs: `POST/GET/DELETE /v2/{entity}/{project}/evaluation_runs`, read by id, and
/// `finish` (`clickhouse_trace_server_batched.evaluation_run_*`).
struct WeaveEvaluationRunHandlers {
    let store: WeaveCallStore

    func create(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        let id = WeaveIds.uuidV7()
        let evaluation = request.bodyString("evaluation") ?? ""
        let model = request.bodyString("model") ?? ""
        try store.insert([WeaveCall(
            projectId: request.projectId, id: id, kind: .evaluationRun, traceId: id,
            evaluation: evaluation, model: model,
            // Stored only when truthy, as the server sets the attribute.
            sourceEvaluationRunId: request.bodyString("source_evaluation_run_id").flatMap { $0.isEmpty ? nil : $0 },
            inputs: .object(["self": .string(evaluation), "model": .string(model)]),
            startedAt: WeaveResponses.now()
        )])
        return .json(200, .object(["evaluation_run_id": .string(id)]))
    }

    /// Read and delete as for the other call kinds; the list has filters of its own.
    private var queries: WeaveCallQueries {
        WeaveCallQueries(store: store, kind: .evaluationRun, label: "Evaluation run", idParameter: "evaluation_run_id",
                         idsParameter: "evaluation_run_ids", render: { Self.render($0, withSource: true) })
    }

    func read(_ request: WeaveRequest) throws -> HTTPResponse { try queries.read(request) }
    func delete(_ request: WeaveRequest) throws -> HTTPResponse { try queries.delete(request) }

    func list(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        let filter = WeaveCallStore.Filter(ids: request.strings("evaluation_run_ids"),
                                           evaluations: request.strings("evaluations"), models: request.strings("models"))
        let calls = try store.list(projectId: request.projectId, kind: .evaluationRun, filter: filter,
                                   limit: request.integer("limit"), offset: request.integer("offset"))
        // The server's list builds its rows without `source_evaluation_run_id` (only `read` sets it).
        return WeaveResponses.jsonLines(calls.map { Self.render($0, withSource: false) })
    }

    /// Ends the run with the client's summary (`{}` when none) and adds the server's
    /// `summarize` child. Ids are checked as the call tables check them; an unknown run still
    /// answers success, since the server only writes end rows for it.
    func finish(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs(pathParameters: ["evaluation_run_id"])
        let id = request.context.pathParameter("evaluation_run_id")
        if let problem = WeaveIds.traceIdProblem(id) ?? WeaveIds.callIdProblem(id) {
            throw WeaveTraceServerError.invalidRequest(problem)
        }
        // `req.summary or {}`
        let summary = request.body["summary"].flatMap(\.nonNull) ?? .object([:])
        guard let run = try store.call(projectId: request.projectId, id: id), run.kind == .evaluationRun else {
            return .json(200, .object(["success": true]))
        }
        let now = WeaveResponses.now()
        try store.insert([WeaveCall(projectId: request.projectId, id: WeaveIds.uuidV7(), kind: .summarize, traceId: run.traceId,
                                    parentId: run.id, inputs: .object(["self": .string(run.evaluation ?? "")]),
                                    summary: .object([:]), wbUserId: request.userId, startedAt: now, endedAt: now)])
        try store.end(projectId: request.projectId, [(id: run.id, summary: summary, output: nil)], at: now)
        return .json(200, .object(["success": true]))
    }

    static func render(_ call: WeaveCall, withSource: Bool) -> JSONValue {
        .object([
            "evaluation_run_id": .string(call.id),
            "evaluation": .string(call.evaluation ?? ""),
            "model": .string(call.model ?? ""),
            "status": .string(call.endedAt == nil ? "running" : "completed"),
            "started_at": .string(call.startedAt),
            "finished_at": WeaveResponses.optional(call.endedAt),
            "summary": call.summary ?? .null,
            "source_evaluation_run_id": withSource ? WeaveResponses.optional(call.sourceEvaluationRunId) : .null,
        ])
    }
}
