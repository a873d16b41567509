import EvalmockKit
import Foundation

/// The trace server's credentials: HTTP Basic with the W&B API key as the password (the
/// `weave` client sends user `api`), or a Bearer token.
enum WeaveAuth {
    /// The key or token the request presents, if any.
    static func credential(_ request: HTTPRequest) -> String? {
        guard let header = AuthorizationHeader(request) else { return nil }
        let value = header.credential
        switch header.scheme {
        case "bearer":
            return value
        case "basic":
            // FastAPI's HTTPBasic rejects what is not base64 of `user:password`.
            guard let data = Data(base64Encoded: value), let decoded = String(data: data, encoding: .utf8),
                let colon = decoded.firstIndex(of: ":")
            else { return nil }
            return String(decoded[decoded.index(after: colon)...])
        default:
            return nil
        }
    }

    /// The W&B user id the server records as `wb_user_id`: base64 of `User:<number>`. evalmock
    /// derives the number from the credential (FNV-1a), so one key is always one user.
    static func userId(_ request: HTTPRequest) -> String {
        Data("User:\(userNumber(request))".utf8).base64EncodedString()
    }

    /// The W&B user name of the same user (GraphQL `viewer.username`), also the name of their
    /// personal entity.
    static func username(_ request: HTTPRequest) -> String {
        "evalmock-user-\(userNumber(request))"
    }

    private static func userNumber(_ request: HTTPRequest) -> UInt32 {
        var hash: UInt32 = 2_166_136_261
        for byte in (credential(request) ?? "").utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return hash
    }
}
