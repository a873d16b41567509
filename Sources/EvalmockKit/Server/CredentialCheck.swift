/// Compares presented credentials with the configured keys.
public struct CredentialCheck: Sendable {
    public let acceptedKeys: [String]

    public init(acceptedKeys: [String]) { self.acceptedKeys = acceptedKeys }

    /// Any non-empty credential when no keys are configured; otherwise one of the keys,
    /// compared in constant time so that timing reveals nothing about them.
    public func accepts(_ credential: String?) -> Bool {
        guard let credential, !credential.isEmpty else { return false }
        if acceptedKeys.isEmpty { return true }
        var matched = false
        for key in acceptedKeys where Self.constantTimeEquals(Array(credential.utf8), Array(key.utf8)) {
            matched = true
        }
        return matched
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
