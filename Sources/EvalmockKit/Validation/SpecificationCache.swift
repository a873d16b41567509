import Foundation

/// Compiled documents by file path. Compiled schemas are immutable, so sharing is safe.
final class SpecificationCache: @unchecked Sendable {
    private let lock = NSLock()
    private var loaded: [String: OpenAPISpecification] = [:]

    /// The cached document, else `load()`'s. Loading runs outside the lock, so documents can be
    /// loaded in parallel; if two threads load the same path, the first stored one wins.
    func specification(at path: String, load: () throws -> OpenAPISpecification) throws -> OpenAPISpecification {
        if let cached = lock.withLock({ loaded[path] }) { return cached }
        let specification = try load()
        return lock.withLock {
            if let raced = loaded[path] { return raced }
            loaded[path] = specification
            return specification
        }
    }
}
