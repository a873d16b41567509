/// The `Authorization` header split into its scheme and its credential, as RFC 9110 defines it:
/// the scheme is case-insensitive, and surrounding whitespace is not part of the credential.
public struct AuthorizationHeader: Sendable {
    /// Lower-cased: `bearer`, `basic`, …
    public let scheme: String
    public let credential: String

    public init?(_ request: HTTPRequest) {
        guard let header = request.headers["Authorization"] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        scheme = parts[0].lowercased()
        credential = String(parts[1]).trimmingWhitespace()
    }

    /// The token of `Authorization: Bearer <token>`, if that is what the request carries.
    public static func bearerToken(_ request: HTTPRequest) -> String? {
        guard let header = AuthorizationHeader(request), header.scheme == "bearer" else { return nil }
        return header.credential
    }
}
