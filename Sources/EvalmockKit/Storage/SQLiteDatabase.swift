import CSQLite

/// One SQLite connection, used from the event-loop thread only.
///
/// Durability: WAL with synchronous=NORMAL. A commit is in the WAL file (in the OS page cache)
/// before `commit` returns, so a killed process (`kill -9`) loses nothing it acknowledged; only
/// a power cut could drop the last transactions, which a local emulator accepts for speed.
public final class SQLiteDatabase {
    let connection: OpaquePointer
    private var statements: [String: Statement] = [:]

    /// Before the first open: see the shim. Each connection is used by one thread at a time
    /// (`SQLITE_OPEN_NOMUTEX`), which this does not change.
    private static let configureOnce: Void = evalmock_sqlite3_configure()

    public init(path: String) throws(SQLiteError) {
        Self.configureOnce
        var connection: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &connection, flags, nil)
        guard code == SQLITE_OK, let connection else {
            let error = SQLiteError(code: code, connection: connection, context: "open \(path)")
            sqlite3_close_v2(connection)
            throw error
        }
        self.connection = connection
        sqlite3_extended_result_codes(connection, 1)
        sqlite3_busy_timeout(connection, 5_000)
        do throws(SQLiteError) {
            // Reading the schema fails here, with a clear message, if the file is not a database.
            try execute("PRAGMA schema_version")
            if sqlite3_db_readonly(connection, "main") == 1 {
                throw SQLiteError(code: SQLITE_READONLY, message: "the database file is not writable", context: "open \(path)")
            }
            if path != ":memory:" { try execute("PRAGMA journal_mode=WAL") }
            try execute("PRAGMA synchronous=NORMAL")
            try execute("PRAGMA foreign_keys=ON")
        } catch {
            sqlite3_close_v2(connection)
            throw error
        }
    }

    deinit {
        statements.removeAll()
        for held in [begin, commit, savepoint, release] { held.prepared = nil }
        sqlite3_close_v2(connection)
    }

    /// Runs SQL text that takes no parameters (schema changes, pragmas).
    public func execute(_ sql: String) throws(SQLiteError) {
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(connection, sql, nil, nil, &message)
        if code != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(code))
            sqlite3_free(message)
            throw SQLiteError(code: code, message: text, context: sql)
        }
    }

    /// A cached prepared statement for `sql`.
    public func statement(_ sql: String) throws(SQLiteError) -> Statement {
        if let cached = statements[sql] { return cached }
        let statement = try Statement(connection: connection, sql: sql)
        statements[sql] = statement
        return statement
    }

    /// The prepared statement for `held`, which keeps it: the statements of every request are
    /// found without hashing their text (a few hundred bytes each) in the cache above.
    public func statement(_ held: HeldStatement) throws(SQLiteError) -> Statement {
        if let prepared = held.prepared, held.database === self { return prepared }
        let prepared = try statement(held.sql)
        held.prepared = prepared
        held.database = self
        return prepared
    }

    private let begin = HeldStatement("BEGIN IMMEDIATE")
    private let commit = HeldStatement("COMMIT")
    private let savepoint = HeldStatement("SAVEPOINT request")
    private let release = HeldStatement("RELEASE request")

    /// Runs `body` in one transaction: all of it is committed, or none of it.
    /// Group commit: when on, `transaction` does not commit; it runs inside one open group
    /// transaction (as a savepoint, so a failing body still undoes only its own writes), and
    /// `commitGroup()` commits the whole group. Switched on once start-up writes are done.
    public var groupsCommits = false
    /// A group transaction is open: there are writes not yet committed.
    public private(set) var hasOpenGroup = false

    /// Commits the open group transaction, if any.
    public func commitGroup() throws(SQLiteError) {
        guard hasOpenGroup else { return }
        hasOpenGroup = false
        // SQLite rolls a transaction back by itself after some errors (a full disk, an I/O
        // error): the group's writes are gone, and what ran after them committed alone.
        if sqlite3_get_autocommit(connection) != 0 {
            generation &+= 1
            throw Self.groupRolledBack(context: "COMMIT")
        }
        do {
            try statement(commit).execute()
        } catch {
            rollBack()
            throw error
        }
    }

    /// BEGIN/COMMIT are cached prepared statements, not `sqlite3_exec` text: every write goes
    /// through here, and parsing them each time showed in profiles.
    /// A transaction begun inside another (a handler's hook resolving what a request names) is
    /// a savepoint of it, as in group commit: BEGIN inside BEGIN is an SQLite error.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        if groupsCommits { return try inGroup(body) }
        if sqlite3_get_autocommit(connection) == 0 { return try inSavepoint(body) }
        try beginWriting()
        do {
            let result = try body()
            try statement(commit).execute()
            return result
        } catch {
            rollBack()
            throw error
        }
    }

    /// Rows in a table an API declares, for inventories. Table names come from code, never
    /// from a request.
    public func rowCount(_ table: StoredTable) throws -> Int {
        Int(try statement("SELECT COUNT(*) FROM \"\(table.name)\"").scalarInt() ?? 0)
    }

    /// A transaction of its own even in group-commit mode: the open group is committed first.
    /// For work whose checks run at COMMIT (deferred foreign keys): inside a group, a failure
    /// there would undo every request of the group.
    public func isolatedTransaction<T>(_ body: () throws -> T) throws -> T {
        guard groupsCommits else { return try transaction(body) }
        try commitGroup()
        groupsCommits = false
        defer { groupsCommits = true }
        return try transaction(body)
    }

    /// Runs `body`, which writes with one statement at most (a single-row INSERT), without a
    /// savepoint of its own: a statement is atomic by itself, so a failing body leaves nothing
    /// to undo. In group commit it joins the open group; otherwise it is `transaction`. A
    /// request's savepoint journals each page it changes that the group changed before it,
    /// which cost 7 % of a Scorecard record create.
    public func singleStatement<T>(_ body: () throws -> T) throws -> T {
        guard groupsCommits else { return try transaction(body) }
        try joinGroup()
        return try body()
    }

    private func inGroup<T>(_ body: () throws -> T) throws -> T {
        try joinGroup()
        return try inSavepoint(body)
    }

    /// Opens the group transaction, or joins the open one. One SQLite has rolled back by itself
    /// is refused: a write now would commit alone, ahead of the group's failed commit.
    private func joinGroup() throws(SQLiteError) {
        guard hasOpenGroup else {
            try beginWriting()
            hasOpenGroup = true
            return
        }
        if sqlite3_get_autocommit(connection) != 0 { throw Self.groupRolledBack(context: "SAVEPOINT") }
    }

    private static func groupRolledBack(context: String) -> SQLiteError {
        SQLiteError(code: SQLITE_ABORT, message: "the group transaction was rolled back by SQLite after an error", context: context)
    }

    private func inSavepoint<T>(_ body: () throws -> T) throws -> T {
        try statement(savepoint).execute()
        do {
            let result = try body()
            try statement(release).execute()
            return result
        } catch {
            try? statement("ROLLBACK TO request").execute()
            try? statement("RELEASE request").execute()
            generation &+= 1  // the inserts it undid were counted
            throw error
        }
    }

    /// Moves whenever rows may have changed without the stores knowing: a write transaction
    /// begins (another connection, an `evalmock import` say, may have written before it), a
    /// rollback (which undoes inserts a store counted), or rows written by other code
    /// (`rowsWrittenElsewhere`). State a store derives from its table (a resource table's next
    /// `seq`) is read again when it moves: once per group of requests in group commit.
    public private(set) var generation = 0

    /// After a failed body or commit: what it wrote is gone, and so is what stores counted.
    private func rollBack() {
        try? statement("ROLLBACK").execute()
        generation &+= 1
    }

    /// BEGIN IMMEDIATE: from here to the commit no other connection writes.
    private func beginWriting() throws(SQLiteError) {
        try statement(begin).execute()
        generation &+= 1
    }

    /// For code that writes a store's table itself (an import, fixtures).
    public func rowsWrittenElsewhere() { generation &+= 1 }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(connection) }
    public var changes: Int { Int(sqlite3_changes(connection)) }
}

extension SQLiteError {
    init(code: Int32, message: String, context: String) {
        self.code = code
        self.message = message
        self.context = context
    }
}

/// SQL that keeps its prepared statement once a database has prepared it (see
/// `SQLiteDatabase.statement(_:)`). Used with another database, it is prepared there instead.
public final class HeldStatement {
    public let sql: String
    fileprivate var prepared: Statement?
    /// Weak, and compared by identity: a database opened later at a freed one's address is
    /// not taken for it.
    fileprivate weak var database: SQLiteDatabase?

    public init(_ sql: String) { self.sql = sql }
}
