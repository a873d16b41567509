/// What `/_evalmock/reset` and export see of Weave: one table of calls, every call scoped to
/// its `entity/project`, so a project is wiped by its `project_id`.
extension WeaveAPI: StatefulAPI {
    var storedTables: [String] { ["weave_calls"] }
    var resetScopes: [ResetScope] { [ResetScope(name: "project", statements: ["DELETE FROM weave_calls WHERE project_id = ?"])] }
}
