import EvalmockKit
import Foundation

/// The W&B user a trace-server credential stands for. The credential itself (HTTP Basic with
/// the API key as the password, as the `weave` client sends user `api`, or a Bearer token) is
/// read by the auth step from the document's security schemes: `OperationContext.caller`.
enum WeaveAuth {
    /// The W&B user id the server records as `wb_user_id`: base64 of `User:<number>`. evalmock
    /// derives the number from the credential (FNV-1a), so one key is always one user.
    static func userId(_ caller: Caller) -> String {
        Data("User:\(userNumber(caller))".utf8).base64EncodedString()
    }

    /// The W&B user name of the same user (GraphQL `viewer.username`), also the name of their
    /// personal entity.
    static func username(_ caller: Caller) -> String {
        "evalmock-user-\(userNumber(caller))"
    }

    private static func userNumber(_ caller: Caller) -> UInt32 {
        var hash: UInt32 = 2_166_136_261
        for byte in caller.credential.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return hash
    }
}
