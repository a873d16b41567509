/// The versions of Scale GP test case results, for the history endpoints.
///
/// Version `"1"` is a result as created; every PATCH adds the next number and marks the version
/// it supersedes with `invalidated_at` (the response schema's "overwritten" time). Callers run
/// these inside the transaction that writes the result itself.
final class TestCaseResultHistoryStore {
    private let database: SQLiteDatabase

    init(database: SQLiteDatabase) {
        self.database = database
    }

    func record(_ document: JSONValue.JSONObject, num: String) throws {
        try database.statement("INSERT INTO scale_gp_test_case_result_versions (result_id, evaluation_id, account_id, num, document) VALUES (?, ?, ?, ?, ?)")
            .execute([
                .text(document["id"]?.stringValue ?? ""),
                .text(document["evaluation_id"]?.stringValue ?? ""),
                .text(document["account_id"]?.stringValue ?? ""),
                .text(num),
                .text(JSONWriter.encodeString(.object(document))),
            ])
    }

    /// The highest numbered version of a result (0 when it has none).
    func latestNumber(resultId: String) throws -> Int {
        // Only whole numbers count: a name kept by --lenient mode is not a position in the history.
        let latest = try database.statement("""
            SELECT MAX(CAST(num AS INTEGER)) FROM scale_gp_test_case_result_versions
            WHERE result_id = ? AND num NOT GLOB '*[^0-9]*' AND num <> ''
            """).scalarInt([.text(resultId)])
        return Int(latest ?? 0)
    }

    func replace(_ document: JSONValue.JSONObject, num: String) throws {
        try database.statement("UPDATE scale_gp_test_case_result_versions SET document = ? WHERE result_id = ? AND num = ?")
            .execute([.text(JSONWriter.encodeString(.object(document))), .text(document["id"]?.stringValue ?? ""), .text(num)])
    }

    func find(evaluationId: String, resultId: String, num: String) throws -> JSONValue.JSONObject? {
        var found: JSONValue.JSONObject?
        try database.statement("SELECT document FROM scale_gp_test_case_result_versions WHERE result_id = ? AND evaluation_id = ? AND num = ?")
            .query([.text(resultId), .text(evaluationId), .text(num)]) { row in found = try Self.document(row) }
        return found
    }

    /// One page (1-based) of the `num`-th versions of an evaluation's results, in the order
    /// the versions were written, optionally of one account.
    func list(evaluationId: String, num: String, accountId: String?, page: Int, limit: Int) throws -> TestCaseResultStore.Page {
        let filter = "evaluation_id = ?1 AND num = ?2 AND (?3 IS NULL OR account_id = ?3)"
        let bindings: [SQLiteValue] = [.text(evaluationId), .text(num), accountId.map(SQLiteValue.text) ?? .null]
        var documents: [JSONValue.JSONObject] = []
        let offset = Int64(page - 1) * Int64(limit)
        try database.statement("SELECT document FROM scale_gp_test_case_result_versions WHERE \(filter) ORDER BY seq LIMIT ?4 OFFSET ?5")
            .query(bindings + [.integer(Int64(limit)), .integer(offset)]) { row in documents.append(try Self.document(row)) }
        let total = try database.statement("SELECT COUNT(*) FROM scale_gp_test_case_result_versions WHERE \(filter)").scalarInt(bindings) ?? 0
        return TestCaseResultStore.Page(documents: documents, total: Int(total))
    }

    /// `"01"` and `"1"` name the same version; other text is a name of its own.
    static func canonicalNumber(_ num: String) -> String {
        guard !num.isEmpty, num.allSatisfy(\.isASCII), let number = Int(num), number >= 0 else { return num }
        return String(number)
    }

    private static func document(_ row: Row) throws -> JSONValue.JSONObject {
        try JSONParser.parse(row.text(0) ?? "{}").objectValue ?? [:]
    }
}
