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
