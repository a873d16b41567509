import Foundation
import XCTest

@testable import EvalmockKit

/// Group commit: writes of several requests share one transaction; a failing request undoes only
/// its own writes; nothing is visible to another connection before the group commits.
final class GroupCommitTests: XCTestCase {
    private var path: String!

    override func setUp() {
        path = NSTemporaryDirectory() + "evalmock-group-\(UUID().uuidString).db"
    }

    override func tearDown() {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    private func count(_ database: SQLiteDatabase) throws -> Int64 {
        try database.statement("SELECT COUNT(*) FROM t").scalarInt() ?? -1
    }

    func testAFailingRequestUndoesOnlyItsOwnWritesAndTheGroupCommitsTheRest() throws {
        let writer = try SQLiteDatabase(path: path)
        try writer.execute("CREATE TABLE t (v INTEGER NOT NULL)")
        writer.groupsCommits = true
        let gate = GroupCommitGate(database: writer)
        XCTAssertFalse(gate.mustHoldReplies)

        try writer.transaction { try writer.statement("INSERT INTO t VALUES (1)").execute() }
        XCTAssertThrowsError(
            try writer.transaction {
                try writer.statement("INSERT INTO t VALUES (2)").execute()
                try writer.statement("INSERT INTO t VALUES (NULL)").execute()  // NOT NULL: the request fails
            })
        try writer.transaction { try writer.statement("INSERT INTO t VALUES (3)").execute() }
        XCTAssertTrue(gate.mustHoldReplies, "replies wait while the group is open")

        let reader = try SQLiteDatabase(path: path)
        XCTAssertEqual(try count(reader), 0, "nothing is visible before the commit")
        XCTAssertTrue(gate.releaseHeldReplies())
        XCTAssertFalse(gate.mustHoldReplies)
        XCTAssertEqual(try count(reader), 2)
        var values: [Int64] = []
        try reader.statement("SELECT v FROM t ORDER BY v").query { values.append($0.int(0)) }
        XCTAssertEqual(values, [1, 3])
    }

    /// A resource table in group commit, its run `r` stored in the open group.
    private func resourceWriter() throws -> (SQLiteDatabase, ResourceStore, GroupCommitGate) {
        let writer = try SQLiteDatabase(path: path)
        try MigrationRunner.migrate(writer, with: ResourceStore.migrations(name: "t-001", table: "t"))
        writer.groupsCommits = true
        let store = ResourceStore(database: writer, table: "t")
        _ = try writer.singleStatement { try store.insert(kind: "run", id: "r", parent: nil, document: [:]) }
        return (writer, store, GroupCommitGate(database: writer))
    }

    /// A single-row insert without a savepoint (`singleStatement`, a resource create) that
    /// fails on a constraint changes nothing, in a table with indexes and a foreign key: the
    /// group commits the rest, and the table and its indexes agree.
    func testAFailingSingleStatementLeavesTheGroupAsItWas() throws {
        let (writer, store, gate) = try resourceWriter()
        _ = try writer.singleStatement { try store.insert(kind: "record", id: nil, parent: ("run", "r"), key: "k", document: [:]) }
        for failing in [
            { try store.insert(kind: "record", id: nil, parent: ("run", "nobody"), document: [:]) },
            { try store.insert(kind: "record", id: nil, parent: ("run", "r"), key: "k", document: [:]) },
            { try store.insert(kind: "run", id: "r", parent: nil, document: [:]) },
        ] as [() throws -> ResourceStore.Stored] {
            XCTAssertThrowsError(try writer.singleStatement(failing))
        }
        let last = try writer.singleStatement { try store.insert(kind: "record", id: nil, parent: ("run", "r"), document: [:]) }
        XCTAssertTrue(gate.releaseHeldReplies())

        let reader = try SQLiteDatabase(path: path)
        var rows: [String] = []
        try reader.statement("SELECT seq || ' ' || kind || ' ' || id FROM t ORDER BY seq").query { rows.append($0.text(0) ?? "") }
        XCTAssertEqual(rows, ["1 run r", "2 record 2", "3 record 3"])
        XCTAssertEqual(last.id, "3", "failed inserts took no id")
        var integrity: [String] = []
        try reader.statement("PRAGMA integrity_check").query { integrity.append($0.text(0) ?? "") }
        XCTAssertEqual(integrity, ["ok"])
    }

    /// Another connection's inserts and deletes (an `evalmock import` beside a running
    /// server) between two groups: the next group reads the next `seq` again, so an id that
    /// connection gave and deleted is not given again.
    func testTheNextSeqIsReadAgainInEachWriteTransaction() throws {
        let (server, store, gate) = try resourceWriter()
        XCTAssertTrue(gate.releaseHeldReplies())

        let other = try SQLiteDatabase(path: path)
        let otherStore = ResourceStore(database: other, table: "t")
        let given = try other.transaction { try otherStore.insert(kind: "record", id: nil, parent: ("run", "r"), document: [:]) }
        XCTAssertEqual(given.id, "2")
        XCTAssertTrue(try other.transaction { try otherStore.delete(kind: "record", id: given.id) })

        let next = try server.singleStatement { try store.insert(kind: "record", id: nil, parent: ("run", "r"), document: [:]) }
        XCTAssertTrue(gate.releaseHeldReplies())
        XCTAssertEqual(next.id, "3")
    }

    /// When SQLite has rolled the group's transaction back by itself (as after a full disk),
    /// the group's later writes are refused and the commit fails, so the held replies become
    /// errors instead of acknowledging lost writes.
    func testAGroupRolledBackBySQLiteIsNotAcknowledged() throws {
        let writer = try SQLiteDatabase(path: path)
        try writer.execute("CREATE TABLE t (v INTEGER NOT NULL)")
        writer.groupsCommits = true
        try writer.transaction { try writer.statement("INSERT INTO t VALUES (1)").execute() }
        try writer.execute("ROLLBACK")  // what SQLite does by itself after some errors
        XCTAssertThrowsError(
            try writer.transaction { try writer.statement("INSERT INTO t VALUES (2)").execute() }, "refused, not committed alone")
        XCTAssertThrowsError(try writer.singleStatement { try writer.statement("INSERT INTO t VALUES (3)").execute() })
        XCTAssertThrowsError(try writer.commitGroup())
        XCTAssertFalse(writer.hasOpenGroup)
        XCTAssertEqual(try count(writer), 0)
        try writer.transaction { try writer.statement("INSERT INTO t VALUES (4)").execute() }
        try writer.commitGroup()
        XCTAssertEqual(try count(writer), 1, "the next group starts afresh")
    }

    func testRepliesAreHeldUntilTheirWritesAreCommittedOverHTTP() throws {
        let server = try TestServer(databasePath: path)
        defer { server.stop() }
        let created = server.request("POST", "/runs/g/records", body: #"{"inputs":{},"expected":{},"outputs":{}}"#)
        XCTAssertEqual(created.status, 201)
        // The 201 has been received, so the record must already be committed for any reader.
        let reader = try SQLiteDatabase(path: path)
        XCTAssertEqual(try reader.statement("SELECT COUNT(*) FROM scorecard_resources WHERE kind = 'record'").scalarInt(), 1)
    }
}
