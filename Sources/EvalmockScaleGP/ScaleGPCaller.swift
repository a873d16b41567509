import EvalmockKit

/// Who is calling: the identity behind an API key, and the account a request acts in.
///
/// The service resolves a key to a user and that user's default account. evalmock has no
/// users, so both are derived from the key: stable across restarts, different per key.
struct ScaleGPCaller {
    let userId: String
    let accountId: String

    init(_ context: OperationContext) {
        let key = context.caller.credential
        userId = Self.identifier(seed: "user:" + key)
        // The SDK sends `x-selected-account-id` when the client was given an `account_id`: the
        // account the key acts in, not a credential.
        if let selected = context.request.headers["x-selected-account-id"], !selected.isEmpty {
            accountId = selected
        } else {
            accountId = Self.identifier(seed: "account:" + key)
        }
    }

    /// A UUID-shaped identifier from two FNV-1a hashes of `seed`.
    static func identifier(seed: String) -> String {
        func fnv(_ basis: UInt64) -> UInt64 {
            var hash = basis
            for byte in seed.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x100000001b3
            }
            return hash
        }
        let bytes = [fnv(0xcbf29ce484222325), fnv(0x84222325cbf29ce4)].flatMap { hash in
            (0..<8).map { UInt8(truncatingIfNeeded: hash >> (8 * (7 - $0))) }
        }
        return UUIDText.format(bytes)
    }
}
