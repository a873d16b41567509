import EvalmockKit

/// Page pagination of Scale GP's test case results: `page` and `limit` as every paged list reads
/// them (`PageNumberPaging`, with the document's defaults), an optional `account_id` filter, and
/// the page object the SDK reads, in the members' order the service answers.
struct TestCaseResultPaging {
    let page: Int
    let limit: Int
    let accountId: String?

    init(_ context: OperationContext) throws {
        let request = try PageNumberPaging().request(context)
        page = request.page
        limit = request.limit
        accountId = context.input.query["account_id"]?.stringValue
    }

    func answer(_ items: [JSONValue.JSONObject], total: Int) -> JSONValue {
        .object([
            "current_page": .int(page),
            "items_per_page": .int(limit),
            "total_item_count": .int(total),
            "items": .array(items.map(JSONValue.object)),
        ])
    }
}
