import EvalmockKit

/// Evaluation runs: `POST/GET/DELETE /v2/{entity}/{project}/evaluation_runs`, read by id, and
/// `finish` (`clickhouse_trace_server_batched.evaluation_run_*`).
///
/// A run is a call marked `attributes.weave.evaluation_run = "true"`, and the list shows only
/// marked calls, as the server's list queries that attribute. The `weave` 0.54 client's
/// `Evaluation.evaluate()` and `EvaluationLogger` write their evaluate call through
/// `v2 call/start` without that marker (their attributes carry `_weave_eval_meta`), so their
/// runs are calls (`calls/stream_query` finds them) but do not appear in `evaluation_runs`.
struct WeaveEvaluationRunHandlers {
    let reader: WeaveCallReader

    static let opName = "Evaluation.evaluate"

    /// The server also saves a placeholder op and names the call by its ref; evalmock names it
    /// by the op name alone (the same `trace_name` on read).
    func create(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        let id = WeaveIds.uuidV7()
        let evaluation = request.bodyString("evaluation") ?? ""
        let model = request.bodyString("model") ?? ""
        var marker: JSONValue.JSONObject = ["evaluation_run": "true", "evaluation": .string(evaluation), "model": .string(model)]
        // Stored only when truthy, as the server sets the attribute.
        if let source = request.bodyString("source_evaluation_run_id"), !source.isEmpty {
            marker["source_evaluation_run_id"] = .string(source)
        }
        try reader.calls.write([
            .start(
                WeaveCall(
                    projectId: request.projectId, id: id, traceId: id, opName: Self.opName, startedAt: .now(),
                    attributes: .object(["weave": .object(marker)]),
                    inputs: .object(["self": .string(evaluation), "model": .string(model)])
                ))
        ])
        return .json(200, .object(["evaluation_run_id": .string(id)]))
    }

    /// Read and delete as for the other call kinds; the list has filters of its own, and its
    /// rows leave out `source_evaluation_run_id` (the server's list builds them without it;
    /// only `read` sets it).
    private func queries(withSource: Bool = true) -> WeaveCallQueries {
        WeaveCallQueries(
            reader: reader, marker: "evaluation_run", label: "Evaluation run", idParameter: "evaluation_run_id",
            idsParameter: "evaluation_run_ids", render: { Self.render($0, withSource: withSource) })
    }

    func read(_ request: WeaveRequest) throws -> HTTPResponse { try queries().read(request) }
    func delete(_ request: WeaveRequest) throws -> HTTPResponse { try queries().delete(request) }

    func list(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        func wanted(_ name: String) -> Set<String>? {
            request.strings(name).flatMap { $0.isEmpty ? nil : Set($0) }
        }
        let (ids, evaluations, models) = (wanted("evaluation_run_ids"), wanted("evaluations"), wanted("models"))
        return try queries(withSource: false).list(request) { call in
            (ids?.contains(call.id) ?? true)
                && (evaluations.map { call.weaveAttribute("evaluation")?.stringValue.map($0.contains) ?? false } ?? true)
                && (models.map { call.weaveAttribute("model")?.stringValue.map($0.contains) ?? false } ?? true)
        }
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
        guard let run = try reader.calls.call(projectId: request.projectId, id: id), run.isMarked("evaluation_run") else {
            return .json(200, .object(["success": true]))
        }
        let now = WeaveTimestamp.now()
        try reader.calls.write([
            .complete(
                WeaveCall(
                    projectId: request.projectId, id: WeaveIds.uuidV7(), traceId: run.traceId, parentId: run.id,
                    opName: "Evaluation.summarize",
                    startedAt: now, endedAt: now, inputs: .object(["self": run.inputs["self"] ?? .string("")]), output: .null,
                    summary: .object([:]), wbUserId: request.userId
                ))
        ])
        try reader.calls.finish(projectId: request.projectId, ids: [run.id], summary: summary, at: now)
        return .json(200, .object(["success": true]))
    }

    static func render(_ call: WeaveCall, withSource: Bool) -> JSONValue {
        func attribute(_ key: String) -> JSONValue { call.weaveAttribute(key)?.stringValue.map(JSONValue.string) ?? .null }
        return .object([
            "evaluation_run_id": .string(call.id),
            "evaluation": call.weaveAttribute("evaluation")?.stringValue.map(JSONValue.string) ?? "",
            "model": call.weaveAttribute("model")?.stringValue.map(JSONValue.string) ?? "",
            // `determine_call_status`: a run written through the trace routes may have failed.
            "status": .string(call.endedAt == nil ? "running" : call.exception == nil ? "completed" : "failed"),
            "started_at": .string(call.startedAt?.text ?? ""),
            "finished_at": call.endedAt.map { .string($0.text) } ?? .null,
            "summary": call.summary ?? .null,
            "source_evaluation_run_id": withSource ? attribute("source_evaluation_run_id") : .null,
        ])
    }
}
