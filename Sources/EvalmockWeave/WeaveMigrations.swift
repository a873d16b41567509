import EvalmockKit
/// `weave-001-calls`: Weave keeps evaluation runs, predictions and scores as *calls* of one trace
/// table, with the helper calls the trace server adds around them (`predict_and_score`,
/// `summarize`): one table here too, so that deleting a run removes its descendants and counts
/// them as the server does. `weave-002-objects`: the object, table and file store.
enum WeaveMigrations {
    static let all = [
        Migration(name: "weave-001-calls", sql: """
            CREATE TABLE weave_calls (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                project_id TEXT NOT NULL,
                id TEXT NOT NULL,
                kind TEXT NOT NULL,
                trace_id TEXT NOT NULL,
                parent_id TEXT,
                evaluation_run_id TEXT,
                evaluation TEXT,
                model TEXT,
                scorer TEXT,
                prediction_id TEXT,
                source_evaluation_run_id TEXT,
                inputs TEXT,
                output TEXT,
                summary TEXT,
                wb_user_id TEXT,
                started_at TEXT NOT NULL,
                ended_at TEXT,
                UNIQUE (project_id, id)
            );
            CREATE INDEX weave_calls_by_kind ON weave_calls(project_id, kind, seq);
            CREATE INDEX weave_calls_by_parent ON weave_calls(project_id, parent_id);
            """),
        // The object, table and file store, keyed as the trace server keys it: object versions
        // by (project, kind, name, digest); rows by (project, row digest), shared by every table
        // that holds them; a table by (project, digest) with its ordered row digests (a JSON
        // array); files by (project, digest), their bytes as base64 so that export and import
        // carry them as text. `val` holds the JSON the digest was computed over.
        Migration(name: "weave-002-objects", sql: """
            CREATE TABLE weave_objects (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                project_id TEXT NOT NULL,
                object_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                digest TEXT NOT NULL,
                base_object_class TEXT,
                leaf_object_class TEXT,
                val TEXT NOT NULL,
                version_index INTEGER NOT NULL,
                is_latest INTEGER NOT NULL,
                wb_user_id TEXT,
                created_at TEXT NOT NULL,
                deleted_at TEXT,
                UNIQUE (project_id, kind, object_id, digest)
            );
            CREATE INDEX weave_objects_by_name ON weave_objects(project_id, object_id);
            CREATE TABLE weave_table_rows (
                project_id TEXT NOT NULL,
                digest TEXT NOT NULL,
                val TEXT NOT NULL,
                PRIMARY KEY (project_id, digest)
            );
            CREATE TABLE weave_tables (
                project_id TEXT NOT NULL,
                digest TEXT NOT NULL,
                row_digests TEXT NOT NULL,
                PRIMARY KEY (project_id, digest)
            );
            CREATE TABLE weave_files (
                project_id TEXT NOT NULL,
                digest TEXT NOT NULL,
                name TEXT,
                content_base64 TEXT NOT NULL,
                PRIMARY KEY (project_id, digest)
            );
            """),
        // W&B's projects, as its GraphQL API (`UpsertModel`) creates them before `weave.init`
        // writes anything: the registry the trace server's data lives under, kept apart from it.
        Migration(name: "weave-004-projects", sql: """
            CREATE TABLE weave_projects (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                project_id TEXT NOT NULL UNIQUE,
                entity TEXT NOT NULL,
                name TEXT NOT NULL,
                description TEXT,
                created_at TEXT NOT NULL
            );
            """),
    ]
}
