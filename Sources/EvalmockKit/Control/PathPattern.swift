/// A path pattern of a fault rule: `*` stands for one whole segment or part of one, `**` for
/// any number of segments; everything else is literal. `/v4/evaluations/*/test-case-results/**`
/// matches every result route of every evaluation.
struct PathPattern: Sendable, Equatable {
    let text: String
    private let segments: [Substring]

    init(_ text: String) {
        self.text = text
        segments = text.split(separator: "/", omittingEmptySubsequences: false)
    }

    func matches(_ path: String) -> Bool {
        Self.match(segments[...], path.split(separator: "/", omittingEmptySubsequences: false)[...])
    }

    private static func match(_ pattern: ArraySlice<Substring>, _ path: ArraySlice<Substring>) -> Bool {
        guard let head = pattern.first else { return path.isEmpty }
        if head == "**" {
            let rest = pattern.dropFirst()
            return path.indices.contains { match(rest, path[$0...]) } || match(rest, path[path.endIndex...])
        }
        guard let segment = path.first, glob(head, segment) else { return false }
        return match(pattern.dropFirst(), path.dropFirst())
    }

    /// `*` within one segment: any run of characters.
    private static func glob(_ pattern: Substring, _ text: Substring) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false)
        guard parts.count > 1 else { return pattern == text }
        guard text.hasPrefix(parts[0]) else { return false }
        var rest = text.dropFirst(parts[0].count)
        for part in parts.dropFirst().dropLast() where !part.isEmpty {
            guard let range = rest.range(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        let last = parts[parts.count - 1]
        return rest.count >= last.count && rest.hasSuffix(last)
    }
}
