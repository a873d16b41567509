import EvalmockKit
import Foundation

/// W&B projects (`weave_projects`), keyed by `entity/project` like the trace data under them.
final class WeaveProjectStore {
    struct Project {
        let seq: Int64
        let entity: String
        let name: String
        let description: String?
        let createdAt: String

        /// W&B's relay-style id: base64 of `Project:<number>`.
        var id: String { Data("Project:\(seq)".utf8).base64EncodedString() }

        var graphQL: JSONValue {
            .object([
                "id": .string(id), "name": .string(name), "entityName": .string(entity),
                "description": description.map(JSONValue.string) ?? .null, "createdAt": .string(createdAt),
            ])
        }
    }

    private let database: SQLiteDatabase

    init(database: SQLiteDatabase) {
        self.database = database
    }

    private static let columns = "seq, entity, name, description, created_at"

    func project(entity: String, name: String) throws -> Project? {
        try first("SELECT \(Self.columns) FROM weave_projects WHERE project_id = ?", [.text("\(entity)/\(name)")])
    }

    /// By the id `Project.id` gives out; nil for any other text.
    func project(id: String) throws -> Project? {
        guard let data = Data(base64Encoded: id), let text = String(data: data, encoding: .utf8),
            text.hasPrefix("Project:"), let seq = Int64(text.dropFirst("Project:".count))
        else { return nil }
        return try first("SELECT \(Self.columns) FROM weave_projects WHERE seq = ?", [.integer(seq)])
    }

    /// The project, created if missing (`inserted`); a non-nil description replaces the stored one.
    func upsert(entity: String, name: String, description: String?) throws -> (project: Project, inserted: Bool) {
        try database.transaction {
            let existing = try project(entity: entity, name: name)
            if existing == nil {
                try database.statement(
                    """
                    INSERT INTO weave_projects (project_id, entity, name, description, created_at) VALUES (?, ?, ?, ?, ?)
                    """
                ).execute([
                    .text("\(entity)/\(name)"), .text(entity), .text(name),
                    description.map(SQLiteValue.text) ?? .null, .text(Timestamp.nowISO8601()),
                ])
            } else if let description {
                try database.statement("UPDATE weave_projects SET description = ? WHERE project_id = ?")
                    .execute([.text(description), .text("\(entity)/\(name)")])
            }
            return (try project(entity: entity, name: name)!, existing == nil)
        }
    }

    /// Why W&B refuses a project name, if it does: the characters the wandb SDK and server
    /// reject (`/` would also break `entity/project` ids), and the length limit.
    static func nameProblem(_ name: String) -> String? {
        if name.isEmpty { return "Invalid project name: must not be empty" }
        if name.count > 128 { return "Invalid project name \"\(name)\": exceeded 128 characters" }
        let forbidden = name.filter { "/\\#?%:".contains($0) }
        if let first = forbidden.first {
            return "Invalid project name \"\(name)\": cannot contain characters \"/,\\\\,#,?,%,:\", found \"\(first)\""
        }
        return nil
    }

    private func first(_ sql: String, _ bindings: [SQLiteValue]) throws -> Project? {
        var found: Project?
        try database.statement(sql).query(bindings) { row in
            found = Project(
                seq: row.int(0), entity: row.text(1) ?? "", name: row.text(2) ?? "",
                description: row.text(3), createdAt: row.text(4) ?? "")
        }
        return found
    }
}
