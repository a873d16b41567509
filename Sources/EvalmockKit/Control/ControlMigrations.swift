/// evalmock's own tables, in the main database only (namespace databases hold API data alone).
///
/// The journal has no secondary index on purpose: it is written on every request and read
/// rarely, and it is bounded (`--journal-limit`), so a filtered read scans at most that many
/// rows while a write only appends to the rowid b-tree.
enum ControlMigrations {
    static let all = [
        Migration(
            name: "evalmock-001-journal-fault-rules",
            sql: """
                CREATE TABLE evalmock_journal (
                    id INTEGER PRIMARY KEY,
                    at TEXT NOT NULL,
                    namespace TEXT NOT NULL,
                    api TEXT,
                    method TEXT NOT NULL,
                    path TEXT NOT NULL,
                    query TEXT,
                    request_headers TEXT NOT NULL,
                    request_body TEXT,
                    status INTEGER,
                    response_headers TEXT,
                    response_body TEXT,
                    duration_ms REAL NOT NULL,
                    forced_by TEXT
                );
                CREATE TABLE evalmock_fault_rules (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    namespace TEXT NOT NULL,
                    method TEXT,
                    path TEXT NOT NULL,
                    remaining INTEGER,
                    status INTEGER,
                    delay_ms INTEGER NOT NULL DEFAULT 0,
                    drop_connection INTEGER NOT NULL DEFAULT 0,
                    retry_after TEXT,
                    created_at TEXT NOT NULL
                );
                """)
    ]
}
