import EvalmockKit
import Foundation

/// The trace server's handling of `weave:///` refs in requests.
///
/// Before any handler runs, its adapter rewrites every string of the request that starts with
/// `weave:///` from `entity/project` form to the internal project id, and rejects internal
/// refs it cannot vouch for (`trace_server_converter.universal_ext_to_int_ref_converter`). The
/// rewrite is undone on the way out, so well-formed refs round-trip unchanged and only the
/// failures are visible to a client.
enum WeaveRefs {
    static let externalPrefix = "weave:///"
    static let internalPrefix = "weave-trace-internal:///"

    /// Checks every string in `value` (object values and array items, not keys) as the adapter
    /// does; the first offending string fails the request.
    static func checkRequestStrings(_ value: JSONValue) throws(WeaveTraceServerError) {
        switch value {
        case .string(let text): try checkRequestString(text)
        case .array(let items): for item in items { try checkRequestStrings(item) }
        case .object(let object): for (_, member) in object { try checkRequestStrings(member) }
        case .null, .bool, .number: break
        }
    }

    /// `text` after `prefix`, split at slashes (empty parts kept), over its UTF-8: splitting
    /// its Characters cost a score create more than its SQLite writes.
    static func parts(_ text: String, after prefix: String, maxSplits: Int = .max) -> [String] {
        text.utf8.dropFirst(prefix.utf8.count).split(separator: UInt8(ascii: "/"), maxSplits: maxSplits, omittingEmptySubsequences: false)
            .map { String(Substring($0)) }
    }

    static func checkRequestString(_ text: String) throws(WeaveTraceServerError) {
        if text.hasPrefix(externalPrefix) {
            // `entity/project/tail` split at most twice: fewer than three parts is malformed.
            if parts(text, after: externalPrefix, maxSplits: 2).count != 3 {
                throw .invalidRequest("Invalid URI: \(text)")
            }
        } else if text.hasPrefix(internalPrefix) {
            // The real server accepts internal refs only to projects it can verify; a client
            // never sees internal project ids, so evalmock has none to accept.
            if parts(text, after: internalPrefix, maxSplits: 2).count < 2 {
                throw .invalidRequest("Invalid internal ref format: missing project_id or kind.")
            }
            throw .invalidRequest("Encountered unexpected internal ref format.")
        }
    }

    /// `score_create`'s check of its scorer (after the rewrite above): `parse_internal_uri` must
    /// give an object or op ref. Only a plain `ValueError` (the `name:digest` unpacking) maps
    /// to 400 in the registry; `InvalidInternalRef`, `IndexError` and the `TypeError` for other
    /// ref kinds are unregistered, so the real server answers those with a 500.
    /// The ref is returned: its name is the scorer's name.
    static func checkScorer(_ scorer: String) throws(WeaveTraceServerError) -> WeaveRef {
        let ref = try WeaveRef.parse(scorer)
        guard ref.isObjectOrOp else { throw .unregistered }
        return ref
    }

    /// `validate_extra`: `edge/value` pairs, edges from a fixed set, `index` values integers.
    fileprivate static func extraIsValid(_ extra: [String]) -> Bool {
        guard extra.count % 2 == 0 else { return false }
        for pair in stride(from: 0, to: extra.count, by: 2) {
            let edge = extra[pair]
            guard ["key", "index", "attr", "id"].contains(edge) else { return false }
            if edge == "index" && !isPythonInt(extra[pair + 1]) { return false }
        }
        return true
    }

    /// Python's `int(text)`, nil where it raises.
    static func pythonInt(_ text: String) -> Int? {
        guard isPythonInt(text) else { return nil }
        return Int(text.trimmingWhitespace().replacingOccurrences(of: "_", with: ""))
    }

    /// What Python's `int(text)` accepts: surrounding whitespace, a sign, digits with single
    /// underscores between them.
    static func isPythonInt(_ text: String) -> Bool {
        var body = Substring(text.trimmingWhitespace())
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        guard let first = body.first, let last = body.last, first.isNumber, last.isNumber else { return false }
        return !body.contains("__") && body.allSatisfy { $0 == "_" || ("0"..."9").contains($0) || $0.isNumber }
    }
}

/// A `weave:///entity/project/kind/...` ref as the server reads it once its adapter has made it
/// internal (`refs_internal.parse_internal_uri`): the project is `entity/project`, objects and
/// ops are `name:version` with an optional extra path of `edge/value` pairs (`attr/rows`,
/// `key/k`, `index/0`, `id/<row digest>`), tables are `table/<digest>`, calls `call/<id>`.
struct WeaveRef: Equatable {
    let projectId: String
    let kind: String
    /// The object's or op's name; the table's digest; the call's id.
    let name: String
    /// The object's or op's version: a digest, `latest` or `vN`.
    let version: String?
    let extra: [String]

    var isObjectOrOp: Bool { kind == "object" || kind == "op" }

    /// Errors as the server meets them: only the `name:version` unpacking is a plain
    /// `ValueError` (400); a missing part (`IndexError`), a bad extra path or an unknown kind
    /// (`InvalidInternalRef`) are unregistered: 500.
    static func parse(_ uri: String) throws(WeaveTraceServerError) -> WeaveRef {
        guard uri.hasPrefix(WeaveRefs.externalPrefix) else { throw .unregistered }
        let parts = WeaveRefs.parts(uri, after: WeaveRefs.externalPrefix)
        guard parts.count >= 3 else { throw .unregistered }
        let projectId = parts[0] + "/" + parts[1]
        let kind = parts[2]
        let remaining = Array(parts.dropFirst(3))
        switch kind {
        case "table", "call":
            guard let first = remaining.first else { throw .unregistered }
            return WeaveRef(projectId: projectId, kind: kind, name: first, version: nil, extra: [])
        case "object", "op":
            guard let nameAndVersion = remaining.first else { throw .unregistered }
            let pieces = nameAndVersion.utf8.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false).map {
                String(Substring($0))
            }
            if pieces.count < 2 { throw .invalidRequest("not enough values to unpack (expected 2, got \(pieces.count))") }
            if pieces.count > 2 { throw .invalidRequest("too many values to unpack (expected 2)") }
            var extra = Array(remaining.dropFirst())
            extra = extra == [""] ? [] : extra.map { $0.removingPercentEncoding ?? $0 }
            guard WeaveRefs.extraIsValid(extra) else { throw .unregistered }
            return WeaveRef(projectId: projectId, kind: kind, name: pieces[0], version: pieces[1], extra: extra)
        default:
            throw .unregistered
        }
    }
}
