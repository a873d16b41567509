/// What `/_evalmock/reset`, export and the inventory see of Weave: the call table and the
/// feedback table, every row scoped to its `entity/project`, so a project is wiped by its
/// `project_id`. An evaluation run goes with its descendants, as the server's `calls_delete`
/// removes them, and with the feedback filed on them.
extension WeaveAPI: StatefulAPI {
    var storedTables: [StoredTable] {
        [StoredTable("weave_calls", countedAs: "calls"), StoredTable("weave_feedback", countedAs: "feedback")]
    }

    /// The table counts, plus the calls the v2 routes show as their resources.
    func inventory() throws -> JSONValue.JSONObject {
        var counts = try tableInventory()
        for marker in ["evaluation_run", "prediction", "score"] {
            counts[marker] = .int(Int(try database.statement(
                "SELECT COUNT(*) FROM weave_calls WHERE json_extract(attributes, '$.weave.' || ?) = 'true'"
            ).scalarInt([.text(marker)]) ?? 0))
        }
        return counts
    }

    private static let doomedCalls = """
        WITH RECURSIVE doomed(project_id, id) AS (
            SELECT project_id, id FROM weave_calls
            WHERE id = ?1 AND json_extract(attributes, '$.weave.evaluation_run') = 'true'
            UNION SELECT c.project_id, c.id FROM weave_calls c JOIN doomed d ON c.project_id = d.project_id AND c.parent_id = d.id
        )
        """

    var resetScopes: [ResetScope] {
        [
            ResetScope(name: "project", rows: [
                .matching(table: "weave_feedback", column: "project_id"), .matching(table: "weave_calls", column: "project_id"),
            ]),
            ResetScope(name: "evaluation_run", statements: [
                """
                \(Self.doomedCalls)
                DELETE FROM weave_feedback WHERE (project_id, weave_ref) IN (
                    SELECT project_id, 'weave:///' || project_id || '/call/' || id FROM doomed)
                """,
                """
                \(Self.doomedCalls)
                DELETE FROM weave_calls WHERE (project_id, id) IN (SELECT project_id, id FROM doomed)
                """,
            ]),
        ]
    }
}
