/// FastAPI's error answers: `{"detail": ...}`, with 422 and pydantic's `errors()` list for
/// invalid input. Services built on FastAPI (W&B Weave, Scale GP) use it as is, or adjust
/// single answers (a service's own 401 text, say) by wrapping it.
public struct FastAPIErrorDialect: ErrorDialect {
    /// The 401 body's `detail`; FastAPI's security classes say "Not authenticated".
    public var unauthorizedDetail: String
    /// `WWW-Authenticate` on a 401, e.g. `Basic` for HTTP Basic security.
    public var authenticateChallenge: String?

    public init(unauthorizedDetail: String = "Not authenticated", authenticateChallenge: String? = nil) {
        self.unauthorizedDetail = unauthorizedDetail
        self.authenticateChallenge = authenticateChallenge
    }

    public static func detail(_ status: Int, _ detail: JSONValue) -> HTTPResponse {
        .json(status, .object(["detail": detail]))
    }

    /// FastAPI services raise `HTTPException(404, detail=...)` naming the entity.
    public func resourceNotFound(_ resource: String, id: String) -> HTTPResponse {
        Self.detail(404, .string("\(resource) \(id) not found"))
    }

    public func conflict(_ message: String) -> HTTPResponse {
        Self.detail(409, .string(message))
    }

    public func validationFailed(_ issues: [ValidationIssue]) -> HTTPResponse {
        // Starlette's form parser failing is FastAPI's 400, whatever the reason.
        if issues.contains(where: { if case .unreadableForm = $0.kind { return true } else { return false } }) {
            return Self.detail(400, "There was an error parsing the body")
        }
        // FastAPI stops at a body that is not JSON and reports only that, in the words and at
        // the position of Python's `json` module; a body that is not UTF-8 fails before that.
        if let malformed = issues.first(where: { if case .invalidJSON = $0.kind { return true } else { return false } }),
            case .invalidJSON(let parseError) = malformed.kind
        {
            if case .invalidUTF8 = parseError.reason {
                return Self.detail(400, "There was an error parsing the body")
            }
            let python = PythonJSONDecodeError(parseError)
            return Self.detail(
                422,
                .array([
                    .object([
                        "type": "json_invalid",
                        "loc": .array(["body", .int(python.position)]),
                        "msg": "JSON decode error",
                        "input": .object([:]),
                        "ctx": .object(["error": .string(python.message)]),
                    ])
                ]))
        }
        return Self.detail(422, PydanticErrorRenderer.detail(issues))
    }

    public func unauthorized() -> HTTPResponse {
        var response = Self.detail(401, .string(unauthorizedDetail))
        if let authenticateChallenge { response.headers.set("WWW-Authenticate", authenticateChallenge) }
        return response
    }

    public func notFound(method: String, path: String) -> HTTPResponse {
        Self.detail(404, "Not Found")
    }

    public func methodNotAllowed(method: String, path: String, allowed: [String]) -> HTTPResponse {
        Self.detail(405, "Method Not Allowed")
    }

    public func payloadTooLarge(limit: Int) -> HTTPResponse {
        Self.detail(413, .string("Request body is larger than \(limit) bytes"))
    }

    /// uvicorn answers these itself, in plain text, before FastAPI sees them; evalmock keeps to
    /// the JSON form every other answer of the service has.
    public func malformedRequest(_ problem: String) -> HTTPResponse {
        Self.detail(400, .string(problem))
    }

    /// Starlette's `HTTPException` form, as a FastAPI service raises its own limits.
    public func limitExceeded(_ limit: ExceededLimit) -> HTTPResponse {
        Self.detail(limit.status, .string(limit.message))
    }

    public func notImplemented(operationId: String) -> HTTPResponse {
        Self.detail(501, .string("evalmock does not emulate the operation '\(operationId)' yet"))
    }

    public func internalError(_ error: Error) -> HTTPResponse {
        Self.detail(500, "Internal Server Error")
    }

    /// Starlette's `HTTPException(status_code)` without a detail: the status's phrase, as
    /// Python's `http.HTTPStatus` words it. 401 keeps its challenge header.
    public func forcedError(status: Int) -> HTTPResponse {
        if status == 401 { return unauthorized() }
        return Self.detail(status, .string(HTTPResponse.reasonPhrase(status)))
    }
}
