import EvalmockKit

/// Scale GP's v4 resources around an evaluation (evaluation datasets and their versions and
/// test cases, questions, question sets, evaluation configs, application specs and variants,
/// evaluations), stored by the resource layer in `scale_gp_resources` and paged by number.
/// Each area declares its kinds and the handlers for what is more than create, list, get,
/// update and delete (`ScaleGPDatasets`, `ScaleGPEvaluations`); what every kind shares is here.
///
/// Rules every kind follows (the SDK's models, where the service's behaviour is not written
/// down, are evalmock's choice and in the README):
/// - the server owns `id` (a lower-case UUID, as the SDK's examples show), `created_at`,
///   `updated_at` (for the kinds that have one), `created_by_user_id` and
///   `created_by_identity_type`; `account_id` is the body's, else the caller's;
/// - kinds whose update accepts `{"restore": true}` are archived by DELETE (`archived_at`),
///   answered still by retrieve, left out of lists unless `include_archived=true`, and
///   restored by that update; the others are deleted;
/// - lists filter on `account_id` (and `application_spec_id` where the document has it).
enum ScaleGPResources {
    static let table = "scale_gp_resources"
    static let deleted: JSONValue = .object(["success": .bool(true), "count": .int(1)])

    static func operation(_ method: String, _ path: String) -> String { "\(method)-V4-\(path)" }

    /// The server-owned members of a new resource, then (`--lenient`) whatever its schema still
    /// requires, so that placeholder bodies answer what the SDK parses.
    static func stamp(_ draft: inout ResourceDraft, kind: ResourceKind) {
        let caller = ScaleGPCaller(draft.context)
        let now = Timestamp.nowPydanticUTC()
        let members = Set(draft.collection.members(of: kind))
        if draft.document["account_id"]?.stringValue == nil { draft.document["account_id"] = .string(caller.accountId) }
        draft.document["created_at"] = .string(now)
        if members.contains("updated_at") { draft.document["updated_at"] = .string(now) }
        draft.document["created_by_user_id"] = .string(caller.userId)
        draft.document["created_by_identity_type"] = "user"
        if members.contains("archived_at") { draft.document["archived_at"] = .null }
        complete(&draft, kind: kind)
    }

    static func complete(_ draft: inout ResourceDraft, kind: ResourceKind) {
        guard draft.collection.lenient, let schema = draft.collection.specification.componentSchema(kind.schema),
            case .object(let completed) = SchemaCompletion().complete(.object(draft.document), against: schema)
        else { return }
        draft.document = completed
    }

    /// An update: `restore` un-archives (and is not a member), `updated_at` moves.
    static func touch(_ draft: inout ResourceDraft, kind: ResourceKind) {
        if draft.document["restore"] != nil {
            if draft.document["restore"] == .bool(true) { draft.document["archived_at"] = .null }
            draft.document["restore"] = nil
        }
        if draft.collection.members(of: kind).contains("updated_at") { draft.document["updated_at"] = .string(Timestamp.nowPydanticUTC()) }
        complete(&draft, kind: kind)
    }

    static func hooks(
        _ name: String,
        willCreate: ((inout ResourceDraft) throws -> Void)? = nil,
        willUpdate: ((inout ResourceDraft) throws -> Void)? = nil,
        render: ((inout JSONValue.JSONObject, ResourceStore.Stored, ResourceCollection) throws -> Void)? = nil
    ) -> ResourceHooks {
        ResourceHooks(
            willCreate: { draft in
                stamp(&draft, kind: draft.collection.kind(name))
                try willCreate?(&draft)
            },
            willUpdate: { draft in
                touch(&draft, kind: draft.collection.kind(name))
                try willUpdate?(&draft)
            },
            render: render,
            listFilters: listFilters)
    }

    /// The filters of a v4 list's query.
    static func listFilters(_ context: OperationContext) -> [ResourceStore.Filter] {
        var filters: [ResourceStore.Filter] = []
        for name in ["account_id", "application_spec_id"] {
            if let value = queryText(context, name) { filters.append(.member(name, equals: value)) }
        }
        if context.input.query["include_archived"] != .bool(true) { filters.append(.memberIsNull("archived_at")) }
        return filters
    }

    /// A query parameter as text (`application_spec_id` is `int | str` in the document).
    static func queryText(_ context: OperationContext, _ name: String) -> String? {
        switch context.input.query[name] {
        case .string(let text)?: return text
        case .number(let number)?: return number.lexeme
        default: return nil
        }
    }

    /// DELETE of a kind that is archived rather than deleted: `archived_at` is set once.
    static func archive(_ resources: ResourceCollection, kind name: String, parameter: String) -> OperationHandler {
        { context in
            try resources.store.database.transaction {
                var resource = try resources.resolve(name, id: context.pathParameter(parameter))
                if resource.document["archived_at"] == nil || resource.document["archived_at"] == .null {
                    resource.document["archived_at"] = .string(Timestamp.nowPydanticUTC())
                    try resources.store.update(resource)
                }
            }
            return .json(200, deleted)
        }
    }

    /// The answer to a request for a resource of `kind` that the path names and that is there.
    static func get(_ resources: ResourceCollection, _ kind: String, _ id: String) throws -> JSONValue {
        .object(try resources.render(try resources.resolve(kind, id: id)))
    }
}
