/// Lists paged by an opaque cursor, as Scorecard's are: `?cursor=&limit=` in,
/// `{data, nextCursor, hasMore, total}` out. The cursor is the `seq` of the first resource of
/// the next page, so a page is stable while resources are added after it (or, in a list of the
/// newest first, before it).
public struct CursorPaging {
    public struct Request {
        /// The `seq` to start from; 0 (no `seq` has it) for the first page.
        public var from: Int64
        public var limit: Int
    }

    /// What a cursor evalmock never issued (not a `seq`, e.g. the SDK suites' base64
    /// `eyJvZmZzZXQiOjAsInBhZ2VJZCI6ImNvZGUifQ`) gets: a 400 naming the cursor, or, in
    /// `--lenient`, the first page, as if the service had issued it for the start.
    public let lenient: Bool

    public init(lenient: Bool = false) {
        self.lenient = lenient
    }

    /// The cursor and limit of a request; the limit's default is the document's, filled in by
    /// the validator.
    public func request(_ context: OperationContext) throws -> Request {
        var from: Int64 = 0
        if case .string(let text)? = context.input.query["cursor"] {
            if let parsed = Int64(text), parsed >= 0 {
                from = parsed
            } else if !lenient {
                throw OperationError.invalid([
                    ValidationIssue(
                        location: [.key("query"), .key("cursor")],
                        kind: .formatMismatch(format: "cursor returned as nextCursor"), input: .string(text))
                ])
            }
        }
        return Request(from: from, limit: try context.queryInteger("limit"))
    }

    public func envelope(_ data: [JSONValue], page: ResourceStore.Page) -> JSONValue {
        .object([
            "data": .array(data),
            "nextCursor": page.next.map { .string(String($0)) } ?? .null,
            "hasMore": .bool(page.next != nil),
            "total": .int(page.total),
        ])
    }
}
