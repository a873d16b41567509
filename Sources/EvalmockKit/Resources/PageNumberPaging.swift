/// Lists paged by number, as FastAPI services' are (Scale GP): `?page=&limit=` in (`page` from
/// 1; both defaults are the document's, filled in by the validator), and
/// `{items, total_item_count, current_page, items_per_page}` out. Clients ask for the next page
/// until one comes back empty, so a page past the end is an empty `items`, never an error.
public struct PageNumberPaging: ResourcePaging {
    public struct Request {
        public var page: Int
        public var limit: Int
        /// Resources before the page. A page far past any row (the documents allow pages up
        /// to 2^53) is an offset past the end, not an arithmetic overflow.
        public var offset: Int64 {
            let product = Int64(page > 0 ? page - 1 : 0).multipliedReportingOverflow(by: Int64(limit))
            return product.overflow ? Int64.max : product.partialValue
        }
    }

    public init() {}

    public func request(_ context: OperationContext) throws -> Request {
        Request(page: try context.queryInteger("page"), limit: try context.queryInteger("limit"))
    }

    public func envelope(_ items: [JSONValue], total: Int, request: Request) -> JSONValue {
        .object([
            "items": .array(items),
            "total_item_count": .int(total),
            "current_page": .int(request.page),
            "items_per_page": .int(request.limit),
        ])
    }

    public func list(
        _ store: ResourceStore, kind: String, parent: ResourceStore.Owner, filters: [ResourceStore.Filter],
        order: ResourceStore.Order, context: OperationContext, render: (ResourceStore.Stored) throws -> JSONValue
    ) throws -> JSONValue {
        let request = try request(context)
        let page = try store.page(kind: kind, parent: parent, offset: request.offset, limit: request.limit, filters: filters, order: order)
        return envelope(try page.resources.map(render), total: page.total, request: request)
    }
}
