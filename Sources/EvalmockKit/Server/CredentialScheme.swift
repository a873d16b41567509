import Foundation
import OpenAPIKit

/// Where a request carries its credential, as one of a document's security schemes declares
/// it. The auth step reads the caller's credential this way, and the journal redacts the header
/// it travels in, so an API's credentials are declared once: in its document.
public enum CredentialScheme: Sendable, Equatable {
    /// `type: apiKey, in: header`: the named header's whole value.
    case header(String)
    /// `type: http, scheme: bearer`: the token of `Authorization: Bearer <token>`.
    case bearer
    /// `type: http, scheme: basic`: the password of `Authorization: Basic base64(user:password)`,
    /// where clients put an API key (W&B's `api:<key>`).
    case basic

    /// The scheme a document's security scheme declares; nil for the kinds no request header
    /// carries (a query or cookie key, OAuth2 and OpenID Connect flows).
    init?(_ scheme: OpenAPI.SecurityScheme) {
        switch scheme.type {
        case .apiKey(let name, let location) where location == .header: self = .header(name)
        case .http(let name, _) where name.lowercased() == "bearer": self = .bearer
        case .http(let name, _) where name.lowercased() == "basic": self = .basic
        default: return nil
        }
    }

    /// The header the credential travels in.
    public var headerName: String {
        if case .header(let name) = self { return name }
        return "Authorization"
    }

    /// The credential the request presents under this scheme, if any.
    public func credential(in request: HTTPRequest) -> String? {
        switch self {
        case .header(let name):
            return request.headers[name]
        case .bearer:
            return AuthorizationHeader.bearerToken(request)
        case .basic:
            // What FastAPI's HTTPBasic reads: base64 of `user:password`, else no credential.
            guard let header = request.authorization, header.scheme == "basic",
                let data = Data(base64Encoded: header.credential), let decoded = String(data: data, encoding: .utf8),
                let colon = decoded.firstIndex(of: ":")
            else { return nil }
            return String(decoded[decoded.index(after: colon)...])
        }
    }
}

extension Array where Element == CredentialScheme {
    /// The credential of the first scheme the request uses, as a service trying its schemes
    /// in turn accepts the first one present.
    public func credential(in request: HTTPRequest) -> String? {
        // A loop rather than `lazy.compactMap { … }.first`, which reads the first credential
        // twice (once to find it, once to return it).
        for scheme in self {
            if let credential = scheme.credential(in: request) { return credential }
        }
        return nil
    }
}
