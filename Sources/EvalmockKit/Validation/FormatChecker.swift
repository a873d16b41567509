import Foundation

/// The `format` keywords evalmock enforces. Unknown formats are annotations only, as JSON
/// Schema 2020-12 specifies.
enum FormatChecker {
    static func accepts(_ string: String, format: String) -> Bool {
        switch format {
        case "uuid": return UUID(uuidString: string) != nil
        case "date-time": return isDateTime(string)
        case "date": return string.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil
        case "email": return string.wholeMatch(of: /[^@\s]+@[^@\s]+/) != nil
        // RFC 3986 absolute URI: a scheme, a colon, no spaces (what pydantic's AnyUrl demands).
        case "uri": return string.wholeMatch(of: /[A-Za-z][A-Za-z0-9+.\-]*:[^\s]*/) != nil
        default: return true
        }
    }

    private static func isDateTime(_ string: String) -> Bool {
        string.wholeMatch(of: /\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})?/) != nil
    }
}
