import CSQLite

/// A failed SQLite call, carrying SQLite's own result code and message.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    public let code: Int32
    public let message: String
    public let context: String

    public var description: String { "SQLite error \(code) (\(context)): \(message)" }

    init(code: Int32, connection: OpaquePointer?, context: String) {
        self.code = code
        self.context = context
        if let connection, let text = sqlite3_errmsg(connection) {
            self.message = String(cString: text)
        } else {
            self.message = String(cString: sqlite3_errstr(code))
        }
    }
}
