/// The Record operations of Scorecard v2: create, list, delete, and the tags that `list`
/// filters on.
struct ScorecardRecordHandlers {
    let store: ScorecardRecordStore
    private let dialect = ScorecardErrorDialect()

    func create(_ context: OperationContext) throws -> HTTPResponse {
        let body = context.body
        let record = try store.create(.init(
            runId: context.pathParameter("runId"),
            testcaseId: body["testcaseId"]?.stringValue,
            inputs: body["inputs"] ?? .object([:]),
            expected: body["expected"] ?? .object([:]),
            outputs: body["outputs"] ?? .object([:]),
            sessionId: body["sessionId"]?.stringValue,
            otelLinkId: body["otelLinkId"]?.stringValue
        ))
        return .json(201, .object(record.json))
    }

    func list(_ context: OperationContext) throws -> HTTPResponse {
        let limit = context.input.query["limit"].flatMap { value -> Int? in
            if case .number(let n) = value { return n.intValue }
            return nil
        } ?? 20
        var cursor: Int64?
        if case .string(let text)? = context.input.query["cursor"] {
            guard let parsed = Int64(text), parsed >= 0 else {
                return dialect.validationFailed([ValidationIssue(location: [.key("query"), .key("cursor")], kind: .formatMismatch(format: "cursor returned as nextCursor"), input: .string(text))])
            }
            cursor = parsed
        }
        let tags = context.input.query["tags"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let page = try store.list(runId: context.pathParameter("runId"), limit: limit, cursor: cursor, tags: tags)
        let data: [JSONValue] = page.records.map { record in
            var object = record.json
            object["scores"] = .array([])
            return .object(object)
        }
        return .json(200, .object([
            "data": .array(data),
            "nextCursor": page.nextCursor.map { .string(String($0)) } ?? .null,
            "hasMore": .bool(page.nextCursor != nil),
            "total": .int(page.total),
        ]))
    }

    /// Idempotent: the document defines no 404, so an unknown or deleted id also succeeds.
    func delete(_ context: OperationContext) throws -> HTTPResponse {
        if let id = Int64(context.pathParameter("recordId")) {
            try store.delete(recordId: id)
        }
        return .json(200, .object(["success": .bool(true)]))
    }

    func listTags(_ context: OperationContext) throws -> HTTPResponse {
        guard let id = try existingRecordId(context) else { return recordNotFound(context) }
        return .json(200, .object(["data": .array(try store.tags(recordId: id).map(\.json))]))
    }

    func createTag(_ context: OperationContext) throws -> HTTPResponse {
        guard let id = try existingRecordId(context) else { return recordNotFound(context) }
        let tag = try store.addTag(recordId: id, text: context.body["text"]?.stringValue ?? "")
        return .json(201, tag.json)
    }

    func deleteTag(_ context: OperationContext) throws -> HTTPResponse {
        guard let id = Int64(context.pathParameter("recordId")) else { return .json(200, .object(["deleted": .int(0)])) }
        let removed = try store.removeTag(recordId: id, text: context.pathParameter("text"))
        return .json(200, .object(["deleted": .int(removed)]))
    }

    private func existingRecordId(_ context: OperationContext) throws -> Int64? {
        guard let id = Int64(context.pathParameter("recordId")), try store.exists(recordId: id) else { return nil }
        return id
    }

    private func recordNotFound(_ context: OperationContext) -> HTTPResponse {
        dialect.resourceNotFound("Record", id: context.pathParameter("recordId"))
    }
}
