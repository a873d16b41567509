import XCTest
@testable import EvalmockKit

final class RecordStoreTests: XCTestCase {
    private func store() throws -> ScorecardRecordStore {
        let database = try SQLiteDatabase(path: ":memory:")
        try MigrationRunner.migrate(database, with: ScorecardV2Migrations.all)
        return ScorecardRecordStore(database: database, clock: { "2026-01-01T00:00:00.000Z" })
    }

    private func record(_ run: String, _ i: Int) -> ScorecardRecordStore.NewRecord {
        .init(runId: run, testcaseId: nil, inputs: .object(["i": .int(i)]), expected: .object([:]), outputs: .object([:]))
    }

    func testMigrationsAreAppliedOnce() throws {
        let database = try SQLiteDatabase(path: ":memory:")
        try MigrationRunner.migrate(database, with: ScorecardV2Migrations.all)
        try MigrationRunner.migrate(database, with: ScorecardV2Migrations.all)
        XCTAssertEqual(try database.statement("SELECT COUNT(*) FROM evalmock_migrations").scalarInt(), Int64(ScorecardV2Migrations.all.count))
    }

    func testPagingVisitsEveryRecordOnce() throws {
        let store = try store()
        for i in 0..<7 { _ = try store.create(record("r", i)) }
        var cursor: Int64?
        var seen: [JSONValue] = []
        repeat {
            let page = try store.list(runId: "r", limit: 3, cursor: cursor, tags: [])
            seen += page.records.map { $0.inputs["i"]! }
            XCTAssertEqual(page.total, 7)
            cursor = page.nextCursor
        } while cursor != nil
        XCTAssertEqual(seen, (0..<7).map { .int($0) })
    }

    func testIdsAreNeverReusedAfterDelete() throws {
        let store = try store()
        let first = try store.create(record("r", 0))
        try store.delete(recordId: first.id)
        let second = try store.create(record("r", 1))
        XCTAssertGreaterThan(second.id, first.id)
    }

    func testSQLLookingTextIsStoredVerbatim() throws {
        let store = try store()
        let hostile = "'); DROP TABLE scorecard_records; --"
        _ = try store.create(.init(runId: hostile, testcaseId: hostile, inputs: .object(["q": .string(hostile)]), expected: .object([:]), outputs: .object([:])))
        let page = try store.list(runId: hostile, limit: 10, cursor: nil, tags: [hostile])
        XCTAssertEqual(page.records.count, 0)
        let all = try store.list(runId: hostile, limit: 10, cursor: nil, tags: [])
        XCTAssertEqual(all.records.first?.testcaseId, hostile)
        XCTAssertEqual(all.records.first?.inputs["q"], .string(hostile))
    }
}
