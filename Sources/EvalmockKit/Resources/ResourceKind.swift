/// One kind of stored resource of an API, declared once: the component schema it is answered
/// with, where it hangs, how its ids are made, which of the document's operations act on it
/// generically, and hooks for the rules the service applies beyond storing what it was sent.
/// `ResourceCollection` checks every declaration against the document at start-up.
/// An immutable class: each request's handler looks its kind up and hands it on, and each
/// copy of it as a struct retained its strings and hooks.
public final class ResourceKind {
    /// How a new resource's id is made.
    public enum IDScheme {
        /// The store's row sequence as decimal text (`"1"`, `"2"`, …): never reused.
        case sequence
        /// A random UUID (version 4), lower-case.
        case uuid
    }

    /// The resource this kind belongs to, e.g. a testset's project.
    ///
    /// A class, and immutable: a create reads its kind's parent several times, and each copy
    /// of it as a struct retained its strings and members.
    public final class Parent {
        /// The parent's kind.
        public let kind: String
        /// The path parameter of the collection operations that names the parent (`projectId`).
        public let parameter: String
        /// The document member that repeats the parent's id (`testsetId` in a Testcase), if any.
        public let member: String?
        /// A parent the service makes when a child names one nobody created (Scorecard makes
        /// a run for a record posted to an unknown run id): its members. Nil: the API's 404.
        public let createdOnFirstUse: JSONValue.JSONObject?

        public init(kind: String, parameter: String, member: String? = nil, createdOnFirstUse: JSONValue.JSONObject? = nil) {
            self.kind = kind
            self.parameter = parameter
            self.member = member
            self.createdOnFirstUse = createdOnFirstUse
        }
    }

    /// The operations the layer answers for this kind, by operationId.
    public struct Operations {
        /// POST to the collection: the body's members become the resource.
        public var create: String?
        /// GET of the collection, paged in the API's style.
        public var list: String?
        /// GET of one resource.
        public var get: String?
        /// PATCH: the body's members replace the stored ones, the rest stay.
        public var update: String?
        /// DELETE of one resource and what belongs to it.
        public var delete: String?

        public init(create: String? = nil, list: String? = nil, get: String? = nil, update: String? = nil, delete: String? = nil) {
            self.create = create
            self.list = list
            self.get = get
            self.update = update
            self.delete = delete
        }

        var all: [String] { [create, list, get, update, delete].compactMap { $0 } }
    }

    /// The name stored in the `kind` column, e.g. `testset`.
    public let name: String
    /// How answers name it, e.g. `Testset` in "Testset 42 not found".
    public let label: String
    /// The component schema a resource of this kind is answered with.
    public let schema: String
    /// The path parameter of the item operations that names one (`testsetId`).
    public let idParameter: String
    public let ids: IDScheme
    public let parent: Parent?
    /// The order its list operation answers in (Scorecard lists runs newest first).
    public let listOrder: ResourceStore.Order
    public let operations: Operations
    public let hooks: ResourceHooks

    public init(
        name: String, label: String, schema: String, idParameter: String, ids: IDScheme, parent: Parent? = nil,
        listOrder: ResourceStore.Order = .oldestFirst, operations: Operations, hooks: ResourceHooks = ResourceHooks()
    ) {
        self.name = name
        self.label = label
        self.schema = schema
        self.idParameter = idParameter
        self.ids = ids
        self.parent = parent
        self.listOrder = listOrder
        self.operations = operations
        self.hooks = hooks
    }
}

/// A resource on its way into the store: what a create or update hook may change.
public struct ResourceDraft {
    public let context: OperationContext
    public let collection: ResourceCollection
    /// The members answered (without the id, which the store holds).
    public var document: JSONValue.JSONObject
    /// The id, when the hook or the request chooses it; nil takes the kind's scheme.
    public var id: String?
    /// The parent's id, from the path (or a hook).
    public var parentId: String?
    /// The natural key among its siblings, if the kind has one.
    public var key: String?
    /// The stored resource an update starts from; nil for a create.
    public let previous: ResourceStore.Stored?
}

/// The rules of one kind, beyond storing what was sent. Each may throw an `OperationError`.
public struct ResourceHooks {
    /// Before a new resource is stored: server-owned members, derived members, references.
    public var willCreate: ((inout ResourceDraft) throws -> Void)?
    /// False when `willCreate` reads nothing stored (it only rewrites the draft): a create may
    /// then run it before its parent is known to be stored (see `ResourceCollection.create`).
    public var willCreateReadsStore: Bool
    /// Before an updated resource is stored (the draft holds the merged members).
    public var willUpdate: ((inout ResourceDraft) throws -> Void)?
    /// Members computed whenever a resource is answered (counts of what belongs to it).
    public var render: ((inout JSONValue.JSONObject, ResourceStore.Stored, ResourceCollection) throws -> Void)?
    /// What a list request narrows the kind's resources to (its query's filters).
    public var listFilters: ((OperationContext) throws -> [ResourceStore.Filter])?

    public init(
        willCreate: ((inout ResourceDraft) throws -> Void)? = nil,
        willCreateReadsStore: Bool = true,
        willUpdate: ((inout ResourceDraft) throws -> Void)? = nil,
        render: ((inout JSONValue.JSONObject, ResourceStore.Stored, ResourceCollection) throws -> Void)? = nil,
        listFilters: ((OperationContext) throws -> [ResourceStore.Filter])? = nil
    ) {
        self.willCreate = willCreate
        self.willCreateReadsStore = willCreateReadsStore
        self.willUpdate = willUpdate
        self.render = render
        self.listFilters = listFilters
    }
}
