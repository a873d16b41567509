/// What `/_evalmock/reset` and export see of Scale GP: an evaluation and its test case results.
extension ScaleGPAPI: StatefulAPI {
    var storedTables: [String] { ["scale_gp_evaluations", "scale_gp_test_case_results"] }
    var resetScopes: [ResetScope] {
        [ResetScope(name: "evaluation", statements: [
            "DELETE FROM scale_gp_test_case_results WHERE evaluation_id = ?",
            "DELETE FROM scale_gp_evaluations WHERE id = ?",
        ])]
    }
}
