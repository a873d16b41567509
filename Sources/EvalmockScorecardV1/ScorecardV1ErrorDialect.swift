import EvalmockKit

/// The errors of Scorecard's v1 service, a FastAPI application: request validation, unknown
/// routes and methods are FastAPI's own `{"detail": ...}` answers; authentication, permission and
/// lookup failures are the service's `{error, error_description, status_code}` bodies, which the
/// v1 client parses into `UnauthenticatedError`, `UnauthorizedErrorBody` and `NotFoundErrorBody`.
struct ScorecardV1ErrorDialect: ErrorDialect {
    private let fastAPI = FastAPIErrorDialect()

    /// The texts are the defaults of the service's published error models, typo included
    /// ("requsted"): a client comparing messages sees what the real service sends.
    static func serviceError(_ status: Int, error: String, description: String) -> HTTPResponse {
        .json(
            status,
            .object([
                "error": .string(error),
                "error_description": .string(description),
                "status_code": .int(status),
            ]))
    }

    func unauthorized() -> HTTPResponse {
        Self.serviceError(401, error: "unauthenticated", description: "The request is not authenticated")
    }

    func forbidden() -> HTTPResponse {
        Self.serviceError(403, error: "unauthorized", description: "The user is not authorized to view the requsted resource")
    }

    /// An unknown run or testrecord (a known route).
    func resourceNotFound() -> HTTPResponse {
        Self.serviceError(404, error: "not found", description: "The requested resource was not found")
    }

    /// The service's body names no resource.
    func resourceNotFound(_ resource: String, id: String) -> HTTPResponse { resourceNotFound() }
    func conflict(_ message: String) -> HTTPResponse { fastAPI.conflict(message) }
    func validationFailed(_ issues: [ValidationIssue]) -> HTTPResponse { fastAPI.validationFailed(issues) }
    func notFound(method: String, path: String) -> HTTPResponse { fastAPI.notFound(method: method, path: path) }
    func methodNotAllowed(method: String, path: String, allowed: [String]) -> HTTPResponse {
        fastAPI.methodNotAllowed(method: method, path: path, allowed: allowed)
    }
    func payloadTooLarge(limit: Int) -> HTTPResponse { fastAPI.payloadTooLarge(limit: limit) }
    func malformedRequest(_ problem: String) -> HTTPResponse { fastAPI.malformedRequest(problem) }
    func limitExceeded(_ limit: ExceededLimit) -> HTTPResponse { fastAPI.limitExceeded(limit) }
    func notImplemented(operationId: String) -> HTTPResponse { fastAPI.notImplemented(operationId: operationId) }

    /// The service's own bodies for the statuses it words itself; FastAPI's `{"detail": phrase}`
    /// (what an unhandled `HTTPException` gives) for the rest.
    func forcedError(status: Int) -> HTTPResponse {
        switch status {
        case 401: return unauthorized()
        case 403: return forbidden()
        case 404: return resourceNotFound()
        default: return fastAPI.forcedError(status: status)
        }
    }

    /// Logged by the caller (the pipeline, or the group commit that failed).
    func internalError(_ error: Error) -> HTTPResponse { fastAPI.internalError(error) }
}
