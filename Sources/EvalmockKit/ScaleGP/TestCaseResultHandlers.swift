/// The test case result operations of Scale GP: batch and single create, list, retrieve, update.
struct TestCaseResultHandlers {
    let store: TestCaseResultStore
    let documents: TestCaseResultDocument
    let clock: () -> String

    /// `POST .../test-case-results/batch`: the body is a bare array of `TestCaseResultRequest`
    /// (what the SDK sends). The pipeline has validated every item already, so this only stores;
    /// all items go in one transaction and the answer lists them in request order.
    func createBatch(_ context: OperationContext) throws -> HTTPResponse {
        let items = context.body.arrayValue ?? []
        let created = try create(items.map { $0.objectValue ?? [:] }, context)
        return .json(200, .array(created.map(JSONValue.object)))
    }

    /// `POST .../test-case-results`: one `TestCaseResultRequest`.
    func createOne(_ context: OperationContext) throws -> HTTPResponse {
        let created = try create([context.body.objectValue ?? [:]], context)
        return .json(200, .object(created[0]))
    }

    /// `GET .../test-case-results`: page pagination, `page` from 1, `limit` 1–10,000 (default 100).
    func list(_ context: OperationContext) throws -> HTTPResponse {
        let evaluationId = context.pathParameter("evaluation_id")
        guard try store.evaluationExists(evaluationId) else { return ScaleGPNotFound.evaluation(evaluationId) }
        let page = context.input.query["page"].flatMap(Self.integer) ?? 1
        let limit = context.input.query["limit"].flatMap(Self.integer) ?? 100
        let accountId = context.input.query["account_id"]?.stringValue
        let found = try store.list(evaluationId: evaluationId, accountId: accountId, page: page, limit: limit)
        let views = Self.views(context)
        return .json(200, .object([
            "current_page": .int(page),
            "items_per_page": .int(limit),
            "total_item_count": .int(found.total),
            "items": .array(found.documents.map { .object(TestCaseResultViews.add(views, to: $0)) }),
        ]))
    }

    /// `GET .../test-case-results/{test_case_result_id}`.
    func retrieve(_ context: OperationContext) throws -> HTTPResponse {
        let id = context.pathParameter("test_case_result_id")
        guard let stored = try store.find(evaluationId: context.pathParameter("evaluation_id"), id: id) else {
            return ScaleGPNotFound.testCaseResult(id)
        }
        return .json(200, .object(TestCaseResultViews.add(Self.views(context), to: stored)))
    }

    /// `PATCH .../test-case-results/{test_case_result_id}`: the members sent replace the stored ones.
    func update(_ context: OperationContext) throws -> HTTPResponse {
        let id = context.pathParameter("test_case_result_id")
        let evaluationId = context.pathParameter("evaluation_id")
        let updated: JSONValue.JSONObject? = try store.transaction {
            guard let stored = try store.find(evaluationId: evaluationId, id: id) else { return nil }
            let updated = documents.update(stored, with: context.body.objectValue ?? [:], now: clock())
            try store.replace(updated)
            return updated
        }
        guard let updated else { return ScaleGPNotFound.testCaseResult(id) }
        return .json(200, .object(updated))
    }

    private func create(_ requests: [JSONValue.JSONObject], _ context: OperationContext) throws -> [JSONValue.JSONObject] {
        let evaluationId = context.pathParameter("evaluation_id")
        let caller = ScaleGPCaller(request: context.request)
        let now = clock()
        return try store.transaction {
            let datasetId = try store.evaluationDatasetId(evaluationId: evaluationId, now: now)
            return try requests.map { request in
                let origin = TestCaseResultDocument.Origin(id: ScaleGPIdentifiers.newId(), evaluationId: evaluationId,
                                                           evaluationDatasetId: datasetId, caller: caller, now: now)
                let document = documents.create(from: request, origin: origin)
                try store.insert(document)
                return document
            }
        }
    }

    private static func views(_ context: OperationContext) -> [String] {
        context.input.query["view"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    private static func integer(_ value: JSONValue) -> Int? {
        if case .number(let number) = value { return number.intValue }
        return nil
    }
}
