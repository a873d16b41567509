import Foundation

/// evalmock's own endpoints, under a prefix no emulated API uses. Their answers are evalmock's
/// own JSON (`{"error", "message"}` for failures), not any API's dialect. Every endpoint but
/// the health check acts on the namespace the request names (`X-Evalmock-Namespace`), or on
/// the main database without one.
final class ControlEndpoints {
    static let prefix = "/_evalmock/"

    private let namespaces: NamespaceRegistry
    private let journal: RequestJournal
    private let faults: FaultRuleBook
    private let access: ControlAccess
    private let databasePath: String
    private let maxJSONDepth: Int
    private let startedAt = DispatchTime.now().uptimeNanoseconds

    init(namespaces: NamespaceRegistry, journal: RequestJournal, faults: FaultRuleBook, access: ControlAccess, databasePath: String, maxJSONDepth: Int) {
        self.namespaces = namespaces
        self.journal = journal
        self.faults = faults
        self.access = access
        self.databasePath = databasePath
        self.maxJSONDepth = maxJSONDepth
    }

    static func owns(_ path: String) -> Bool { path.hasPrefix(prefix) }

    static func error(_ status: Int, _ code: String, _ message: String) -> HTTPResponse {
        .json(status, .object(["error": .string(code), "message": .string(message)]))
    }

    func respond(to request: HTTPRequest) -> HTTPResponse {
        let endpoint = String(request.path.dropFirst(Self.prefix.count))
        if endpoint == "health" {
            return ["GET", "HEAD"].contains(request.method) ? health(request) : methodNotAllowed(request, ["GET", "HEAD"])
        }
        switch access.verdict(request) {
        case .allowed: break
        case .disabled: return unknown(request)
        case .unauthorized:
            return Self.error(401, "unauthorized", "control endpoints need the \(ControlAccess.tokenHeader) header set to the server's --control-token")
        }
        let namespace: String
        switch NamespaceRegistry.select(request) {
        case .namespace(let name): namespace = name
        case .invalid(let name): return Self.error(400, "invalid_namespace", "invalid \(NamespaceRegistry.header) '\(name)'")
        }
        do {
            switch (request.method, endpoint) {
            case ("POST", "reset"): return try reset(request, namespace: namespace)
            case ("GET", "journal"): return try journalEntries(request, namespace: namespace)
            case ("DELETE", "journal"):
                try journal.clear(namespace: namespace)
                return .json(200, .object(["cleared": true]))
            case ("GET", "faults"): return .json(200, .object(["rules": .array(faults.list(namespace: namespace).map(\.json))]))
            case ("POST", "faults"):
                let rule = try faults.add(namespace: namespace, body: try body(request))
                return .json(201, rule.json)
            case ("DELETE", "faults"):
                try faults.removeAll(namespace: namespace)
                return .json(200, .object(["cleared": true]))
            case ("GET", "export"): return .json(200, try namespaces.instance(namespace).state.export())
            case ("POST", "import"):
                try namespaces.instance(namespace).state.importSnapshot(try body(request))
                return .json(200, .object(["imported": true]))
            case ("GET", "namespaces"): return .json(200, .object(["namespaces": .array(namespaces.names.map(JSONValue.string))]))
            case ("DELETE", _) where endpoint.hasPrefix("faults/"):
                guard let id = Int64(endpoint.dropFirst("faults/".count)), try faults.remove(id: id, namespace: namespace) else {
                    return Self.error(404, "not_found", "no fault rule \(endpoint.dropFirst("faults/".count)) in this namespace")
                }
                return .json(200, .object(["deleted": true]))
            default:
                let methods: [String: [String]] = ["reset": ["POST"], "journal": ["GET", "DELETE"], "faults": ["GET", "POST", "DELETE"],
                                                   "export": ["GET"], "import": ["POST"], "namespaces": ["GET"]]
                if let allowed = methods[endpoint] { return methodNotAllowed(request, allowed) }
                return unknown(request)
            }
        } catch let error as ControlRequestError {
            return Self.error(400, "invalid_request", error.message)
        } catch let error as FaultRuleError {
            return Self.error(400, "invalid_rule", error.message)
        } catch let error as SnapshotError {
            return Self.error(400, "invalid_snapshot", error.description)
        } catch {
            return Self.error(500, "internal_error", String(describing: error))
        }
    }

    // MARK: - Endpoints

    /// Cheap enough for a health check every second: one COUNT per table of each API.
    private func health(_ request: HTTPRequest) -> HTTPResponse {
        guard case .namespace(let namespace) = NamespaceRegistry.select(request) else {
            return Self.error(400, "invalid_namespace", "invalid \(NamespaceRegistry.header)")
        }
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
            "database": .string(namespace.isEmpty ? databasePath : NamespaceRegistry.databasePath(main: databasePath, namespace: namespace)),
            "apis": .object(counts),
        ]
        if !namespace.isEmpty { body["namespace"] = .string(namespace) }
        return .json(200, .object(body))
    }

    /// Body `{}` (or none): everything. `{"api": "weave"}`: one API. `{"api": "weave",
    /// "project": "team/proj"}` and the other scopes an API declares: part of one API.
    private func reset(_ request: HTTPRequest, namespace: String) throws -> HTTPResponse {
        let state = try namespaces.instance(namespace).state
        var object = JSONValue.JSONObject()
        if !request.body.isEmpty {
            guard let parsed = try body(request).objectValue else { throw ControlRequestError(message: "the body must be a JSON object") }
            object = parsed
        }
        guard let apiName = object["api"] else {
            if let extra = object.keys.first { throw ControlRequestError(message: "\"\(extra)\" needs an \"api\"") }
            try state.wipe()
            return .json(200, .object(["reset": "all"]))
        }
        guard let name = apiName.stringValue, let api = state.api(named: name) else {
            throw ControlRequestError(message: "\"api\" must be one of \(state.apis.map(\.name).joined(separator: ", "))")
        }
        let scopes = object.filter { $0.key != "api" }
        guard let (scopeName, value) = scopes.elements.first else {
            try state.wipe([api])
            return .json(200, .object(["reset": .string(name)]))
        }
        guard scopes.count == 1, let scope = api.resetScopes.first(where: { $0.name == scopeName }), let text = value.stringValue ?? (value.numberText) else {
            let names = api.resetScopes.map { "\"\($0.name)\"" }.joined(separator: ", ")
            throw ControlRequestError(message: "\(name) can be reset whole or by one of \(names), given as a string")
        }
        try state.reset(api, scope: scope, value: text)
        return .json(200, .object(["reset": .string(name), scopeName: .string(text)]))
    }

    private func journalEntries(_ request: HTTPRequest, namespace: String) throws -> HTTPResponse {
        var filter = RequestJournal.Filter(namespace: namespace)
        for (name, value) in request.queryItems {
            switch name {
            case "api": filter.api = value
            case "method": filter.method = value.uppercased()
            case "path": filter.pathGlob = value
            case "status":
                guard let status = Int(value) else { throw ControlRequestError(message: "status must be an integer") }
                filter.status = status
            case "since": filter.since = value
            case "until": filter.until = value
            case "after":
                guard let id = Int64(value) else { throw ControlRequestError(message: "after must be an entry id") }
                filter.afterId = id
            case "limit":
                guard let limit = Int(value), (1...10_000).contains(limit) else { throw ControlRequestError(message: "limit must be 1 to 10000") }
                filter.limit = limit
            default: throw ControlRequestError(message: "unknown filter \(name) (api, method, path, status, since, until, after, limit)")
            }
        }
        return .json(200, .object(["entries": .array(try journal.entries(filter))]))
    }

    // MARK: - Helpers

    private func body(_ request: HTTPRequest) throws -> JSONValue {
        do {
            return try JSONParser.parse(request.body, maxDepth: maxJSONDepth)
        } catch {
            throw ControlRequestError(message: "the body is not JSON: \(error)")
        }
    }

    private func unknown(_ request: HTTPRequest) -> HTTPResponse {
        Self.error(404, "not_found", "No evalmock control endpoint \(request.method) \(request.path)")
    }

    private func methodNotAllowed(_ request: HTTPRequest, _ allowed: [String]) -> HTTPResponse {
        var response = Self.error(405, "method_not_allowed", "\(request.method) is not allowed on \(request.path)")
        response.headers.set("Allow", allowed.joined(separator: ", "))
        return response
    }
}

struct ControlRequestError: Error {
    let message: String
}

private extension JSONValue {
    var numberText: String? {
        if case .number(let n) = self { return n.lexeme }
        return nil
    }
}
