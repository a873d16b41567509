import XCTest

@testable import EvalmockKit
@testable import EvalmockScorecardV2

/// The resource layer's one storage scheme: paging, ids, cascades, natural keys, and an older
/// database's runs, records and tags moved into it in place.
final class ResourceStoreTests: XCTestCase {
    private func store() throws -> ResourceStore {
        let database = try SQLiteDatabase(path: ":memory:")
        try MigrationRunner.migrate(database, with: ScorecardV2Migrations.all)
        return ResourceStore(database: database, table: ScorecardV2Migrations.resourceTable)
    }

    private func text(_ database: SQLiteDatabase, _ sql: String) throws -> String? {
        var text: String?
        try database.statement(sql).query { row in text = row.text(0) }
        return text
    }

    private func record(_ store: ResourceStore, run: String, _ i: Int) throws -> ResourceStore.Stored {
        if try !store.exists(kind: "run", id: run) { try store.insert(kind: "run", id: run, parent: nil, document: [:]) }
        return try store.insert(kind: "record", id: nil, parent: ("run", run), document: ["i": .int(i)])
    }

    func testMigrationsAreAppliedOnce() throws {
        let database = try SQLiteDatabase(path: ":memory:")
        try MigrationRunner.migrate(database, with: ScorecardV2Migrations.all)
        try MigrationRunner.migrate(database, with: ScorecardV2Migrations.all)
        XCTAssertEqual(
            try database.statement("SELECT COUNT(*) FROM evalmock_migrations").scalarInt(), Int64(ScorecardV2Migrations.all.count))
    }

    func testPagingVisitsEveryResourceOnceInCreationOrder() throws {
        let store = try store()
        for i in 0..<7 { _ = try record(store, run: "r", i) }
        _ = try record(store, run: "other", 99)
        var from: Int64 = 0
        var seen: [JSONValue] = []
        while true {
            let page = try store.page(kind: "record", parent: .parent(kind: "run", id: "r"), from: from, limit: 3)
            seen += page.resources.map { $0.document["i"]! }
            XCTAssertEqual(page.total, 7)
            guard let next = page.next else { break }
            from = next
        }
        XCTAssertEqual(seen, (0..<7).map { .int($0) })
    }

    func testNewestFirstPagingVisitsEveryResourceOnceAndSkipsThoseAddedMeanwhile() throws {
        let store = try store()
        for i in 0..<7 { _ = try record(store, run: "r", i) }
        var from: Int64 = 0
        var seen: [JSONValue] = []
        while true {
            let page = try store.page(kind: "record", parent: .parent(kind: "run", id: "r"), from: from, limit: 3, order: .newestFirst)
            seen += page.resources.map { $0.document["i"]! }
            if from == 0 { _ = try record(store, run: "r", 100) }
            guard let next = page.next else { break }
            from = next
        }
        XCTAssertEqual(seen, (0..<7).reversed().map { .int($0) })
    }

    func testSequenceIdsAreNeverReusedAfterADelete() throws {
        let store = try store()
        let first = try record(store, run: "r", 0)
        XCTAssertTrue(try store.delete(kind: "record", id: first.id))
        XCTAssertFalse(try store.delete(kind: "record", id: first.id))
        let second = try record(store, run: "r", 1)
        XCTAssertGreaterThan(Int(second.id)!, Int(first.id)!)
    }

    /// The highest deleted `seq` is kept by the table's trigger, for cascaded deletes too, so a
    /// store opened later (a restart) continues above it.
    func testSequenceIdsAreNeverReusedAfterACascadeOrARestart() throws {
        let store = try store()
        let records = try (0..<3).map { try record(store, run: "r", $0) }
        XCTAssertTrue(try store.delete(kind: "run", id: "r"))
        XCTAssertEqual(try store.countsByKind(), [:])
        let reopened = ResourceStore(database: store.database, table: store.table)
        let next = try record(reopened, run: "r", 3)
        XCTAssertGreaterThan(next.seq, records.last!.seq)
    }

    /// A rolled-back insert gives its `seq` back: the counter kept in memory is read again.
    func testARolledBackInsertLeavesNoGap() throws {
        let store = try store()
        let first = try record(store, run: "r", 0)
        struct Undo: Error {}
        XCTAssertThrowsError(
            try store.database.transaction {
                _ = try record(store, run: "r", 1)
                throw Undo()
            })
        XCTAssertEqual(try record(store, run: "r", 2).seq, first.seq + 1)
    }

    /// Rows written beside the store (an import, fixtures) move the database's generation, and
    /// the next insert continues above them; a row the store was not told of costs a retry,
    /// not the create.
    func testRowsWrittenBesideTheStoreMoveItsCounter() throws {
        let store = try store()
        let first = try record(store, run: "r", 0)
        try store.database.execute("INSERT INTO scorecard_resources (seq, kind, id, document) VALUES (100, 'run', 'imported', '{}')")
        store.database.rowsWrittenElsewhere()
        XCTAssertEqual(try record(store, run: "r", 1).seq, 101)
        try store.database.execute("INSERT INTO scorecard_resources (seq, kind, id, document) VALUES (102, 'run', 'unannounced', '{}')")
        XCTAssertEqual(try record(store, run: "r", 2).seq, 103)
        XCTAssertEqual(first.seq, 2, "after the run made for it")
    }

    /// A list names a top-level kind's resources (stored without a parent), one parent's, or
    /// every parent's, each in creation order.
    func testAListNamesTopLevelResourcesOneParentsOrEveryParents() throws {
        let store = try store()
        let a = try record(store, run: "a", 0)
        let b = try record(store, run: "b", 1)
        let a2 = try record(store, run: "a", 2)
        let topLevel = try store.page(kind: "run", parent: .none, offset: 0, limit: 10)
        XCTAssertEqual(topLevel.resources.map(\.id), ["a", "b"])
        XCTAssertEqual(topLevel.total, 2)
        XCTAssertEqual(try store.page(kind: "record", parent: .none, offset: 0, limit: 10).total, 0)
        XCTAssertEqual(
            try store.page(kind: "record", parent: .parent(kind: "run", id: "a"), offset: 0, limit: 10).resources.map(\.id), [a.id, a2.id])
        let every = try store.page(kind: "record", parent: .anyParent, offset: 1, limit: 10, order: .newestFirst)
        XCTAssertEqual(every.resources.map(\.id), [b.id, a.id])
        XCTAssertEqual(every.total, 3)
    }

    func testDeletingAParentDeletesWhatBelongsToItHoweverDeep() throws {
        let store = try store()
        let kept = try record(store, run: "kept", 0)
        let doomed = try record(store, run: "doomed", 1)
        try store.insert(kind: "recordTag", id: nil, parent: ("record", doomed.id), key: "x", document: [:])
        try store.insert(kind: "recordTag", id: nil, parent: ("record", kept.id), key: "x", document: [:])
        XCTAssertTrue(try store.delete(kind: "run", id: "doomed"))
        XCTAssertEqual(try store.countsByKind(), ["run": 1, "record": 1, "recordTag": 1])
    }

    func testAParentMustBeStoredAndANaturalKeyIsUniqueAmongSiblings() throws {
        let store = try store()
        XCTAssertThrowsError(try store.insert(kind: "record", id: nil, parent: ("run", "nobody"), document: [:]))
        let owner = try record(store, run: "r", 0)
        try store.insert(kind: "recordTag", id: nil, parent: ("record", owner.id), key: "x", document: [:])
        XCTAssertThrowsError(try store.insert(kind: "recordTag", id: nil, parent: ("record", owner.id), key: "x", document: [:]))
        XCTAssertEqual(try store.find(kind: "recordTag", parentId: owner.id, key: "x")?.parentId, owner.id)
    }

    func testChildKeysKeepOnlyResourcesCarryingEveryKey() throws {
        let store = try store()
        let records = try (0..<3).map { try record(store, run: "r", $0) }
        for (record, keys) in zip(records, [["a"], ["a", "b"], ["b"]]) {
            for key in keys { try store.insert(kind: "recordTag", id: nil, parent: ("record", record.id), key: key, document: [:]) }
        }
        let both = try store.page(
            kind: "record", parent: .parent(kind: "run", id: "r"), from: 0, limit: 10, childKeys: ("recordTag", ["b", "a", "a"]))
        XCTAssertEqual(both.resources.map(\.id), [records[1].id])
        XCTAssertEqual(both.total, 1)
    }

    func testSQLLookingTextIsStoredVerbatim() throws {
        let store = try store()
        let hostile = "'); DROP TABLE scorecard_resources; --"
        try store.insert(kind: "run", id: hostile, parent: nil, document: [:])
        let stored = try store.insert(kind: "record", id: nil, parent: ("run", hostile), key: hostile, document: ["q": .string(hostile)])
        XCTAssertEqual(
            try store.page(
                kind: "record", parent: .parent(kind: "run", id: hostile), from: 0, limit: 10, childKeys: ("recordTag", [hostile])
            ).resources
                .count, 0)
        XCTAssertEqual(try store.find(kind: "record", id: stored.id)?.document["q"], .string(hostile))
        XCTAssertEqual(try store.find(kind: "record", parentId: hostile, key: hostile)?.id, stored.id)
    }

    /// A resource table made with AUTOINCREMENT (before scorecard-v2-004) is rebuilt in place:
    /// its rows and foreign key as they were, its indexes but `(kind, seq)`, its counter carried over, the trigger
    /// that keeps it added, and nothing left in `sqlite_sequence`.
    func testAnAutoincrementTableIsRebuiltWithItsRowsAndItsCounter() throws {
        let database = try SQLiteDatabase(path: ":memory:")
        let before = ScorecardV2Migrations.all.filter { $0.name != "scorecard-v2-004-resources-rebuilt" }
        XCTAssertEqual(before.count, ScorecardV2Migrations.all.count - 1)
        try MigrationRunner.migrate(database, with: before)
        try database.execute(
            """
            INSERT INTO scorecard_resources (kind, id, document) VALUES ('run', 'r', '{}');
            INSERT INTO scorecard_resources (kind, id, parent_kind, parent_id, key, document)
                VALUES ('record', '2', 'run', 'r', NULL, '{"i":0}'), ('record', '3', 'run', 'r', 'k', '{"i":1}'),
                       ('record', '4', 'run', 'r', NULL, '{"i":2}');
            DELETE FROM scorecard_resources WHERE seq = 4;
            """)
        let rows =
            "SELECT group_concat(seq || kind || id || ifnull(parent_id, '-') || ifnull(key, '-') || document, ';') FROM scorecard_resources"
        let stored = try text(database, rows)
        try MigrationRunner.migrate(database, with: ScorecardV2Migrations.all)
        XCTAssertEqual(try text(database, rows), stored)
        let schema = try text(database, "SELECT sql FROM sqlite_master WHERE name = 'scorecard_resources'") ?? ""
        XCTAssertFalse(schema.contains("AUTOINCREMENT"), schema)
        XCTAssertTrue(schema.contains(#"REFERENCES "scorecard_resources"(kind, id) ON DELETE CASCADE"#), schema)
        XCTAssertEqual(
            try text(
                database,
                """
                SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master
                WHERE tbl_name = 'scorecard_resources' AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY name)
                """),
            "scorecard_resources_by_key scorecard_resources_by_parent scorecard_resources_keeps_its_sequence")
        XCTAssertEqual(try database.statement("SELECT COUNT(*) FROM sqlite_sequence WHERE name = 'scorecard_resources'").scalarInt(), 0)
        let store = ResourceStore(database: database, table: ScorecardV2Migrations.resourceTable)
        XCTAssertEqual(try store.insert(kind: "record", id: nil, parent: ("run", "r"), document: [:]).id, "5")
        XCTAssertThrowsError(try store.insert(kind: "record", id: nil, parent: ("run", "nobody"), document: [:]))
        XCTAssertEqual(try store.find(kind: "record", parentId: "r", key: "k")?.id, "3")
    }

    /// A database written before the resource layer keeps its records, their ids and tags.
    func testAnOlderDatabaseIsMovedIntoTheResourceTableInPlace() throws {
        let database = try SQLiteDatabase(path: ":memory:")
        try MigrationRunner.migrate(database, with: Array(ScorecardV2Migrations.all.prefix(1)))
        try database.execute(
            """
            INSERT INTO scorecard_runs VALUES ('135', 'x');
            INSERT INTO scorecard_records (id, run_id, testcase_id, inputs, expected, outputs, session_id, otel_link_id, created_at)
                VALUES (7, '135', NULL, '{"q":1.50,"b":[1]}', '{}', '{}', 's', NULL, 'x'), (9, '135', 't', '{}', '{}', '{}', NULL, NULL, 'x');
            DELETE FROM scorecard_records WHERE id = 9;
            INSERT INTO scorecard_records (id, run_id, testcase_id, inputs, expected, outputs, session_id, otel_link_id, created_at)
                VALUES (8, '135', 't', '{}', '{}', '{}', NULL, 'o', 'x');
            INSERT INTO scorecard_record_tags (record_id, text, created_at) VALUES (7, 'urgent', '2026-01-01T00:00:00.000Z');
            """)
        try MigrationRunner.migrate(database, with: ScorecardV2Migrations.all)
        let store = ResourceStore(database: database, table: ScorecardV2Migrations.resourceTable)
        let first = try XCTUnwrap(try store.find(kind: "record", id: "7"))
        XCTAssertEqual(
            JSONWriter.encodeString(.object(first.document)),
            #"{"runId":"135","inputs":{"q":1.50,"b":[1]},"expected":{},"outputs":{},"sessionId":"s"}"#)
        XCTAssertEqual(try store.find(kind: "record", parentId: "135", key: "o")?.id, "8")
        XCTAssertEqual(try store.children(kind: "recordTag", parentKind: "record", parentId: "7").first?.document["text"], "urgent")
        let next = try store.insert(kind: "record", id: nil, parent: ("run", "135"), document: [:])
        XCTAssertGreaterThan(Int(next.id)!, 9, "an id once given is never given again")
        XCTAssertEqual(
            try database.statement(
                "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('scorecard_runs', 'scorecard_records', 'scorecard_record_tags')"
            ).scalarInt(), 0)
    }
}
