import DequeModule
import Foundation

/// Every request to an emulated endpoint, as received and as answered, in the main database.
///
/// Bounded: past `limit` entries the oldest go (one range delete on the rowid, so the cost of a
/// write does not grow with the journal). `limit` 0 turns the journal off.
///
/// Entries are written lazily: a request only appends to an in-memory buffer that keeps the
/// newest `limit` entries, and the buffer is written in one transaction before any read or
/// clearing of the journal, when the server stops, and when it holds more than
/// `bufferByteLimit` bytes. Entries the limit would evict anyway are then never written: under
/// a load of creates, writing every entry cost 30 % of throughput (`bench/run`, journal on
/// versus `--journal-limit 0`), a commit per entry more still (`bench/journal_creates.py`). The
/// journal is an observation, not accepted data, so a `kill -9` may lose the entries not yet
/// written, never an API's data.
///
/// Large entries (`writeThroughBytes`) are the exception: each is written with its request.
/// Buffered, a 1,000-item Scale GP batch's entry (128 KiB of bodies) filled the buffer every
/// ~128 batches, and that one batch waited for a 16 MiB write: the batches' p99 went from
/// ~30 to ~55 ms. Ids are given here, in arrival order, so entries written at once and entries
/// written later still read back in the order they came.
final class RequestJournal {
    /// Bytes of bodies (plus a fixed allowance per entry) the buffer holds before it is written.
    static let bufferByteLimit = 16 * 1024 * 1024

    /// Bodies are kept up to this many bytes each: enough for any SDK request a test asserts
    /// on, without a 16 MiB batch doubling the database.
    static let bodyLimit = 64 * 1024

    /// Entries of this size or more (bodies as kept, plus the allowance) are not buffered.
    static let writeThroughBytes = 32 * 1024

    /// A class, and immutable: the buffer holds an entry until it is written or evicted, and
    /// each copy of it as a struct (the request and response it held, every field of both)
    /// retained and released a dozen references.
    ///
    /// Only the part of a body the journal keeps is held: a 16 MiB batch must not stay in
    /// memory until the journal is written.
    final class Entry {
        let namespace: String
        let api: String?
        let method: String
        let path: String
        let rawQuery: String?
        let requestHeaders: HTTPHeaders
        let requestBody: [UInt8]
        /// nil when the connection was dropped on purpose.
        let status: Int?
        let responseHeaders: HTTPHeaders
        let responseBody: [UInt8]
        let durationMilliseconds: Double
        /// `prefer` or `rule <id>` when a test forced the answer.
        let forcedBy: String?
        /// The bodies as kept, plus a fixed allowance: what the entry counts against
        /// `bufferByteLimit` and `writeThroughBytes`.
        let size: Int

        init(
            namespace: String, api: String?, request: borrowing HTTPRequest, response: HTTPResponse?,
            durationMilliseconds: Double, forcedBy: String?
        ) {
            self.namespace = namespace
            self.api = api
            method = request.method
            path = request.path
            rawQuery = request.rawQuery
            requestHeaders = request.headers
            requestBody = Self.kept(request.body)
            status = response?.status
            responseHeaders = response?.headers ?? HTTPHeaders()
            responseBody = Self.kept(response?.body ?? [])
            self.durationMilliseconds = durationMilliseconds
            self.forcedBy = forcedBy
            size = requestBody.count + responseBody.count + 512
        }

        private static func kept(_ body: [UInt8]) -> [UInt8] {
            body.count > bodyLimit ? Array(body.prefix(bodyLimit)) : body
        }
    }

    struct Filter {
        var namespace: String
        var api: String?
        var method: String?
        /// SQLite GLOB: `*` any text, `?` one character.
        var pathGlob: String?
        var status: Int?
        var since: String?
        var until: String?
        var afterId: Int64 = 0
        var limit = 1000
    }

    private let database: SQLiteDatabase
    let limit: Int
    private let redaction: CredentialRedaction
    /// The time of each entry is written as text only if the entry is: under a load most are
    /// dropped by the limit before that.
    private var pending = Deque<(id: Int64, at: timespec, entry: Entry)>()
    private var pendingBytes = 0
    /// The id of the newest entry, written or not.
    private var newestId: Int64

    init(database: SQLiteDatabase, limit: Int, redaction: CredentialRedaction) throws {
        self.database = database
        self.limit = limit
        self.redaction = redaction
        newestId = try database.statement("SELECT MAX(id) FROM evalmock_journal").scalarInt() ?? 0
    }

    func record(_ entry: Entry) throws {
        guard limit > 0 else { return }
        newestId += 1
        if entry.size >= Self.writeThroughBytes {
            let id = newestId
            try database.transaction {
                try insert(entry, id: id, at: Timestamp.nowISO8601())
                try dropWrittenBeyondLimit()
            }
        } else {
            pending.append((newestId, Timestamp.instant(), entry))
            pendingBytes += entry.size
        }
        while let oldest = pending.first, oldest.id <= newestId - Int64(limit) {
            pending.removeFirst()
            pendingBytes -= oldest.entry.size
        }
        if pendingBytes > Self.bufferByteLimit { try flush() }
    }

    /// Commits the buffered entries and drops those beyond the limit.
    func flush() throws {
        guard !pending.isEmpty else { return }
        let batch = pending
        pending.removeAll(keepingCapacity: true)
        pendingBytes = 0
        try database.transaction {
            for (id, at, entry) in batch { try insert(entry, id: id, at: Timestamp.iso8601(at)) }
            try dropWrittenBeyondLimit()
        }
    }

    /// Keeps the newest `limit` entries: one range delete on the rowid.
    private func dropWrittenBeyondLimit() throws {
        guard newestId > Int64(limit) else { return }
        try database.statement("DELETE FROM evalmock_journal WHERE id <= ?").execute([.integer(newestId - Int64(limit))])
    }

    private func insert(_ entry: Entry, id: Int64, at: String) throws {
        try database.statement(
            """
            INSERT INTO evalmock_journal (id, at, namespace, api, method, path, query, request_headers, request_body,
                status, response_headers, response_body, duration_ms, forced_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        ).execute([
            .integer(id), .text(at), .text(entry.namespace), entry.api.map(SQLiteValue.text) ?? .null,
            .text(entry.method), .text(entry.path), entry.rawQuery.map(SQLiteValue.text) ?? .null,
            .text(JSONWriter.encodeString(redaction.headers(entry.requestHeaders))), Self.bodyText(entry.requestBody),
            entry.status.map { .integer(Int64($0)) } ?? .null,
            entry.status == nil ? .null : .text(JSONWriter.encodeString(redaction.headers(entry.responseHeaders))),
            entry.status == nil ? .null : Self.bodyText(entry.responseBody),
            .double(entry.durationMilliseconds), entry.forcedBy.map(SQLiteValue.text) ?? .null,
        ])
    }

    /// Matching entries, oldest first.
    func entries(_ filter: Filter) throws -> [JSONValue] {
        try flush()
        var entries: [JSONValue] = []
        // One statement for every filter: an absent filter is bound as NULL and matches all.
        try database.statement(
            """
            SELECT id, at, namespace, api, method, path, query, request_headers, request_body, status,
                response_headers, response_body, duration_ms, forced_by
            FROM evalmock_journal
            WHERE namespace = ? AND id > ?
              AND (?3 IS NULL OR api = ?3) AND (?4 IS NULL OR method = ?4) AND (?5 IS NULL OR path GLOB ?5)
              AND (?6 IS NULL OR status = ?6) AND (?7 IS NULL OR at >= ?7) AND (?8 IS NULL OR at <= ?8)
            ORDER BY id LIMIT ?9
            """
        ).query([
            .text(filter.namespace), .integer(filter.afterId),
            filter.api.map(SQLiteValue.text) ?? .null, filter.method.map(SQLiteValue.text) ?? .null,
            filter.pathGlob.map(SQLiteValue.text) ?? .null, filter.status.map { .integer(Int64($0)) } ?? .null,
            filter.since.map(SQLiteValue.text) ?? .null, filter.until.map(SQLiteValue.text) ?? .null,
            .integer(Int64(filter.limit)),
        ]) { row in
            entries.append(
                .object([
                    "id": .number(JSONNumber(lexeme: String(row.int(0)))),
                    "at": .string(row.text(1) ?? ""),
                    "namespace": .string(row.text(2) ?? ""),
                    "api": row.text(3).map(JSONValue.string) ?? .null,
                    "method": .string(row.text(4) ?? ""),
                    "path": .string(row.text(5) ?? ""),
                    "query": row.text(6).map(JSONValue.string) ?? .null,
                    "requestHeaders": Self.parsed(row.text(7)),
                    "requestBody": row.text(8).map(JSONValue.string) ?? .null,
                    "status": row.isNull(9) ? .null : .int(Int(row.int(9))),
                    "responseHeaders": Self.parsed(row.text(10)),
                    "responseBody": row.text(11).map(JSONValue.string) ?? .null,
                    "durationMs": .number(JSONNumber(lexeme: FixedPointText.text(row.double(12), digits: 3))),
                    "forcedBy": row.text(13).map(JSONValue.string) ?? .null,
                ]))
        }
        return entries
    }

    func clear(namespace: String) throws {
        try flush()
        try database.statement("DELETE FROM evalmock_journal WHERE namespace = ?").execute([.text(namespace)])
    }

    private static func bodyText(_ body: [UInt8]) -> SQLiteValue {
        if body.isEmpty { return .null }
        return .text(String(decoding: body.prefix(bodyLimit), as: UTF8.self))
    }

    private static func parsed(_ text: String?) -> JSONValue {
        guard let text, let value = try? JSONParser.parse(text) else { return .null }
        return value
    }
}
