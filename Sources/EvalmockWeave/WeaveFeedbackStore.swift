import EvalmockKit

/// One feedback row: a reaction, note, annotation or a scorer's result (`wandb.runnable.*`)
/// filed on a `weave_ref`, usually a call's `weave:///entity/project/call/<id>`.
struct WeaveFeedback {
    var projectId: String
    var id: String
    var weaveRef: String
    var wbUserId: String
    var creator: String?
    var createdAt: WeaveTimestamp
    var feedbackType: String
    var payload: JSONValue
    var annotationRef: String?
    var runnableRef: String?
    var callRef: String?
    var triggerRef: String?

    /// The row as `feedback/query` returns it (and as calls carry it under
    /// `summary.weave.feedback`), in the server's column order.
    var row: JSONValue.JSONObject {
        func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return [
            "id": .string(id), "project_id": .string(projectId), "weave_ref": .string(weaveRef),
            "wb_user_id": .string(wbUserId), "creator": optional(creator), "created_at": .string(createdAt.text),
            "feedback_type": .string(feedbackType), "payload": payload, "annotation_ref": optional(annotationRef),
            "runnable_ref": optional(runnableRef), "call_ref": optional(callRef), "trigger_ref": optional(triggerRef),
        ]
    }

    /// A column of the row, or a dotted path into one (`payload.output.correct`): what
    /// `fields` selects.
    func value(_ path: String) -> JSONValue? {
        let parts = path.split(separator: ".", omittingEmptySubsequences: false)
        guard let column = parts.first else { return nil }
        return row[String(column)]?.at(path: parts.dropFirst())
    }

    /// A `$getField` path of the feedback query language, as `value(_:)` except that
    /// `created_at` is seconds since the epoch, so that it compares and sorts as a time.
    func field(_ path: String) -> JSONValue? {
        path == "created_at" ? .number(JSONNumber(Double(createdAt.microseconds) / 1_000_000)) : value(path)
    }
}

/// Feedback in SQLite, scoped by `entity/project`.
final class WeaveFeedbackStore {
    private let database: SQLiteDatabase

    private static let columns = """
        project_id, id, weave_ref, wb_user_id, creator, created_at, feedback_type, payload, annotation_ref, runnable_ref,
        call_ref, trigger_ref
        """

    /// Written once and held prepared, as `WeaveCallStore`'s writes: every score create inserts.
    private let insertSQL = HeldStatement(
        """
        INSERT INTO weave_feedback (\(WeaveFeedbackStore.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (project_id, id) DO NOTHING
        """)

    init(database: SQLiteDatabase) {
        self.database = database
    }

    /// Inserts the rows together, all or none. A row whose id the project already has is kept
    /// as it was: a client's retry of a batch carries the same ids.
    func insert(_ rows: [WeaveFeedback]) throws {
        try database.transaction {
            let insert = try database.statement(insertSQL)
            for row in rows {
                try insert.execute([
                    .text(row.projectId), .text(row.id), .text(row.weaveRef), .text(row.wbUserId), Self.text(row.creator),
                    .integer(row.createdAt.microseconds), .text(row.feedbackType), .text(JSONWriter.encodeString(row.payload)),
                    Self.text(row.annotationRef), Self.text(row.runnableRef), Self.text(row.callRef), Self.text(row.triggerRef),
                ])
            }
        }
    }

    /// The project's feedback in the order it was written; only that filed on `refs` if given.
    func feedback(projectId: String, refs: [String]? = nil) throws -> [WeaveFeedback] {
        var sql = "SELECT \(Self.columns) FROM weave_feedback WHERE project_id = ?"
        var bindings: [SQLiteValue] = [.text(projectId)]
        if let refs {
            guard !refs.isEmpty else { return [] }
            sql += " AND weave_ref IN (\(Array(repeating: "?", count: refs.count).joined(separator: ",")))"
            bindings += refs.map(SQLiteValue.text)
        }
        sql += " ORDER BY seq"
        var rows: [WeaveFeedback] = []
        try database.statement(sql).query(bindings) { row in
            rows.append(
                WeaveFeedback(
                    projectId: row.text(0) ?? "", id: row.text(1) ?? "", weaveRef: row.text(2) ?? "", wbUserId: row.text(3) ?? "",
                    creator: row.text(4), createdAt: WeaveTimestamp(microseconds: row.int(5)), feedbackType: row.text(6) ?? "",
                    payload: try JSONParser.parse(row.text(7) ?? "{}", maxDepth: Int.max), annotationRef: row.text(8),
                    runnableRef: row.text(9), callRef: row.text(10), triggerRef: row.text(11)
                ))
        }
        return rows
    }

    func purge(projectId: String, ids: [String]) throws {
        try database.transaction {
            let delete = try database.statement("DELETE FROM weave_feedback WHERE project_id = ? AND id = ?")
            for id in ids { try delete.execute([.text(projectId), .text(id)]) }
        }
    }

    private static func text(_ value: String?) -> SQLiteValue { value.map(SQLiteValue.text) ?? .null }
}
