/// Wipes, exports and imports the stored state of one database's emulated APIs (the main
/// database or one namespace's). Table and column names come from the APIs' declarations and
/// the database's own schema, never from a request; values are always bound.
struct EmulatorStateStore {
    let database: SQLiteDatabase
    let apis: [any StatefulAPI]

    static let format = "evalmock-state"
    static let version = 1

    init(database: SQLiteDatabase, apis: [EmulatedAPI]) {
        self.database = database
        self.apis = apis.compactMap { $0 as? any StatefulAPI }
    }

    func api(named name: String) -> (any StatefulAPI)? { apis.first { $0.name == name } }

    // MARK: - Reset

    /// Deletes every row of the given APIs (all when nil). Ids keep counting upwards (the
    /// AUTOINCREMENT counters are kept), so an id a test still holds never names new data.
    func wipe(_ only: [any StatefulAPI]? = nil) throws {
        try database.isolatedTransaction { try deleteRows(of: only ?? apis) }
    }

    /// Inside a transaction: foreign keys are checked at its commit, so tables go in any order.
    private func deleteRows(of apis: [any StatefulAPI]) throws {
        try database.execute("PRAGMA defer_foreign_keys = ON")
        for api in apis {
            for table in api.storedTables.reversed() {
                try database.execute("DELETE FROM \(try quotedTable(table.name))")
            }
        }
    }

    /// Runs one API's partial reset, e.g. scope `run` of Scorecard v2 with value `135`.
    func reset(_ api: any StatefulAPI, scope: ResetScope, value: String) throws {
        var statements: [String] = []
        for rows in scope.rows {
            switch rows {
            case .statements(let given): statements += given
            case .matching(let table, let column):
                statements += try deletions(from: table, where: "\(try quotedTable(column)) = ?1", of: api)
            }
        }
        try database.transaction {
            for sql in statements {
                try database.statement(sql).execute([.text(value)])
            }
        }
    }

    /// The DELETEs that remove a table's rows matching `condition` and, children first, every
    /// row of the API's tables that refers to them through a foreign key, however deep.
    private func deletions(from table: String, where condition: String, of api: any StatefulAPI) throws -> [String] {
        var statements: [String] = []
        for child in api.storedTables where child.name != table {
            var references: [(column: String, parentColumn: String)] = []
            try database.statement("SELECT \"from\", \"to\" FROM pragma_foreign_key_list(?) WHERE \"table\" = ?")
                .query([.text(child.name), .text(table)]) { row in
                    references.append((row.text(0) ?? "", row.text(1) ?? ""))
                }
            for reference in references {
                let selected =
                    "\(try quotedTable(reference.column)) IN (SELECT \(try quotedTable(reference.parentColumn)) FROM \(try quotedTable(table)) WHERE \(condition))"
                statements += try deletions(from: child.name, where: selected, of: api)
            }
        }
        return statements + ["DELETE FROM \(try quotedTable(table)) WHERE \(condition)"]
    }

    // MARK: - Export and import

    /// `{"format": "evalmock-state", "version": 1, "apis": {api: {table: [row, …]}}}`, rows in
    /// insertion order with every column as stored (JSON documents stay the text they were).
    func export() throws -> JSONValue {
        var byAPI = JSONValue.JSONObject()
        for api in apis {
            var tables = JSONValue.JSONObject()
            for table in api.storedTables.map(\.name) {
                var rows: [JSONValue] = []
                try database.statement("SELECT * FROM \(try quotedTable(table)) ORDER BY rowid").query { row in
                    var object = JSONValue.JSONObject()
                    for column in 0..<row.columnCount {
                        object[row.columnName(column)] = Self.json(row.value(column))
                    }
                    rows.append(.object(object))
                }
                tables[table] = .array(rows)
            }
            byAPI[api.name] = .object(tables)
        }
        return .object(["format": .string(Self.format), "version": .int(Self.version), "apis": .object(byAPI)])
    }

    /// Replaces the whole state with a snapshot from `export()`: everything is wiped and the
    /// snapshot's rows inserted, in one transaction, so a bad snapshot changes nothing.
    func importSnapshot(_ snapshot: JSONValue) throws {
        guard let root = snapshot.objectValue else { throw SnapshotError("the snapshot must be a JSON object") }
        guard root["format"]?.stringValue == Self.format else { throw SnapshotError("\"format\" must be \"\(Self.format)\"") }
        guard case .number(let version)? = root["version"], version.intValue == Self.version else {
            throw SnapshotError("\"version\" must be \(Self.version)")
        }
        guard let byAPI = root["apis"]?.objectValue else { throw SnapshotError("\"apis\" must be an object") }
        for name in byAPI.keys where api(named: name) == nil {
            throw SnapshotError("unknown API \"\(name)\"")
        }
        do {
            try replaceState(with: byAPI)
        } catch let error as SQLiteError {
            // A row the schema refuses (a dangling reference, a missing NOT NULL member).
            throw SnapshotError("the database refused the snapshot: \(error.message)")
        }
    }

    private func replaceState(with byAPI: JSONValue.JSONObject) throws {
        try database.isolatedTransaction {
            try deleteRows(of: apis)
            for api in apis {
                guard let tables = byAPI[api.name] else { continue }
                guard let tables = tables.objectValue else { throw SnapshotError("\(api.name) must be an object of tables") }
                for name in tables.keys where !api.storedTables.contains(where: { $0.name == name }) {
                    throw SnapshotError("\(api.name) has no table \"\(name)\"")
                }
                for table in api.storedTables.map(\.name) {
                    guard let rows = tables[table] else { continue }
                    guard let rows = rows.arrayValue else { throw SnapshotError("\(api.name).\(table) must be an array of rows") }
                    try insert(rows, into: table, of: api.name)
                }
            }
        }
    }

    /// Fixture files that are snapshots of one API (`evalmock export --fixtures-dir`): their
    /// rows overwrite rows with the same keys, so loading them at every start never duplicates
    /// and keeps what was created since.
    func mergeFixtures(_ api: EmulatedAPI, _ files: [FixtureFile]) throws -> String {
        guard let api = self.api(named: api.name) else {
            throw FixtureError(path: files[0].path, reason: "\(api.name) has no stored state")
        }
        var rows = 0
        try database.transaction {
            for file in files {
                do {
                    rows += try merge(file.content, into: api)
                } catch let error as SnapshotError {
                    throw FixtureError(path: file.path, reason: error.description)
                } catch let error as SQLiteError {
                    throw FixtureError(path: file.path, reason: error.message)
                }
            }
        }
        return "\(rows) rows from \(files.count) snapshot file\(files.count == 1 ? "" : "s")"
    }

    private func merge(_ snapshot: JSONValue, into api: any StatefulAPI) throws -> Int {
        guard case .number(let version)? = snapshot["version"], version.intValue == Self.version else {
            throw SnapshotError("\"version\" must be \(Self.version)")
        }
        guard let byAPI = snapshot["apis"]?.objectValue else { throw SnapshotError("\"apis\" must be an object") }
        if let other = byAPI.keys.first(where: { $0 != api.name }) {
            throw SnapshotError("a snapshot under \(api.name)/ may only hold \(api.name), not \(other)")
        }
        guard let tables = byAPI[api.name]?.objectValue else { return 0 }
        for name in tables.keys where !api.storedTables.contains(where: { $0.name == name }) {
            throw SnapshotError("\(api.name) has no table \"\(name)\"")
        }
        var count = 0
        for table in api.storedTables.map(\.name) {
            guard let rows = tables[table] else { continue }
            guard let rows = rows.arrayValue else { throw SnapshotError("\(api.name).\(table) must be an array of rows") }
            try insert(rows, into: table, of: api.name, replacing: true)
            count += rows.count
        }
        return count
    }

    /// One snapshot per API, as files of a `--fixtures` directory: `DIR/<api>/evalmock-state.json`.
    func exportFixtures() throws -> [(api: String, snapshot: JSONValue)] {
        guard case .object(let root) = try export(), let byAPI = root["apis"]?.objectValue else { return [] }
        return byAPI.map { name, tables in
            (name, .object(["format": .string(Self.format), "version": .int(Self.version), "apis": .object([name: tables])]))
        }
    }

    private func insert(_ rows: [JSONValue], into table: String, of apiName: String, replacing: Bool = false) throws {
        let columns = try columnNames(table)
        database.rowsWrittenElsewhere()
        for (index, row) in rows.enumerated() {
            guard let object = row.objectValue else { throw SnapshotError("\(apiName).\(table)[\(index)] must be an object") }
            var names: [String] = []
            var values: [SQLiteValue] = []
            for (name, value) in object {
                guard columns.contains(name) else { throw SnapshotError("\(apiName).\(table)[\(index)]: no column \"\(name)\"") }
                names.append("\"\(name)\"")
                values.append(try Self.sqlite(value, at: "\(apiName).\(table)[\(index)].\(name)"))
            }
            guard !names.isEmpty else { continue }
            let placeholders = Array(repeating: "?", count: names.count).joined(separator: ", ")
            // An upsert, not INSERT OR REPLACE: replacing would delete the old row first and
            // cascade to its children (a run's records created since the last start).
            let upsert = replacing ? " ON CONFLICT DO UPDATE SET " + names.map { "\($0) = excluded.\($0)" }.joined(separator: ", ") : ""
            try database.statement(
                "INSERT INTO \(try quotedTable(table)) (\(names.joined(separator: ", "))) VALUES (\(placeholders))\(upsert)"
            ).execute(values)
        }
    }

    /// The table's columns as the database knows them; a name not among them never reaches SQL.
    private func columnNames(_ table: String) throws -> Set<String> {
        var names = Set<String>()
        try database.statement("SELECT name FROM pragma_table_info(?)").query([.text(table)]) { row in
            if let name = row.text(0) { names.insert(name) }
        }
        return names
    }

    private func quotedTable(_ table: String) throws -> String {
        guard table.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { throw SnapshotError("bad table name \(table)") }
        return "\"\(table)\""
    }

    private static func json(_ value: SQLiteValue) -> JSONValue {
        switch value {
        case .null: return .null
        case .integer(let v): return .number(JSONNumber(lexeme: String(v)))
        case .double(let v): return .number(JSONNumber(lexeme: v.isFinite ? "\(v)" : "0"))
        case .text(let v): return .string(v)
        case .utf8Text(let v): return .string(String(decoding: v, as: UTF8.self))
        }
    }

    private static func sqlite(_ value: JSONValue, at location: String) throws -> SQLiteValue {
        switch value {
        case .null: return .null
        case .bool(let b): return .integer(b ? 1 : 0)
        case .string(let s): return .text(s)
        case .number(let n):
            if let int = Int64(n.lexeme) { return .integer(int) }
            return .double(n.doubleValue)
        case .array, .object: throw SnapshotError("\(location) must be a string, number or null")
        }
    }
}

/// A snapshot that cannot be imported; nothing was changed.
struct SnapshotError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
