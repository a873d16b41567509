/// Scorecard v2 tables. Record ids come from AUTOINCREMENT, so an id is never reused after a
/// delete: a client holding an old id can never read someone else's record through it.
enum ScorecardV2Migrations {
    static let all = [
        Migration(name: "scorecard-v2-001-runs-records-tags", sql: """
            CREATE TABLE scorecard_runs (
                id TEXT PRIMARY KEY,
                created_at TEXT NOT NULL
            );
            CREATE TABLE scorecard_records (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                run_id TEXT NOT NULL REFERENCES scorecard_runs(id) ON DELETE CASCADE,
                testcase_id TEXT,
                inputs TEXT NOT NULL,
                expected TEXT NOT NULL,
                outputs TEXT NOT NULL,
                session_id TEXT,
                otel_link_id TEXT,
                created_at TEXT NOT NULL
            );
            CREATE INDEX scorecard_records_by_run ON scorecard_records(run_id, id);
            CREATE TABLE scorecard_record_tags (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                record_id INTEGER NOT NULL REFERENCES scorecard_records(id) ON DELETE CASCADE,
                text TEXT NOT NULL,
                source TEXT NOT NULL DEFAULT 'user',
                created_at TEXT NOT NULL,
                UNIQUE (record_id, text)
            );
            """),
    ]
}
