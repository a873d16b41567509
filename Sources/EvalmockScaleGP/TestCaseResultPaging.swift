import EvalmockKit
/// Page pagination of Scale GP lists: `page` from 1, `limit` 1–10,000 (default 100, the
/// document's bounds), an optional `account_id` filter, and the page object the SDK reads.
struct TestCaseResultPaging {
    let page: Int
    let limit: Int
    let accountId: String?

    init(_ context: OperationContext) {
        page = context.input.query["page"].flatMap(Self.integer) ?? 1
        limit = context.input.query["limit"].flatMap(Self.integer) ?? 100
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

    private static func integer(_ value: JSONValue) -> Int? {
        if case .number(let number) = value { return number.intValue }
        return nil
    }
}
