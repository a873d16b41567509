import EvalmockKit

/// What `/_evalmock/reset`, export and the health inventory see of Scorecard v2: one resource
/// table, counted by kind. A run goes with its records and what belongs to them.
extension ScorecardV2API: StatefulAPI {
    public var storedTables: [StoredTable] { [StoredTable(ScorecardV2Migrations.resourceTable, countedAs: nil)] }
    public var resetScopes: [ResetScope] { [resources.store.resetScope("run", kind: "run")] }
    public func inventory() throws -> JSONValue.JSONObject { try resources.inventory() }
}
