/// What a handler gets: the request, its validated input, who is calling, and where the
/// request came in.
///
/// A class, and immutable: a handler's drafts and closures hold it, and each copy of it as a
/// struct (a request, its headers, body and parsed input) retained and released a dozen
/// references.
public final class OperationContext {
    public let request: HTTPRequest
    /// Path, query and body as the validator typed them; query parameters the request left out
    /// have the document's defaults, so handlers restate none.
    public let input: OperationInput
    public let operation: OperationDefinition
    /// The prefix the request came in under (`/api/v2`, or `""` at the root), for answers
    /// that hold URLs back into the same API, e.g. an upload URL.
    public let mountPrefix: String
    /// The caller the auth step accepted.
    public let caller: Caller

    public init(
        request: HTTPRequest, input: OperationInput, operation: OperationDefinition, mountPrefix: String = "",
        caller: Caller = Caller(credential: "")
    ) {
        self.request = request
        self.input = input
        self.operation = operation
        self.mountPrefix = mountPrefix
        self.caller = caller
    }

    public var body: JSONValue { input.body ?? .null }
    public func pathParameter(_ name: String) -> String { input.pathParameters[name] ?? "" }

    /// An integer query parameter the document gives a default for (a page size, a page
    /// number): the validator filled it in if the request had none, so it is always there. An
    /// integer past Int's range (pydantic's ints have none; `page=29141381850932715520` is valid)
    /// reads as the nearest Int, which pages past any row.
    public func queryInteger(_ name: String) throws -> Int {
        guard case .number(let number)? = input.query[name], number.isInteger else {
            throw SpecificationError(path: operation.operationId, reason: "query parameter \(name) has no default in the document")
        }
        if let value = number.intValue { return value }
        return number.doubleValue < 0 ? Int.min : Int.max
    }
}

/// Who is calling, as the auth step found it: the credential the request presented under one
/// of the document's security schemes (`CredentialScheme`); "" for an operation the document
/// leaves open. APIs derive their users and accounts from it (evalmock has no user store).
public struct Caller: Sendable {
    public let credential: String

    public init(credential: String) {
        self.credential = credential
    }
}

/// Handles one validated operation call. Throwing means a real fault (500).
public typealias OperationHandler = (OperationContext) throws -> HTTPResponse

/// One emulated API: its OpenAPI document, where it is mounted, how it authenticates, how it
/// words errors, and a handler per operationId it emulates.
public protocol EmulatedAPI: AnyObject {
    /// Short name used in logs and settings, e.g. `scorecard-v2`.
    var name: String { get }
    var specification: OpenAPISpecification { get }
    /// Path prefixes the document's paths are served under, e.g. `["/api/v2", ""]`.
    var mountPrefixes: [String] { get }
    /// The prefixes one operation is served under: `mountPrefixes` unless the service has an
    /// operation that lives beside the others rather than with them (W&B's GraphQL API).
    func mountPrefixes(for operation: OperationDefinition) -> [String]
    var errorDialect: any ErrorDialect { get }
    /// Whether the request's credentials are accepted, missing or refused. The dialect answers
    /// a refusal with `forbidden()`, which is its 401 unless the service has a 403.
    func authenticate(_ request: HTTPRequest) -> AuthenticationOutcome
    /// Path prefixes whose unknown routes get this API's error dialect. The default is the
    /// non-empty mount prefixes; an API mounted at the root whose paths share a literal prefix
    /// (`/v1`) names it here.
    var ownedPathPrefixes: [String] { get }
    /// Handlers by operationId. Operations of the document without one answer 501.
    var handlers: [String: OperationHandler] { get }
    /// How request values are matched to schema types: JSON Schema's exact types, or the lax
    /// conversions of pydantic for FastAPI services.
    var typeCoercion: TypeCoercion { get }
    /// How many objects of each kind are stored, for the health endpoint.
    func inventory() throws -> JSONValue.JSONObject
    /// Where the service checks more than the published document says: published schema nodes
    /// and the stricter schemas (also from the document) the service applies in their place.
    /// The default mode validates with them; `--lenient` accepts a body that fails only them.
    var deeperRules: SchemaRefinements { get }
    /// Routes served besides the document's operations, under each mount prefix.
    var rawRoutes: [RawRoute] { get }
}

extension EmulatedAPI {
    public func mountPrefixes(for operation: OperationDefinition) -> [String] { mountPrefixes }
    public var typeCoercion: TypeCoercion { .jsonSchema }
    public var ownedPathPrefixes: [String] { mountPrefixes.filter { !$0.isEmpty } }
    public var deeperRules: SchemaRefinements { SchemaRefinements() }
    public var rawRoutes: [RawRoute] { [] }
}

/// A route an API serves that its document does not describe: what stands in for a service's
/// neighbours, such as the object storage its signed upload and download URLs point at.
///
/// The pipeline routes it like an operation (under every mount prefix, with the body-size
/// limit) but neither authenticates nor validates it: like a signed URL, the path must carry
/// its own proof (an unguessable token), and the body is bytes, not JSON. The handler answers
/// bytes with their Content-Type, or throws an `OperationError` that the API's dialect renders.
public struct RawRoute {
    public struct Context {
        public let request: HTTPRequest
        public let pathParameters: [String: String]
        public let mountPrefix: String
    }

    public let method: String
    /// Relative to the mount prefix, e.g. `/evalmock-storage/uploads/{token}`.
    public let template: PathTemplate
    public let handler: (Context) throws -> HTTPResponse

    public init(method: String, template: String, handler: @escaping (Context) throws -> HTTPResponse) {
        self.method = method
        self.template = PathTemplate(template)
        self.handler = handler
    }
}

/// The auth step's verdict on a request.
public enum AuthenticationOutcome: Sendable {
    case accepted
    /// No credentials: 401.
    case missing
    /// Credentials that are not among the configured keys: the API's `forbidden()` answer.
    case rejected
}
