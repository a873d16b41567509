import EvalmockKit
import Foundation

/// The trace server's content digests (`weave/trace/serialization/digest.py`, which the client
/// and the server share so that refs computed on either side agree). One byte off and a ref the
/// client built never resolves, so every rule is the module's own.
enum WeaveDigest {
    /// `bytes_digest`: sha256, URL-safe base64 without padding, `-` as `X` and `_` as `Y`.
    static func bytes(_ content: [UInt8]) -> String {
        var text = Data(SHA256.digest(content)).base64EncodedString()
        while text.hasSuffix("=") { text.removeLast() }
        return String(
            text.map { character -> Character in
                switch character {
                case "+": return "X"  // URL-safe `-`, then replaced
                case "/": return "Y"  // URL-safe `_`, then replaced
                default: return character
                }
            })
    }

    /// `canonical_json`: `json.dumps(val, sort_keys=True)`.
    static func canonicalJSON(_ value: JSONValue) -> String {
        PythonJSONDumps.dumps(value, sortKeys: true)
    }

    /// `compute_object_digest` and `compute_row_digest` (the server digests the value as
    /// received: `process_incoming_object_val` changes only what a builtin class rewrites).
    static func value(_ value: JSONValue) -> String {
        bytes(Array(canonicalJSON(value).utf8))
    }

    /// `compute_table_digest`: hex sha256 over the row digests in order, duplicates kept; an
    /// empty table is the digest of nothing.
    static func table(rowDigests: [String]) -> String {
        SHA256.hex(Array(rowDigests.joined().utf8))
    }
}
