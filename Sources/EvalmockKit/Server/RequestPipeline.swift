import Foundation
import Logging

/// The request pipeline, in the order Prism runs it:
/// route → (size) → authenticate → validate input → handle → respond.
///
/// It knows nothing of any one API: everything specific comes from `EmulatedAPI`.
public final class RequestPipeline {
    private struct Route {
        let api: EmulatedAPI
        let operation: OperationDefinition
        let handler: OperationHandler?
        /// The service's checks: the document with the API's deeper rules.
        let validator: OperationInputValidator
        /// The published document alone, which is what `--lenient` holds a body to.
        let publishedValidator: OperationInputValidator?
    }

    private var router = Router<Route>()
    private let apis: [EmulatedAPI]
    private let limits: TransportLimits
    private let maxBatchItems: Int
    private let log: Logger

    public init(apis: [EmulatedAPI], limits: TransportLimits = TransportLimits(),
                maxJSONDepth: Int = JSONParser.defaultMaxDepth, maxBatchItems: Int = ServerConfiguration.defaultMaxBatchItems,
                logLevel: Logger.Level = .info, lenient: Bool = false) {
        self.apis = apis
        var log = Logger(label: "evalmock.pipeline")
        log.logLevel = logLevel
        self.log = log
        self.limits = limits
        self.maxBatchItems = maxBatchItems
        for api in apis {
            let handlers = api.handlers
            let deeperRules = api.deeperRules
            let validator = OperationInputValidator(maxJSONDepth: maxJSONDepth, coercion: api.typeCoercion, refinements: deeperRules)
            let publishedValidator = lenient && !deeperRules.isEmpty
                ? OperationInputValidator(maxJSONDepth: maxJSONDepth, coercion: api.typeCoercion) : nil
            for operation in api.specification.operations {
                let route = Route(api: api, operation: operation, handler: handlers[operation.operationId],
                                  validator: validator, publishedValidator: publishedValidator)
                for prefix in api.mountPrefixes {
                    let template = operation.template.mounted(under: prefix)
                    router.add(method: operation.method, template: template, target: route)
                }
            }
        }
    }

    /// Answers one request to an emulated path (the access log is written by the caller).
    public func respond(to request: HTTPRequest) -> HTTPResponse {
        respondWithOwner(to: request).response
    }

    /// The answer, and the API it belongs to (see `owningAPI(of:)`), from one route match.
    public func respondWithOwner(to request: HTTPRequest) -> (response: HTTPResponse, owner: EmulatedAPI) {
        let match = router.match(method: request.method, path: request.path)
        let owner = owner(of: match, path: request.path)
        if let exceeded = exceededLimit(request) {
            var response = owner.errorDialect.limitExceeded(exceeded)
            response.headers.set("Connection", "close")
            return (response, owner)
        }
        switch match {
        case .notFound:
            return (owner.errorDialect.notFound(method: request.method, path: request.path), owner)
        case .methodNotAllowed(let allowed):
            var response = owner.errorDialect.methodNotAllowed(method: request.method, path: request.path, allowed: allowed)
            response.headers.set("Allow", allowed.joined(separator: ", "))
            return (response, owner)
        case .found(let route, let parameters):
            return (respond(to: request, route: route, pathParameters: parameters), owner)
        }
    }

    /// The answer to a request the transport could not read, in the dialect of the API owning
    /// its path (the caller checks that it has one).
    public func respond(toUnreadable request: UnreadableRequest, path: String) -> HTTPResponse {
        let dialect = owner(of: router.match(method: request.method ?? "GET", path: path), path: path).errorDialect
        switch request.problem {
        case .malformedRequestLine(let problem), .malformedHeader(let problem): return dialect.malformedRequest(problem)
        case .exceeded(let limit): return dialect.limitExceeded(limit)
        case .bodyBytes(let limit): return dialect.payloadTooLarge(limit: limit)
        case .expectation: return dialect.forcedError(status: 417)
        }
    }

    private func respond(to request: HTTPRequest, route: Route, pathParameters: [String: String]) -> HTTPResponse {
        let dialect = route.api.errorDialect
        if request.body.count > limits.maxBodyBytes {
            var response = dialect.payloadTooLarge(limit: limits.maxBodyBytes)
            response.headers.set("Connection", "close")
            return response
        }
        switch route.api.authenticate(request) {
        case .accepted: break
        case .missing: return dialect.unauthorized()
        case .rejected: return dialect.forbidden()
        }
        guard let handler = route.handler else { return dialect.notImplemented(operationId: route.operation.operationId) }
        switch validate(request, pathParameters: pathParameters, route: route) {
        case .failure(let failure):
            return dialect.validationFailed(failure.issues)
        case .success(let input):
            // After validation, as a FastAPI service checks a batch's length in its handler.
            if case .array(let items)? = input.body, items.count > maxBatchItems {
                return dialect.limitExceeded(.batchItems(count: items.count, limit: maxBatchItems))
            }
            do {
                var response = try handler(OperationContext(request: request, input: input, operation: route.operation))
                response.ifNotCommitted = { dialect.internalError(CommitFailure()) }
                return response
            } catch {
                log.error("\(route.api.name) \(route.operation.operationId) failed: \(error)")
                return dialect.internalError(error)
            }
        }
    }

    /// The limits checked before routing matters: the transport's verdict on the connection,
    /// then the URI's and the header fields' sizes (as they arrived, before any decoding).
    private func exceededLimit(_ request: HTTPRequest) -> ExceededLimit? {
        if let exceeded = request.exceededLimit { return exceeded }
        let uriBytes = request.path.utf8.count + (request.rawQuery.map { $0.utf8.count + 1 } ?? 0)
        if uriBytes > limits.maxURIBytes { return .uriBytes(limit: limits.maxURIBytes) }
        // Each field as it travels: `name: value` and CRLF.
        let headerBytes = request.headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
        if headerBytes > limits.maxHeaderBytes { return .headerBytes(limit: limits.maxHeaderBytes) }
        return nil
    }

    /// The default mode holds a request to the service's checks. `--lenient` holds it to the
    /// published document only; a request that fails that gets the service's own answer (every
    /// issue, deeper rules included), as the real service would give it.
    private func validate(_ request: HTTPRequest, pathParameters: [String: String], route: Route) -> Result<OperationInput, ValidationFailure> {
        guard let published = route.publishedValidator else {
            return route.validator.validate(request, pathParameters: pathParameters, for: route.operation)
        }
        let result = published.validate(request, pathParameters: pathParameters, for: route.operation)
        guard case .failure(let failure) = result else { return result }
        if case .failure(let serviceFailure) = route.validator.validate(request, pathParameters: pathParameters, for: route.operation) {
            return .failure(serviceFailure)
        }
        return .failure(failure)
    }

    /// The API a request belongs to: the one whose route it matches, else the one owning its
    /// path (see `api(forPath:)`). Forced errors are answered in this API's dialect.
    public func owningAPI(of request: HTTPRequest) -> EmulatedAPI {
        owner(of: router.match(method: request.method, path: request.path), path: request.path)
    }

    private func owner(of match: Router<Route>.Match, path: String) -> EmulatedAPI {
        if case .found(let route, _) = match { return route.api }
        return api(forPath: path)
    }

    /// The API that owns a path: by mount prefix; else the API whose document has the paths
    /// sharing the most leading literal segments with it (`/v4/...` belongs to the API that
    /// serves `/v4/evaluations/...`, even when both mount at the root); else the first API.
    private func api(forPath path: String) -> EmulatedAPI {
        let byPrefix = apis.first { api in
            api.ownedPathPrefixes.contains { !$0.isEmpty && (path == $0 || path.hasPrefix($0 + "/")) }
        }
        if let byPrefix { return byPrefix }
        let segments = PathTemplate.split(path)
        var best: (api: EmulatedAPI, shared: Int)?
        for api in apis {
            let shared = api.specification.operations.map { Self.sharedLiteralPrefix($0.template, segments) }.max() ?? 0
            if shared > (best?.shared ?? 0) { best = (api, shared) }
        }
        return best?.api ?? apis[0]
    }

    private static func sharedLiteralPrefix(_ template: PathTemplate, _ segments: [String]) -> Int {
        var count = 0
        for (templateSegment, segment) in zip(template.segments, segments) {
            guard case .literal(let text) = templateSegment, text == segment else { break }
            count += 1
        }
        return count
    }
}

/// The writes of a request were lost because their group commit failed.
struct CommitFailure: Error, CustomStringConvertible {
    var description: String { "the database did not commit this request's writes" }
}
