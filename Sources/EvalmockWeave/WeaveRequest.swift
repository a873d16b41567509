import EvalmockKit

/// What every Weave handler reads from a validated request: the `entity/project` scope, the
/// caller, typed query values, and the ref check the server applies to all request strings.
struct WeaveRequest {
    let context: OperationContext

    var projectId: String { "\(context.pathParameter("entity"))/\(context.pathParameter("project"))" }
    var userId: String { WeaveAuth.userId(context.caller) }
    var body: JSONValue { context.body }

    /// The server rewrites refs in every string field of its request model, path ids and query
    /// filters included, so a malformed ref anywhere fails the request.
    func checkRefs(pathParameters names: [String] = []) throws(WeaveTraceServerError) {
        for name in names { try WeaveRefs.checkRequestString(context.pathParameter(name)) }
        for (_, value) in context.input.query { try WeaveRefs.checkRequestStrings(value) }
        try WeaveRefs.checkRequestStrings(body)
    }

    func integer(_ name: String) -> Int? {
        context.input.query[name].flatMap(PydanticLaxCoercion.integer)
    }

    func strings(_ name: String) -> [String]? {
        context.input.query[name]?.arrayValue?.compactMap(\.stringValue)
    }

    func string(_ name: String) -> String? {
        context.input.query[name]?.stringValue
    }

    /// A body string; nil when absent or null.
    func bodyString(_ name: String) -> String? {
        body[name]?.stringValue
    }

    /// The ids of a bulk delete. `calls_delete` refuses more than 1000 at once.
    func idsToDelete(_ name: String) throws(WeaveTraceServerError) -> [String] {
        let ids = strings(name) ?? []
        if ids.count > 1000 { throw .requestTooLarge }
        return ids
    }
}

enum WeaveResponses {
    /// Wraps a handler so that the trace server's own errors answer in its `{"reason"}` form;
    /// anything else is a real fault of evalmock (the pipeline's 500).
    static func handler(_ body: @escaping (WeaveRequest) throws -> HTTPResponse) -> OperationHandler {
        { context in
            do {
                return try body(WeaveRequest(context: context))
            } catch let error as WeaveTraceServerError {
                return error.response
            }
        }
    }

    /// A list route's answer: one JSON object per line, as the client's JSONL decoder reads it.
    static func jsonLines(_ objects: [JSONValue]) -> HTTPResponse {
        var body: [UInt8] = []
        for object in objects {
            JSONWriter.write(object, into: &body)
            body.append(0x0a)
        }
        var headers = HTTPHeaders()
        headers.set("Content-Type", "application/jsonl")
        return HTTPResponse(status: 200, headers: headers, body: body)
    }

    /// Python's `datetime` as pydantic writes it: ClickHouse keeps milliseconds, printed as
    /// microseconds, `Z` for UTC.
    static func now() -> String {
        var text = Timestamp.nowISO8601()
        text.removeLast()
        return text + "000Z"
    }

    static func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
}
