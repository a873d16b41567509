import EvalmockKit

/// Scale GP's history of test case results: the `num`-th version of one result, and the
/// `num`-th versions of all results of an evaluation. Version 1 is a result as created and each
/// PATCH adds the next (see `TestCaseResultHistoryStore`).
struct TestCaseResultHistoryHandlers {
    let results: TestCaseResultHandlers
    let history: TestCaseResultHistoryStore

    /// `GET .../test-case-results/{test_case_result_id}/history/{num}`. An unknown version is a
    /// 404 naming it. In `--lenient` mode the result is created on first reference, and a
    /// version it does not have yet is kept as its current state under that `num`, so the same
    /// read answers the same again.
    func retrieve(_ context: OperationContext) throws -> HTTPResponse {
        let id = context.pathParameter("test_case_result_id")
        let evaluationId = context.pathParameter("evaluation_id")
        let num = TestCaseResultHistoryStore.canonicalNumber(context.pathParameter("num"))
        let version: JSONValue.JSONObject? = try results.store.transaction {
            if let version = try history.find(evaluationId: evaluationId, resultId: id, num: num) { return version }
            guard results.completion != nil, let current = try results.resolve(id, context) else { return nil }
            // A result created just now is at version 1.
            if let created = try history.find(evaluationId: evaluationId, resultId: id, num: num) { return created }
            try history.keep(current, num: num)
            return current
        }
        guard let version else { throw OperationError.notFound(resource: "Version \(num) of test case result", id: id) }
        return .json(200, .object(version))
    }

    /// `GET .../test-case-results/history/{num}`: the `num`-th version of every result of the
    /// evaluation that has one, paged like the results list.
    func list(_ context: OperationContext) throws -> HTTPResponse {
        let evaluationId = context.pathParameter("evaluation_id")
        guard try results.evaluationIsKnown(evaluationId) else { throw OperationError.notFound(resource: "Evaluation", id: evaluationId) }
        let num = TestCaseResultHistoryStore.canonicalNumber(context.pathParameter("num"))
        let page = try TestCaseResultPaging(context)
        let found = try history.list(evaluationId: evaluationId, num: num, accountId: page.accountId, page: page.page, limit: page.limit)
        return .json(200, page.answer(found.documents, total: found.total))
    }
}
