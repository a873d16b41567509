import EvalmockKit

/// Feedback: `feedback/create`, `feedback/batch/create`, `feedback/query`, `feedback/purge`
/// (`weave/trace_server/feedback.py` and the servers' `feedback_*`).
struct WeaveFeedbackHandlers {
    let store: WeaveFeedbackStore

    func create(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        let row = try Self.feedback(request.body, userId: request.userId)
        try store.insert([row])
        return .json(200, .object(Self.created(row)))
    }

    /// Every item is checked first; then all are stored, or none.
    func createBatch(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        var rows: [WeaveFeedback] = []
        for item in request.body["batch"]?.arrayValue ?? [] {
            rows.append(try Self.feedback(item, userId: request.userId))
        }
        try store.insert(rows)
        return .json(200, .object(["res": .array(rows.map { .object(Self.created($0)) })]))
    }

    /// The query language over feedback columns and `payload.*`, then `sort_by`, paging and
    /// `fields`; `total_count` counts the matches before paging.
    func query(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        let body = request.body
        let expression = try WeaveQueryExpression.query(body["query"])
        var rows = try store.feedback(projectId: request.bodyString("project_id") ?? "")
        if let expression { rows = rows.filter { row in expression.matches(row.field) } }
        rows = WeaveSortOrder(body["sort_by"]?.nonNull).sorted(rows) { row, path in row.field(path) }
        let total = rows.count
        let offset = max(0, body["offset"]?.nonNull.flatMap(PydanticLaxCoercion.integer) ?? 0)
        var page = Array(rows.dropFirst(offset))
        if let limit = body["limit"]?.nonNull.flatMap(PydanticLaxCoercion.integer) { page = Array(page.prefix(max(0, limit))) }
        let fields = body["fields"]?.arrayValue?.compactMap(\.stringValue)
        let result: [JSONValue] = page.map { row in
            guard let fields, !fields.isEmpty else { return .object(row.row) }
            var selected = JSONValue.JSONObject()
            for field in fields { selected[field] = row.value(field) ?? .null }
            return .object(selected)
        }
        return .json(200, .object(["result": .array(result), "total_count": .int(total)]))
    }

    static let purgeRefusal = "Can only purge feedback by specifying one or more feedback ids"

    /// For safety the server purges only by id: `$eq` of `id` and a literal, or an `$or` of
    /// those.
    func purge(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        let expression = request.body["query"]?["$expr"] ?? .null
        func id(_ operation: JSONValue) throws(WeaveTraceServerError) -> String {
            guard let pair = operation["$eq"]?.arrayValue, pair.count == 2, pair[0] == .object(["$getField": "id"]),
                let id = pair[1]["$literal"]?.stringValue
            else { throw .invalidRequest(Self.purgeRefusal) }
            return id
        }
        var ids: [String] = []
        if let alternatives = expression["$or"]?.arrayValue {
            for alternative in alternatives { ids.append(try id(alternative)) }
        } else {
            ids.append(try id(expression))
        }
        try store.purge(projectId: request.bodyString("project_id") ?? "", ids: ids)
        return .json(200, .object([:]))
    }

    /// `FeedbackCreateRes`.
    private static func created(_ row: WeaveFeedback) -> JSONValue.JSONObject {
        ["id": .string(row.id), "created_at": .string(row.createdAt.text), "wb_user_id": .string(row.wbUserId), "payload": row.payload]
    }

    /// A `FeedbackCreateReq`, checked as `validate_feedback_create_req` checks it (a payload
    /// failure's text after the colon is evalmock's: the server prints pydantic's errors
    /// there; an annotation's value is not held against its spec). The client's
    /// id is kept (the 0.54 client sends one in batches); `wb_user_id` and `created_at` are the
    /// server's.
    static func feedback(_ item: JSONValue, userId: String) throws(WeaveTraceServerError) -> WeaveFeedback {
        let type = item["feedback_type"]?.stringValue ?? ""
        let payload = item["payload"] ?? .object([:])
        let annotationRef = item["annotation_ref"]?.stringValue
        let runnableRef = item["runnable_ref"]?.stringValue
        let callRef = item["call_ref"]?.stringValue
        let triggerRef = item["trigger_ref"]?.stringValue

        switch type {
        case "wandb.reaction.1":
            guard payload["emoji"]?.stringValue != nil else {
                throw .invalidRequest("Invalid payload for feedback_type \(type): emoji is required")
            }
        case "wandb.note.1":
            guard let note = payload["note"]?.stringValue, (1...1024).contains(note.count) else {
                throw .invalidRequest("Invalid payload for feedback_type \(type): note must be a string of 1 to 1024 characters")
            }
        default: break
        }
        if type.hasPrefix("wandb.annotation") {
            let prefix = "wandb.annotation."
            guard type.hasPrefix(prefix) else { throw .invalidRequest("Invalid annotation feedback type: \(type)") }
            guard let annotationRef, !annotationRef.isEmpty else {
                throw .invalidRequest("annotation_ref is required for annotation feedback")
            }
            guard WeaveCallSchema.objectName(annotationRef) == String(type.dropFirst(prefix.count)) else {
                throw .invalidRequest("annotation_ref must point to an object with name \(type.dropFirst(prefix.count))")
            }
            guard payload["value"] != nil else { throw .invalidRequest("Invalid payload for feedback_type \(type): value is required") }
        } else if annotationRef?.isEmpty == false {
            throw .invalidRequest("annotation_ref is not allowed for non-annotation feedback")
        } else if type.hasPrefix("wandb.runnable") {
            let prefix = "wandb.runnable."
            guard type.hasPrefix(prefix) else { throw .invalidRequest("Invalid runnable feedback type: \(type)") }
            guard let runnableRef, !runnableRef.isEmpty else { throw .invalidRequest("runnable_ref is required for runnable feedback") }
            guard WeaveCallSchema.objectName(runnableRef) == String(type.dropFirst(prefix.count)) else {
                throw .invalidRequest("runnable_ref must point to an object with name \(type.dropFirst(prefix.count))")
            }
            if runnableRef.dropFirst(WeaveRefs.externalPrefix.count).split(separator: "/").dropFirst(2).first == "op",
                callRef?.isEmpty ?? true
            {
                throw .invalidRequest("call_ref is required for runnable feedback on ops")
            }
            // RunnablePayloadSchema: `output` is required.
            guard payload["output"] != nil else { throw .invalidRequest("Invalid payload for feedback_type \(type): output is required") }
        } else if runnableRef?.isEmpty == false {
            throw .invalidRequest("runnable_ref is not allowed for non-runnable feedback")
        } else if callRef?.isEmpty == false {
            throw .invalidRequest("call_ref is not allowed for non-runnable feedback")
        } else if triggerRef?.isEmpty == false {
            throw .invalidRequest("trigger_ref is not allowed for non-runnable feedback")
        }
        return WeaveFeedback(
            projectId: item["project_id"]?.stringValue ?? "", id: item["id"]?.stringValue ?? WeaveIds.uuidV7(),
            weaveRef: item["weave_ref"]?.stringValue ?? "", wbUserId: userId, creator: item["creator"]?.stringValue,
            createdAt: .now(), feedbackType: type, payload: payload, annotationRef: annotationRef, runnableRef: runnableRef,
            callRef: callRef, triggerRef: triggerRef
        )
    }
}
