/// Matches a method and a path against path templates.
///
/// Literal segments win over parameters (`/systems/versions/{id}` beats `/systems/{systemId}/…`);
/// when a literal branch leads nowhere the parameter branch is tried. Path segments are
/// percent-decoded after splitting, so an id may contain an encoded `/`.
public struct Router<Target> {
    public enum Match {
        case found(Target, parameters: [String: String])
        /// The path exists but not for this method; `allowed` lists the methods it has.
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    private final class Node {
        var literals: [String: Node] = [:]
        var parameter: Node?
        /// One per method, in the order added. A list, not a dictionary: a path has a few
        /// methods, and comparing the method with each cost less than hashing it.
        var endpoints: [Endpoint] = []

        func endpoint(_ method: String) -> Endpoint? {
            for endpoint in endpoints where endpoint.method == method { return endpoint }
            return nil
        }
    }

    /// A method's target, with the template's parameter names in path order. A class: a match
    /// hands it on without copying the target and the names.
    private final class Endpoint {
        let method: String
        let target: Target
        let parameterNames: [String]

        init(method: String, target: Target, parameterNames: [String]) {
            self.method = method
            self.target = target
            self.parameterNames = parameterNames
        }
    }

    private let root = Node()

    public init() {}

    public mutating func add(method: String, template: PathTemplate, target: Target) {
        var node = root
        for segment in template.segments {
            switch segment {
            case .literal(let text):
                if let next = node.literals[text] {
                    node = next
                } else {
                    let next = Node()
                    node.literals[text] = next
                    node = next
                }
            case .parameter:
                if let existing = node.parameter {
                    node = existing
                } else {
                    let next = Node()
                    node.parameter = next
                    node = next
                }
            }
        }
        let parameterNames = template.segments.compactMap { segment -> String? in
            if case .parameter(let name) = segment { return name }
            return nil
        }
        let endpoint = Endpoint(method: method.uppercased(), target: target, parameterNames: parameterNames)
        if let index = node.endpoints.firstIndex(where: { $0.method == endpoint.method }) {
            node.endpoints[index] = endpoint
        } else {
            node.endpoints.append(endpoint)
        }
    }

    public func match(method: String, path: String) -> Match {
        var segments = PathTemplate.split(path)
        // In place, and only where there is an escape (rarely): no second array per request, and
        // one look over the path rather than one per segment.
        if Self.hasEscape(path) {
            for index in segments.indices where segments[index].utf8.contains(UInt8(ascii: "%")) {
                segments[index] = PercentDecoding.decode(segments[index]) ?? segments[index]
            }
        }
        var parameterValues: [String] = []
        guard let node = find(root, segments, from: 0, &parameterValues) else { return .notFound }
        // The transport's names are upper-case already; only another caller's need converting.
        let method = method.utf8.contains(where: { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }) ? method.uppercased() : method
        guard let endpoint = node.endpoint(method) ?? (method == "HEAD" ? node.endpoint("GET") : nil) else {
            return .methodNotAllowed(allowed: node.endpoints.map(\.method).sorted())
        }
        var parameters: [String: String] = [:]
        for (name, value) in zip(endpoint.parameterNames, parameterValues) { parameters[name] = value }
        return .found(endpoint.target, parameters: parameters)
    }

    private static func hasEscape(_ path: String) -> Bool {
        path.utf8.withContiguousStorageIfAvailable { $0.contains(UInt8(ascii: "%")) } ?? path.utf8.contains(UInt8(ascii: "%"))
    }

    /// Depth-first search preferring literal children; collects parameter values on the way.
    /// The segments from `index` on are left to match: one array handed down by position, where
    /// a slice per level retained and released the array's storage.
    private func find(_ node: Node, _ segments: [String], from index: Int, _ values: inout [String]) -> Node? {
        guard index < segments.count else { return node.endpoints.isEmpty ? nil : node }
        let segment = segments[index]
        if let literal = node.literals[segment], let found = find(literal, segments, from: index + 1, &values) {
            return found
        }
        if let parameter = node.parameter, !segment.isEmpty {
            values.append(segment)
            if let found = find(parameter, segments, from: index + 1, &values) { return found }
            values.removeLast()
        }
        return nil
    }
}
