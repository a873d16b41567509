/// What `/_evalmock/reset` and export see of Scorecard v2. Deleting a run cascades to its
/// records and their tags (the foreign keys say `ON DELETE CASCADE`).
extension ScorecardV2API: StatefulAPI {
    var storedTables: [String] { ["scorecard_runs", "scorecard_records", "scorecard_record_tags"] }
    var resetScopes: [ResetScope] { [ResetScope(name: "run", statements: ["DELETE FROM scorecard_runs WHERE id = ?"])] }
}
