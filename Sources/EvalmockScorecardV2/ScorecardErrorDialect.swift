import EvalmockKit

/// Scorecard's `ApiError {code, message, details}` for every failure.
struct ScorecardErrorDialect: ErrorDialect {
    static func apiError(_ status: Int, code: String, message: String, details: JSONValue.JSONObject = [:]) -> HTTPResponse {
        .json(status, .object(["code": .string(code), "message": .string(message), "details": .object(details)]))
    }

    /// 400 with every problem in `details.errors`, each `{path, in, message}`.
    func validationFailed(_ issues: [ValidationIssue]) -> HTTPResponse {
        if let malformed = issues.first(where: { if case .invalidJSON = $0.kind { return true } else { return false } }),
            case .invalidJSON(let error) = malformed.kind
        {
            let detail = error.description
            return Self.apiError(
                400, code: "BAD_REQUEST", message: "Malformed JSON in request body: \(detail)",
                details: ["errors": .array([.object(["path": "", "in": "body", "message": .string(detail)])])])
        }
        let errors: [JSONValue] = issues.map { issue in
            let location = issue.location.first?.description ?? "body"
            return .object([
                "path": .string(issue.dottedField),
                "in": .string(location),
                "message": .string(issue.message),
            ])
        }
        let first = issues[0]
        let subject = first.dottedField.isEmpty ? "request \(first.location.first?.description ?? "body")" : "'\(first.dottedField)'"
        let more = issues.count > 1 ? " (and \(issues.count - 1) more problem\(issues.count == 2 ? "" : "s"))" : ""
        return Self.apiError(
            400, code: "BAD_REQUEST", message: "Invalid request: \(subject) \(first.message)\(more)",
            details: ["errors": .array(errors)])
    }

    func unauthorized() -> HTTPResponse {
        Self.apiError(401, code: "UNAUTHORIZED", message: "Invalid or missing authentication token")
    }

    func notFound(method: String, path: String) -> HTTPResponse {
        Self.apiError(
            404, code: "NOT_FOUND", message: "No route for \(method) \(path)",
            details: ["method": .string(method), "path": .string(path)])
    }

    func methodNotAllowed(method: String, path: String, allowed: [String]) -> HTTPResponse {
        Self.apiError(
            405, code: "METHOD_NOT_ALLOWED", message: "\(method) is not allowed on \(path)",
            details: ["allowed": .array(allowed.map(JSONValue.string))])
    }

    func payloadTooLarge(limit: Int) -> HTTPResponse {
        Self.apiError(
            413, code: "PAYLOAD_TOO_LARGE", message: "Request body is larger than \(limit) bytes",
            details: ["limitBytes": .int(limit)])
    }

    func malformedRequest(_ problem: String) -> HTTPResponse {
        Self.apiError(400, code: "BAD_REQUEST", message: problem)
    }

    func limitExceeded(_ limit: ExceededLimit) -> HTTPResponse {
        let code: String
        var details: JSONValue.JSONObject = [:]
        switch limit {
        case .headerBytes(let bytes): code = "REQUEST_HEADER_FIELDS_TOO_LARGE"; details["limitBytes"] = .int(bytes)
        case .uriBytes(let bytes): code = "URI_TOO_LONG"; details["limitBytes"] = .int(bytes)
        case .batchItems(let count, let items): code = "PAYLOAD_TOO_LARGE"; details = ["items": .int(count), "limitItems": .int(items)]
        case .connections(let connections): code = "SERVICE_UNAVAILABLE"; details["limitConnections"] = .int(connections)
        }
        return Self.apiError(limit.status, code: code, message: limit.message, details: details)
    }

    func notImplemented(operationId: String) -> HTTPResponse {
        Self.apiError(
            501, code: "NOT_IMPLEMENTED", message: "evalmock does not emulate the operation '\(operationId)' yet",
            details: ["operationId": .string(operationId)])
    }

    func internalError(_ error: Error) -> HTTPResponse {
        Self.apiError(500, code: "INTERNAL_ERROR", message: "An unexpected error occurred while processing your request.")
    }

    /// `ApiError` with the code the service uses for the status (`TOO_MANY_REQUESTS`, …).
    func forcedError(status: Int) -> HTTPResponse {
        switch status {
        case 401: return unauthorized()
        case 500: return internalError(ForcedStatus())
        default:
            let phrase = HTTPResponse.reasonPhrase(status)
            let code = phrase.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }
            return Self.apiError(status, code: String(code), message: phrase)
        }
    }

    private struct ForcedStatus: Error {}

    func resourceNotFound(_ what: String, id: String) -> HTTPResponse {
        Self.apiError(404, code: "NOT_FOUND", message: "\(what) \(id) not found", details: ["id": .string(id)])
    }

    func conflict(_ message: String) -> HTTPResponse {
        Self.apiError(409, code: "CONFLICT", message: message)
    }
}
