/// Headers as the journal keeps them: credentials replaced, so a journal (or an export of the
/// database) never holds a key.
enum CredentialRedaction {
    static let redacted = "[redacted]"
    /// Every credential header of the emulated APIs (Scorecard's Bearer, Scorecard v1's and
    /// Scale GP's keys, Weave's Basic), plus the control token and cookies.
    private static let credentialHeaders: Set<String> = [
        "authorization", "proxy-authorization", "x-api-key", "cookie", "x-evalmock-control-token",
    ]

    static func headers(_ headers: HTTPHeaders) -> JSONValue {
        var object = JSONValue.JSONObject()
        for (name, value) in headers {
            let shown = credentialHeaders.contains(name.lowercased()) ? redactedValue(value) : value
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
