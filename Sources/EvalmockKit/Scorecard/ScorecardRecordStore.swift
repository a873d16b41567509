/// Runs, Records and tags of Scorecard v2 in SQLite. Every write is one transaction (with group
/// commit, a savepoint in the iteration's shared transaction); the transport sends a response
/// only once its writes are committed, so it is only sent for data on disk.
final class ScorecardRecordStore {
    private let database: SQLiteDatabase
    private let clock: () -> String

    init(database: SQLiteDatabase, clock: @escaping () -> String = Timestamp.nowISO8601) {
        self.database = database
        self.clock = clock
    }

    struct NewRecord {
        var runId: String
        var testcaseId: String?
        var inputs: JSONValue
        var expected: JSONValue
        var outputs: JSONValue
        var sessionId: String?
        var otelLinkId: String?
    }

    /// Stores a record, creating its run on first use.
    func create(_ new: NewRecord) throws -> ScorecardRecord {
        let now = clock()
        let id: Int64 = try database.transaction {
            try database.statement("INSERT OR IGNORE INTO scorecard_runs (id, created_at) VALUES (?, ?)")
                .execute([.text(new.runId), .text(now)])
            try database.statement("""
                INSERT INTO scorecard_records (run_id, testcase_id, inputs, expected, outputs, session_id, otel_link_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """).execute([
                    .text(new.runId), new.testcaseId.map(SQLiteValue.text) ?? .null,
                    .text(JSONWriter.encodeString(new.inputs)), .text(JSONWriter.encodeString(new.expected)),
                    .text(JSONWriter.encodeString(new.outputs)),
                    new.sessionId.map(SQLiteValue.text) ?? .null, new.otelLinkId.map(SQLiteValue.text) ?? .null,
                    .text(now),
                ])
            return database.lastInsertRowID
        }
        return ScorecardRecord(id: id, runId: new.runId, testcaseId: new.testcaseId, inputs: new.inputs,
                               expected: new.expected, outputs: new.outputs, sessionId: new.sessionId, otelLinkId: new.otelLinkId)
    }

    struct Page {
        var records: [ScorecardRecord]
        var nextCursor: Int64?
        var total: Int
    }

    /// Records of a run in creation order, from `cursor` (a record id) on, carrying every tag in
    /// `tags`.
    func list(runId: String, limit: Int, cursor: Int64?, tags: [String]) throws -> Page {
        let distinctTags = Array(Set(tags)).sorted()
        // One query shape per tag count keeps statements prepared and the SQL free of user data.
        let tagFilter = distinctTags.isEmpty ? "" : """
             AND r.id IN (SELECT record_id FROM scorecard_record_tags WHERE text IN (\(Array(repeating: "?", count: distinctTags.count).joined(separator: ",")))
                          GROUP BY record_id HAVING COUNT(*) = \(distinctTags.count))
            """
        let tagBindings = distinctTags.map(SQLiteValue.text)
        var records: [ScorecardRecord] = []
        try database.statement("""
            SELECT r.id, r.run_id, r.testcase_id, r.inputs, r.expected, r.outputs, r.session_id, r.otel_link_id
            FROM scorecard_records r WHERE r.run_id = ? AND r.id >= ?\(tagFilter) ORDER BY r.id LIMIT ?
            """).query([.text(runId), .integer(cursor ?? 0)] + tagBindings + [.integer(Int64(limit + 1))]) { row in
            records.append(try Self.record(from: row))
        }
        let total = try database.statement("""
            SELECT COUNT(*) FROM scorecard_records r WHERE r.run_id = ? AND r.id >= 0\(tagFilter)
            """).scalarInt([.text(runId)] + tagBindings) ?? 0
        var nextCursor: Int64?
        if records.count > limit {
            nextCursor = records[limit].id
            records.removeLast(records.count - limit)
        }
        return Page(records: records, nextCursor: nextCursor, total: Int(total))
    }

    /// Deletes a record and its tags; deleting what is not there is not an error.
    func delete(recordId: Int64) throws {
        try database.transaction {
            try database.statement("DELETE FROM scorecard_records WHERE id = ?").execute([.integer(recordId)])
        }
    }

    func exists(recordId: Int64) throws -> Bool {
        try database.statement("SELECT 1 FROM scorecard_records WHERE id = ?").scalarInt([.integer(recordId)]) != nil
    }

    /// Applies a tag; re-applying an existing tag returns the existing one (the spec calls it a no-op).
    func addTag(recordId: Int64, text: String) throws -> ScorecardRecordTag {
        try database.transaction {
            try database.statement("INSERT OR IGNORE INTO scorecard_record_tags (record_id, text, created_at) VALUES (?, ?, ?)")
                .execute([.integer(recordId), .text(text), .text(clock())])
            return try tags(recordId: recordId).first { $0.text == text }!
        }
    }

    func tags(recordId: Int64) throws -> [ScorecardRecordTag] {
        var tags: [ScorecardRecordTag] = []
        try database.statement("SELECT id, record_id, text, source, created_at FROM scorecard_record_tags WHERE record_id = ? ORDER BY id")
            .query([.integer(recordId)]) { row in
                tags.append(ScorecardRecordTag(id: row.int(0), recordId: row.int(1), text: row.text(2) ?? "", source: row.text(3) ?? "user", createdAt: row.text(4) ?? ""))
            }
        return tags
    }

    /// Removes a tag; returns how many rows went (0 when it was not there).
    func removeTag(recordId: Int64, text: String) throws -> Int {
        try database.transaction {
            try database.statement("DELETE FROM scorecard_record_tags WHERE record_id = ? AND text = ?").execute([.integer(recordId), .text(text)])
            return database.changes
        }
    }

    func inventory() throws -> JSONValue.JSONObject {
        [
            "runs": .int(try database.rowCount("scorecard_runs")),
            "records": .int(try database.rowCount("scorecard_records")),
            "tags": .int(try database.rowCount("scorecard_record_tags")),
        ]
    }

    private static func record(from row: Row) throws -> ScorecardRecord {
        ScorecardRecord(
            id: row.int(0),
            runId: row.text(1) ?? "",
            testcaseId: row.text(2),
            inputs: try JSONParser.parse(row.text(3) ?? "{}"),
            expected: try JSONParser.parse(row.text(4) ?? "{}"),
            outputs: try JSONParser.parse(row.text(5) ?? "{}"),
            sessionId: row.text(6),
            otelLinkId: row.text(7)
        )
    }
}
