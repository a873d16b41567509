import EvalmockKit
import Foundation

/// Tables: `table/create`, `table/create_from_digests`, `table/update`, `table/query`,
/// `table/query_stats(_batch)`. A table is its ordered row digests; rows are stored once per
/// project by digest and shared by every table holding them.
struct WeaveTableHandlers {
    let store: WeaveObjectStore

    func create(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        let table = request.body["table"] ?? .null
        let projectId = table["project_id"]?.stringValue ?? ""
        let rows = try (table["rows"]?.arrayValue ?? []).map(Self.storedRow)
        let rowDigests = rows.map(\.digest)
        let digest = WeaveDigest.table(rowDigests: rowDigests)
        try WeaveDigestCheck.expect(table["expected_digest"]?.stringValue, actual: digest, label: "table (\(rows.count) rows)")
        try store.insertTable(projectId: projectId, digest: digest, rowDigests: rowDigests, newRows: rows)
        return .json(200, .object(["digest": .string(digest), "row_digests": .array(rowDigests.map(JSONValue.string))]))
    }

    /// A table over rows stored before (the chunked upload of a large table); the server does
    /// not check that they exist.
    func createFromDigests(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        let projectId = request.bodyString("project_id") ?? ""
        let rowDigests = request.body["row_digests"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let digest = WeaveDigest.table(rowDigests: rowDigests)
        try WeaveDigestCheck.expect(request.bodyString("expected_digest"), actual: digest, label: "table (\(rowDigests.count) rows)")
        try store.insertTable(projectId: projectId, digest: digest, rowDigests: rowDigests, newRows: [])
        return .json(200, .object(["digest": .string(digest)]))
    }

    /// Applies appends, pops and inserts to a copy of the base table, in order. An index out of
    /// range is a `ValueError` (400); a base table the project does not have fails reading its
    /// first result row (`IndexError`, 500). Nothing is stored unless every update applies.
    func update(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        let projectId = request.bodyString("project_id") ?? ""
        guard var rowDigests = try store.rowDigests(projectId: projectId, table: request.bodyString("base_digest") ?? "") else {
            throw WeaveTraceServerError.unregistered
        }
        var newRows: [(digest: String, text: String)] = []
        var updated: [String] = []
        for update in request.body["updates"]?.arrayValue ?? [] {
            if let row = update["append"]?["row"] {
                let stored = try Self.storedRow(row)
                newRows.append(stored)
                rowDigests.append(stored.digest)
                updated.append(stored.digest)
            } else if let index = update["pop"]?["index"].flatMap(PydanticLaxCoercion.integer) {
                guard index >= 0 && index < rowDigests.count else { throw WeaveTraceServerError.invalidRequest("Index out of range") }
                updated.append(rowDigests.remove(at: index))
            } else if let insert = update["insert"], let index = insert["index"].flatMap(PydanticLaxCoercion.integer) {
                guard index >= 0 && index <= rowDigests.count else { throw WeaveTraceServerError.invalidRequest("Index out of range") }
                let stored = try Self.storedRow(insert["row"] ?? .null)
                newRows.append(stored)
                rowDigests.insert(stored.digest, at: index)
                updated.append(stored.digest)
            }
        }
        let digest = WeaveDigest.table(rowDigests: rowDigests)
        try store.insertTable(projectId: projectId, digest: digest, rowDigests: rowDigests, newRows: newRows)
        return .json(200, .object(["digest": .string(digest), "updated_row_digests": .array(updated.map(JSONValue.string))]))
    }

    /// Rows in table order with their `original_index`, filtered by row digest, sorted by
    /// fields of the row values, then paged. A table the project does not have has no rows.
    func query(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        let projectId = request.bodyString("project_id") ?? ""
        let rowDigests = try store.rowDigests(projectId: projectId, table: request.bodyString("digest") ?? "") ?? []
        let wanted = request.body["filter"]?["row_digests"]?.arrayValue.map { Set($0.compactMap(\.stringValue)) }.flatMap {
            $0.isEmpty ? nil : $0
        }
        let values = try store.rows(projectId: projectId, digests: rowDigests)
        var rows: [(index: Int, digest: String, val: JSONValue)] = []
        for (index, digest) in rowDigests.enumerated() {
            guard let val = values[digest], wanted?.contains(digest) ?? true else { continue }
            rows.append((index, digest, val))
        }
        let terms = try (request.body["sort_by"]?.arrayValue ?? []).map(Self.sortTerm)
        if !terms.isEmpty {
            rows = WeaveSorting.stable(
                rows,
                by: terms.map { term in
                    { a, b in
                        let order = WeaveRowOrder.compare(a.val.path(term.path), b.val.path(term.path))
                        return order == .orderedSame ? nil : (order == .orderedAscending) != term.descending
                    }
                })
        }
        rows = WeaveSorting.page(
            rows, limit: request.body["limit"]?.nonNull.flatMap(PydanticLaxCoercion.integer),
            offset: request.body["offset"]?.nonNull.flatMap(PydanticLaxCoercion.integer))
        return .json(
            200,
            .object([
                "rows": .array(
                    rows.map { row in
                        .object(["digest": .string(row.digest), "val": row.val, "original_index": .int(row.index)])
                    })
            ]))
    }

    /// The row count of one table; 0 for a table the project does not have.
    func queryStats(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        let rowDigests = try store.rowDigests(projectId: request.bodyString("project_id") ?? "", table: request.bodyString("digest") ?? "")
        return .json(200, .object(["count": .int(rowDigests?.count ?? 0)]))
    }

    /// One entry per named table the project has (unknown digests are left out), with the
    /// size of its rows' JSON (`json.dumps` of each) when asked.
    func queryStatsBatch(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        let projectId = request.bodyString("project_id") ?? ""
        let withSize = request.body["include_storage_size"]?.boolValue ?? false
        var tables: [JSONValue] = []
        for digest in request.body["digests"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            guard let rowDigests = try store.rowDigests(projectId: projectId, table: digest) else { continue }
            var entry: JSONValue.JSONObject = ["count": .int(rowDigests.count), "digest": .string(digest), "storage_size_bytes": .null]
            if withSize {
                let values = try store.rows(projectId: projectId, digests: rowDigests)
                entry["storage_size_bytes"] = .int(
                    rowDigests.reduce(0) { total, digest in
                        total + (values[digest].map { PythonJSONDumps.dumps($0, sortKeys: false).utf8.count } ?? 0)
                    })
            }
            tables.append(.object(entry))
        }
        return .json(200, .object(["tables": .array(tables)]))
    }

    /// A row as the server stores it: its digest, and `json.dumps` of it. The request models
    /// declare rows as objects, so validation refuses any other row first (FastAPI's 422); the
    /// server's own check behind it is a `TypeError`, which its error registry does not know.
    static func storedRow(_ row: JSONValue) throws(WeaveTraceServerError) -> (digest: String, text: String) {
        guard case .object = row else { throw .unregistered }
        return (WeaveDigest.value(row), PythonJSONDumps.dumps(row, sortKeys: false))
    }

    /// A sort field: a dotted path into the row value, checked as the server checks it.
    private static func sortTerm(_ sort: JSONValue) throws(WeaveTraceServerError) -> (path: [String], descending: Bool) {
        let field = sort["field"]?.stringValue ?? ""
        if field.trimmingWhitespace().isEmpty { throw .invalidRequest("Sort field cannot be empty") }
        if field.hasPrefix(".") || field.hasSuffix(".") || field.contains("..") {
            throw .invalidRequest("Invalid sort field '\(field)': field names cannot start/end with dots or contain consecutive dots")
        }
        let path = field.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if path.contains(where: { $0.trimmingWhitespace().isEmpty }) {
            throw .invalidRequest("Invalid sort field '\(field)': field path components cannot be empty")
        }
        return (path, sort["direction"]?.stringValue == "desc")
    }
}

/// How the server's SQL orders row values by `json_extract`: missing and null first, then
/// numbers (booleans as 0 and 1), then text (objects and arrays as their JSON text).
enum WeaveRowOrder {
    static func compare(_ a: JSONValue?, _ b: JSONValue?) -> ComparisonResult {
        let (rankA, rankB) = (rank(a), rank(b))
        if rankA != rankB { return rankA < rankB ? .orderedAscending : .orderedDescending }
        switch rankA {
        case 1:
            let (x, y) = (number(a), number(b))
            return x == y ? .orderedSame : (x < y ? .orderedAscending : .orderedDescending)
        case 2:
            let (x, y) = (text(a), text(b))
            return x == y ? .orderedSame : (WeaveObjectHandlers.codePointOrder(x, y) ? .orderedAscending : .orderedDescending)
        default:
            return .orderedSame
        }
    }

    private static func rank(_ value: JSONValue?) -> Int {
        switch value {
        case nil, .null?: return 0
        case .bool?, .number?: return 1
        default: return 2
        }
    }

    private static func number(_ value: JSONValue?) -> Double {
        switch value {
        case .bool(let flag)?: return flag ? 1 : 0
        case .number(let number)?: return number.doubleValue
        default: return 0
        }
    }

    private static func text(_ value: JSONValue?) -> String {
        if case .string(let text)? = value { return text }
        return value.map(JSONWriter.encodeString) ?? ""
    }
}

extension JSONValue {
    /// The value at a path of object keys, nil where one is missing.
    func path(_ keys: [String]) -> JSONValue? {
        var current: JSONValue? = self
        for key in keys { current = current?[key] }
        return current
    }
}
