import Foundation

/// Compiled documents by file path. Compiled schemas are immutable, so sharing is safe.
final class SpecificationCache: @unchecked Sendable {
    private let lock = NSLock()
    private var loaded: [String: OpenAPISpecification] = [:]

    func specification(at path: String, load: () throws -> OpenAPISpecification) throws -> OpenAPISpecification {
        lock.lock()
        defer { lock.unlock() }
        if let cached = loaded[path] { return cached }
        let specification = try load()
        loaded[path] = specification
        return specification
    }
}
