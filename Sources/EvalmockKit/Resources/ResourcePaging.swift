/// How an API's lists page: what a list request asks for, which stored resources answer it,
/// and the envelope they are answered in. `ResourceCollection` lists every kind of an API
/// through one paging; an API has one style (Scorecard: `CursorPaging`, Scale GP:
/// `PageNumberPaging`), implemented once each.
public protocol ResourcePaging {
    /// One page of `kind` (under `parent`, narrowed by `filters`) for a list request, in the
    /// API's envelope; `render` answers one resource.
    func list(
        _ store: ResourceStore, kind: String, parent: ResourceStore.Owner, filters: [ResourceStore.Filter],
        order: ResourceStore.Order, context: OperationContext, render: (ResourceStore.Stored) throws -> JSONValue
    ) throws -> JSONValue
}

extension CursorPaging: ResourcePaging {
    public func list(
        _ store: ResourceStore, kind: String, parent: ResourceStore.Owner, filters: [ResourceStore.Filter],
        order: ResourceStore.Order, context: OperationContext, render: (ResourceStore.Stored) throws -> JSONValue
    ) throws -> JSONValue {
        let request = try request(context)
        let page = try store.page(kind: kind, parent: parent, from: request.from, limit: request.limit, order: order, filters: filters)
        return envelope(try page.resources.map(render), page: page)
    }
}
