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
        guard var header = headers["Authorization"], let (scheme, credential) = header.withUTF8(Self.split) else { return nil }
        self.scheme = scheme
        self.credential = credential
    }

    /// As `split(separator: " ", maxSplits: 1)` splits it, over the bytes (splitting the
    /// Characters cost more than the rest of authentication): leading spaces skipped, the
    /// scheme up to the next space, the credential whatever follows that space, if anything.
    private static func split(_ bytes: UnsafeBufferPointer<UInt8>) -> (scheme: String, credential: String)? {
        let space = UInt8(ascii: " ")
        guard let schemeStart = bytes.firstIndex(where: { $0 != space }),
            let schemeEnd = bytes[schemeStart...].firstIndex(of: space), schemeEnd + 1 < bytes.count
        else { return nil }
        // Cut at spaces, which are single bytes: both parts are whole UTF-8.
        let rawScheme = String(decoding: UnsafeBufferPointer(rebasing: bytes[schemeStart..<schemeEnd]), as: UTF8.self)
        let credential = String(decoding: UnsafeBufferPointer(rebasing: bytes[(schemeEnd + 1)...]), as: UTF8.self)
        // The two schemes clients send, in any case, without building a lower-cased copy.
        let scheme: String
        if rawScheme.caseInsensitiveEquals("bearer") {
            scheme = "bearer"
        } else if rawScheme.caseInsensitiveEquals("basic") {
            scheme = "basic"
        } else {
            scheme =
                rawScheme.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") })
                ? rawScheme.lowercased() : rawScheme
        }
        return (scheme, credential.trimmingWhitespace())
    }

    /// The token of `Authorization: Bearer <token>`, if that is what the request carries.
    public static func bearerToken(_ request: HTTPRequest) -> String? {
        guard let header = request.authorization, header.scheme == "bearer" else { return nil }
        return header.credential
    }
}
