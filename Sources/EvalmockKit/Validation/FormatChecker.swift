import Foundation

/// The `format` keywords evalmock enforces. Unknown formats are annotations only, as JSON
/// Schema 2020-12 specifies.
enum FormatChecker {
    static func accepts(_ string: String, format: String) -> Bool {
        switch format {
        case "uuid": return UUID(uuidString: string) != nil
        case "date-time": return isDateTime(string)
        case "date": return string.wholeMatch(of: date) != nil
        case "email": return string.wholeMatch(of: email) != nil
        case "uri": return string.wholeMatch(of: uri) != nil
        default: return true
        }
    }

    private static func isDateTime(_ string: String) -> Bool {
        string.wholeMatch(of: dateTime) != nil
    }

    // Held, not written inline: a regex literal is parsed and compiled each time it is
    // evaluated, which was half the time of a `calls/complete` batch (two times per call).
    // `Regex` is not `Sendable` only because its output type need not be; these output
    // substrings, and a regex compiles its program once, atomically, so sharing them is safe.
    nonisolated(unsafe) private static let dateTime = /\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})?/
    nonisolated(unsafe) private static let date = /\d{4}-\d{2}-\d{2}/
    nonisolated(unsafe) private static let email = /[^@\s]+@[^@\s]+/
    /// RFC 3986 absolute URI: a scheme, a colon, no spaces (what pydantic's AnyUrl demands).
    nonisolated(unsafe) private static let uri = /[A-Za-z][A-Za-z0-9+.\-]*:[^\s]*/
}
