import EvalmockKit
import Foundation

/// One stored version of a Weave object or op (`ObjSchema`).
struct WeaveObjectVersion {
    let seq: Int64
    let projectId: String
    let objectId: String
    let kind: String
    let digest: String
    let baseObjectClass: String?
    let leafObjectClass: String?
    /// The canonical JSON the digest was computed over; the server reads `val` back from it, so
    /// its members come back in sorted order.
    let valText: String
    let versionIndex: Int
    let isLatest: Bool
    let wbUserId: String?
    let createdAt: String
    let deletedAt: String?

    func value() throws -> JSONValue { try JSONParser.parse(valText, maxDepth: Int.max) }

    /// What a read asks for beyond the version itself.
    struct Detail {
        /// `metadata_only`: `val` is left empty.
        var metadataOnly = false
        /// `include_storage_size`: `size_bytes`, the length of the stored JSON.
        var storageSize = false
        /// `include_tags_and_aliases`: evalmock stores no tags or aliases, so `tags` is empty
        /// and `aliases` holds the virtual `latest` of the latest version, as the server adds it.
        var tagsAndAliases = false

        init(_ request: JSONValue) {
            metadataOnly = request["metadata_only"]?.boolValue ?? false
            storageSize = request["include_storage_size"]?.boolValue ?? false
            tagsAndAliases = request["include_tags_and_aliases"]?.boolValue ?? false
        }
    }

    /// `ObjSchema`, every field present as the server's response model writes it.
    func schema(_ detail: Detail) throws -> JSONValue {
        .object([
            "project_id": .string(projectId),
            "object_id": .string(objectId),
            "created_at": .string(createdAt),
            "deleted_at": WeaveResponses.optional(deletedAt),
            "digest": .string(digest),
            "version_index": .int(versionIndex),
            "is_latest": .int(isLatest ? 1 : 0),
            "kind": .string(kind),
            "base_object_class": WeaveResponses.optional(baseObjectClass),
            "leaf_object_class": WeaveResponses.optional(leafObjectClass),
            "val": detail.metadataOnly ? .object([:]) : try value(),
            "wb_user_id": WeaveResponses.optional(wbUserId),
            "size_bytes": detail.storageSize ? .int(valText.utf8.count) : .null,
            "tags": detail.tagsAndAliases ? .array([]) : .null,
            "aliases": detail.tagsAndAliases ? .array(isLatest ? ["latest"] : []) : .null,
        ])
    }
}

/// Weave's object, table and file store in SQLite, scoped by `entity/project`. Each handler's
/// writes run in one transaction (a savepoint of the iteration's group commit).
final class WeaveObjectStore {
    let database: SQLiteDatabase

    init(database: SQLiteDatabase) {
        self.database = database
    }

    // MARK: Objects

    private static let objectColumns = """
        seq, project_id, object_id, kind, digest, base_object_class, leaf_object_class, val, version_index, is_latest,
        wb_user_id, created_at, deleted_at
        """

    /// Every version of one name, deleted ones included, in creation order.
    func versions(projectId: String, objectId: String) throws -> [WeaveObjectVersion] {
        try selectObjects("WHERE project_id = ? AND object_id = ?", [.text(projectId), .text(objectId)])
    }

    /// Every version in a project, deleted ones included, in creation order.
    func versions(projectId: String) throws -> [WeaveObjectVersion] {
        try selectObjects("WHERE project_id = ?", [.text(projectId)])
    }

    /// A new version of `objectId`: the next `version_index` over all its versions (deleted
    /// ones count), and the only latest one. A (kind, name, digest) that was deleted comes back
    /// as this new version, as the server's upsert of the same key does.
    func insertVersion(
        projectId: String, objectId: String, kind: String, digest: String, baseObjectClass: String?,
        leafObjectClass: String?, valText: String, wbUserId: String?, createdAt: String
    ) throws {
        try database.transaction {
            let count =
                try database.statement("SELECT COUNT(*) FROM weave_objects WHERE project_id = ? AND object_id = ?")
                .scalarInt([.text(projectId), .text(objectId)]) ?? 0
            try database.statement("UPDATE weave_objects SET is_latest = 0 WHERE project_id = ? AND object_id = ?")
                .execute([.text(projectId), .text(objectId)])
            try database.statement(
                """
                INSERT INTO weave_objects (project_id, object_id, kind, digest, base_object_class, leaf_object_class, val,
                                           version_index, is_latest, wb_user_id, created_at, deleted_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, NULL)
                ON CONFLICT (project_id, kind, object_id, digest) DO UPDATE SET
                    base_object_class = excluded.base_object_class, leaf_object_class = excluded.leaf_object_class,
                    val = excluded.val, version_index = excluded.version_index, is_latest = 1,
                    created_at = excluded.created_at, deleted_at = NULL
                """
            ).execute([
                .text(projectId), .text(objectId), .text(kind), .text(digest), Self.text(baseObjectClass),
                Self.text(leafObjectClass), .text(valText), .integer(count), Self.text(wbUserId), .text(createdAt),
            ])
        }
    }

    /// Makes one live version the latest of its name (creating an existing digest again does).
    func makeLatest(projectId: String, objectId: String, digest: String) throws {
        try database.transaction {
            try database.statement(
                """
                UPDATE weave_objects SET is_latest = CASE WHEN digest = ? AND deleted_at IS NULL THEN 1 ELSE 0 END
                WHERE project_id = ? AND object_id = ?
                """
            ).execute([.text(digest), .text(projectId), .text(objectId)])
        }
    }

    /// Marks versions deleted, then makes the most recent survivor (by creation time, then
    /// version) the latest, as `obj_delete` re-points it.
    func markDeleted(projectId: String, objectId: String, digests: Set<String>, at time: String) throws {
        try database.transaction {
            let delete = try database.statement(
                """
                UPDATE weave_objects SET deleted_at = ?, is_latest = 0 WHERE project_id = ? AND object_id = ? AND digest = ?
                """)
            for digest in digests.sorted() { try delete.execute([.text(time), .text(projectId), .text(objectId), .text(digest)]) }
            try database.statement(
                """
                UPDATE weave_objects SET is_latest = CASE WHEN seq = (
                    SELECT seq FROM weave_objects WHERE project_id = ?1 AND object_id = ?2 AND deleted_at IS NULL
                    ORDER BY created_at DESC, version_index DESC LIMIT 1) THEN 1 ELSE 0 END
                WHERE project_id = ?1 AND object_id = ?2
                """
            ).execute([.text(projectId), .text(objectId)])
        }
    }

    private func selectObjects(_ condition: String, _ bindings: [SQLiteValue]) throws -> [WeaveObjectVersion] {
        var versions: [WeaveObjectVersion] = []
        try database.statement("SELECT \(Self.objectColumns) FROM weave_objects \(condition) ORDER BY seq").query(bindings) { row in
            versions.append(
                WeaveObjectVersion(
                    seq: row.int(0), projectId: row.text(1) ?? "", objectId: row.text(2) ?? "", kind: row.text(3) ?? "",
                    digest: row.text(4) ?? "", baseObjectClass: row.text(5), leafObjectClass: row.text(6), valText: row.text(7) ?? "null",
                    versionIndex: Int(row.int(8)), isLatest: row.int(9) == 1, wbUserId: row.text(10), createdAt: row.text(11) ?? "",
                    deletedAt: row.text(12)))
        }
        return versions
    }

    // MARK: Tables

    /// Rows by digest (a digest already stored keeps its first text) and the table over them.
    func insertTable(projectId: String, digest: String, rowDigests: [String], newRows: [(digest: String, text: String)]) throws {
        try database.transaction {
            let insertRow = try database.statement("INSERT OR IGNORE INTO weave_table_rows (project_id, digest, val) VALUES (?, ?, ?)")
            for row in newRows { try insertRow.execute([.text(projectId), .text(row.digest), .text(row.text)]) }
            try database.statement("INSERT OR IGNORE INTO weave_tables (project_id, digest, row_digests) VALUES (?, ?, ?)")
                .execute([.text(projectId), .text(digest), .text(JSONWriter.encodeString(.array(rowDigests.map(JSONValue.string))))])
        }
    }

    /// A table's row digests in order; nil for a table the project does not have.
    func rowDigests(projectId: String, table digest: String) throws -> [String]? {
        var found: [String]?
        try database.statement("SELECT row_digests FROM weave_tables WHERE project_id = ? AND digest = ?")
            .query([.text(projectId), .text(digest)]) { row in
                found = try JSONParser.parse(row.text(0) ?? "[]").arrayValue?.compactMap(\.stringValue) ?? []
            }
        return found
    }

    /// The stored rows among `digests`, by digest.
    func rows(projectId: String, digests: some Sequence<String>) throws -> [String: JSONValue] {
        var rows: [String: JSONValue] = [:]
        let select = try database.statement("SELECT val FROM weave_table_rows WHERE project_id = ? AND digest = ?")
        for digest in Set(digests) {
            try select.query([.text(projectId), .text(digest)]) { row in
                rows[digest] = try JSONParser.parse(row.text(0) ?? "null", maxDepth: Int.max)
            }
        }
        return rows
    }

    // MARK: Files

    func insertFile(projectId: String, digest: String, name: String?, content: [UInt8]) throws {
        try database.transaction {
            try database.statement("INSERT OR IGNORE INTO weave_files (project_id, digest, name, content_base64) VALUES (?, ?, ?, ?)")
                .execute([.text(projectId), .text(digest), Self.text(name), .text(Data(content).base64EncodedString())])
        }
    }

    func file(projectId: String, digest: String) throws -> [UInt8]? {
        var content: [UInt8]?
        try database.statement("SELECT content_base64 FROM weave_files WHERE project_id = ? AND digest = ?")
            .query([.text(projectId), .text(digest)]) { row in
                content = Data(base64Encoded: row.text(0) ?? "").map { [UInt8]($0) }
            }
        return content
    }

    private static func text(_ value: String?) -> SQLiteValue { value.map(SQLiteValue.text) ?? .null }
}
