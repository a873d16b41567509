import EvalmockKit

/// `calls_query`: the project's calls narrowed by the request's `filter`, matched against its
/// `query`, ordered by `sort_by` and paged, each rendered as `CallSchema`.
///
/// Id lists go to SQL; the rest is evaluated over the decoded calls (the query language of
/// `WeaveQueryExpression`), which stays fast for the thousands of calls of an evaluation.
struct WeaveCallReader {
    let calls: WeaveCallStore
    let feedback: WeaveFeedbackStore

    struct Request {
        var projectId: String
        var filter: JSONValue?
        var query: WeaveQueryExpression?
        /// nil: the default order (`started_at`, then `id`); an empty list: insertion order.
        var sortBy: WeaveSortOrder?
        var limit: Int?
        var offset: Int?
        var includeFeedback = false
        var columns: [String]?
        /// A condition of evalmock's own, for the v2 routes' views (`attributes.weave` markers).
        var matching: ((WeaveCall) -> Bool)?
    }

    /// The filters the server caps at 1,000 values each (`assert_parameter_length_less_than_max`).
    private static let cappedFilters = [
        "op_names", "input_refs", "output_refs", "parent_ids", "trace_ids", "call_ids", "thread_ids", "turn_ids",
    ]

    func read(_ request: Request) throws -> [(call: WeaveCall, schema: JSONValue.JSONObject)] {
        let filter = request.filter?.nonNull ?? .object([:])
        for name in Self.cappedFilters {
            if let count = filter[name]?.arrayValue?.count, count > 1000 {
                throw WeaveTraceServerError.invalidRequest(
                    "Parameter: '\(name)' request length is greater than max length (1000). Actual length: \(count)")
            }
        }
        func list(_ name: String) -> [String]? {
            // `if filter.call_ids:` — an empty list is no filter.
            guard let values = filter[name]?.arrayValue?.compactMap(\.stringValue), !values.isEmpty else { return nil }
            return values
        }
        let narrowing = WeaveCallStore.Narrowing(
            callIds: list("call_ids"), parentIds: list("parent_ids"), traceIds: list("trace_ids"),
            rootsOnly: filter["trace_roots_only"] == .bool(true))
        var rows = try calls.calls(projectId: request.projectId, narrowing: narrowing)

        if let names = list("op_names") {
            let matches = Self.matcher(names)
            rows = rows.filter { matches($0.opName ?? "") }
        }
        // The refs a call's inputs (or output) hold, each matched whole or, with `:*`, by
        // name: ClickHouse's `hasAny(input_refs, …)` and its prefix test.
        let holders: [(String, (WeaveCall) -> JSONValue)] = [("input_refs", { $0.inputs }), ("output_refs", { $0.output ?? .null })]
        for (name, value) in holders {
            guard let wanted = list(name) else { continue }
            let matches = Self.matcher(wanted)
            rows = rows.filter { call in
                var refs: [String] = []
                WeaveCallSchema.refs(in: value(call), into: &refs)
                return refs.contains(where: matches)
            }
        }
        for (name, value) in [("wb_user_ids", \WeaveCall.wbUserId), ("wb_run_ids", \WeaveCall.wbRunId)] {
            guard let wanted = list(name).map(Set.init) else { continue }
            rows = rows.filter { call in call[keyPath: value].map(wanted.contains) ?? false }
        }
        // `if filter.thread_ids is not None:` (and turn_ids) — an empty list matches nothing.
        for (name, value) in [("thread_ids", \WeaveCall.threadId), ("turn_ids", \WeaveCall.turnId)] {
            guard let values = filter[name]?.arrayValue else { continue }
            let wanted = Set(values.compactMap(\.stringValue))
            rows = rows.filter { call in call[keyPath: value].map(wanted.contains) ?? false }
        }
        if let matching = request.matching { rows = rows.filter(matching) }

        let sortBy =
            request.sortBy ?? WeaveSortOrder(keys: [.init(field: "started_at", descending: false), .init(field: "id", descending: false)])
        let paths = (request.query?.fieldPaths ?? []) + sortBy.keys.map(\.field)
        // Feedback is read when the caller asks for it or a field names it.
        let needsFeedback = request.includeFeedback || paths.contains { $0.hasPrefix("feedback.") }
        var feedbackByCall: [String: [WeaveFeedback]] = [:]
        if needsFeedback {
            let prefix = WeaveCallSchema.ref(projectId: request.projectId, callId: "")
            for item in try feedback.feedback(projectId: request.projectId) where item.weaveRef.hasPrefix(prefix) {
                feedbackByCall[String(item.weaveRef.dropFirst(prefix.count)), default: []].append(item)
            }
        }

        func resolve(_ call: WeaveCall, _ path: String) -> JSONValue? {
            Self.field(path, of: call, feedback: feedbackByCall[call.id] ?? [])
        }
        if let query = request.query {
            rows = rows.filter { call in query.matches { resolve(call, $0) } }
        }
        // The ClickHouse server adds `id` ascending after sort fields that lack it (its SQLite
        // server orders ties otherwise; the hosted server is the one clients meet).
        var keys = sortBy.keys
        if !keys.isEmpty, !keys.contains(where: { $0.field == "id" }) {
            keys.append(.init(field: "id", descending: false))
        }
        rows = WeaveSortOrder(keys: keys).sorted(rows, resolve)

        let offset = max(0, request.offset ?? 0)
        // `limit = req.limit or -1`: none or 0 is no limit.
        let limit = request.limit.flatMap { $0 > 0 ? $0 : nil }
        var page = rows.dropFirst(offset)
        if let limit { page = page.prefix(limit) }
        // Only the page is rendered: a query over thousands of calls returns a few.
        return page.map { call in
            var schema = WeaveCallSchema.render(call, feedback: request.includeFeedback ? feedbackByCall[call.id] ?? [] : nil)
            if let columns = request.columns, !columns.isEmpty { schema = Self.selecting(columns, from: schema) }
            return (call, schema)
        }
    }

    /// Whether a name or ref is one of `values`, where `…/name:*` stands for any version
    /// (`WILDCARD_ARTIFACT_VERSION_AND_PATH`): a prefix up to and with the colon.
    private static func matcher(_ values: [String]) -> (String) -> Bool {
        let exact = Set(values.filter { !$0.hasSuffix(":*") })
        let prefixes = values.filter { $0.hasSuffix(":*") }.map { String($0.dropLast()) }
        return { candidate in exact.contains(candidate) || prefixes.contains { candidate.hasPrefix($0) } }
    }

    /// A `$getField` path over a call: a column, a dotted path into `inputs`, `output`,
    /// `attributes` or the derived `summary`, or `feedback.[<type>].<path>` into the call's
    /// first feedback of that type. Times are seconds since the epoch, so that they compare
    /// and sort as times.
    static func field(_ path: String, of call: WeaveCall, feedback: [WeaveFeedback]) -> JSONValue? {
        switch path {
        case "started_at": return call.startedAt.map { .number(JSONNumber(Double($0.microseconds) / 1_000_000)) }
        case "ended_at": return call.endedAt.map { .number(JSONNumber(Double($0.microseconds) / 1_000_000)) }
        default: break
        }
        if path.hasPrefix("feedback.["), let close = path.firstIndex(of: "]") {
            let type = String(path[path.index(path.startIndex, offsetBy: "feedback.[".count)..<close])
            let rest = path[path.index(after: close)...].drop { $0 == "." }
            guard let item = feedback.first(where: { $0.feedbackType == type }) else { return nil }
            return rest.isEmpty ? .object(item.row) : item.field(String(rest))
        }
        let parts = path.split(separator: ".", omittingEmptySubsequences: false)
        guard let column = parts.first, let value = WeaveCallSchema.column(String(column), of: call, feedback: nil) else { return nil }
        return value.at(path: parts.dropFirst())
    }

    /// `columns`: the named top-level fields and the ones the server always selects; `summary`
    /// brings the fields its derivation reads. The others read as their defaults.
    private static func selecting(_ columns: [String], from schema: JSONValue.JSONObject) -> JSONValue.JSONObject {
        var keep = Set(columns.map { String($0.split(separator: ".", maxSplits: 1).first ?? "") })
        keep.formUnion(["id", "trace_id", "project_id", "op_name", "started_at"])
        if keep.contains("summary") { keep.formUnion(["ended_at", "exception", "display_name"]) }
        keep.insert("summary")
        var selected = schema
        for (key, _) in schema where !keep.contains(key) {
            selected[key] = key == "attributes" || key == "inputs" ? .object([:]) : .null
        }
        return selected
    }
}
