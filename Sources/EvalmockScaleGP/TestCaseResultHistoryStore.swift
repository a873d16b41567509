import EvalmockKit

/// The versions of Scale GP test case results, for the history endpoints.
///
/// A result's current state is its version `version` (a column of the results table: 1 as
/// created, each PATCH adds one); the versions a PATCH replaced are rows here, stamped with
/// `invalidated_at` (the response schema's "overwritten" time). Callers run these inside the
/// transaction that writes the result itself.
final class TestCaseResultHistoryStore {
    private let database: SQLiteDatabase

    init(database: SQLiteDatabase) {
        self.database = database
    }

    /// The number of a result's current version, nil for an unknown result.
    func currentNumber(resultId: String) throws -> Int? {
        try database.statement("SELECT version FROM scale_gp_test_case_results WHERE id = ?").scalarInt([.text(resultId)]).map(Int.init)
    }

    /// Keeps a version under `num`. A version a PATCH replaced takes the place of a version
    /// `--lenient` mode made up under the same number: the real history wins.
    func keep(_ document: JSONValue.JSONObject, num: String) throws {
        try database.statement(
            "INSERT OR REPLACE INTO scale_gp_test_case_result_versions (result_id, evaluation_id, account_id, num, document) VALUES (?, ?, ?, ?, ?)"
        )
        .execute([
            .text(document["id"]?.stringValue ?? ""),
            .text(document["evaluation_id"]?.stringValue ?? ""),
            .text(document["account_id"]?.stringValue ?? ""),
            .text(num),
            .text(JSONWriter.encodeString(.object(document))),
        ])
    }

    /// The `num`-th version of a result of an evaluation: its current state or a kept version.
    func find(evaluationId: String, resultId: String, num: String) throws -> JSONValue.JSONObject? {
        var found: JSONValue.JSONObject?
        try database.statement(
            """
            SELECT document FROM scale_gp_test_case_results WHERE id = ?1 AND evaluation_id = ?2 AND CAST(version AS TEXT) = ?3
            UNION ALL
            SELECT document FROM scale_gp_test_case_result_versions WHERE result_id = ?1 AND evaluation_id = ?2 AND num = ?3
            LIMIT 1
            """
        ).query([.text(resultId), .text(evaluationId), .text(num)]) { row in found = try TestCaseResultStore.document(row) }
        return found
    }

    /// One page (1-based) of the `num`-th versions of an evaluation's results, in the order
    /// the results were created, optionally of one account.
    func list(evaluationId: String, num: String, accountId: String?, page: Int, limit: Int) throws -> TestCaseResultStore.Page {
        let versions = """
            SELECT r.document AS document, r.seq AS seq FROM scale_gp_test_case_results r
                WHERE r.evaluation_id = ?1 AND CAST(r.version AS TEXT) = ?2 AND (?3 IS NULL OR r.account_id = ?3)
            UNION ALL
            SELECT v.document, r.seq FROM scale_gp_test_case_result_versions v JOIN scale_gp_test_case_results r ON r.id = v.result_id
                WHERE v.evaluation_id = ?1 AND v.num = ?2 AND CAST(r.version AS TEXT) <> ?2 AND (?3 IS NULL OR v.account_id = ?3)
            """
        let bindings: [SQLiteValue] = [.text(evaluationId), .text(num), accountId.map(SQLiteValue.text) ?? .null]
        var documents: [JSONValue.JSONObject] = []
        let offset = TestCaseResultStore.offset(page: page, limit: limit)
        try database.statement("SELECT document FROM (\(versions)) ORDER BY seq LIMIT ?4 OFFSET ?5")
            .query(bindings + [.integer(Int64(limit)), .integer(offset)]) { row in documents.append(try TestCaseResultStore.document(row)) }
        let total = try database.statement("SELECT COUNT(*) FROM (\(versions))").scalarInt(bindings) ?? 0
        return TestCaseResultStore.Page(documents: documents, total: Int(total))
    }

    /// `"01"` and `"1"` name the same version; other text is a name of its own.
    static func canonicalNumber(_ num: String) -> String {
        guard !num.isEmpty, num.allSatisfy(\.isASCII), let number = Int(num), number >= 0 else { return num }
        return String(number)
    }
}
