import EvalmockKit

/// The trace server's call routes: writing calls (`call/start`, `call/end`,
/// `call/upsert_batch`, and the v2 `call/start`, `call/end`, `calls/complete` the 0.54 client
/// writes through), reading them (`call/read`, `calls/stream_query`, `calls/query_stats`),
/// `call/update` and `calls/delete`.
///
/// The server sets `wb_user_id` from the credential whatever the client sends. Every item of
/// a batch is checked before anything is written, and the batch is one transaction: a
/// `calls/complete` or `upsert_batch` with one bad item stores none of it. That is what the
/// server does: pydantic rejects a malformed item before the handler runs, and ClickHouse's
/// server collects a batch's rows in `call_batch()`, inserts them after the last item, and
/// drops them all when an item raises.
struct WeaveCallHandlers {
    let store: WeaveCallStore
    let reader: WeaveCallReader

    // MARK: writing

    func start(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        let call = try Self.started(request.body["start"] ?? .null, userId: request.userId)
        try store.write([.start(call)])
        return .json(200, .object(["id": .string(call.id), "trace_id": .string(call.traceId ?? "")]))
    }

    func end(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        // An end before its start is kept and merged when the start arrives, as the server's
        // parts are (its ClickHouse tables merge a call's start and end rows on read).
        try store.write([.end(try Self.ended(request.body["end"] ?? .null))])
        return .json(200, .object([:]))
    }

    /// The older batch path (`WEAVE_USE_CALLS_COMPLETE=false`): starts and ends in any order.
    func upsertBatch(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        var parts: [WeaveCallStore.Part] = []
        var results: [JSONValue] = []
        for item in request.body["batch"]?.arrayValue ?? [] {
            let payload = item["req"] ?? .null
            // The mode defaults by which of the two models the item validated as.
            let mode = item["mode"]?.stringValue ?? (payload["start"] != nil ? "start" : "end")
            switch mode {
            case "start":
                let call = try Self.started(payload["start"] ?? .null, userId: request.userId)
                parts.append(.start(call))
                results.append(.object(["id": .string(call.id), "trace_id": .string(call.traceId ?? "")]))
            case "end":
                parts.append(.end(try Self.ended(payload["end"] ?? .null)))
                results.append(.object([:]))
            default:
                throw WeaveTraceServerError.invalidRequest("Invalid mode")
            }
        }
        try store.write(parts)
        return .json(200, .object(["res": .array(results)]))
    }

    /// `calls/complete`: up to the client's 1,000 finished calls at once, children often
    /// before their parent.
    func complete(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        var parts: [WeaveCallStore.Part] = []
        let userId = request.userId
        for item in request.body["batch"]?.arrayValue ?? [] {
            var call = try Self.started(item, userId: userId)
            try Self.addEnd(from: item, to: &call)
            parts.append(.complete(call))
        }
        try store.write(parts)
        return .json(200, .object([:]))
    }

    /// `call_update`: the display name, the one field it changes.
    func update(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        guard let name = request.body["display_name"]?.stringValue else {
            throw WeaveTraceServerError.invalidRequest("One of [display_name] is required for call update")
        }
        try store.updateDisplayName(projectId: request.bodyString("project_id") ?? "", id: request.bodyString("call_id") ?? "", to: name)
        return .json(200, .object([:]))
    }

    func delete(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        let ids = request.body["call_ids"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if ids.count > 1000 { throw WeaveTraceServerError.requestTooLarge }
        let deleted = try store.deleteWithDescendants(projectId: request.bodyString("project_id") ?? "", ids: ids)
        return .json(200, .object(["num_deleted": .int(deleted)]))
    }

    // MARK: reading

    func read(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        let found = try reader.read(
            .init(
                projectId: request.bodyString("project_id") ?? "",
                filter: .object(["call_ids": .array([request.body["id"] ?? .null])]), limit: 1))
        return .json(200, .object(["call": found.first.map { .object($0.schema) } ?? .null]))
    }

    func streamQuery(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        let body = request.body
        let found = try reader.read(
            .init(
                projectId: request.bodyString("project_id") ?? "", filter: body["filter"],
                query: try WeaveQueryExpression.query(body["query"]),
                sortBy: body["sort_by"]?.nonNull.map { WeaveSortOrder($0) },
                limit: body["limit"]?.nonNull.flatMap(PydanticLaxCoercion.integer),
                offset: body["offset"]?.nonNull.flatMap(PydanticLaxCoercion.integer),
                includeFeedback: body["include_feedback"] == .bool(true),
                columns: body["columns"]?.arrayValue?.compactMap(\.stringValue)
            ))
        return WeaveResponses.jsonLines(found.map { .object($0.schema) })
    }

    func queryStats(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        let body = request.body
        let limit = body["limit"]?.nonNull.flatMap(PydanticLaxCoercion.integer)
        if let limit, limit < 1 { throw WeaveTraceServerError.invalidRequest("Limit must be a positive integer") }
        let found = try reader.read(
            .init(
                projectId: request.bodyString("project_id") ?? "", filter: body["filter"],
                query: try WeaveQueryExpression.query(body["query"]), sortBy: WeaveSortOrder(keys: []),
                limit: limit))
        return .json(200, .object(["count": .int(found.count)]))
    }

    // MARK: request items

    /// A `StartedCallSchemaForInsert` (or the start half of a completed call). The server
    /// makes the ids the client left out and checks the ones it sent.
    static func started(_ item: JSONValue, userId: String) throws(WeaveTraceServerError) -> WeaveCall {
        let id = item["id"]?.stringValue ?? WeaveIds.uuidV7()
        let traceId = item["trace_id"]?.stringValue ?? WeaveIds.uuidV7()
        let parentId = item["parent_id"]?.stringValue
        if let problem = WeaveIds.callIdProblem(id) ?? WeaveIds.traceIdProblem(traceId) ?? parentId.flatMap(WeaveIds.callIdProblem) {
            throw .invalidRequest(problem)
        }
        return WeaveCall(
            projectId: item["project_id"]?.stringValue ?? "", id: id, traceId: traceId, parentId: parentId,
            threadId: item["thread_id"]?.stringValue, turnId: item["turn_id"]?.stringValue,
            opName: item["op_name"]?.stringValue ?? "", displayName: item["display_name"]?.stringValue,
            startedAt: try time(item["started_at"]), attributes: item["attributes"] ?? .object([:]),
            inputs: item["inputs"] ?? .object([:]), wbUserId: userId, wbRunId: item["wb_run_id"]?.stringValue,
            wbRunStep: item["wb_run_step"]?.nonNull.flatMap(PydanticLaxCoercion.integer)
        )
    }

    /// An `EndedCallSchemaForInsert`.
    static func ended(_ item: JSONValue) throws(WeaveTraceServerError) -> WeaveCall {
        let id = item["id"]?.stringValue ?? ""
        if let problem = WeaveIds.callIdProblem(id) { throw .invalidRequest(problem) }
        var call = WeaveCall(projectId: item["project_id"]?.stringValue ?? "", id: id, traceId: item["trace_id"]?.stringValue)
        try addEnd(from: item, to: &call)
        return call
    }

    private static func addEnd(from item: JSONValue, to call: inout WeaveCall) throws(WeaveTraceServerError) {
        call.endedAt = try time(item["ended_at"])
        call.exception = item["exception"]?.stringValue
        call.output = item["output"] ?? .null
        call.summary = item["summary"]?.nonNull ?? .object([:])
        call.wbRunStepEnd = item["wb_run_step_end"]?.nonNull.flatMap(PydanticLaxCoercion.integer)
    }

    private static func time(_ value: JSONValue?) throws(WeaveTraceServerError) -> WeaveTimestamp {
        guard let text = value?.stringValue, let time = WeaveTimestamp(text) else {
            throw .invalidRequest("Invalid datetime: \(value.map(JSONWriter.encodeString) ?? "null")")
        }
        return time
    }
}
