/// What `/_evalmock/reset` and export see of Scorecard v1. A run's testrecords go with it
/// (`ON DELETE CASCADE`); the id is bound as text and compared as an integer (column affinity).
extension ScorecardV1API: StatefulAPI {
    var storedTables: [String] { ["scorecard_v1_runs", "scorecard_v1_testrecords"] }
    var resetScopes: [ResetScope] { [ResetScope(name: "run", statements: ["DELETE FROM scorecard_v1_runs WHERE id = ?"])] }
}
