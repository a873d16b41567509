/// The transport's `ReplyGate` over databases in group-commit mode (the main one and each
/// namespace's): replies are held while any group transaction is open, and released by
/// committing them all.
public final class GroupCommitGate: ReplyGate {
    private let databases: () -> [SQLiteDatabase]

    public init(databases: @escaping () -> [SQLiteDatabase]) {
        self.databases = databases
    }

    public convenience init(database: SQLiteDatabase) {
        self.init { [database] }
    }

    public var mustHoldReplies: Bool { databases().contains(where: \.hasOpenGroup) }

    /// Commits every open group. If one fails, every held reply becomes a 500, even those whose
    /// writes were in a database that did commit: a client may then retry a write that was kept,
    /// which is safe to notice, where acknowledging a lost write would not be.
    public func releaseHeldReplies() -> Bool {
        var committed = true
        for database in databases() where database.hasOpenGroup {
            do {
                try database.commitGroup()
            } catch {
                ServerLog.error("group commit failed, answering its requests with 500: \(error)")
                committed = false
            }
        }
        return committed
    }
}
