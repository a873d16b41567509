/// An emulated API whose stored state the control endpoints can wipe, export and import.
///
/// It is declarative on purpose: the API names each table it writes once, in `storedTables`,
/// and reset, scoped reset, export, import and the health inventory are all derived from that
/// list and from the foreign keys the tables' own DDL declares. A hand-kept list beside each
/// of those is how a reset once broke after a Scale GP PATCH (a table missing from one list).
/// `StoredTablesTests` holds every API's list against the tables in `sqlite_master`.
public protocol StatefulAPI: EmulatedAPI {
    /// Every table the API writes, parents before children: import inserts in this order and a
    /// wipe deletes in the reverse one.
    var storedTables: [StoredTable] { get }
    /// The parts of its state a test can wipe alone, e.g. one Scorecard run.
    var resetScopes: [ResetScope] { get }
    /// The database the tables are in.
    var database: SQLiteDatabase { get }
}

/// A table an emulated API stores rows in.
public struct StoredTable: Sendable, Equatable {
    public let name: String
    /// Its row count's name in `/_evalmock/health`, e.g. `records`; nil leaves it uncounted.
    public let countedAs: String?

    public init(_ name: String, countedAs: String?) {
        self.name = name
        self.countedAs = countedAs
    }
}

/// One kind of partial reset, named in `POST /_evalmock/reset`: the rows of `table` whose
/// `column` equals the scope's value, and every row that refers to them through the tables'
/// foreign keys, however deep (a Scale GP evaluation, its results and their kept versions).
public struct ResetScope: Sendable {
    public enum Rows: Sendable {
        case matching(table: String, column: String)
        /// For what foreign keys cannot say, e.g. a tree of rows within one table. Each
        /// statement takes the scope's value as its only parameter.
        case statements([String])
    }

    public let name: String
    /// Deleted in this order, in one transaction.
    public let rows: [Rows]

    public init(name: String, table: String, column: String) {
        self.init(name: name, rows: [.matching(table: table, column: column)])
    }

    public init(name: String, statements: [String]) {
        self.init(name: name, rows: [.statements(statements)])
    }

    /// A scope over tables foreign keys do not join, e.g. Scale GP's results and the v4
    /// evaluation resource they belong to.
    public init(name: String, rows: [Rows]) {
        self.name = name
        self.rows = rows
    }
}

extension StatefulAPI {
    /// Row counts of the tables declared with a name for them.
    public func inventory() throws -> JSONValue.JSONObject { try tableInventory() }

    /// Row counts of the tables declared with a name for them (an API that counts more adds
    /// to these).
    public func tableInventory() throws -> JSONValue.JSONObject {
        var counts = JSONValue.JSONObject()
        for table in storedTables {
            guard let countedAs = table.countedAs else { continue }
            counts[countedAs] = .int(try database.rowCount(table))
        }
        return counts
    }
}
