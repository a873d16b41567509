/// Every resource of one API in one table: one storage scheme for every kind the API declares.
///
/// A row is a resource of a `kind` (`testset`), its public `id`, the resource it belongs to
/// (`parent_kind`, `parent_id`), an optional natural `key` that is unique among its siblings
/// of the same kind (a tag's text, a score's metric config), and `document`: the members the
/// API answers with, as JSON text in the client's key order and number text, without the id
/// (the `id` column holds it). `seq` orders resources by creation and is the cursor of lists.
///
/// A resource's parent must be stored (the foreign key), and deleting it deletes everything
/// that belongs to it, however deep (`ON DELETE CASCADE`), in resets and imports too.
///
/// Ids of `.sequence` kinds are the row's `seq`, so they are never reused after a delete and
/// keep counting upwards after a reset: a trigger records the highest `seq` ever deleted in
/// `evalmock_sequences`, in the deleting transaction, and the next `seq` is one above both
/// that and the table's highest. The store keeps the next `seq` in memory between the inserts
/// of one write transaction (see `takeSeq`); SQLite's AUTOINCREMENT, which the table had first,
/// rewrote its counter row in `sqlite_sequence` with every insert.
public final class ResourceStore {
    public let database: SQLiteDatabase
    public let table: String

    /// A resource as stored.
    public struct Stored {
        public let seq: Int64
        public let kind: String
        public let id: String
        public let parentId: String?
        public let key: String?
        public var document: JSONValue.JSONObject {
            didSet { documentText = nil }
        }
        /// `document` as the JSON text just written to its row, while `document` is unchanged:
        /// a create's answer is this text with the id put in front, not a second encoding.
        public private(set) var documentText: [UInt8]?

        init(
            seq: Int64, kind: String, id: String, parentId: String?, key: String?, document: JSONValue.JSONObject,
            documentText: [UInt8]? = nil
        ) {
            self.seq = seq
            self.kind = kind
            self.id = id
            self.parentId = parentId
            self.key = key
            self.document = document
            self.documentText = documentText
        }
    }

    /// The statements of every request, written once and held prepared: building their text
    /// per call (the table name interpolated) cost an allocation, and finding it in the
    /// database's cache a hash of the text, each time.
    private let insertSQL: HeldStatement
    private let existsSQL: HeldStatement
    private let findSQL: HeldStatement
    private let updateSQL: HeldStatement
    private let nextSeqSQL: HeldStatement
    /// The `seq` the next insert takes, and the database's `generation` it was read in.
    private var nextSeq: (value: Int64, generation: Int)?

    public init(database: SQLiteDatabase, table: String) {
        precondition(table.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }, "a table name from code")
        self.database = database
        self.table = table
        insertSQL = HeldStatement(
            """
            INSERT INTO \(table) (seq, kind, id, parent_kind, parent_id, key, document)
            VALUES (?7, ?1, COALESCE(?2, CAST(?7 AS TEXT)), ?3, ?4, ?5, ?6)
            """)
        nextSeqSQL = HeldStatement(
            """
            SELECT max(COALESCE((SELECT max(seq) FROM \(table)), 0),
                       COALESCE((SELECT seq FROM evalmock_sequences WHERE name = '\(table)'), 0)) + 1
            """)
        existsSQL = HeldStatement("SELECT 1 FROM \(table) WHERE kind = ?1 AND id = ?2")
        findSQL = HeldStatement("SELECT seq, kind, id, parent_id, key, document FROM \(table) WHERE kind = ?1 AND id = ?2")
        updateSQL = HeldStatement("UPDATE \(table) SET document = ?1 WHERE kind = ?2 AND id = ?3")
    }

    /// The migration that first created an API's resource table, as databases have applied
    /// it; `rebuildMigration` rebuilds the table as it is now.
    public static func migration(name: String, table: String) -> Migration {
        Migration(
            name: name,
            sql: definition(table, sequence: "AUTOINCREMENT") + "CREATE INDEX \(table)_by_kind ON \(table)(kind, seq);\n" + indexes(table))
    }

    /// A new API's resource table as it is now: the two steps the first APIs' tables went
    /// through, `migration` under `name` and `rebuildMigration` under `name-rebuilt`.
    public static func migrations(name: String, table: String) -> [Migration] {
        [migration(name: name, table: table), rebuildMigration(name: name + "-rebuilt", table: table)]
    }

    /// The migration that rebuilds a resource table without AUTOINCREMENT (see the type's
    /// comment) and without the `(kind, seq)` index (see `Owner`): same columns, rows and
    /// other indexes, the counter carried over from `sqlite_sequence` into
    /// `evalmock_sequences`, and the trigger that keeps it. Foreign keys
    /// are checked at its commit, as rows are copied in `seq` order and a parent may have a
    /// higher `seq` than its children (records moved in by scorecard-v2-003 kept their ids).
    public static func rebuildMigration(name: String, table: String) -> Migration {
        Migration(
            name: name,
            sql: """
                PRAGMA defer_foreign_keys = ON;
                CREATE TABLE IF NOT EXISTS evalmock_sequences (name TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;
                INSERT INTO evalmock_sequences (name, seq) SELECT name, seq FROM sqlite_sequence WHERE name = '\(table)';
                \(definition(table + "_rebuilt", sequence: ""))
                INSERT INTO \(table)_rebuilt (seq, kind, id, parent_kind, parent_id, key, document)
                    SELECT seq, kind, id, parent_kind, parent_id, key, document FROM \(table) ORDER BY seq;
                DROP TABLE \(table);
                ALTER TABLE \(table)_rebuilt RENAME TO \(table);
                \(indexes(table))
                CREATE TRIGGER \(table)_keeps_its_sequence AFTER DELETE ON \(table) BEGIN
                    INSERT INTO evalmock_sequences (name, seq) VALUES ('\(table)', OLD.seq)
                    ON CONFLICT (name) DO UPDATE SET seq = max(seq, excluded.seq);
                END;
                """)
    }

    /// The table's columns and constraints; its foreign key names the table itself.
    private static func definition(_ name: String, sequence: String) -> String {
        """
        CREATE TABLE \(name) (
            seq INTEGER PRIMARY KEY \(sequence),
            kind TEXT NOT NULL,
            id TEXT NOT NULL,
            parent_kind TEXT,
            parent_id TEXT,
            key TEXT,
            document TEXT NOT NULL,
            UNIQUE (kind, id),
            FOREIGN KEY (parent_kind, parent_id) REFERENCES \(name)(kind, id) ON DELETE CASCADE
        );

        """
    }

    /// The parent index finds (and orders) a parent's children and, by `parent_kind IS NULL`,
    /// a top-level kind's resources; the tables' first version also had `(kind, seq)`.
    private static func indexes(_ table: String) -> String {
        """
        CREATE INDEX \(table)_by_parent ON \(table)(parent_kind, parent_id, kind, seq);
        CREATE UNIQUE INDEX \(table)_by_key ON \(table)(kind, parent_id, key) WHERE key IS NOT NULL;

        """
    }

    // MARK: - Writing

    /// The error code of an insert whose parent is not stored (SQLITE_CONSTRAINT_FOREIGNKEY):
    /// the foreign key is checked when the statement ends, which then changes nothing.
    public static let missingParent: Int32 = 787

    /// Stores a new resource. A nil `id` takes the row's `seq` (the `.sequence` scheme).
    @discardableResult
    public func insert(
        kind: String, id: String?, parent: (kind: String, id: String)?, key: String? = nil,
        document: JSONValue.JSONObject
    ) throws -> Stored {
        do {
            return try insertOnce(kind: kind, id: id, parent: parent, key: key, document: document)
        } catch let error as SQLiteError where error.code == 1555 {  // SQLITE_CONSTRAINT_PRIMARYKEY
            // Rows were written beside the store without the database's generation moving:
            // read the next `seq` again. (Not expected; a collision must not lose the create.)
            nextSeq = nil
            return try insertOnce(kind: kind, id: id, parent: parent, key: key, document: document)
        } catch let error as SQLiteError where id == nil && error.code == 2067 {  // SQLITE_CONSTRAINT_UNIQUE
            // The next sequence id was given explicitly before (a run made on first use, a
            // --lenient placeholder named by a client): skip past every such id and retry.
            var seq = try takeSeq()
            guard try exists(kind: kind, id: String(seq)) else { throw error }
            repeat { seq += 1 } while try exists(kind: kind, id: String(seq))
            nextSeq = (seq, database.generation)
            return try insertOnce(kind: kind, id: id, parent: parent, key: key, document: document)
        }
    }

    /// The `seq` of the next insert: kept in memory while the database's `generation` stays
    /// (the same write transaction, nothing rolled back, no rows written beside the store),
    /// else read from the table and the highest deleted `seq`.
    private func takeSeq() throws -> Int64 {
        if let nextSeq, nextSeq.generation == database.generation { return nextSeq.value }
        return try database.statement(nextSeqSQL).scalarInt() ?? 1
    }

    private func insertOnce(
        kind: String, id: String?, parent: (kind: String, id: String)?, key: String?,
        document: JSONValue.JSONObject
    ) throws -> Stored {
        let text = JSONWriter.encode(.object(document))
        let seq = try takeSeq()
        try database.statement(insertSQL).execute([
            .text(kind), id.map(SQLiteValue.text) ?? .null,
            parent.map { .text($0.kind) } ?? .null, parent.map { .text($0.id) } ?? .null,
            key.map(SQLiteValue.text) ?? .null, .utf8Text(text), .integer(seq),
        ])
        nextSeq = (seq + 1, database.generation)
        return Stored(seq: seq, kind: kind, id: id ?? String(seq), parentId: parent?.id, key: key, document: document, documentText: text)
    }

    /// Replaces a resource's document (its id, parent and key stay).
    public func update(_ resource: Stored) throws {
        try database.statement(updateSQL)
            .execute([.text(JSONWriter.encodeString(.object(resource.document))), .text(resource.kind), .text(resource.id)])
    }

    /// Deletes a resource and everything that belongs to it, however deep. False when there
    /// was nothing to delete.
    @discardableResult
    public func delete(kind: String, id: String) throws -> Bool {
        try database.statement(deleteStatement).execute([.text(kind), .text(id)])
        return database.changes > 0
    }

    /// Deletes the resource of kind `?1` with id `?2` (and, by the foreign key, what belongs to it).
    public var deleteStatement: String { "DELETE FROM \(table) WHERE kind = ?1 AND id = ?2" }

    /// A reset scope that deletes one resource of a kind and what belongs to it, e.g. a run.
    public func resetScope(_ name: String, kind: String) -> ResetScope {
        ResetScope(name: name, statements: ["DELETE FROM \(table) WHERE kind = '\(kind)' AND id = ?1"])
    }

    // MARK: - Reading

    public func find(kind: String, id: String) throws -> Stored? {
        var found: Stored?
        try database.statement(findSQL).query([.text(kind), .text(id)]) { row in found = try Self.resource(row) }
        return found
    }

    public func exists(kind: String, id: String) throws -> Bool {
        try database.statement(existsSQL).scalarInt([.text(kind), .text(id)]) != nil
    }

    /// The sibling of a kind under a parent with a natural key.
    public func find(kind: String, parentId: String?, key: String) throws -> Stored? {
        try first(
            "SELECT seq, kind, id, parent_id, key, document FROM \(table) WHERE kind = ?1 AND parent_id IS ?2 AND key = ?3",
            [.text(kind), parentId.map(SQLiteValue.text) ?? .null, .text(key)])
    }

    /// Every resource of a kind under a parent, in creation order.
    public func children(kind: String, parentKind: String, parentId: String) throws -> [Stored] {
        try all(
            """
            SELECT seq, kind, id, parent_id, key, document FROM \(table)
            WHERE parent_kind = ?1 AND parent_id = ?2 AND kind = ?3 ORDER BY seq
            """, [.text(parentKind), .text(parentId), .text(kind)])
    }

    public func count(kind: String, parentKind: String, parentId: String) throws -> Int {
        Int(
            try database.statement("SELECT COUNT(*) FROM \(table) WHERE parent_kind = ?1 AND parent_id = ?2 AND kind = ?3")
                .scalarInt([.text(parentKind), .text(parentId), .text(kind)]) ?? 0)
    }

    /// Every resource of a kind whose document's `member` equals `value` (a JSON path look-up:
    /// for the few lists that filter on a member, e.g. attachments by session).
    public func matching(kind: String, member: String, value: String) throws -> [Stored] {
        try all(
            """
            SELECT seq, kind, id, parent_id, key, document FROM \(table)
            WHERE kind = ?1 AND json_extract(document, ?2) = ?3 ORDER BY seq
            """, [.text(kind), .text("$.\"\(member)\""), .text(value)])
    }

    /// One page of a kind, optionally under one parent, from the resource whose `seq` is
    /// `from` on (0: from the first); `next` is the first `seq` of the next page.
    public struct Page {
        public var resources: [Stored]
        public var next: Int64?
        public var total: Int

        public init(resources: [Stored], next: Int64?, total: Int) {
            self.resources = resources
            self.next = next
            self.total = total
        }
    }

    /// The resources of a kind that a list names.
    public enum Owner {
        /// Those stored without a parent: a top-level kind's.
        case none
        /// Those that belong to one resource.
        case parent(kind: String, id: String)
        /// Those of every parent. No index orders a kind across parents (a kind index cost
        /// every insert 3 % of a Scorecard record create), so a page of them is sorted.
        case anyParent
    }

    /// The order a list is answered in: creation order, or the newest first.
    public enum Order {
        case oldestFirst
        case newestFirst
    }

    /// `childKeys` keeps the resources that have a child of that kind with each of the keys
    /// (Scorecard's records carrying every tag asked for).
    public func page(
        kind: String, parent: Owner, from: Int64, limit: Int, order: Order = .oldestFirst,
        childKeys: (kind: String, keys: [String])? = nil, filters: [Filter] = []
    ) throws -> Page {
        // ?1 kind, ?2 and ?3 the parent, then the child kind and keys; the page's own bounds
        // are appended last. One statement shape per key count keeps statements prepared.
        var (filter, bindings) = Self.selection(kind: kind, parent: parent)
        if let childKeys, !childKeys.keys.isEmpty {
            let keys = Array(Set(childKeys.keys)).sorted()
            let placeholders = (0..<keys.count).map { "?\($0 + 5)" }.joined(separator: ",")
            filter += """
                 AND id IN (SELECT parent_id FROM \(table) WHERE parent_kind = ?1 AND kind = ?4 AND key IN (\(placeholders))
                            GROUP BY parent_id HAVING COUNT(*) = \(keys.count))
                """
            bindings += [.text(childKeys.kind)] + keys.map(SQLiteValue.text)
        }
        Self.append(filters, to: &filter, bindings: &bindings)
        let bounds = bindings.count
        let (comparison, direction, start) = order == .oldestFirst ? (">=", "", from) : ("<=", " DESC", from == 0 ? Int64.max : from)
        var resources = try all(
            """
            SELECT seq, kind, id, parent_id, key, document FROM \(table)
            WHERE \(filter) AND seq \(comparison) ?\(bounds + 1) ORDER BY seq\(direction) LIMIT ?\(bounds + 2)
            """, bindings + [.integer(start), .integer(Int64(limit) + 1)])
        let total = Int(try database.statement("SELECT COUNT(*) FROM \(table) WHERE \(filter)").scalarInt(bindings) ?? 0)
        var next: Int64?
        if resources.count > limit {
            next = resources[limit].seq
            resources.removeLast(resources.count - limit)
        }
        return Page(resources: resources, next: next, total: total)
    }

    /// A condition on the resources a list answers, beyond kind and parent.
    public enum Filter {
        /// The document's member is this text (`account_id`, `application_spec_id`).
        case member(String, equals: String)
        /// The document's member is absent or null (not archived: `archived_at`).
        case memberIsNull(String)
        /// The natural key is this text.
        case key(String)
    }

    private static func append(_ filters: [Filter], to sql: inout String, bindings: inout [SQLiteValue]) {
        for filter in filters {
            let next = bindings.count + 1
            switch filter {
            case .member(let name, let value):
                sql += " AND json_extract(document, ?\(next)) = ?\(next + 1)"
                bindings += [.text("$.\"\(name)\""), .text(value)]
            case .memberIsNull(let name):
                sql += " AND json_extract(document, ?\(next)) IS NULL"
                bindings.append(.text("$.\"\(name)\""))
            case .key(let key):
                sql += " AND key = ?\(next)"
                bindings.append(.text(key))
            }
        }
    }

    /// One page of a kind by position (page-number paging): `limit` resources in creation
    /// order after the first `offset`, and how many there are in all.
    public func page(
        kind: String, parent: Owner, offset: Int64, limit: Int,
        filters: [Filter] = [], order: Order = .oldestFirst
    ) throws -> (resources: [Stored], total: Int) {
        var (filter, bindings) = Self.selection(kind: kind, parent: parent)
        Self.append(filters, to: &filter, bindings: &bindings)
        let bounds = bindings.count
        let resources = try all(
            """
            SELECT seq, kind, id, parent_id, key, document FROM \(table)
            WHERE \(filter) ORDER BY seq\(order == .newestFirst ? " DESC" : "") LIMIT ?\(bounds + 1) OFFSET ?\(bounds + 2)
            """, bindings + [.integer(Int64(limit)), .integer(offset)])
        let total = Int(try database.statement("SELECT COUNT(*) FROM \(table) WHERE \(filter)").scalarInt(bindings) ?? 0)
        return (resources, total)
    }

    /// The `WHERE` of a list of one kind, of an owner: `?1` the kind, `?2` and `?3` the parent,
    /// so both paging styles add their own parameters after these. Lists of a top-level kind
    /// and of a parent's children are found (and ordered) by the parent index.
    private static func selection(kind: String, parent: Owner) -> (String, [SQLiteValue]) {
        switch parent {
        case .none: ("parent_kind IS NULL AND parent_id IS NULL AND kind = ?1 AND ?2 IS NULL AND ?3 IS NULL", [.text(kind), .null, .null])
        case .parent(let parentKind, let id):
            ("parent_kind = ?2 AND parent_id = ?3 AND kind = ?1", [.text(kind), .text(parentKind), .text(id)])
        case .anyParent: ("kind = ?1 AND ?2 IS NULL AND ?3 IS NULL", [.text(kind), .null, .null])
        }
    }

    /// Resources per kind, for the health inventory.
    public func countsByKind() throws -> [String: Int] {
        var counts: [String: Int] = [:]
        try database.statement("SELECT kind, COUNT(*) FROM \(table) GROUP BY kind").query { row in
            counts[row.text(0) ?? ""] = Int(row.int(1))
        }
        return counts
    }

    private func first(_ sql: String, _ bindings: [SQLiteValue]) throws -> Stored? {
        var found: Stored?
        try database.statement(sql).query(bindings) { row in found = try Self.resource(row) }
        return found
    }

    private func all(_ sql: String, _ bindings: [SQLiteValue]) throws -> [Stored] {
        var found: [Stored] = []
        try database.statement(sql).query(bindings) { row in found.append(try Self.resource(row)) }
        return found
    }

    private static func resource(_ row: Row) throws -> Stored {
        guard case .object(let document) = try JSONParser.parse(row.text(5) ?? "{}") else {
            throw SQLiteError(code: 0, message: "a stored document is not a JSON object", context: "resources")
        }
        return Stored(
            seq: row.int(0), kind: row.text(1) ?? "", id: row.text(2) ?? "", parentId: row.text(3), key: row.text(4), document: document)
    }
}
