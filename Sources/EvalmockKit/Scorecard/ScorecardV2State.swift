/// What `/_evalmock/reset`, export and the health inventory see of Scorecard v2. A run goes
/// with its records and their tags.
extension ScorecardV2API: StatefulAPI {
    var storedTables: [StoredTable] {
        [
            StoredTable("scorecard_runs", countedAs: "runs"),
            StoredTable("scorecard_records", countedAs: "records"),
            StoredTable("scorecard_record_tags", countedAs: "tags"),
        ]
    }
    var resetScopes: [ResetScope] { [ResetScope(name: "run", table: "scorecard_runs", column: "id")] }
}
