import EvalmockKit

/// The trace table in SQLite, scoped by `entity/project`. Every write is one transaction (with
/// group commit, a savepoint in the iteration's shared transaction, committed before the
/// response is sent), so a batch is stored whole or not at all.
final class WeaveCallStore {
    private let database: SQLiteDatabase

    /// The statements of every write, and of the lookup by id, written once and held prepared:
    /// building their text per call (three upserts of 20 columns each) and finding it in the
    /// database's cache by a hash of that text took a third of a score create's instructions.
    private let startSQL = HeldStatement(WeaveCallStore.upsert(WeaveCallStore.startColumns))
    private let endSQL = HeldStatement(WeaveCallStore.upsert(["trace_id"] + WeaveCallStore.endColumns, keepTraceId: true))
    private let completeSQL = HeldStatement(WeaveCallStore.upsert(WeaveCallStore.startColumns + WeaveCallStore.endColumns))
    private let callSQL = HeldStatement(
        "SELECT \(WeaveCallStore.columns) FROM weave_calls WHERE project_id = ? AND id = ? AND started_at IS NOT NULL")
    private let finishSQL = HeldStatement(
        """
        UPDATE weave_calls SET ended_at = ?, summary = COALESCE(?, summary, '{}'), output = COALESCE(output, 'null')
        WHERE project_id = ? AND id = ?
        """)

    init(database: SQLiteDatabase) {
        self.database = database
    }

    /// What one request item writes of a call. Parts merge by `(project_id, id)` whatever their
    /// order: a start fills the start's fields, an end the end's, a complete call both.
    enum Part {
        case start(WeaveCall)
        case end(WeaveCall)
        case complete(WeaveCall)
    }

    private static let startColumns = [
        "trace_id", "parent_id", "thread_id", "turn_id", "op_name", "display_name", "started_at", "attributes", "inputs",
        "wb_user_id", "wb_run_id", "wb_run_step",
    ]
    private static let endColumns = ["ended_at", "exception", "output", "summary", "wb_run_step_end"]

    private static func startValues(_ call: WeaveCall) -> [SQLiteValue] {
        [
            text(call.traceId), text(call.parentId), text(call.threadId), text(call.turnId), text(call.opName),
            text(call.displayName), time(call.startedAt), json(call.attributes), json(call.inputs), text(call.wbUserId),
            text(call.wbRunId), integer(call.wbRunStep),
        ]
    }

    private static func endValues(_ call: WeaveCall) -> [SQLiteValue] {
        [
            time(call.endedAt), text(call.exception), json(call.output ?? .null), json(call.summary ?? .object([:])),
            integer(call.wbRunStepEnd),
        ]
    }

    /// `INSERT … ON CONFLICT DO UPDATE` of the given columns. An end keeps a trace id a start
    /// already gave (the end's is optional and only a hint).
    private static func upsert(_ columns: [String], keepTraceId: Bool = false) -> String {
        let all = ["project_id", "id"] + columns
        let updates = columns.map { column in
            column == "trace_id" && keepTraceId
                ? "trace_id = COALESCE(weave_calls.trace_id, excluded.trace_id)" : "\(column) = excluded.\(column)"
        }
        return """
            INSERT INTO weave_calls (\(all.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: all.count).joined(separator: ", ")))
            ON CONFLICT (project_id, id) DO UPDATE SET \(updates.joined(separator: ", "))
            """
    }

    /// Writes the parts together: all of them or none.
    func write(_ parts: [Part]) throws {
        try database.transaction {
            let start = try database.statement(startSQL)
            let end = try database.statement(endSQL)
            let complete = try database.statement(completeSQL)
            for part in parts {
                switch part {
                case .start(let call):
                    try start.execute([.text(call.projectId), .text(call.id)] + Self.startValues(call))
                case .end(let call):
                    try end.execute([.text(call.projectId), .text(call.id), Self.text(call.traceId)] + Self.endValues(call))
                case .complete(let call):
                    try complete.execute([.text(call.projectId), .text(call.id)] + Self.startValues(call) + Self.endValues(call))
                }
            }
        }
    }

    private static let columns = """
        project_id, id, trace_id, parent_id, thread_id, turn_id, op_name, display_name, started_at, ended_at, exception,
        attributes, inputs, output, summary, wb_user_id, wb_run_id, wb_run_step, wb_run_step_end
        """

    /// A started call.
    func call(projectId: String, id: String) throws -> WeaveCall? {
        var call: WeaveCall?
        try database.statement(callSQL).query([.text(projectId), .text(id)]) { row in call = try Self.call(from: row) }
        return call
    }

    /// What SQL can narrow before the query language sees the calls: the id lists the client
    /// sends for `get_call`, `children()` and a trace, each up to 1,000 long.
    struct Narrowing {
        var callIds: [String]?
        var parentIds: [String]?
        var traceIds: [String]?
        var rootsOnly = false
    }

    /// The project's started calls in the order they were first written.
    func calls(projectId: String, narrowing: Narrowing = .init()) throws -> [WeaveCall] {
        var sql = "SELECT \(Self.columns) FROM weave_calls WHERE project_id = ? AND started_at IS NOT NULL"
        var bindings: [SQLiteValue] = [.text(projectId)]
        // One placeholder per value: the SQL varies only in how many there are, never in content.
        for (column, values) in [("id", narrowing.callIds), ("parent_id", narrowing.parentIds), ("trace_id", narrowing.traceIds)] {
            guard let values, !values.isEmpty else { continue }
            sql += " AND \(column) IN (\(Array(repeating: "?", count: values.count).joined(separator: ",")))"
            bindings += values.map(SQLiteValue.text)
        }
        if narrowing.rootsOnly { sql += " AND parent_id IS NULL" }
        sql += " ORDER BY seq"
        var calls: [WeaveCall] = []
        try database.statement(sql).query(bindings) { row in calls.append(try Self.call(from: row)) }
        return calls
    }

    /// Ends calls that exist (sets `ended_at`, and `summary` where given), keeping their
    /// output: the v2 `finish` routes.
    func finish(projectId: String, ids: [String], summary: JSONValue?, at time: WeaveTimestamp) throws {
        try database.transaction {
            let update = try database.statement(finishSQL)
            for id in ids {
                try update.execute([Self.time(time), summary.map(Self.json) ?? .null, .text(projectId), .text(id)])
            }
        }
    }

    /// `call_update`: only the display name can change.
    func updateDisplayName(projectId: String, id: String, to name: String) throws {
        try database.statement("UPDATE weave_calls SET display_name = ? WHERE project_id = ? AND id = ?")
            .execute([.text(name), .text(projectId), .text(id)])
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
    private static func integer(_ value: Int?) -> SQLiteValue { value.map { .integer(Int64($0)) } ?? .null }
    private static func time(_ value: WeaveTimestamp?) -> SQLiteValue { value.map { .integer($0.microseconds) } ?? .null }
    private static func json(_ value: JSONValue) -> SQLiteValue { .text(JSONWriter.encodeString(value)) }

    private static func parsedJSON(_ row: Row, _ column: Int32) throws -> JSONValue? {
        guard let text = row.text(column) else { return nil }
        return try JSONParser.parse(text, maxDepth: Int.max)
    }

    private static func call(from row: Row) throws -> WeaveCall {
        func time(_ column: Int32) -> WeaveTimestamp? { row.isNull(column) ? nil : WeaveTimestamp(microseconds: row.int(column)) }
        func integer(_ column: Int32) -> Int? { row.isNull(column) ? nil : Int(row.int(column)) }
        return WeaveCall(
            projectId: row.text(0) ?? "", id: row.text(1) ?? "", traceId: row.text(2), parentId: row.text(3),
            threadId: row.text(4), turnId: row.text(5), opName: row.text(6), displayName: row.text(7),
            startedAt: time(8), endedAt: time(9), exception: row.text(10),
            attributes: try parsedJSON(row, 11) ?? .object([:]), inputs: try parsedJSON(row, 12) ?? .object([:]),
            output: try parsedJSON(row, 13), summary: try parsedJSON(row, 14), wbUserId: row.text(15), wbRunId: row.text(16),
            wbRunStep: integer(17), wbRunStepEnd: integer(18)
        )
    }
}
