import Foundation

/// Ids as the service writes them: lower-case UUIDs.
enum ScaleGPIdentifiers {
    static func newId() -> String { UUIDText.v4() }
}
