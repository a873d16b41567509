import Foundation
import Logging

/// The request pipeline, in the order Prism runs it:
/// route → (size) → authenticate → validate input → handle → respond.
/// An API's raw routes (`EmulatedAPI.rawRoutes`) go from the size check straight to their handler.
///
/// It knows nothing of any one API: everything specific comes from `EmulatedAPI`.
public final class RequestPipeline {
    /// A class: a route match hands it on several times per request, and each copy of it as a
    /// struct retained every reference it holds.
    private final class Route {
        let api: EmulatedAPI
        let operation: OperationDefinition
        let handler: OperationHandler?
        /// The service's checks: the document with the API's deeper rules.
        let validator: OperationInputValidator
        /// The published document alone, which is what `--lenient` holds a body to.
        let publishedValidator: OperationInputValidator?
        let mountPrefix: String

        init(
            api: EmulatedAPI, operation: OperationDefinition, handler: OperationHandler?, validator: OperationInputValidator,
            publishedValidator: OperationInputValidator?, mountPrefix: String
        ) {
            self.api = api
            self.operation = operation
            self.handler = handler
            self.validator = validator
            self.publishedValidator = publishedValidator
            self.mountPrefix = mountPrefix
        }
    }

    /// What a path leads to: one of the document's operations, or one of the API's raw routes.
    private enum Target {
        case operation(Route)
        case raw(api: EmulatedAPI, route: RawRoute, mountPrefix: String)

        var api: EmulatedAPI {
            switch self {
            case .operation(let route): return route.api
            case .raw(let api, _, _): return api
            }
        }
    }

    private var router = Router<Target>()
    private let apis: [EmulatedAPI]
    private let limits: TransportLimits
    private let maxBatchItems: Int
    private let log: Logger
    /// `--check-responses`: answers to operations are checked against the document.
    private let checkResponses: Bool

    public init(
        apis: [EmulatedAPI], limits: TransportLimits = TransportLimits(),
        maxJSONDepth: Int = JSONParser.defaultMaxDepth, maxBatchItems: Int = ServerConfiguration.defaultMaxBatchItems,
        logLevel: Logger.Level = .info, lenient: Bool = false, checkResponses: Bool = false
    ) {
        self.apis = apis
        self.checkResponses = checkResponses
        var log = Logger(label: "evalmock.pipeline")
        log.logLevel = logLevel
        self.log = log
        self.limits = limits
        self.maxBatchItems = maxBatchItems
        for api in apis {
            let handlers = api.handlers
            let deeperRules = api.deeperRules
            let validator = OperationInputValidator(maxJSONDepth: maxJSONDepth, coercion: api.typeCoercion, refinements: deeperRules)
            let publishedValidator =
                lenient && !deeperRules.isEmpty
                ? OperationInputValidator(maxJSONDepth: maxJSONDepth, coercion: api.typeCoercion) : nil
            for operation in api.specification.operations {
                for prefix in api.mountPrefixes(for: operation) {
                    let route = Route(
                        api: api, operation: operation, handler: handlers[operation.operationId],
                        validator: validator, publishedValidator: publishedValidator, mountPrefix: prefix)
                    router.add(method: operation.method, template: operation.template.mounted(under: prefix), target: .operation(route))
                }
            }
            for prefix in api.mountPrefixes {
                for raw in api.rawRoutes {
                    router.add(
                        method: raw.method, template: raw.template.mounted(under: prefix),
                        target: .raw(api: api, route: raw, mountPrefix: prefix))
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
        var (response, owner) = answer(request)
        // Any reply may wait for a group commit that holds other requests' writes too; if that
        // commit fails, the reply becomes the owning API's 500 (see `GroupCommitGate`).
        response.ifNotCommitted = Self.uncommitted(owner)
        return (response, owner)
    }

    /// The 500 an API answers when the writes a reply waited for were not committed.
    static func uncommitted(_ api: EmulatedAPI) -> @Sendable () -> HTTPResponse {
        let dialect = api.errorDialect
        return { dialect.internalError(CommitFailure()) }
    }

    private func answer(_ request: HTTPRequest) -> (response: HTTPResponse, owner: EmulatedAPI) {
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
        case .found(.operation(let route), let parameters):
            let (response, checkable) = respond(to: request, route: route, pathParameters: parameters)
            return (checkResponses && checkable ? checked(response, of: route) : response, owner)
        case .found(.raw(let api, let route, let prefix), let parameters):
            return (respond(to: request, raw: route, of: api, pathParameters: parameters, mountPrefix: prefix), owner)
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

    /// A raw route: the body-size limit, then the handler (no authentication, no validation).
    private func respond(
        to request: HTTPRequest, raw route: RawRoute, of api: EmulatedAPI,
        pathParameters: [String: String], mountPrefix: String
    ) -> HTTPResponse {
        let dialect = api.errorDialect
        if request.body.count > limits.maxBodyBytes {
            var response = dialect.payloadTooLarge(limit: limits.maxBodyBytes)
            response.headers.set("Connection", "close")
            return response
        }
        do {
            return try route.handler(RawRoute.Context(request: request, pathParameters: pathParameters, mountPrefix: mountPrefix))
        } catch let failure as OperationError {
            return dialect.render(failure)
        } catch {
            log.error("\(api.name) \(request.method) \(route.template) failed: \(error)")
            return dialect.internalError(error)
        }
    }

    /// The answer, and whether the document describes it: a body that is not JSON is refused by
    /// the framework before the operation runs (FastAPI's 400 "There was an error parsing the
    /// body"), in a shape the operation's own error schemas do not describe.
    private func respond(to request: HTTPRequest, route: Route, pathParameters: [String: String]) -> (HTTPResponse, checkable: Bool) {
        let dialect = route.api.errorDialect
        if request.body.count > limits.maxBodyBytes {
            var response = dialect.payloadTooLarge(limit: limits.maxBodyBytes)
            response.headers.set("Connection", "close")
            return (response, true)
        }
        var caller = Caller(credential: "")
        if route.operation.requiresAuthentication {
            switch route.api.authenticate(request) {
            case .accepted: caller = Caller(credential: route.api.specification.credentialSchemes.credential(in: request) ?? "")
            case .missing: return (dialect.unauthorized(), true)
            case .rejected: return (dialect.forbidden(), true)
            }
        }
        guard let handler = route.handler else { return (dialect.notImplemented(operationId: route.operation.operationId), true) }
        if let unreadable = route.operation.loadError {
            // The operation's part of the document is read on first use; a broken one fails here.
            log.error("\(route.api.name) \(route.operation.operationId): \(unreadable)")
            return (
                dialect.internalError(SpecificationError(path: "\(route.api.name) \(route.operation.operationId)", reason: unreadable)),
                true
            )
        }
        switch validate(request, pathParameters: pathParameters, route: route) {
        case .failure(let failure):
            return (dialect.validationFailed(failure.issues, of: route.operation), !failure.issues.contains(where: \.isUnreadableBody))
        case .success(let input):
            // After validation, as a FastAPI service checks a batch's length in its handler.
            if case .array(let items)? = input.body, items.count > maxBatchItems {
                return (dialect.limitExceeded(.batchItems(count: items.count, limit: maxBatchItems)), true)
            }
            do {
                let context = OperationContext(
                    request: request, input: input, operation: route.operation, mountPrefix: route.mountPrefix, caller: caller)
                return (try handler(context), true)
            } catch let failure as OperationError {
                return (dialect.render(failure, of: route.operation), true)
            } catch {
                log.error("\(route.api.name) \(route.operation.operationId) failed: \(error)")
                return (dialect.internalError(error), true)
            }
        }
    }

    /// The response if the document allows it for its status (its schema for JSON, its media
    /// type for raw bytes), else the API's 500 and a log line naming every mismatch. A success status the operation does not declare is a mismatch;
    /// an error status it does not declare (a 405, a 413) is not checked.
    private func checked(_ response: HTTPResponse, of route: Route) -> HTTPResponse {
        let status = String(response.status)
        let declared = route.operation.responseSchemas[status] ?? route.operation.responseSchemas["default"]
        var problems: [String] = []
        if let schema = declared {
            if response.headers["Content-Type"]?.hasPrefix("application/json") == true {
                // JSON lines: each non-empty line is one value of the schema.
                let values =
                    route.operation.jsonLinesResponses.contains(status)
                    ? response.body.split(separator: UInt8(ascii: "\n")).map(Array.init) : [response.body]
                for value in values {
                    do {
                        let body = try JSONParser.parse(value)
                        problems += SchemaValidator.validate(body, against: schema, at: [.key("response")]).map {
                            "\($0.dottedField): \($0.message)"
                        }
                    } catch {
                        problems.append("the body is not JSON: \(error)")
                    }
                }
            }
        } else if let mediaType = route.operation.rawResponses[status] {
            // Raw bytes have no schema to hold them to; their declared media type is the check.
            let sent = response.headers["Content-Type"]?.split(separator: ";").first.map { String($0).trimmingWhitespace().lowercased() }
            if sent != mediaType { problems = ["the body is \(sent ?? "untyped"), the document declares \(mediaType)"] }
        } else if (200..<300).contains(response.status) {
            problems = ["the document declares no \(status) answer"]
        }
        guard !problems.isEmpty else { return response }
        log.error(
            "\(route.api.name) \(route.operation.operationId) answered \(status) against its schema: \(problems.joined(separator: "; "))")
        return route.api.errorDialect.internalError(ResponseMismatch())
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
    private func validate(_ request: HTTPRequest, pathParameters: [String: String], route: Route) -> Result<
        OperationInput, ValidationFailure
    > {
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

    private func owner(of match: Router<Target>.Match, path: String) -> EmulatedAPI {
        if case .found(let target, _) = match { return target.api }
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

/// An answer that breaks the document (`--check-responses`).
struct ResponseMismatch: Error, CustomStringConvertible {
    var description: String { "the response does not match the document" }
}

/// The writes of a request were lost because their group commit failed.
struct CommitFailure: Error, CustomStringConvertible {
    var description: String { "the database did not commit this request's writes" }
}
