import CSQLite

// SQLITE_TRANSIENT is a macro SQLite's Swift import cannot see: it tells SQLite to copy bound text.
private let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A value bound to a statement parameter.
public enum SQLiteValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case double(Double)
    case text(String)
    /// Text given as its UTF-8 bytes (a JSON text just written), bound without first making a
    /// String of it, which would check the bytes once more.
    case utf8Text([UInt8])
}

/// A prepared statement. It owns its `sqlite3_stmt`, is reset before every use and finalized
/// when released. User data only ever reaches SQL through bound parameters.
public final class Statement {
    private let handle: OpaquePointer
    private let connection: OpaquePointer
    let sql: String

    init(connection: OpaquePointer, sql: String) throws(SQLiteError) {
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(connection, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw SQLiteError(code: code, connection: connection, context: "prepare \(sql)")
        }
        self.handle = statement
        self.connection = connection
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// Runs a statement that returns no rows.
    public func execute(_ bindings: [SQLiteValue] = []) throws(SQLiteError) {
        try bind(bindings)
        defer { sqlite3_reset(handle) }
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE || code == SQLITE_ROW else {
            throw SQLiteError(code: code, connection: connection, context: sql)
        }
    }

    /// Runs a query and hands each row to `body`.
    public func query(_ bindings: [SQLiteValue] = [], _ body: (Row) throws -> Void) throws {
        try bind(bindings)
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw SQLiteError(code: code, connection: connection, context: sql) }
            try body(Row(handle: handle))
        }
    }

    /// The first row's first column as an integer, if there is a row.
    public func scalarInt(_ bindings: [SQLiteValue] = []) throws -> Int64? {
        var result: Int64?
        try query(bindings) { row in if result == nil { result = row.int(0) } }
        return result
    }

    private func bind(_ bindings: [SQLiteValue]) throws(SQLiteError) {
        sqlite3_clear_bindings(handle)
        for (offset, value) in bindings.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .null: code = sqlite3_bind_null(handle, index)
            case .integer(let v): code = sqlite3_bind_int64(handle, index, v)
            case .double(let v): code = sqlite3_bind_double(handle, index, v)
            case .text(var text):
                // In place for a native string; a bridged one is made native first.
                code = text.withUTF8 { buffer in
                    sqlite3_bind_text(
                        handle, index, buffer.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                        Int32(buffer.count), SQLITE_TRANSIENT)
                }
            case .utf8Text(let bytes):
                code = bytes.withUnsafeBufferPointer { buffer in
                    // SQLite binds a nil pointer as NULL: no bytes are the empty text.
                    guard let start = buffer.baseAddress else { return sqlite3_bind_text(handle, index, "", 0, SQLITE_TRANSIENT) }
                    return sqlite3_bind_text(
                        handle, index, UnsafeRawPointer(start).assumingMemoryBound(to: CChar.self),
                        Int32(buffer.count), SQLITE_TRANSIENT)
                }
            }
            guard code == SQLITE_OK else { throw SQLiteError(code: code, connection: connection, context: "bind \(index) in \(sql)") }
        }
    }
}

/// One result row, valid only inside the `query` callback that received it.
public struct Row {
    let handle: OpaquePointer

    public func int(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    public func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    public func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }

    public var columnCount: Int32 { sqlite3_column_count(handle) }

    public func columnName(_ column: Int32) -> String { sqlite3_column_name(handle, column).map { String(cString: $0) } ?? "" }

    /// A column as the value it is stored as (blobs, which evalmock never writes, read as text).
    public func value(_ column: Int32) -> SQLiteValue {
        switch sqlite3_column_type(handle, column) {
        case SQLITE_NULL: return .null
        case SQLITE_INTEGER: return .integer(int(column))
        case SQLITE_FLOAT: return .double(double(column))
        default: return .text(text(column) ?? "")
        }
    }

    public func text(_ column: Int32) -> String? {
        guard let pointer = sqlite3_column_text(handle, column) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        // Text may hold NUL bytes (a client may send \u0000), so read by length, not C string.
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }
}
