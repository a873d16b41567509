import EvalmockKit
import Foundation

/// Ids as the trace server makes and checks them (`weave/trace_server/ids.py`,
/// `validation_util.py`).
enum WeaveIds {
    /// A UUIDv7 (RFC 9562): 48-bit Unix time in milliseconds, version 7, 12 random bits,
    /// variant `10`, 62 random bits; lower-case 8-4-4-4-12, like `generate_id()`.
    static func uuidV7(milliseconds: UInt64 = Timestamp.unixMilliseconds()) -> String {
        UUIDText.v7(milliseconds: milliseconds)
    }

    /// `trace_id_validator`: an OTel trace id (32 lower-case characters) or a canonical UUID.
    /// The message is the UUID check's, since that is the one that fails last.
    static func traceIdProblem(_ id: String) -> String? {
        if id.lowercased() == id && id.unicodeScalars.count == 32 { return nil }
        return uuidProblem(id)
    }

    /// `call_id_validator` (also `parent_id`): an OTel span id (16 characters) or a UUID.
    static func callIdProblem(_ id: String) -> String? {
        if id.lowercased() == id && id.unicodeScalars.count == 16 { return nil }
        return uuidProblem(id)
    }

    /// `require_uuid`: lower case, parses as Python's `uuid.UUID`, and prints back the same.
    static func uuidProblem(_ id: String) -> String? {
        if isCanonical(id) { return nil }
        if id.lowercased() != id { return "Invalid UUID: \(id). UUID must be lowercase" }
        guard let hex = pythonUUIDHex(id) else { return "Invalid UUID: \(id). Unable to parse" }
        let canonical = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32]
            .map { String(Array(hex)[$0]) }.joined(separator: "-")
        return canonical == id ? nil : "Invalid UUID: \(id). UUID did not round-trip"
    }

    /// Lower-case 8-4-4-4-12 hex, as clients send ids: what the checks above accept unchanged,
    /// here without their string copies (a fifth of a `calls/complete` batch's time).
    private static func isCanonical(_ id: String) -> Bool {
        let bytes = id.utf8
        guard bytes.count == 36 else { return false }
        for (offset, byte) in bytes.enumerated() {
            if offset == 8 || offset == 13 || offset == 18 || offset == 23 {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                else { return false }
            }
        }
        return true
    }

    /// What `uuid.UUID(s)` accepts: braces and `urn:uuid:` stripped, dashes removed, then
    /// exactly 32 hex digits.
    private static func pythonUUIDHex(_ text: String) -> String? {
        var hex = text.replacingOccurrences(of: "urn:", with: "").replacingOccurrences(of: "uuid:", with: "")
        hex = String(hex.drop { $0 == "{" }.reversed().drop { $0 == "}" }.reversed())
        hex = hex.replacingOccurrences(of: "-", with: "")
        guard hex.count == 32, hex.allSatisfy(\.isHexDigit), hex.unicodeScalars.allSatisfy(\.isASCII) else { return nil }
        return hex.lowercased()
    }
}
