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
        /// By method; with the template's parameter names, in path order.
        var targets: [String: (target: Target, parameterNames: [String])] = [:]
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
        node.targets[method.uppercased()] = (target, parameterNames)
    }

    public func match(method: String, path: String) -> Match {
        var segments = PathTemplate.split(path)
        // In place, and only where there is an escape (rarely): no second array per request.
        for index in segments.indices where segments[index].utf8.contains(UInt8(ascii: "%")) {
            segments[index] = PercentDecoding.decode(segments[index]) ?? segments[index]
        }
        var parameterValues: [String] = []
        guard let node = find(root, segments[...], &parameterValues) else { return .notFound }
        // The transport's names are upper-case already; only another caller's need converting.
        let method = method.utf8.contains(where: { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }) ? method.uppercased() : method
        guard let (target, names) = node.targets[method] ?? (method == "HEAD" ? node.targets["GET"] : nil) else {
            return .methodNotAllowed(allowed: node.targets.keys.sorted())
        }
        var parameters: [String: String] = [:]
        for (name, value) in zip(names, parameterValues) { parameters[name] = value }
        return .found(target, parameters: parameters)
    }

    /// Depth-first search preferring literal children; collects parameter values on the way.
    private func find(_ node: Node, _ segments: ArraySlice<String>, _ values: inout [String]) -> Node? {
        guard let segment = segments.first else { return node.targets.isEmpty ? nil : node }
        let rest = segments.dropFirst()
        if let literal = node.literals[segment], let found = find(literal, rest, &values) {
            return found
        }
        if let parameter = node.parameter, !segment.isEmpty {
            values.append(segment)
            if let found = find(parameter, rest, &values) { return found }
            values.removeLast()
        }
        return nil
    }
}
