/// Headers as the journal keeps them: credentials replaced, so a journal (or an export of the
/// database) never holds a key.
///
/// Which headers are credentials is read from the APIs' documents (each security scheme's
/// header: an `apiKey` scheme's own, `Authorization` for HTTP Basic and Bearer), so an API
/// added with its document has its key redacted without a line here. Besides those: the
/// control token, cookies and `Proxy-Authorization`, which no document declares.
struct CredentialRedaction {
    static let redacted = "[redacted]"
    static let alwaysRedacted = ["Proxy-Authorization", "Cookie", ControlAccess.tokenHeader]

    /// Lower-cased, as header names compare.
    private let credentialHeaders: Set<String>

    init(schemes: [CredentialScheme]) {
        credentialHeaders = Set((schemes.map(\.headerName) + Self.alwaysRedacted).map { $0.lowercased() })
    }

    init(apis: [EmulatedAPI]) {
        self.init(schemes: apis.flatMap(\.specification.credentialSchemes))
    }

    func headers(_ headers: HTTPHeaders) -> JSONValue {
        var object = JSONValue.JSONObject()
        for (name, value) in headers {
            let shown = credentialHeaders.contains(name.lowercased()) ? Self.redactedValue(value) : value
            // Repeated headers are joined as HTTP allows (RFC 9110 §5.3).
            if let earlier = object[name]?.stringValue {
                object[name] = .string(earlier + ", " + shown)
            } else {
                object[name] = .string(shown)
            }
        }
        return .object(object)
    }

    /// Keeps the scheme (`Bearer`, `Basic`) so a test can still see which one the SDK used.
    private static func redactedValue(_ value: String) -> String {
        let parts = value.split(separator: " ", maxSplits: 1)
        if parts.count == 2, ["bearer", "basic", "token"].contains(parts[0].lowercased()) {
            return "\(parts[0]) \(redacted)"
        }
        return redacted
    }
}
