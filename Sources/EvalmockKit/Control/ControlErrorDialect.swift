/// The control API's failures: evalmock's own `{"error": code, "message": text}` (the
/// `ControlError` schema of `openapi/control/evalmock-control.json`), whatever the step that
/// refuses the request: the router, the token check, the validator or a handler.
struct ControlErrorDialect: ErrorDialect {
    static func failure(_ status: Int, _ code: String, _ message: String) -> HTTPResponse {
        .json(status, .object(["error": .string(code), "message": .string(message)]))
    }

    /// The error code of invalid input, by operation: a fault rule's and a snapshot's problems
    /// keep the codes they had before the document described them.
    private static let invalidInputCodes = ["createFaultRule": "invalid_rule", "importState": "invalid_snapshot"]

    func validationFailed(_ issues: [ValidationIssue]) -> HTTPResponse {
        Self.failure(400, Self.code(of: issues, default: "invalid_request"), Self.describe(issues))
    }

    func validationFailed(_ issues: [ValidationIssue], of operation: OperationDefinition) -> HTTPResponse {
        Self.failure(
            400, Self.code(of: issues, default: Self.invalidInputCodes[operation.operationId] ?? "invalid_request"), Self.describe(issues))
    }

    private static func code(of issues: [ValidationIssue], default code: String) -> String {
        issues.first?.location == [.key("header"), .key(NamespaceRegistry.header)] ? "invalid_namespace" : code
    }

    /// Every problem, `; `-separated: `"status" must be at most 599; unknown member "colour"`.
    /// A rule a handler found broken reads in its own words.
    private static func describe(_ issues: [ValidationIssue]) -> String {
        issues.map { issue in
            if case .invalidJSON(let error) = issue.kind { return "the body is not JSON: \(error)" }
            let place = issue.location.first?.description ?? "body"
            let field = issue.dottedField
            if case .brokenRule(let words) = issue.kind { return words }
            if case .unexpectedProperty = issue.kind { return "unknown member \"\(field)\"" }
            switch place {
            case "body": return field.isEmpty ? "the body \(issue.message)" : "\"\(field)\" \(issue.message)"
            default: return "\(place) parameter \"\(field)\" \(issue.message)"
            }
        }.joined(separator: "; ")
    }

    func unauthorized() -> HTTPResponse {
        Self.failure(
            401, "unauthorized", "control endpoints need the \(ControlAccess.tokenHeader) header set to the server's --control-token")
    }

    func notFound(method: String, path: String) -> HTTPResponse {
        Self.failure(404, "not_found", "No evalmock control endpoint \(method) \(path)")
    }

    func methodNotAllowed(method: String, path: String, allowed: [String]) -> HTTPResponse {
        Self.failure(405, "method_not_allowed", "\(method) is not allowed on \(path)")
    }

    func payloadTooLarge(limit: Int) -> HTTPResponse {
        Self.failure(413, "payload_too_large", "Request body is larger than \(limit) bytes")
    }

    func malformedRequest(_ problem: String) -> HTTPResponse {
        Self.failure(400, "malformed_request", problem)
    }

    func limitExceeded(_ limit: ExceededLimit) -> HTTPResponse {
        let code: String
        switch limit {
        case .headerBytes: code = "header_fields_too_large"
        case .uriBytes: code = "uri_too_long"
        case .batchItems: code = "payload_too_large"
        case .connections: code = "too_many_connections"
        }
        return Self.failure(limit.status, code, limit.message)
    }

    /// Every operation of the document has a handler (`ControlAPITests`) unless the controls are
    /// off (`--no-control`): then all but the health check are unknown, as before they existed.
    func notImplemented(operationId: String) -> HTTPResponse {
        Self.failure(404, "not_found", "The control endpoint \(operationId) is off (--no-control)")
    }

    func internalError(_ error: Error) -> HTTPResponse {
        Self.failure(500, "internal_error", String(describing: error))
    }

    /// Unused (fault rules and `Prefer` apply to emulated paths only), but worded alike.
    func forcedError(status: Int) -> HTTPResponse {
        let phrase = HTTPResponse.reasonPhrase(status)
        return Self.failure(status, String(phrase.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }), phrase)
    }

    func resourceNotFound(_ resource: String, id: String) -> HTTPResponse {
        Self.failure(404, "not_found", "no \(resource) \(id) in this namespace")
    }

    func conflict(_ message: String) -> HTTPResponse {
        Self.failure(409, "conflict", message)
    }
}
