import Foundation

/// evalmock's own endpoints, under a prefix no emulated API uses. Their answers are evalmock's
/// own JSON, not any API's dialect.
final class ControlEndpoints {
    static let prefix = "/_evalmock/"

    private let apis: [EmulatedAPI]
    private let databasePath: String
    private let startedAt = DispatchTime.now().uptimeNanoseconds

    init(apis: [EmulatedAPI], databasePath: String) {
        self.apis = apis
        self.databasePath = databasePath
    }

    static func owns(_ path: String) -> Bool { path.hasPrefix(prefix) }

    func respond(to request: HTTPRequest) -> HTTPResponse {
        switch (request.method, request.path) {
        case ("GET", "/_evalmock/health"), ("HEAD", "/_evalmock/health"):
            return health()
        default:
            return .json(404, .object(["error": "not_found", "message": .string("No evalmock control endpoint \(request.method) \(request.path)")]))
        }
    }

    /// Cheap enough for a health check every second: one COUNT per table of each API.
    private func health() -> HTTPResponse {
        var counts = JSONValue.JSONObject()
        for api in apis {
            do {
                counts[api.name] = .object(try api.inventory())
            } catch {
                return .json(503, .object(["status": "unavailable", "error": .string(String(describing: error))]))
            }
        }
        let uptime = Double(DispatchTime.now().uptimeNanoseconds - startedAt) / 1_000_000_000
        return .json(200, .object([
            "status": "ok",
            "version": .string(EvalmockVersion.current),
            "uptimeSeconds": .number(JSONNumber(lexeme: String(format: "%.3f", uptime))),
            "database": .string(databasePath),
            "apis": .object(counts),
        ]))
    }
}
