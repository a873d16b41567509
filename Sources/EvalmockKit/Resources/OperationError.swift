/// A failure a handler reports by throwing instead of building an answer: the pipeline renders
/// it in the owning API's dialect, so no handler words another API's errors or its own twice.
public enum OperationError: Error, Equatable {
    /// The resource a request names does not exist, e.g. `("Testset", "42")`.
    case notFound(resource: String, id: String)
    /// Input that passed the document but breaks one of the service's rules.
    case invalid([ValidationIssue])
    /// The request conflicts with what is stored (a duplicate, a state that forbids it).
    case conflict(String)
}

extension ErrorDialect {
    /// The answer to a thrown `OperationError`; `operation` is nil for a raw route.
    public func render(_ error: OperationError, of operation: OperationDefinition? = nil) -> HTTPResponse {
        switch error {
        case .notFound(let resource, let id): return resourceNotFound(resource, id: id)
        case .invalid(let issues): return operation.map { validationFailed(issues, of: $0) } ?? validationFailed(issues)
        case .conflict(let message): return conflict(message)
        }
    }
}
