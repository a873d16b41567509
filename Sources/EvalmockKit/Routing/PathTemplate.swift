/// An OpenAPI path template such as `/runs/{runId}/records`.
public struct PathTemplate: Sendable, Equatable, CustomStringConvertible {
    public enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    public let segments: [Segment]
    public let description: String

    public init(_ template: String) {
        self.description = template
        self.segments = PathTemplate.split(template).map { part in
            if part.hasPrefix("{"), part.hasSuffix("}") {
                return .parameter(String(part.dropFirst().dropLast()))
            }
            return .literal(part)
        }
    }

    /// A copy mounted under a prefix such as `/api/v2`.
    public func mounted(under prefix: String) -> PathTemplate {
        let trimmed = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        return PathTemplate(trimmed + description)
    }

    /// Splits a path into its segments; one trailing slash is ignored.
    /// Over the UTF-8 bytes, by hand: `/` is one byte, and the generic `split` of the String's
    /// Characters (grapheme breaking per byte) was most of a route match's cost.
    static func split(_ path: String) -> [String] {
        var path = path
        return path.withUTF8 { bytes -> [String] in
            guard !bytes.isEmpty else { return [] }
            var parts: [String] = []
            parts.reserveCapacity(8)
            // A leading slash starts no segment: skipped here rather than removed afterwards.
            var start = bytes[0] == UInt8(ascii: "/") ? 1 : 0
            for index in start..<bytes.count where bytes[index] == UInt8(ascii: "/") {
                parts.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
                start = index + 1
            }
            // An empty last segment (a trailing slash) dropped, unless it is the only one (`/`).
            if start < bytes.count || parts.isEmpty {
                parts.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self))
            }
            return parts
        }
    }
}
