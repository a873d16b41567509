/// A stored Scorecard v2 Record. The JSON members are kept as the client sent them.
struct ScorecardRecord {
    var id: Int64
    var runId: String
    var testcaseId: String?
    var inputs: JSONValue
    var expected: JSONValue
    var outputs: JSONValue
    var sessionId: String?
    var otelLinkId: String?

    /// The spec's `Record`; optional members appear only when they were sent.
    var json: JSONValue.JSONObject {
        var object = JSONValue.JSONObject()
        object["id"] = .string(String(id))
        object["runId"] = .string(runId)
        if let testcaseId { object["testcaseId"] = .string(testcaseId) }
        object["inputs"] = inputs
        object["expected"] = expected
        object["outputs"] = outputs
        if let sessionId { object["sessionId"] = .string(sessionId) }
        if let otelLinkId { object["otelLinkId"] = .string(otelLinkId) }
        return object
    }
}

/// A tag on a Record (the spec's `RecordTag`).
struct ScorecardRecordTag {
    var id: Int64
    var recordId: Int64
    var text: String
    var source: String
    var createdAt: String

    var json: JSONValue {
        .object([
            "id": .string(String(id)),
            "recordId": .string(String(recordId)),
            "text": .string(text),
            "source": .string(source),
            "userId": .null,
            "createdAt": .string(createdAt),
        ])
    }
}
