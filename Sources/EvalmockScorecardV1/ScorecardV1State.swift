import EvalmockKit

/// What `/_evalmock/reset`, export and the health inventory see of Scorecard v1. A run goes
/// with its testrecords; the id is bound as text and compared as an integer (column affinity).
extension ScorecardV1API: StatefulAPI {
    public var storedTables: [StoredTable] {
        [StoredTable("scorecard_v1_runs", countedAs: "runs"), StoredTable("scorecard_v1_testrecords", countedAs: "testrecords")]
    }
    public var resetScopes: [ResetScope] { [ResetScope(name: "run", table: "scorecard_v1_runs", column: "id")] }
}
