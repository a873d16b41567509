import EvalmockKit

/// Scale GP evaluations and their test case results in SQLite.
///
/// Every write runs inside one transaction (with group commit, a savepoint in the iteration's
/// shared transaction, committed before the response is sent), so a response is only sent for
/// data on disk, and a batch is stored whole or not at all.
final class TestCaseResultStore {
    private let database: SQLiteDatabase

    init(database: SQLiteDatabase) {
        self.database = database
    }

    /// Runs `body` as one transaction.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try database.transaction(body)
    }

    /// The dataset id of an evaluation, registering the evaluation on first use. evalmock does
    /// not emulate creating evaluations, so the first result posted to one brings it into being
    /// with a dataset id of its own that all its results share.
    func evaluationDatasetId(evaluationId: String, now: String) throws -> String {
        try database.statement("INSERT OR IGNORE INTO scale_gp_evaluations (id, evaluation_dataset_id, created_at) VALUES (?, ?, ?)")
            .execute([.text(evaluationId), .text(ScaleGPIdentifiers.newId()), .text(now)])
        var datasetId = ""
        try database.statement("SELECT evaluation_dataset_id FROM scale_gp_evaluations WHERE id = ?")
            .query([.text(evaluationId)]) { row in datasetId = row.text(0) ?? "" }
        return datasetId
    }

    /// Registers an evaluation created as a resource (`ScaleGPEvaluations`), so its results
    /// list before any are posted; a dataset id, once known, replaces the one made up for it.
    func link(evaluationId: String, datasetId: String?, now: String) throws {
        if let datasetId {
            try database.statement(
                """
                INSERT INTO scale_gp_evaluations (id, evaluation_dataset_id, created_at) VALUES (?1, ?2, ?3)
                ON CONFLICT(id) DO UPDATE SET evaluation_dataset_id = excluded.evaluation_dataset_id
                """
            ).execute([.text(evaluationId), .text(datasetId), .text(now)])
        } else {
            _ = try evaluationDatasetId(evaluationId: evaluationId, now: now)
        }
    }

    /// How many test cases of an evaluation have a COMPLETED result, and when the last did.
    func completion(evaluationId: String) throws -> (testCases: Int, lastCompletedAt: String?) {
        var found: (Int, String?) = (0, nil)
        try database.statement(
            """
            SELECT COUNT(DISTINCT json_extract(document, '$.test_case_id')), MAX(json_extract(document, '$.completed_at'))
            FROM scale_gp_test_case_results WHERE evaluation_id = ?1 AND json_extract(document, '$.label_status') = 'COMPLETED'
            """
        ).query([.text(evaluationId)]) { row in found = (Int(row.int(0)), row.text(1)) }
        return found
    }

    /// Whether any evaluation has a result with this id.
    func exists(id: String) throws -> Bool {
        try database.statement("SELECT 1 FROM scale_gp_test_case_results WHERE id = ?").scalarInt([.text(id)]) != nil
    }

    func evaluationExists(_ evaluationId: String) throws -> Bool {
        try database.statement("SELECT 1 FROM scale_gp_evaluations WHERE id = ?").scalarInt([.text(evaluationId)]) != nil
    }

    /// Stores a new result; returns its JSON text, which is also the answer's (encoded once).
    @discardableResult
    func insert(_ result: TestCaseResultMembers) throws -> String {
        let text = result.jsonText
        try database.statement("INSERT INTO scale_gp_test_case_results (id, evaluation_id, account_id, document) VALUES (?, ?, ?, ?)")
            .execute([
                .text(result["id"]?.stringValue ?? ""),
                .text(result["evaluation_id"]?.stringValue ?? ""),
                .text(result["account_id"]?.stringValue ?? ""),
                .text(text),
            ])
        return text
    }

    /// The result's next version (see `TestCaseResultHistoryStore`).
    func replace(_ document: JSONValue.JSONObject) throws {
        try database.statement("UPDATE scale_gp_test_case_results SET document = ?, version = version + 1 WHERE id = ?")
            .execute([.text(JSONWriter.encodeString(.object(document))), .text(document["id"]?.stringValue ?? "")])
    }

    func find(evaluationId: String, id: String) throws -> JSONValue.JSONObject? {
        var found: JSONValue.JSONObject?
        try database.statement("SELECT document FROM scale_gp_test_case_results WHERE id = ? AND evaluation_id = ?")
            .query([.text(id), .text(evaluationId)]) { row in found = try Self.document(row) }
        return found
    }

    struct Page {
        var documents: [JSONValue.JSONObject]
        var total: Int
    }

    /// The row offset of a 1-based page. A page far beyond any row (the document allows any
    /// page up to 2^53) is empty, not an arithmetic overflow.
    static func offset(page: Int, limit: Int) -> Int64 {
        let product = Int64(page - 1).multipliedReportingOverflow(by: Int64(limit))
        return product.overflow ? Int64.max : product.partialValue
    }

    /// One page (1-based) of an evaluation's results in creation order, optionally of one account.
    func list(evaluationId: String, accountId: String?, page: Int, limit: Int) throws -> Page {
        let filter = "evaluation_id = ?1 AND (?2 IS NULL OR account_id = ?2)"
        let bindings: [SQLiteValue] = [.text(evaluationId), accountId.map(SQLiteValue.text) ?? .null]
        var documents: [JSONValue.JSONObject] = []
        let offset = Self.offset(page: page, limit: limit)
        try database.statement("SELECT document FROM scale_gp_test_case_results WHERE \(filter) ORDER BY seq LIMIT ?3 OFFSET ?4")
            .query(bindings + [.integer(Int64(limit)), .integer(offset)]) { row in documents.append(try Self.document(row)) }
        let total = try database.statement("SELECT COUNT(*) FROM scale_gp_test_case_results WHERE \(filter)").scalarInt(bindings) ?? 0
        return Page(documents: documents, total: Int(total))
    }

    /// A stored document from the first column of a row (the history store reads them too).
    static func document(_ row: Row) throws -> JSONValue.JSONObject {
        try JSONParser.parse(row.text(0) ?? "{}").objectValue ?? [:]
    }
}
