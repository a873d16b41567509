/// The transport's `ReplyGate` over a database in group-commit mode: replies are held while a
/// group transaction is open, and released by committing it.
public final class GroupCommitGate: ReplyGate {
    private let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public var mustHoldReplies: Bool { database.hasOpenGroup }

    public func releaseHeldReplies() -> Bool {
        do {
            try database.commitGroup()
            return true
        } catch {
            ServerLog.error("group commit failed, answering its requests with 500: \(error)")
            return false
        }
    }
}
