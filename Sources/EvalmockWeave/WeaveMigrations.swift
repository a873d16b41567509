import EvalmockKit
/// Weave keeps evaluation runs, predictions and scores as *calls* of one trace table, with the
/// helper calls the trace server adds around them (`predict_and_score`, `summarize`): one table
/// here too, so that deleting a run removes its descendants and counts them as the server does.
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
