/// Schema migrations, applied in order at start-up and recorded by name in the
/// `evalmock_migrations` table.
///
/// Each emulated API contributes its own migrations under a name; the runner keeps one ordered
/// list so that a database written by an older evalmock is upgraded in place, never rebuilt.
public struct Migration: Sendable {
    public let name: String
    public let sql: String

    public init(name: String, sql: String) {
        self.name = name
        self.sql = sql
    }
}

public enum MigrationRunner {
    /// Applies the migrations the database has not seen yet, each in its own transaction.
    public static func migrate(_ database: SQLiteDatabase, with migrations: [Migration]) throws {
        try database.execute(
            """
            CREATE TABLE IF NOT EXISTS evalmock_migrations (
                name TEXT PRIMARY KEY,
                applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
            )
            """)
        var applied = Set<String>()
        try database.statement("SELECT name FROM evalmock_migrations").query { row in
            if let name = row.text(0) { applied.insert(name) }
        }
        for migration in migrations where !applied.contains(migration.name) {
            try database.transaction {
                try database.execute(migration.sql)
                try database.statement("INSERT INTO evalmock_migrations (name) VALUES (?)").execute([.text(migration.name)])
            }
        }
    }
}
