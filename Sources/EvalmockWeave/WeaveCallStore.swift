import EvalmockKit
/// The trace table in SQLite, scoped by `entity/project`. Every write is one transaction (with
/// group commit, a savepoint in the iteration's shared transaction, committed before the
/// response is sent).
final class WeaveCallStore {
    private let database: SQLiteDatabase

    init(database: SQLiteDatabase) {
        self.database = database
    }

    private static let columns = """
        project_id, id, kind, trace_id, parent_id, evaluation_run_id, evaluation, model, scorer, prediction_id,
        source_evaluation_run_id, inputs, output, summary, wb_user_id, started_at, ended_at
        """

    /// Inserts calls together: all of them or none.
    func insert(_ calls: [WeaveCall]) throws {
        try database.transaction {
            let statement = try database.statement("""
                INSERT INTO weave_calls (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for call in calls {
                try statement.execute([
                    .text(call.projectId), .text(call.id), .text(call.kind.rawValue), .text(call.traceId),
                    Self.text(call.parentId), Self.text(call.evaluationRunId), Self.text(call.evaluation),
                    Self.text(call.model), Self.text(call.scorer), Self.text(call.predictionId),
                    Self.text(call.sourceEvaluationRunId), Self.json(call.inputs), Self.json(call.output),
                    Self.json(call.summary), Self.text(call.wbUserId), .text(call.startedAt), Self.text(call.endedAt),
                ])
            }
        }
    }

    func call(projectId: String, id: String) throws -> WeaveCall? {
        var found: WeaveCall?
        try database.statement("SELECT \(Self.columns) FROM weave_calls WHERE project_id = ? AND id = ?")
            .query([.text(projectId), .text(id)]) { row in found = try Self.call(from: row) }
        return found
    }

    struct Filter {
        var evaluationRunId: String?
        var ids: [String]?
        var evaluations: [String]?
        var models: [String]?
    }

    /// Calls of one kind in creation order. A nil limit is no limit.
    func list(projectId: String, kind: WeaveCall.Kind, filter: Filter, limit: Int?, offset: Int?) throws -> [WeaveCall] {
        var sql = "SELECT \(Self.columns) FROM weave_calls WHERE project_id = ? AND kind = ?"
        var bindings: [SQLiteValue] = [.text(projectId), .text(kind.rawValue)]
        if let runId = filter.evaluationRunId {
            sql += " AND evaluation_run_id = ?"
            bindings.append(.text(runId))
        }
        // One placeholder per value: the SQL varies only in how many there are, never in content.
        for (column, values) in [("id", filter.ids), ("evaluation", filter.evaluations), ("model", filter.models)] {
            guard let values, !values.isEmpty else { continue }
            sql += " AND \(column) IN (\(Array(repeating: "?", count: values.count).joined(separator: ",")))"
            bindings += values.map(SQLiteValue.text)
        }
        sql += " ORDER BY seq LIMIT ? OFFSET ?"
        bindings += [.integer(Int64(limit ?? -1)), .integer(Int64(offset ?? 0))]
        var calls: [WeaveCall] = []
        try database.statement(sql).query(bindings) { row in calls.append(try Self.call(from: row)) }
        return calls
    }

    /// Ends calls (sets `ended_at`, and `summary` and `output` where given), all in one transaction.
    func end(projectId: String, _ endings: [(id: String, summary: JSONValue?, output: JSONValue?)], at time: String) throws {
        try database.transaction {
            for ending in endings {
                try database.statement("""
                    UPDATE weave_calls SET ended_at = ?, summary = COALESCE(?, summary), output = COALESCE(?, output)
                    WHERE project_id = ? AND id = ?
                    """).execute([.text(time), Self.json(ending.summary), Self.json(ending.output), .text(projectId), .text(ending.id)])
            }
        }
    }

    /// `calls_delete`: the named calls and all their descendants go. The count is the size of
    /// that set of ids, which includes named ids that do not exist, as the server counts it.
    func deleteWithDescendants(projectId: String, ids: [String]) throws -> Int {
        try database.transaction {
            var doomed = Set<String>()
            var stack = ids
            let children = try database.statement("SELECT id FROM weave_calls WHERE project_id = ? AND parent_id = ?")
            while let id = stack.popLast() {
                guard doomed.insert(id).inserted else { continue }
                try children.query([.text(projectId), .text(id)]) { row in stack.append(row.text(0) ?? "") }
            }
            let delete = try database.statement("DELETE FROM weave_calls WHERE project_id = ? AND id = ?")
            for id in doomed { try delete.execute([.text(projectId), .text(id)]) }
            return doomed.count
        }
    }

    private static func text(_ value: String?) -> SQLiteValue { value.map(SQLiteValue.text) ?? .null }

    private static func json(_ value: JSONValue?) -> SQLiteValue { value.map { .text(JSONWriter.encodeString($0)) } ?? .null }

    private static func parsedJSON(_ row: Row, _ column: Int32) throws -> JSONValue? {
        guard let text = row.text(column) else { return nil }
        return try JSONParser.parse(text, maxDepth: Int.max)
    }

    private static func call(from row: Row) throws -> WeaveCall {
        WeaveCall(
            projectId: row.text(0) ?? "", id: row.text(1) ?? "", kind: WeaveCall.Kind(rawValue: row.text(2) ?? "") ?? .prediction,
            traceId: row.text(3) ?? "", parentId: row.text(4), evaluationRunId: row.text(5), evaluation: row.text(6),
            model: row.text(7), scorer: row.text(8), predictionId: row.text(9), sourceEvaluationRunId: row.text(10),
            inputs: try parsedJSON(row, 11), output: try parsedJSON(row, 12), summary: try parsedJSON(row, 13),
            wbUserId: row.text(14), startedAt: row.text(15) ?? "", endedAt: row.text(16)
        )
    }

    /// Calls per kind, across projects, for the health endpoint.
    public func inventory() throws -> JSONValue.JSONObject {
        var counts = JSONValue.JSONObject()
        for kind in WeaveCall.Kind.allCases { counts[kind.rawValue] = 0 }
        try database.statement("SELECT kind, COUNT(*) FROM weave_calls GROUP BY kind").query { row in
            counts[row.text(0) ?? ""] = .int(Int(row.int(1)))
        }
        return counts
    }

}
