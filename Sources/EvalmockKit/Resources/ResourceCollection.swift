import Foundation

/// An API's stateful resources: its declared kinds over one `ResourceStore`, and the generic
/// create, list, get, update and delete operations they get from their declarations.
///
/// The default mode answers as the service does: an unknown id is the API's 404. `--lenient`
/// (the drop-in for generated SDK suites, whose ids nobody created) stores a resource for an
/// unknown id on first reference, completed from the kind's schema, and answers with it.
public final class ResourceCollection {
    public let store: ResourceStore
    public let specification: OpenAPISpecification
    public let lenient: Bool
    private let paging: any ResourcePaging
    /// What a successful DELETE answers, e.g. Scorecard's `{"success": true}`.
    private let deleted: JSONValue
    private var kinds: [String: ResourceKind] = [:]
    /// What each kind's schema says of its members, read on the kind's first use (compiling
    /// every declared schema at start-up would make start-up grow with the documents).
    private struct Shape {
        /// The schema's members in its order: answers are written in this order.
        let order: [String]
        /// Each member's position: telling that a document is already in order needs no new
        /// object (a create's body usually is).
        let positions: [String: Int]
        /// No `id` member (a Score is named by its record and metric): answers leave it out.
        let anonymous: Bool
    }
    private var shapes: [String: Shape] = [:]

    private func shape(_ kindName: String) -> Shape {
        if let known = shapes[kindName] { return known }
        let order = kinds[kindName].flatMap { specification.componentSchema($0.schema) }.map { Self.properties(of: $0) } ?? []
        let shape = Shape(
            order: order, positions: Dictionary(order.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first }),
            anonymous: !order.contains("id"))
        shapes[kindName] = shape
        return shape
    }
    private var order: [String] = []
    private let completion = SchemaCompletion()

    public init(store: ResourceStore, specification: OpenAPISpecification, lenient: Bool, paging: any ResourcePaging, deleted: JSONValue) {
        self.store = store
        self.specification = specification
        self.lenient = lenient
        self.paging = paging
        self.deleted = deleted
    }

    /// Declares a kind, checked against the document: its schema, its operations and their
    /// path parameters must be there, and its parent must be declared before it.
    public func declare(_ kind: ResourceKind) throws {
        func problem(_ text: String) -> ResourceDeclarationError { ResourceDeclarationError(kind: kind.name, problem: text) }
        guard kinds[kind.name] == nil else { throw problem("is declared twice") }
        guard specification.componentSchemaNames.contains(kind.schema) else {
            throw problem("its schema \(kind.schema) is not in the document")
        }
        if let parent = kind.parent, kinds[parent.kind] == nil { throw problem("its parent \(parent.kind) is not declared before it") }
        let item = [kind.operations.get, kind.operations.update, kind.operations.delete].compactMap { $0 }
        let onCollection = [kind.operations.create, kind.operations.list].compactMap { $0 }
        for operationId in kind.operations.all {
            guard let operation = specification.operation(operationId) else {
                throw problem("operation \(operationId) is not in the document")
            }
            // From the path template: reading the parameters' rules would compile the operation.
            let parameters = Set(
                operation.template.segments.compactMap { segment -> String? in
                    if case .parameter(let name) = segment { return name } else { return nil }
                })
            if item.contains(operationId), !parameters.contains(kind.idParameter) {
                throw problem("\(operationId) has no path parameter \(kind.idParameter)")
            }
            if onCollection.contains(operationId), let parent = kind.parent, !parameters.contains(parent.parameter) {
                throw problem("\(operationId) has no path parameter \(parent.parameter)")
            }
        }
        kinds[kind.name] = kind
        order.append(kind.name)
    }

    public func kind(_ name: String) -> ResourceKind {
        guard let kind = kinds[name] else { preconditionFailure("resource kind \(name) is not declared") }
        return kind
    }

    /// The generic operations of every declared kind, by operationId.
    public var handlers: [String: OperationHandler] {
        var handlers: [String: OperationHandler] = [:]
        for name in order {
            let kind = kinds[name]!
            if let id = kind.operations.create { handlers[id] = { [unowned self] in try self.create(kind, $0) } }
            if let id = kind.operations.list { handlers[id] = { [unowned self] in try self.list(kind, $0) } }
            if let id = kind.operations.get { handlers[id] = { [unowned self] in try self.get(kind, $0) } }
            if let id = kind.operations.update { handlers[id] = { [unowned self] in try self.update(kind, $0) } }
            if let id = kind.operations.delete { handlers[id] = { [unowned self] in try self.delete(kind, $0) } }
        }
        return handlers
    }

    /// Stored resources per kind, under the kind's name in the plural (`records`).
    public func inventory() throws -> JSONValue.JSONObject {
        let counts = try store.countsByKind()
        var inventory = JSONValue.JSONObject()
        for name in order { inventory[name + "s"] = .int(counts[name] ?? 0) }
        return inventory
    }

    // MARK: - Finding

    /// The stored resource, else (`--lenient`) one made for the id, else the API's 404.
    public func resolve(_ kindName: String, id: String) throws -> ResourceStore.Stored {
        if let found = try store.find(kind: kindName, id: id) { return found }
        let kind = self.kind(kindName)
        guard lenient else { throw OperationError.notFound(resource: kind.label, id: id) }
        return try store.database.transaction { try store.insert(kind: kindName, id: id, parent: nil, document: placeholder(kind)) }
    }

    /// A kind's parent named by a request: stored, else made if the kind says the service
    /// makes it, else `resolve`'s answer.
    /// Makes sure a kind's parent named by a request is stored: it is, else it is made if the
    /// kind says the service makes it, else `resolve`'s answer (a placeholder or the 404). An
    /// existence check, not a read: a create must not parse its parent's document.
    public func requireParent(_ parent: ResourceKind.Parent, id: String) throws {
        guard try !store.exists(kind: parent.kind, id: id) else { return }
        if let members = parent.createdOnFirstUse {
            try store.insert(kind: parent.kind, id: id, parent: nil, document: members)
        } else {
            _ = try resolve(parent.kind, id: id)
        }
    }

    /// A resource answered as JSON text: as `render`, written straight from the stored members
    /// when its kind computes none (a create's answer, on the hot path, builds no new object).
    public func encoded(_ resource: ResourceStore.Stored) throws -> [UInt8] {
        guard kinds[resource.kind]?.hooks.render == nil else { return JSONWriter.encode(.object(try render(resource))) }
        let anonymous = shape(resource.kind).anonymous
        if let text = resource.documentText {
            // The stored text `{…}` with `"id":…` put first: what writing the members below gives.
            if anonymous { return text }
            var out: [UInt8] = []
            out.reserveCapacity(text.count + resource.id.utf8.count + 8)
            out.append(contentsOf: #"{"id":"#.utf8)
            JSONWriter.writeString(resource.id, into: &out)
            if text.count > 2 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: text.dropFirst())
            return out
        }
        var out: [UInt8] = []
        out.reserveCapacity(256)
        let id: [(String, JSONValue)] = anonymous ? [] : [("id", .string(resource.id))]
        JSONWriter.writeObject(id + resource.document.lazy.map { ($0.key, $0.value) }, into: &out)
        return out
    }

    /// A resource answered: its id, its stored members, and what its kind computes.
    public func render(_ resource: ResourceStore.Stored) throws -> JSONValue.JSONObject {
        var object: JSONValue.JSONObject = shape(resource.kind).anonymous ? [:] : ["id": .string(resource.id)]
        for (name, value) in resource.document { object[name] = value }
        try kinds[resource.kind]?.hooks.render?(&object, resource, self)
        return object
    }

    /// Members in the order of the kind's schema, then any others in the order given.
    public func ordered(_ document: JSONValue.JSONObject, as kind: ResourceKind) -> JSONValue.JSONObject {
        let shape = shape(kind.name)
        let properties = shape.order
        if isOrdered(document, shape.positions) { return document }
        var ordered = JSONValue.JSONObject()
        ordered.reserveCapacity(document.count)
        for name in properties where name != "id" { if let value = document[name] { ordered[name] = value } }
        for (name, value) in document where ordered[name] == nil && name != "id" { ordered[name] = value }
        return ordered
    }

    /// Schema members in the schema's order, then the others; no `id`.
    private func isOrdered(_ document: JSONValue.JSONObject, _ positions: [String: Int]) -> Bool {
        var last = -1
        var pastSchemaMembers = false
        for name in document.keys {
            guard name != "id" else { return false }
            if let position = positions[name] {
                guard !pastSchemaMembers, position > last else { return false }
                last = position
            } else {
                pastSchemaMembers = true
            }
        }
        return true
    }

    /// The members of a kind's schema, in its order.
    public func members(of kind: ResourceKind) -> [String] {
        shape(kind.name).order
    }

    /// The members a schema names, also through `allOf`; a union of models (a Scorecard Metric
    /// is one of nine variants, a Scale GP test case one of several) has its first branch's.
    private static func properties(of schema: CompiledSchema) -> [String] {
        schema.properties.map(\.name) + schema.allOf.flatMap { properties(of: $0) }
            + (schema.properties.isEmpty ? schema.unionBranches.first.map { properties(of: $0) } ?? [] : [])
    }

    // MARK: - Children named by a key (a record's tags and assignees)

    /// `{"data": [...]}`: every child of a kind under the resource a path parameter names, in
    /// creation order, for the lists a service does not page.
    public func unpagedChildren(_ kind: String, of parent: String, parameter: String, _ context: OperationContext) throws -> HTTPResponse {
        let owner = try resolve(parent, id: context.pathParameter(parameter))
        let children = try store.children(kind: kind, parentKind: parent, parentId: owner.id)
        return .json(200, .object(["data": .array(try children.map { .object(try render($0)) })]))
    }

    /// The child of `kind` with `key` under the resource a path parameter names: the one
    /// stored, else a new one with `members` (idempotent creates: "re-applying … returns the
    /// existing one").
    public func keyedChild(
        _ kindName: String, key: String, parameter: String, _ context: OperationContext,
        members: () -> JSONValue.JSONObject
    ) throws -> HTTPResponse {
        let kind = kind(kindName)
        let child = try store.database.transaction { () throws -> ResourceStore.Stored in
            guard let parent = kind.parent else { preconditionFailure("\(kindName) has no parent") }
            let owner = try resolve(parent.kind, id: context.pathParameter(parameter))
            if let existing = try store.find(kind: kindName, parentId: owner.id, key: key) { return existing }
            var draft = draft(context, of: kind, document: members())
            draft.parentId = owner.id
            draft.key = key
            return try insert(draft, as: kind)
        }
        return .json(context.operation.successStatus, .object(try render(child)))
    }

    /// `{"deleted": n}`: deletes the child of `kind` with `key` under a parent; 0 when it (or
    /// the parent) is not there.
    public func deleteKeyedChild(_ kindName: String, key: String, parentId: String) throws -> HTTPResponse {
        let removed = try store.database.transaction { () throws -> Int in
            guard let child = try store.find(kind: kindName, parentId: parentId, key: key) else { return 0 }
            return try store.delete(kind: kindName, id: child.id) ? 1 : 0
        }
        return .json(200, .object(["deleted": .int(removed)]))
    }

    // MARK: - Storing

    /// Stores a draft as a new resource of the kind.
    public func insert(_ draft: ResourceDraft, as kind: ResourceKind) throws -> ResourceStore.Stored {
        let id = draft.id ?? (kind.ids == .uuid ? UUID().uuidString.lowercased() : nil)
        let parent = kind.parent.flatMap { parent in draft.parentId.map { (parent.kind, $0) } }
        return try store.insert(kind: kind.name, id: id, parent: parent, key: draft.key, document: ordered(draft.document, as: kind))
    }

    /// A new draft for a request: its body's members, and its parent from the path.
    public func draft(_ context: OperationContext, of kind: ResourceKind, document: JSONValue.JSONObject? = nil) -> ResourceDraft {
        var members = document ?? context.body.objectValue ?? [:]
        let parentId = kind.parent.map { context.pathParameter($0.parameter) }
        if let member = kind.parent?.member, let parentId {
            // In its place in the schema's order (a Record's `runId` before the body's members),
            // so that `ordered` finds nothing to move.
            let positions = shape(kind.name).positions
            let position = positions[member] ?? Int.max
            members.removeValue(forKey: member)
            let index = members.keys.firstIndex { (positions[$0] ?? Int.max) > position } ?? members.count
            members.updateValue(.string(parentId), forKey: member, insertingAt: index)
        }
        return ResourceDraft(context: context, collection: self, document: members, id: nil, parentId: parentId, key: nil, previous: nil)
    }

    // MARK: - Operations

    public func create(_ kind: ResourceKind, _ context: OperationContext) throws -> HTTPResponse {
        var draft = draft(context, of: kind)
        let hookReadsStore = kind.hooks.willCreate != nil && kind.hooks.willCreateReadsStore
        var stored: ResourceStore.Stored?
        if !hookReadsStore {
            // Unless a hook reads what is stored (the parent, perhaps), a create is one INSERT,
            // atomic by itself (`singleStatement`). It is also the parent's existence check: the
            // table's foreign key refuses a missing parent, and the statement changes nothing
            // then. A separate look-up first cost 3 % of a Scorecard record create, for a
            // parent that is nearly always there. A missing one is made or refused below.
            try kind.hooks.willCreate?(&draft)
            do {
                stored = try store.database.singleStatement { try insert(draft, as: kind) }
            } catch let error as SQLiteError where error.code == ResourceStore.missingParent && kind.parent != nil {}
        }
        let created =
            try stored
            ?? store.database.transaction { () throws -> ResourceStore.Stored in
                if let parent = kind.parent { try requireParent(parent, id: context.pathParameter(parent.parameter)) }
                if hookReadsStore { try kind.hooks.willCreate?(&draft) }
                return try insert(draft, as: kind)
            }
        return .json(context.operation.successStatus, encoded: try encoded(created))
    }

    func list(_ kind: ResourceKind, _ context: OperationContext) throws -> HTTPResponse {
        var parent = ResourceStore.Owner.none
        if let declared = kind.parent {
            let id = context.pathParameter(declared.parameter)
            _ = try resolve(declared.kind, id: id)
            parent = .parent(kind: declared.kind, id: id)
        }
        let filters = try kind.hooks.listFilters?(context) ?? []
        return .json(
            200,
            try paging.list(
                store, kind: kind.name, parent: parent, filters: filters, order: kind.listOrder,
                context: context
            ) { .object(try render($0)) })
    }

    func get(_ kind: ResourceKind, _ context: OperationContext) throws -> HTTPResponse {
        .json(200, .object(try render(try resolve(kind.name, id: context.pathParameter(kind.idParameter)))))
    }

    func update(_ kind: ResourceKind, _ context: OperationContext) throws -> HTTPResponse {
        let updated = try store.database.transaction { () throws -> ResourceStore.Stored in
            let previous = try resolve(kind.name, id: context.pathParameter(kind.idParameter))
            var merged = previous.document
            for (name, value) in context.body.objectValue ?? [:] { merged[name] = value }
            var draft = ResourceDraft(
                context: context, collection: self, document: merged, id: previous.id,
                parentId: previous.parentId, key: previous.key, previous: previous)
            try kind.hooks.willUpdate?(&draft)
            var updated = previous
            updated.document = ordered(draft.document, as: kind)
            try store.update(updated)
            return updated
        }
        return .json(200, .object(try render(updated)))
    }

    /// An unknown id is the API's 404 where the operation declares one, else a success (the
    /// delete is idempotent, as the service's document lets it be).
    public func delete(_ kind: ResourceKind, _ context: OperationContext) throws -> HTTPResponse {
        let id = context.pathParameter(kind.idParameter)
        let removed = try store.database.transaction { try store.delete(kind: kind.name, id: id) }
        if !removed && !lenient && context.operation.responseSchemas["404"] != nil {
            throw OperationError.notFound(resource: kind.label, id: id)
        }
        return .json(200, deleted)
    }

    private func placeholder(_ kind: ResourceKind) -> JSONValue.JSONObject {
        guard let schema = specification.componentSchema(kind.schema),
            case .object(var document) = completion.complete(.object([:]), against: schema)
        else { return [:] }
        document["id"] = nil
        return document
    }
}

/// A declaration that does not match the document: evalmock does not start.
public struct ResourceDeclarationError: Error, CustomStringConvertible {
    public let kind: String
    public let problem: String
    public var description: String { "resource kind \(kind): \(problem)" }
}
