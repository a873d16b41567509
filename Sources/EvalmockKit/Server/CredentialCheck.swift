/// Compares presented credentials with the configured keys.
public struct CredentialCheck: Sendable {
    public let acceptedKeys: [String]

    public init(acceptedKeys: [String]) { self.acceptedKeys = acceptedKeys }

    /// Accepted: any non-empty credential when no keys are configured, otherwise one of the
    /// keys, compared in constant time so that timing reveals nothing about them. A missing
    /// credential is told apart from a refused one, for services that answer 401 and 403.
    public func verdict(_ credential: String?) -> AuthenticationOutcome {
        guard let credential, !credential.isEmpty else { return .missing }
        if acceptedKeys.isEmpty { return .accepted }
        let presented = Array(credential.utf8)
        var matched = false
        for key in acceptedKeys where Self.constantTimeEquals(presented, Array(key.utf8)) {
            matched = true
        }
        return matched ? .accepted : .rejected
    }

    static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for i in 0..<max(a.count, b.count) {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            difference |= x ^ y
        }
        return difference == 0
    }
}
