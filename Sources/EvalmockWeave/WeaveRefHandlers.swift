import EvalmockKit

/// `refs/read_batch`: the values object and op refs point at, walking their extra paths
/// (`attr`, `key`, `index`, and `id` through a table ref into one of its rows) and following
/// refs met on the way, as the trace server's batched ref reader does. Refs name versions by
/// digest: the client resolves `latest` and `vN` with `obj/read` first.
struct WeaveRefHandlers {
    let store: WeaveObjectStore

    func readBatch(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        let uris = request.body["refs"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if uris.count > 1000 { throw WeaveTraceServerError.invalidRequest("Too many refs") }
        let refs = try uris.map(WeaveRef.parse)
        if refs.contains(where: { $0.kind == "table" }) { throw WeaveTraceServerError.invalidRequest("Table refs not supported") }
        // Call refs (and any other kind) have no version to read by: an AttributeError there.
        if refs.contains(where: { !$0.isObjectOrOp }) { throw WeaveTraceServerError.unregistered }
        if refs.contains(where: { $0.version == "latest" }) {
            throw WeaveTraceServerError.invalidRequest("Reading refs with `latest` is not supported")
        }
        var reader = Reader(store: store)
        try reader.checkAllFound(refs)
        // A ref's walk stays in its project.
        let vals = try refs.map { try reader.resolve($0) }
        return .json(200, .object(["vals": .array(vals)]))
    }

    private struct Reader {
        let store: WeaveObjectStore
        /// Root values by `project/name/digest`; nil for a deleted version.
        var roots: [String: JSONValue?] = [:]

        init(store: WeaveObjectStore) {
            self.store = store
        }

        /// The server looks every root up before walking any path, and fails the batch when a
        /// digest named has no version: checked here over the whole batch, in its words.
        func checkAllFound(_ refs: [WeaveRef]) throws {
            var byProject: [String: [WeaveRef]] = [:]
            for ref in refs { byProject[ref.projectId, default: []].append(ref) }
            for (projectId, projectRefs) in byProject.sorted(by: { $0.key < $1.key }) {
                let digests = Set(projectRefs.compactMap(\.version))
                let names = Set(projectRefs.map(\.name))
                let found = Set(
                    try store.versions(projectId: projectId)
                        .filter { names.contains($0.objectId) && digests.contains($0.digest) }.map(\.digest))
                if digests.count != found.count {
                    throw WeaveTraceServerError.notFound(
                        "Ref read contains \(digests.count) digests, but found \(found.count) objects. "
                            + "Diff digests: \(WeaveObjectHandlers.pythonSet(digests.subtracting(found)))")
                }
            }
        }

        mutating func resolve(_ ref: WeaveRef) throws -> JSONValue {
            var value = try root(ref)
            var extra = ref.extra[...]
            let projectId = ref.projectId
            while let edge = extra.first {
                let argument = extra.dropFirst().first ?? ""
                // A ref met on the way is followed (only within the project: another project's
                // ref reads as null), then the walk goes on in what it points at.
                if case .string(let text) = value, text.hasPrefix(WeaveRefs.externalPrefix) {
                    let inner = try WeaveRef.parse(text)
                    if inner.projectId != projectId { return .null }
                    if inner.isObjectOrOp {
                        value = try root(inner)
                        extra = inner.extra[...] + extra
                        continue
                    }
                    if inner.kind == "table" {
                        guard edge == "id" else { throw WeaveTraceServerError.invalidRequest("Table refs must have id extra") }
                        let rows = try store.rows(projectId: projectId, digests: [argument])
                        // `row_digest_vals[row_digest]`: a row the table lacks is a KeyError.
                        guard let rowDigests = try store.rowDigests(projectId: projectId, table: inner.name), rowDigests.contains(argument),
                            let row = rows[argument]
                        else { throw WeaveTraceServerError.internalBackend }
                        value = row
                        extra = extra.dropFirst(2)
                        continue
                    }
                }
                if value == .null { return .null }
                switch edge {
                case "key", "attr":
                    // `val.get(arg)`: only a dict has it.
                    guard case .object(let object) = value else { throw WeaveTraceServerError.unregistered }
                    value = object[argument] ?? .null
                case "index":
                    value = try Self.index(value, argument)
                default:
                    throw WeaveTraceServerError.invalidRequest("Unknown ref type: \(edge)")
                }
                extra = extra.dropFirst(2)
            }
            return value
        }

        /// `val[int(arg)]` after `index >= len(val)` gives null: Python's negative indexes
        /// count from the end; a dict has no integer keys (KeyError), other values no length.
        private static func index(_ value: JSONValue, _ argument: String) throws(WeaveTraceServerError) -> JSONValue {
            guard let index = WeaveRefs.pythonInt(argument) else {
                throw .invalidRequest("invalid literal for int() with base 10: \(PythonRepr.repr(.string(argument)))")
            }
            switch value {
            case .array(let items):
                if index >= items.count { return .null }
                guard index >= -items.count else { throw .unregistered }
                return items[index < 0 ? items.count + index : index]
            case .string(let text):
                let characters = Array(text.unicodeScalars)
                if index >= characters.count { return .null }
                guard index >= -characters.count else { throw .unregistered }
                return .string(String(characters[index < 0 ? characters.count + index : index]))
            case .object(let object):
                if index >= object.count { return .null }
                throw .internalBackend
            default:
                throw .unregistered
            }
        }

        /// The stored value of an object or op version; `latest` is refused as the server
        /// refuses it, a deleted version reads as null.
        private mutating func root(_ ref: WeaveRef) throws -> JSONValue {
            let version = ref.version ?? ""
            if version == "latest" { throw WeaveTraceServerError.invalidRequest("Reading refs with `latest` is not supported") }
            let key = "\(ref.projectId)/\(ref.name)/\(version)"
            if let cached = roots[key] { return cached ?? .null }
            let found = try store.versions(projectId: ref.projectId, objectId: ref.name).first { $0.digest == version }
            guard let found else {
                throw WeaveTraceServerError.notFound(
                    "Ref read contains 1 digests, but found 0 objects. "
                        + "Diff digests: \(WeaveObjectHandlers.pythonSet([version]))")
            }
            let value: JSONValue? = found.deletedAt == nil ? try found.value() : nil
            roots[key] = .some(value)
            return value ?? .null
        }
    }
}
