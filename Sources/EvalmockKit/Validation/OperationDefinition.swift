import Foundation

/// One operation of an OpenAPI document: where it is served, and (compiled on first use) how
/// to validate its input and what its responses look like.
public struct OperationDefinition: @unchecked Sendable {
    public struct ParameterRule {
        public let name: String
        public let required: Bool
        public let schema: CompiledSchema
    }

    public struct BodyRule {
        /// How the body is written: JSON, or a `multipart/form-data` form whose fields the
        /// schema's properties describe (a `format: binary` property is a file).
        public enum Encoding: Sendable {
            case json
            case multipartForm
        }

        public let schema: CompiledSchema
        public let required: Bool
        public var encoding: Encoding = .json
    }

    /// What validation needs of an operation, compiled from the document.
    ///
    /// A class, and immutable: every request reads its operation's rules several times, and
    /// each read of them as a struct retained and released every collection they hold.
    public final class Rules {
        public let pathParameters: [ParameterRule]
        public let queryParameters: [ParameterRule]
        public let body: BodyRule?
        /// Response schemas by status code (`"201"`, `"default"`), for `application/json`.
        public let responseSchemas: [String: CompiledSchema]
        /// The statuses whose answer is JSON lines, each line checked against `responseSchemas`.
        public let jsonLinesResponses: Set<String>
        /// The statuses whose answer is raw bytes, with the media type the document gives them
        /// (`application/octet-stream`).
        public let rawResponses: [String: String]
        /// The lowest 2xx status among `responseSchemas` (201 for most creates), else 200:
        /// what a success answers. Set once the rules are compiled, not looked up per request.
        public let successStatus: Int

        init(
            pathParameters: [ParameterRule] = [], queryParameters: [ParameterRule] = [], body: BodyRule? = nil,
            responseSchemas: [String: CompiledSchema] = [:], jsonLinesResponses: Set<String> = [], rawResponses: [String: String] = [:]
        ) {
            self.pathParameters = pathParameters
            self.queryParameters = queryParameters
            self.body = body
            self.responseSchemas = responseSchemas
            self.jsonLinesResponses = jsonLinesResponses
            self.rawResponses = rawResponses
            successStatus = responseSchemas.keys.compactMap(Int.init).filter { (200..<300).contains($0) }.min() ?? 200
        }
    }

    public let operationId: String
    public let method: String
    public let template: PathTemplate
    /// False when the document exempts the operation from its security (`security: []`, as the
    /// control API's health check is): the auth step lets every request through.
    public let requiresAuthentication: Bool
    let rules: LazyRules

    init(operationId: String, method: String, template: PathTemplate, requiresAuthentication: Bool = true, rules: LazyRules) {
        self.operationId = operationId
        self.method = method
        self.template = template
        self.requiresAuthentication = requiresAuthentication
        self.rules = rules
    }

    public var pathParameters: [ParameterRule] { rules.value.pathParameters }
    public var queryParameters: [ParameterRule] { rules.value.queryParameters }
    public var body: BodyRule? { rules.value.body }
    public var responseSchemas: [String: CompiledSchema] { rules.value.responseSchemas }
    public var jsonLinesResponses: Set<String> { rules.value.jsonLinesResponses }
    public var rawResponses: [String: String] { rules.value.rawResponses }
    public var successStatus: Int { rules.value.successStatus }
    /// Why the operation's part of the document could not be read (its rules then constrain
    /// nothing, and the pipeline answers its requests with a 500 rather than a silent fake).
    public var loadError: String? { rules.error }
}

/// An operation's rules, compiled the first time a request (or a test) needs them, so that
/// start-up does not grow with the documents. The lock is the document's: its compiler, and
/// the component schemas operations share, are built under it.
final class LazyRules: @unchecked Sendable {
    private let lock: NSLock
    private var compile: (() throws -> OperationDefinition.Rules)?
    private var compiled: OperationDefinition.Rules?
    private var failure: String?

    init(lock: NSLock, compile: @escaping () throws -> OperationDefinition.Rules) {
        self.lock = lock
        self.compile = compile
    }

    var value: OperationDefinition.Rules {
        lock.withLock { resolve() }
    }

    var error: String? {
        lock.withLock {
            _ = resolve()
            return failure
        }
    }

    private func resolve() -> OperationDefinition.Rules {
        if let compiled { return compiled }
        var rules = OperationDefinition.Rules()
        do {
            rules = try compile!()
        } catch {
            failure = String(describing: error)
        }
        compiled = rules
        compile = nil
        return rules
    }
}
