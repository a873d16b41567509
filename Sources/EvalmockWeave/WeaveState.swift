import EvalmockKit

/// What `/_evalmock/reset`, export and the inventory see of Weave: the W&B projects
/// `upsertModel` created, the call table, the feedback table and the object store (objects,
/// tables, their rows, files), every row scoped to its `entity/project`, so a project is wiped
/// by its `project_id`. An evaluation run goes with its descendants, as the server's
/// `calls_delete` removes them, and with the feedback filed on them; the project's objects,
/// tables and files are not the run's.
extension WeaveAPI: StatefulAPI {
    public var storedTables: [StoredTable] {
        [
            StoredTable("weave_projects", countedAs: "projects"),
            StoredTable("weave_calls", countedAs: "calls"),
            StoredTable("weave_feedback", countedAs: "feedback"),
            StoredTable("weave_objects", countedAs: "objects"),
            StoredTable("weave_tables", countedAs: "tables"),
            StoredTable("weave_table_rows", countedAs: "table_rows"),
            StoredTable("weave_files", countedAs: "files"),
        ]
    }

    /// The table counts, plus the calls the v2 routes show as their resources.
    public func inventory() throws -> JSONValue.JSONObject {
        var counts = try tableInventory()
        for marker in ["evaluation_run", "prediction", "score"] {
            counts[marker] = .int(
                Int(
                    try database.statement(
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

    public var resetScopes: [ResetScope] {
        [
            ResetScope(
                name: "project",
                rows: [
                    "weave_projects", "weave_feedback", "weave_calls", "weave_objects", "weave_tables",
                    "weave_table_rows", "weave_files",
                ].map { .matching(table: $0, column: "project_id") }),
            ResetScope(
                name: "evaluation_run",
                statements: [
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
