import EvalmockKit

/// What `/_evalmock/reset`, export and the health inventory see of Scale GP: evaluations, their
/// test case results and the versions a PATCH replaced. An evaluation goes with its results and
/// their versions.
extension ScaleGPAPI: StatefulAPI {
    public var storedTables: [StoredTable] {
        [
            StoredTable("scale_gp_evaluations", countedAs: "evaluations"),
            StoredTable("scale_gp_test_case_results", countedAs: "testCaseResults"),
            StoredTable("scale_gp_test_case_result_versions", countedAs: "replacedTestCaseResultVersions"),
            StoredTable(ScaleGPResources.table, countedAs: nil),
        ]
    }

    /// The tables' counts, and the v4 resources by kind (`evaluationDatasets`, `testCases`, …).
    public func inventory() throws -> JSONValue.JSONObject {
        var counts = try tableInventory()
        for (name, count) in try resources.inventory() where counts[name] == nil { counts[name] = count }
        return counts
    }
    /// An evaluation: its results and their versions, and the v4 evaluation resource with what
    /// belongs to it.
    public var resetScopes: [ResetScope] {
        [
            ResetScope(
                name: "evaluation",
                rows: [.matching(table: "scale_gp_evaluations", column: "id")]
                    + resources.store.resetScope("evaluation", kind: "evaluation").rows)
        ]
    }
}
