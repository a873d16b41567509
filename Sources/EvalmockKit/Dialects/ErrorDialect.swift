/// How one emulated API words its errors. The pipeline decides *that* a request fails and
/// why; the dialect decides the status details and the body, so each API answers errors
/// exactly as its real service does.
public protocol ErrorDialect: Sendable {
    func validationFailed(_ issues: [ValidationIssue]) -> HTTPResponse
    /// The same, for one operation; defaults to the above.
    func validationFailed(_ issues: [ValidationIssue], of operation: OperationDefinition) -> HTTPResponse
    func unauthorized() -> HTTPResponse
    /// Credentials that were presented but refused. Defaults to `unauthorized()`.
    func forbidden() -> HTTPResponse
    func notFound(method: String, path: String) -> HTTPResponse
    func methodNotAllowed(method: String, path: String, allowed: [String]) -> HTTPResponse
    func payloadTooLarge(limit: Int) -> HTTPResponse
    /// 400: a request line or header the server could not read (`problem` says which).
    func malformedRequest(_ problem: String) -> HTTPResponse
    /// A request over one of the other limits (headers, URI, batch items, connections), with
    /// `limit.status`.
    func limitExceeded(_ limit: ExceededLimit) -> HTTPResponse
    func notImplemented(operationId: String) -> HTTPResponse
    func internalError(_ error: Error) -> HTTPResponse
    /// The answer to a request whose status a test forced (`Prefer: code=429`, a fault rule):
    /// the body this service sends for that status when nothing more specific is known.
    func forcedError(status: Int) -> HTTPResponse
    /// A resource the request names is not stored, e.g. `("Testset", "42")`.
    func resourceNotFound(_ resource: String, id: String) -> HTTPResponse
    /// The request conflicts with what is stored.
    func conflict(_ message: String) -> HTTPResponse
}

extension ErrorDialect {
    public func forbidden() -> HTTPResponse { unauthorized() }

    /// Invalid input of one operation (the validator's issues, or a rule a handler found
    /// broken). A dialect whose wording depends on the operation words it here.
    public func validationFailed(_ issues: [ValidationIssue], of operation: OperationDefinition) -> HTTPResponse {
        validationFailed(issues)
    }
}
