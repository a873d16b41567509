import EvalmockKit
/// What `/_evalmock/reset` and export see of Weave: the W&B projects `upsertModel` created, the
/// trace table of calls (the inventory counts them by kind, `WeaveCallStore.inventory`) and the
/// object store (objects, tables, their rows, files), every row scoped to its `entity/project`,
/// so a project is wiped by its `project_id`. An evaluation run goes with its descendants, as
/// the server's `calls_delete` removes them.
extension WeaveAPI: StatefulAPI {
    public var storedTables: [StoredTable] {
        [
            StoredTable("weave_projects", countedAs: "projects"),
            StoredTable("weave_calls", countedAs: nil),
            StoredTable("weave_objects", countedAs: "objects"),
            StoredTable("weave_tables", countedAs: "tables"),
            StoredTable("weave_table_rows", countedAs: "table_rows"),
            StoredTable("weave_files", countedAs: "files"),
        ]
    }
    public var resetScopes: [ResetScope] {
        [
            ResetScope(name: "project", rows: ["weave_projects", "weave_calls", "weave_objects", "weave_tables", "weave_table_rows", "weave_files"]
                .map { .matching(table: $0, column: "project_id") }),
            ResetScope(name: "evaluation_run", statements: ["""
                WITH RECURSIVE doomed(project_id, id) AS (
                    SELECT project_id, id FROM weave_calls WHERE id = ?1 AND kind = 'evaluation_run'
                    UNION SELECT c.project_id, c.id FROM weave_calls c JOIN doomed d ON c.project_id = d.project_id AND c.parent_id = d.id
                )
                DELETE FROM weave_calls WHERE (project_id, id) IN (SELECT project_id, id FROM doomed)
                """]),
        ]
    }
}
