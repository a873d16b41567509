/// Who may use the control endpoints (`--no-control`, `--control-token`). The health check
/// stays open either way: it reveals only counts, and a Docker HEALTHCHECK has no token.
public struct ControlAccess: Sendable {
    public static let tokenHeader = "X-Evalmock-Control-Token"

    public var enabled = true
    /// When set, every control request but the health check must send it in `tokenHeader`.
    public var token: String?

    public init(enabled: Bool = true, token: String? = nil) {
        self.enabled = enabled
        self.token = token
    }

    enum Verdict { case allowed, disabled, unauthorized }

    func verdict(_ request: HTTPRequest) -> Verdict {
        guard enabled else { return .disabled }
        guard let token else { return .allowed }
        let presented = request.headers[Self.tokenHeader] ?? ""
        return CredentialCheck.constantTimeEquals(Array(presented.utf8), Array(token.utf8)) ? .allowed : .unauthorized
    }
}
