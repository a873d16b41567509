import EvalmockKit
import Foundation

/// Evaluations as resources, and how their test case results (`TestCaseResultHandlers`, in
/// tables of their own) are tied to them.
///
/// An evaluation's dataset version is the one its first result names (a `type="default"`
/// evaluation is created without a dataset; a builder one may name its dataset up front):
/// every result posted to an evaluation that exists must name, by `test_case_id` and
/// `evaluation_dataset_version_num`, a test case of a published version of that dataset,
/// else the batch is a 404 naming what is missing and nothing is stored. Results posted to an
/// evaluation id nobody created keep their old rule (the id comes into being with them).
///
/// Status: COMPLETED when the version has test cases and each has a COMPLETED result, with
/// `completed_at` the latest result's; PENDING otherwise (no results yet, or some test case
/// without a completed one). `total_test_case_result_count` is the version's test cases,
/// `completed_test_case_result_count` the test cases with a completed result.
enum ScaleGPEvaluations {
    static func declare(_ resources: ResourceCollection, results: TestCaseResultStore) throws -> [String: OperationHandler] {
        let op = ScaleGPResources.operation
        let evaluation = "/evaluations/{evaluation_id}"
        try resources.declare(
            ResourceKind(
                name: "evaluation", label: "Evaluation", schema: "EvaluationRetrieveResponse", idParameter: "evaluation_id", ids: .uuid,
                operations: .init(
                    create: op("POST", "/evaluations"), list: op("GET", "/evaluations"), get: op("GET", evaluation),
                    update: op("PATCH", evaluation)),
                hooks: ScaleGPResources.hooks(
                    "evaluation", willCreate: { try prepare(&$0, results: results) },
                    willUpdate: checkReferences, render: { try progress(&$0, $1, $2, results: results) })))
        return [
            op("DELETE", evaluation): ScaleGPResources.archive(resources, kind: "evaluation", parameter: "evaluation_id"),
            // Nothing is ever queued for annotation in evalmock: there is no task to claim.
            op("POST", evaluation + "/claim-task"): { context in
                _ = try resources.resolve("evaluation", id: context.pathParameter("evaluation_id"))
                return .json(200, .null)
            },
            op("GET", evaluation + "/evaluation-metrics"): { try metrics(resources, $0, results: results) },
        ]
    }

    /// The references an evaluation names exist; its results have somewhere to go from now on.
    private static func prepare(_ draft: inout ResourceDraft, results: TestCaseResultStore) throws {
        try checkReferences(&draft)
        if draft.document["type"] == nil { draft.document["type"] = "default" }
        let dataset = draft.document["evaluation_dataset_id"]?.stringValue
        if let version = draft.document["evaluation_dataset_version"], version != .null {
            draft.document["evaluation_dataset_version_num"] = version
        }
        let id = UUID().uuidString.lowercased()
        draft.id = id
        try results.link(evaluationId: id, datasetId: dataset, now: Timestamp.nowPydanticUTC())
    }

    private static func checkReferences(_ draft: inout ResourceDraft) throws {
        let references = [
            ("application_spec_id", "applicationSpec"), ("application_variant_id", "applicationVariant"),
            ("evaluation_config_id", "evaluationConfig"), ("evaluation_dataset_id", "evaluationDataset"),
        ]
        for (member, kind) in references {
            if let id = draft.document[member]?.stringValue { _ = try draft.collection.resolve(kind, id: id) }
        }
    }

    struct Progress {
        var total = 0
        var completed = 0
        var completedAt: JSONValue = .null
        var complete: Bool { total > 0 && completed >= total }
    }

    static func measure(_ evaluation: ResourceStore.Stored, _ resources: ResourceCollection, results: TestCaseResultStore) throws
        -> Progress
    {
        var progress = Progress()
        if let dataset = evaluation.document["evaluation_dataset_id"]?.stringValue,
            let num = versionNumber(evaluation.document["evaluation_dataset_version_num"])
        {
            progress.total = try resources.store.page(
                kind: "testCaseVersion", parent: .anyParent, offset: 0, limit: 0,
                filters: [.member("evaluation_dataset_id", equals: dataset), .key(num)]
            ).total
        }
        let done = try results.completion(evaluationId: evaluation.id)
        progress.completed = done.testCases
        if progress.complete, let at = done.lastCompletedAt { progress.completedAt = .string(at) }
        return progress
    }

    private static func progress(
        _ object: inout JSONValue.JSONObject, _ stored: ResourceStore.Stored, _ resources: ResourceCollection,
        results: TestCaseResultStore
    ) throws {
        let progress = try measure(stored, resources, results: results)
        object["status"] = progress.complete ? "COMPLETED" : "PENDING"
        object["completed_test_case_result_count"] = .int(progress.completed)
        object["total_test_case_result_count"] = .int(progress.total)
        object["completed_at"] = progress.completedAt
    }

    /// `GET …/evaluation-metrics`: labeled = test cases with a completed result; evalmock has
    /// no audits, so nothing is approved, fixed or flagged and every labeled one is unaudited.
    private static func metrics(_ resources: ResourceCollection, _ context: OperationContext, results: TestCaseResultStore) throws
        -> HTTPResponse
    {
        let evaluation = try resources.resolve("evaluation", id: context.pathParameter("evaluation_id"))
        let progress = try measure(evaluation, resources, results: results)
        let total = max(progress.total, progress.completed)
        let unaudited = total == 0 ? 0.0 : Double(progress.completed) * 100 / Double(total)
        return .json(
            200,
            .object([
                "avg_labeling_time_per_test_case": .number(JSONNumber(0.0)),
                "avg_num_test_cases_labeled_per_day": .number(JSONNumber(0.0)),
                "evaluation_id": .string(evaluation.id),
                "num_test_cases_approved": .int(0),
                "num_test_cases_fixed": .int(0),
                "num_test_cases_flagged": .int(0),
                "num_test_cases_labeled": .int(progress.completed),
                "num_test_cases_unaudited": .int(progress.completed),
                "num_total_test_cases": .int(total),
                "percentage_test_cases_approved": .number(JSONNumber(0.0)),
                "percentage_test_cases_fixed": .number(JSONNumber(0.0)),
                "percentage_test_cases_unaudited": .number(JSONNumber(unaudited)),
            ]))
    }

    static func versionNumber(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text)?: return TestCaseResultHistoryStore.canonicalNumber(text)
        case .number(let number)?: return TestCaseResultHistoryStore.canonicalNumber(number.lexeme)
        default: return nil
        }
    }

    // MARK: - Results

    /// Wraps a test case result operation: for an evaluation that exists, its results are kept
    /// where the result handlers look (even after a scoped reset of its results), and created
    /// results must name test cases of a published version of its dataset.
    static func linking(
        _ resources: ResourceCollection, results: TestCaseResultStore, creates: Bool,
        _ handler: @escaping OperationHandler
    ) -> OperationHandler {
        { context in
            let evaluationId = context.pathParameter("evaluation_id")
            if let evaluation = try resources.store.find(kind: "evaluation", id: evaluationId) {
                try resources.store.database.transaction {
                    // `--lenient` makes evaluations up for ids nobody created (the generated suites
                    // retrieve `evaluation_id` before posting results to it): no link is checked there.
                    if creates && !resources.lenient {
                        try check(context.body.arrayValue ?? [context.body], of: evaluation, resources, results: results)
                    } else {
                        try results.link(evaluationId: evaluationId, datasetId: nil, now: Timestamp.nowPydanticUTC())
                    }
                }
            }
            return try handler(context)
        }
    }

    private static func check(
        _ items: [JSONValue], of stored: ResourceStore.Stored, _ resources: ResourceCollection,
        results: TestCaseResultStore
    ) throws {
        var evaluation = stored
        for item in items {
            let testCaseId = item["test_case_id"]?.stringValue ?? ""
            let num = versionNumber(item["evaluation_dataset_version_num"]) ?? ""
            var dataset = evaluation.document["evaluation_dataset_id"]?.stringValue
            if dataset == nil {
                // A default evaluation learns its dataset from the test case its first result names.
                dataset = try resources.store.find(kind: "testCaseVersion", parentId: testCaseId, key: num)?
                    .document["evaluation_dataset_id"]?.stringValue
                guard dataset != nil else {
                    throw OperationError.notFound(
                        resource: "Test case", id: "\(testCaseId) in a published version \(num) of any evaluation dataset")
                }
            }
            let datasetId = dataset!
            guard let version = try resources.store.find(kind: "evaluationDatasetVersion", parentId: datasetId, key: num),
                version.document["draft"] == .bool(false)
            else {
                throw OperationError.notFound(resource: "Published version \(num) of evaluation dataset", id: datasetId)
            }
            guard
                try resources.store.find(kind: "testCaseVersion", parentId: testCaseId, key: num)?
                    .document["evaluation_dataset_id"]?.stringValue == datasetId
            else {
                throw OperationError.notFound(
                    resource: "Test case", id: "\(testCaseId) in version \(num) of evaluation dataset \(datasetId)")
            }
            if evaluation.document["evaluation_dataset_id"]?.stringValue == nil
                || versionNumber(evaluation.document["evaluation_dataset_version_num"]) == nil
            {
                evaluation.document["evaluation_dataset_id"] = .string(datasetId)
                evaluation.document["evaluation_dataset_version_num"] = .string(num)
                try resources.store.update(evaluation)
            }
        }
        try results.link(
            evaluationId: evaluation.id, datasetId: evaluation.document["evaluation_dataset_id"]?.stringValue,
            now: Timestamp.nowPydanticUTC())
    }
}
