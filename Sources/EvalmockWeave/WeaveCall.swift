import EvalmockKit

/// One call of the trace table, merged from the parts that wrote it: a start (`call/start`,
/// `v2 call/start`, an upsert_batch `start`), an end (`call/end`, `v2 call/end`, an
/// upsert_batch `end`) or both at once (`calls/complete`). The parts may arrive in any order,
/// as they do at the trace server, which merges its ClickHouse parts on read; a call whose
/// start has not arrived yet (`startedAt == nil`) is not listed.
///
/// The v2 evaluation routes write calls of the same table, marked the way the server marks
/// them: `attributes.weave.evaluation_run` / `prediction` / `score` = `"true"`.
struct WeaveCall {
    var projectId: String
    var id: String
    var traceId: String?
    var parentId: String?
    var threadId: String?
    var turnId: String?
    var opName: String?
    var displayName: String?
    var startedAt: WeaveTimestamp?
    var endedAt: WeaveTimestamp?
    var exception: String?
    var attributes: JSONValue = .object([:])
    var inputs: JSONValue = .object([:])
    /// nil until the end arrives; `.null` for an ended call whose output was `None`.
    var output: JSONValue?
    /// As the client sent it; `summary.weave` is derived on read (`WeaveCallSchema`).
    var summary: JSONValue?
    var wbUserId: String?
    var wbRunId: String?
    var wbRunStep: Int?
    var wbRunStepEnd: Int?

    /// `attributes.weave.<key>`, where the server files its evaluation markers.
    func weaveAttribute(_ key: String) -> JSONValue? {
        attributes["weave"]?[key]
    }

    func isMarked(_ key: String) -> Bool { weaveAttribute(key) == .string("true") }
}

extension JSONValue {
    /// The value, or nil for JSON `null` (Python's `None`, which the server tests with `is None`).
    var nonNull: JSONValue? {
        if case .null = self { return nil }
        return self
    }
}
