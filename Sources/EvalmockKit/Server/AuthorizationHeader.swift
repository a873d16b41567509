/// The `Authorization` header split into its scheme and its credential, as RFC 9110 defines it:
/// the scheme is case-insensitive, and surrounding whitespace is not part of the credential.
///
/// A request parses its header once (`HTTPRequest.authorization`): the auth step, the caller it
/// accepts and an API's own reading of the header all read that one parse.
public struct AuthorizationHeader: Sendable {
    /// Lower-cased: `bearer`, `basic`, …
    public let scheme: String
    public let credential: String

    public init?(_ request: HTTPRequest) {
        guard let parsed = request.authorization else { return nil }
        self = parsed
    }

    /// The `Authorization` field of `headers`, parsed.
    init?(_ headers: HTTPHeaders) {
        guard let header = headers["Authorization"] else { return nil }
        // As `split(separator: " ", maxSplits: 1)` splits it, over the bytes (splitting the
        // Characters cost more than the rest of authentication): leading spaces skipped, the
        // scheme up to the next space, the credential whatever follows that space, if anything.
        let bytes = header.utf8
        let space = UInt8(ascii: " ")
        guard let schemeStart = bytes.firstIndex(where: { $0 != space }),
            let schemeEnd = bytes[schemeStart...].firstIndex(of: space)
        else { return nil }
        let rest = bytes[bytes.index(after: schemeEnd)...]
        guard !rest.isEmpty else { return nil }
        let rawScheme = Substring(bytes[schemeStart..<schemeEnd])
        // The two schemes clients send, in any case, without building a lower-cased copy.
        if rawScheme.caseInsensitiveEquals("bearer") {
            scheme = "bearer"
        } else if rawScheme.caseInsensitiveEquals("basic") {
            scheme = "basic"
        } else {
            scheme =
                rawScheme.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") })
                ? rawScheme.lowercased() : String(rawScheme)
        }
        credential = String(Substring(rest)).trimmingWhitespace()
    }

    /// The token of `Authorization: Bearer <token>`, if that is what the request carries.
    public static func bearerToken(_ request: HTTPRequest) -> String? {
        guard let header = request.authorization, header.scheme == "bearer" else { return nil }
        return header.credential
    }
}
