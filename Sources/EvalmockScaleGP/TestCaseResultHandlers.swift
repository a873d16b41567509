import EvalmockKit

/// The test case result operations of Scale GP: batch and single create, list, retrieve, update.
struct TestCaseResultHandlers {
    let store: TestCaseResultStore
    let history: TestCaseResultHistoryStore
    let documents: TestCaseResultDocument
    /// Set in `--lenient` mode only: unknown ids are created on first reference and what is
    /// stored is completed to validate against the response schema.
    let completion: TestCaseResultCompletion?
    let clock: () -> String

    /// `POST .../test-case-results/batch`: the body is a bare array of `TestCaseResultRequest`
    /// (what the SDK sends). The pipeline has validated every item already, so this only stores;
    /// all items go in one transaction and the answer lists them in request order.
    func createBatch(_ context: OperationContext) throws -> HTTPResponse {
        let items = context.body.arrayValue ?? []
        let created = try create(items.map { $0.objectValue ?? [:] }, context)
        // The stored JSON texts are the answer's items: a 1,000-item batch is not encoded twice.
        var body: [UInt8] = [UInt8(ascii: "[")]
        body.reserveCapacity(created.reduce(2) { $0 + $1.utf8.count + 1 })
        for (index, text) in created.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(contentsOf: text.utf8)
        }
        body.append(UInt8(ascii: "]"))
        return .json(200, encoded: body)
    }

    /// `POST .../test-case-results`: one `TestCaseResultRequest`.
    func createOne(_ context: OperationContext) throws -> HTTPResponse {
        let created = try create([context.body.objectValue ?? [:]], context)
        return .json(200, encoded: Array(created[0].utf8))
    }

    /// `GET .../test-case-results`: page pagination, `page` from 1, `limit` 1–10,000 (the document's bounds and defaults).
    func list(_ context: OperationContext) throws -> HTTPResponse {
        let evaluationId = context.pathParameter("evaluation_id")
        guard try evaluationIsKnown(evaluationId) else { throw OperationError.notFound(resource: "Evaluation", id: evaluationId) }
        let page = try TestCaseResultPaging(context)
        let found = try store.list(evaluationId: evaluationId, accountId: page.accountId, page: page.page, limit: page.limit)
        let views = Self.views(context)
        return .json(200, page.answer(found.documents.map { TestCaseResultViews.add(views, to: $0) }, total: found.total))
    }

    /// `GET .../test-case-results/{test_case_result_id}`.
    func retrieve(_ context: OperationContext) throws -> HTTPResponse {
        let id = context.pathParameter("test_case_result_id")
        guard let stored = try store.transaction({ try resolve(id, context) }) else {
            throw OperationError.notFound(resource: "Test case result", id: id)
        }
        return .json(200, .object(TestCaseResultViews.add(Self.views(context), to: stored)))
    }

    /// `PATCH .../test-case-results/{test_case_result_id}`: the members sent replace the stored
    /// ones, and the result's history gains a version (the superseded one is `invalidated_at` now).
    func update(_ context: OperationContext) throws -> HTTPResponse {
        let id = context.pathParameter("test_case_result_id")
        let updated: JSONValue.JSONObject? = try store.transaction {
            guard let stored = try resolve(id, context) else { return nil }
            let now = clock()
            var updated = documents.update(stored, with: context.body.objectValue ?? [:], now: now)
            if let completion { updated = completion.complete(updated) }
            let replaced = try history.currentNumber(resultId: id) ?? 1
            try history.keep(documents.invalidated(stored, at: now), num: String(replaced))
            try store.replace(updated)
            return updated
        }
        guard let updated else { throw OperationError.notFound(resource: "Test case result", id: id) }
        return .json(200, .object(updated))
    }

    /// A stored result of the request's evaluation. In `--lenient` mode an id nobody created
    /// is created here, with placeholder values, and kept: later reads answer the same result.
    /// Callers run it inside a transaction.
    func resolve(_ id: String, _ context: OperationContext) throws -> JSONValue.JSONObject? {
        let evaluationId = context.pathParameter("evaluation_id")
        if let stored = try store.find(evaluationId: evaluationId, id: id) { return stored }
        // An id of another evaluation's result stays unknown here: ids are unique.
        guard let completion, try !store.exists(id: id) else { return nil }
        let origin = try origin(id: id, context)
        let document = completion.complete(documents.create(from: [:], origin: origin).object)
        try store.insert(documents.members(of: document))
        return document
    }

    /// Whether an evaluation has results; `--lenient` brings an unknown one into being.
    func evaluationIsKnown(_ evaluationId: String) throws -> Bool {
        if try store.evaluationExists(evaluationId) { return true }
        guard completion != nil else { return false }
        _ = try store.transaction { try store.evaluationDatasetId(evaluationId: evaluationId, now: clock()) }
        return true
    }

    /// Creates and stores results; returns each one's JSON text.
    private func create(_ requests: [JSONValue.JSONObject], _ context: OperationContext) throws -> [String] {
        try store.transaction {
            // One caller, clock reading and evaluation look-up per request, not per item: a
            // 1,000-item batch spent a fifth of its time repeating them.
            let shared = try origin(id: "", context)
            return try requests.map { request in
                var origin = shared
                origin.id = ScaleGPIdentifiers.newId()
                var result = documents.create(from: request, origin: origin)
                if let completion { result = documents.members(of: completion.complete(result.object)) }
                return try store.insert(result)
            }
        }
    }

    private func origin(id: String, _ context: OperationContext) throws -> TestCaseResultDocument.Origin {
        let evaluationId = context.pathParameter("evaluation_id")
        let now = clock()
        let datasetId = try store.evaluationDatasetId(evaluationId: evaluationId, now: now)
        return TestCaseResultDocument.Origin(
            id: id, evaluationId: evaluationId, evaluationDatasetId: datasetId,
            caller: ScaleGPCaller(context), now: now)
    }

    private static func views(_ context: OperationContext) -> [String] {
        context.input.query["view"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }
}
