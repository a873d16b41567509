import Foundation

/// evalmock's own API, under `/_evalmock/` (a prefix no emulated API uses), as WireMock serves
/// its admin API: described by `openapi/control/evalmock-control.json` (so users can generate a
/// client for it) and served by the same router, validator and response check as the emulated
/// APIs, so a bad control request is a 400 naming its problems in `ControlErrorDialect`.
///
/// Every endpoint but the health check acts on the namespace the request names
/// (`X-Evalmock-Namespace`), or on the main database without one. The API stores nothing of
/// its own (the journal and the fault rules are the server's), so it is not among the emulated
/// APIs that health, reset and export go through.
final class ControlAPI: EmulatedAPI {
    static let prefix = "/_evalmock/"
    /// Its own folder under `openapi/`: nothing that reads `openapi/*.json` (the emulated
    /// APIs' documents) takes it for a service's document.
    static let documentPath = "control/evalmock-control.json"

    let name = "evalmock-control"
    let specification: OpenAPISpecification
    let mountPrefixes: [String]
    let errorDialect: any ErrorDialect = ControlErrorDialect()

    private let namespaces: NamespaceRegistry
    private let journal: RequestJournal
    private let faults: FaultRuleBook
    private let access: ControlAccess
    private let databasePath: String
    private let startedAt = DispatchTime.now().uptimeNanoseconds

    init(
        openAPIDirectory: String, namespaces: NamespaceRegistry, journal: RequestJournal, faults: FaultRuleBook,
        access: ControlAccess, databasePath: String
    ) throws {
        specification = try OpenAPISpecification.load(path: openAPIDirectory + "/" + Self.documentPath)
        mountPrefixes = specification.serverPathPrefixes
        self.namespaces = namespaces
        self.journal = journal
        self.faults = faults
        self.access = access
        self.databasePath = databasePath
    }

    /// By the document's operationIds. With `--no-control`, only the health check.
    var handlers: [String: OperationHandler] {
        var handlers: [String: OperationHandler] = ["getHealth": health, "headHealth": health]
        guard access.enabled else { return handlers }
        handlers["resetState"] = reset
        handlers["listJournalEntries"] = journalEntries
        handlers["clearJournal"] = { context in
            try self.journal.clear(namespace: try Self.namespace(context))
            return .json(200, .object(["cleared": true]))
        }
        handlers["listFaultRules"] = { context in
            let namespace = try Self.namespace(context)
            return .json(200, .object(["rules": .array(self.faults.list(namespace: namespace).map(\.json))]))
        }
        handlers["createFaultRule"] = { context in
            let namespace = try Self.namespace(context)
            do {
                return .json(201, try self.faults.add(namespace: namespace, body: context.body).json)
            } catch let error as FaultRuleError {
                throw Self.invalid(error.message)
            }
        }
        handlers["clearFaultRules"] = { context in
            try self.faults.removeAll(namespace: try Self.namespace(context))
            return .json(200, .object(["cleared": true]))
        }
        handlers["deleteFaultRule"] = { context in
            let namespace = try Self.namespace(context)
            let id = context.pathParameter("ruleId")
            guard let number = Int64(id), try self.faults.remove(id: number, namespace: namespace) else {
                throw OperationError.notFound(resource: "fault rule", id: id)
            }
            return .json(200, .object(["deleted": true]))
        }
        handlers["exportState"] = { context in
            .json(200, try self.namespaces.instance(try Self.namespace(context)).state.export())
        }
        handlers["importState"] = { context in
            let state = try self.namespaces.instance(try Self.namespace(context)).state
            do {
                try state.importSnapshot(context.body)
            } catch let error as SnapshotError {
                throw Self.invalid(error.description)
            }
            return .json(200, .object(["imported": true]))
        }
        handlers["listNamespaces"] = { _ in
            .json(200, .object(["namespaces": .array(self.namespaces.names.map(JSONValue.string))]))
        }
        return handlers
    }

    static func owns(_ path: String) -> Bool { path.hasPrefix(prefix) }

    /// The control token (`--control-token`), when one is set. The health check is exempt by
    /// the document (`security: []`); with `--no-control` the other operations have no
    /// handler, so no token is asked for what is not there.
    func authenticate(_ request: HTTPRequest) -> AuthenticationOutcome {
        switch access.verdict(request) {
        case .allowed, .disabled: return .accepted
        case .unauthorized: return request.headers[ControlAccess.tokenHeader] == nil ? .missing : .rejected
        }
    }

    /// The journal, fault rules and namespaces are the server's, not state of this API.
    func inventory() throws -> JSONValue.JSONObject { [:] }

    // MARK: - Endpoints

    /// Cheap enough for a health check every second: one COUNT per table of each API.
    private func health(_ context: OperationContext) throws -> HTTPResponse {
        let namespace = try Self.namespace(context)
        var counts = JSONValue.JSONObject()
        do {
            for api in try namespaces.instance(namespace).apis {
                counts[api.name] = .object(try api.inventory())
            }
        } catch {
            return .json(503, .object(["status": "unavailable", "error": .string(String(describing: error))]))
        }
        let uptime = Double(DispatchTime.now().uptimeNanoseconds - startedAt) / 1_000_000_000
        var body: JSONValue.JSONObject = [
            "status": "ok",
            "version": .string(EvalmockVersion.current),
            "uptimeSeconds": .number(JSONNumber(lexeme: FixedPointText.text(uptime, digits: 3))),
            "database": .string(
                namespace.isEmpty ? databasePath : NamespaceRegistry.databasePath(main: databasePath, namespace: namespace)),
            "apis": .object(counts),
        ]
        if !namespace.isEmpty { body["namespace"] = .string(namespace) }
        return .json(200, .object(body))
    }

    /// Body `{}` (or none): everything. `{"api": "weave"}`: one API. `{"api": "weave",
    /// "project": "team/proj"}` and the other scopes an API declares: part of one API.
    private func reset(_ context: OperationContext) throws -> HTTPResponse {
        let state = try namespaces.instance(try Self.namespace(context)).state
        let object = context.body.objectValue ?? [:]
        guard let apiName = object["api"] else {
            if let extra = object.keys.first { throw Self.invalid("\"\(extra)\" needs an \"api\"") }
            try state.wipe()
            return .json(200, .object(["reset": "all"]))
        }
        guard let name = apiName.stringValue, let api = state.api(named: name) else {
            throw Self.invalid("\"api\" must be one of \(state.apis.map(\.name).joined(separator: ", "))")
        }
        let scopes = object.filter { $0.key != "api" }
        guard let (scopeName, value) = scopes.elements.first else {
            try state.wipe([api])
            return .json(200, .object(["reset": .string(name)]))
        }
        guard scopes.count == 1, let scope = api.resetScopes.first(where: { $0.name == scopeName }),
            let text = value.stringValue ?? value.numberText
        else {
            let names = api.resetScopes.map { "\"\($0.name)\"" }.joined(separator: ", ")
            throw Self.invalid("\(name) can be reset whole or by one of \(names), given as a string")
        }
        try state.reset(api, scope: scope, value: text)
        return .json(200, .object(["reset": .string(name), scopeName: .string(text)]))
    }

    /// The filters as the validator typed them (`limit`'s default is the document's).
    private func journalEntries(_ context: OperationContext) throws -> HTTPResponse {
        let declared = context.operation.queryParameters.map(\.name)
        if let unknown = context.request.queryItems.first(where: { !declared.contains($0.name) }) {
            throw Self.invalid(
                "unknown filter \(unknown.name) (\(declared.joined(separator: ", ")))", at: [.key("query"), .key(unknown.name)])
        }
        let query = context.input.query
        var filter = RequestJournal.Filter(namespace: try Self.namespace(context))
        filter.api = query["api"]?.stringValue
        filter.method = query["method"]?.stringValue?.uppercased()
        filter.pathGlob = query["path"]?.stringValue
        filter.status = query["status"]?.numberText.flatMap { Int($0) }
        filter.since = query["since"]?.stringValue
        filter.until = query["until"]?.stringValue
        if let after = query["after"]?.numberText.flatMap({ Int64($0) }) { filter.afterId = after }
        if let limit = query["limit"]?.numberText.flatMap({ Int($0) }) { filter.limit = limit }
        return .json(200, .object(["entries": .array(try journal.entries(filter))]))
    }

    // MARK: - Helpers

    /// The namespace the request names; an invalid name is a 400 `invalid_namespace`.
    private static func namespace(_ context: OperationContext) throws -> String {
        switch NamespaceRegistry.select(context.request) {
        case .namespace(let name): return name
        case .invalid(let name):
            throw invalid(
                "invalid \(NamespaceRegistry.header) '\(name)': 1 to \(NamespaceRegistry.maxNameLength) letters, digits, '-' or '_'",
                at: [.key("header"), .key(NamespaceRegistry.header)])
        }
    }

    /// A rule of the control API broken by input the document accepts, in the rule's words.
    private static func invalid(_ words: String, at location: [ValidationIssue.LocationComponent] = [.key("body")]) -> OperationError {
        .invalid([ValidationIssue(location: location, kind: .brokenRule(words), input: nil)])
    }
}

extension JSONValue {
    fileprivate var numberText: String? {
        if case .number(let n) = self { return n.lexeme }
        return nil
    }
}
