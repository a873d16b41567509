import EvalmockKit
import Foundation

/// Attachments: files of a session, uploaded to a signed URL and then committed.
///
/// The service keeps the bytes in object storage behind signed URLs; evalmock is that storage
/// too, so the flow works offline. Its two routes are raw routes of the API (not in the
/// document), under the prefix the request came in on, on the host its `Host` header names:
/// `PUT {prefix}/evalmock-storage/uploads/{token}` takes the bytes, and
/// `GET {prefix}/evalmock-storage/downloads/{token}` answers them with the committed content
/// type. As with signed URLs, the unguessable token (128 random bits) is the only credential.
///
/// The bytes are stored in SQLite with the attachment, as base64 in two children of it in the
/// resource table: `attachmentUpload` (the upload in progress, its id the upload token, with
/// what the initiate declared) and `attachmentContent` (the committed bytes, its id the download
/// token). They survive restarts, go into exports, and go with the attachment when it is deleted.
///
/// Rules where the document is silent:
/// - An attachment is named by (sessionId, filePath): re-initiating answers the same id. With the
///   committed content's sha256 and size it answers `alreadyExists: true` and changes nothing;
///   otherwise it starts a new upload (a new URL; an earlier unfinished one stops working).
/// - A commit checks the uploaded bytes against the sizeBytes and sha256 the initiate declared: no
///   bytes yet, or others, is a 400 `ApiError` and nothing changes (PUT again, commit again). It
///   then sets contentType, sizeBytes, sha256, uploadedAt and status `uploaded`, and the filename
///   and metadata of that initiate where it gave them. A commit with no upload in progress (an
///   already-committed attachment) answers the attachment unchanged.
/// - A new attachment has its filename and metadata from the first initiate, before any commit.
/// - Upload and download URLs say they expire an hour after they are issued (`expiresAt`,
///   `downloadExpiresAt`); evalmock does not enforce it. An upload URL works until its upload
///   is committed or replaced, a download URL while its content is the attachment's current one.
/// - Lists by session are in creation order; an unknown id is a 404, also for delete.
/// - The storage routes do not see `X-Evalmock-Namespace` unless the client sends it to them too.
enum ScorecardAttachments {
    static let uploadsPath = "/evalmock-storage/uploads"
    static let downloadsPath = "/evalmock-storage/downloads"
    /// How long the URLs say they are valid.
    static let urlLifetimeSeconds = 3600

    static func declare(_ resources: ResourceCollection) throws -> [String: OperationHandler] {
        try resources.declare(
            ResourceKind(
                name: "attachment", label: "Attachment", schema: "Attachment", idParameter: "attachmentId", ids: .uuid,
                operations: .init(delete: "deleteAttachment")))
        return [
            "initiateAttachment": { try initiate(resources, $0) },
            "commitAttachment": { try commit(resources, $0) },
            "getAttachment": { try get(resources, $0) },
            "listSessionAttachments": { try list(resources, $0) },
        ]
    }

    /// The object-storage side: where `uploadUrl` and `downloadUrl` point.
    static func storageRoutes(_ resources: ResourceCollection) -> [RawRoute] {
        [
            RawRoute(method: "PUT", template: uploadsPath + "/{token}") { try upload(resources, $0) },
            RawRoute(method: "GET", template: downloadsPath + "/{token}") { try download(resources, $0) },
        ]
    }

    // MARK: - Operations

    private static func initiate(_ resources: ResourceCollection, _ context: OperationContext) throws -> HTTPResponse {
        let body = context.body
        let sha256 = body["sha256"]?.stringValue ?? ""
        let sizeBytes = body["sizeBytes"] ?? .int(0)
        let answer = try resources.store.database.transaction { () throws -> JSONValue.JSONObject in
            let key = JSONWriter.encodeString(.array([body["sessionId"] ?? .null, body["filePath"] ?? .null]))
            let existing = try resources.store.find(kind: "attachment", parentId: nil, key: key)
            if let existing, existing.document["sha256"]?.stringValue == sha256, existing.document["sizeBytes"] == sizeBytes {
                return ["id": .string(existing.id), "alreadyExists": true, "uploadUrl": .null, "uploadMethod": .null, "expiresAt": .null]
            }
            let attachment =
                try existing
                ?? {
                    var draft = resources.draft(
                        context, of: resources.kind("attachment"),
                        document: [
                            "sessionId": body["sessionId"] ?? .null, "filePath": body["filePath"] ?? .null,
                            "filename": body["filename"] ?? .null, "contentType": .null, "sizeBytes": .null, "sha256": .null,
                            "status": "pending", "uploadedAt": .null, "metadata": body["metadata"] ?? .null,
                        ])
                    draft.key = key
                    return try resources.insert(draft, as: resources.kind("attachment"))
                }()
            if let previous = try resources.store.find(kind: "attachmentUpload", parentId: attachment.id, key: "upload") {
                try resources.store.delete(kind: "attachmentUpload", id: previous.id)
            }
            let token = unguessableToken()
            let expiresAt = Timestamp.nowISO8601(plusSeconds: urlLifetimeSeconds)
            var declared: JSONValue.JSONObject = [
                "sha256": .string(sha256), "sizeBytes": sizeBytes,
                "contentType": body["contentType"] ?? .null, "expiresAt": .string(expiresAt),
            ]
            for member in ["filename", "metadata"] { if let value = body[member] { declared[member] = value } }
            try resources.store.insert(
                kind: "attachmentUpload", id: token, parent: ("attachment", attachment.id), key: "upload", document: declared)
            return [
                "id": .string(attachment.id), "alreadyExists": false,
                "uploadUrl": .string(url(context.request, context.mountPrefix, uploadsPath, token)),
                "uploadMethod": "PUT", "expiresAt": .string(expiresAt),
            ]
        }
        return .json(201, .object(answer))
    }

    private enum CommitOutcome {
        case committed(ResourceStore.Stored)
        case refused(problem: String, member: String)
    }

    private static func commit(_ resources: ResourceCollection, _ context: OperationContext) throws -> HTTPResponse {
        let store = resources.store
        let outcome = try store.database.transaction { () throws -> CommitOutcome in
            var attachment = try resources.resolve("attachment", id: context.pathParameter("attachmentId"))
            guard let upload = try store.find(kind: "attachmentUpload", parentId: attachment.id, key: "upload") else {
                return .committed(attachment)
            }
            guard let encoded = upload.document["content"]?.stringValue, let bytes = Data(base64Encoded: encoded) else {
                return .refused(problem: "no bytes were uploaded to the uploadUrl of this attachment", member: "content")
            }
            if case .number(let declared)? = upload.document["sizeBytes"], declared.intValue != bytes.count {
                return .refused(
                    problem: "the uploaded content has \(bytes.count) bytes, not the declared \(declared.lexeme)", member: "sizeBytes")
            }
            let digest = SHA256.hex(Array(bytes))
            if let declared = upload.document["sha256"]?.stringValue, declared != digest {
                return .refused(problem: "the uploaded content's sha256 is \(digest), not the declared \(declared)", member: "sha256")
            }
            if let previous = try store.find(kind: "attachmentContent", parentId: attachment.id, key: "content") {
                try store.delete(kind: "attachmentContent", id: previous.id)
            }
            try store.insert(
                kind: "attachmentContent", id: unguessableToken(), parent: ("attachment", attachment.id), key: "content",
                document: ["content": .string(encoded)])
            try store.delete(kind: "attachmentUpload", id: upload.id)
            for member in ["filename", "contentType", "sizeBytes", "sha256", "metadata"] {
                if let value = upload.document[member] { attachment.document[member] = value }
            }
            attachment.document["status"] = "uploaded"
            attachment.document["uploadedAt"] = .string(Timestamp.nowISO8601())
            attachment.document = resources.ordered(attachment.document, as: resources.kind("attachment"))
            try store.update(attachment)
            return .committed(attachment)
        }
        switch outcome {
        case .committed(let attachment):
            return .json(200, .object(try resources.render(attachment)))
        case .refused(let problem, let member):
            // Rendered as every invalid request: 400 `BAD_REQUEST`, `{path: member, in: "upload"}`.
            throw OperationError.invalid([
                ValidationIssue(location: [.key("upload"), .key(member)], kind: .brokenRule(problem), input: nil)
            ])
        }
    }

    /// The attachment with a download URL for its committed content (null before a commit).
    private static func get(_ resources: ResourceCollection, _ context: OperationContext) throws -> HTTPResponse {
        let attachment = try resources.resolve("attachment", id: context.pathParameter("attachmentId"))
        var object = try resources.render(attachment)
        if let content = try resources.store.find(kind: "attachmentContent", parentId: attachment.id, key: "content") {
            object["downloadUrl"] = .string(url(context.request, context.mountPrefix, downloadsPath, content.id))
            object["downloadExpiresAt"] = .string(Timestamp.nowISO8601(plusSeconds: urlLifetimeSeconds))
        } else {
            object["downloadUrl"] = .null
            object["downloadExpiresAt"] = .null
        }
        return .json(200, .object(object))
    }

    /// The session's committed attachments, paged by creation order.
    private static func list(_ resources: ResourceCollection, _ context: OperationContext) throws -> HTTPResponse {
        let paging = CursorPaging(lenient: resources.lenient)
        let request = try paging.request(context)
        let committed = try resources.store.matching(kind: "attachment", member: "sessionId", value: context.pathParameter("sessionId"))
            .filter { $0.document["status"]?.stringValue == "uploaded" }
        var page = ResourceStore.Page(
            resources: Array(committed.filter { $0.seq >= request.from }.prefix(request.limit + 1)),
            next: nil, total: committed.count)
        if page.resources.count > request.limit {
            page.next = page.resources.removeLast().seq
        }
        return .json(200, paging.envelope(try page.resources.map { .object(try resources.render($0)) }, page: page))
    }

    // MARK: - Storage routes

    /// The bytes of an upload in progress; a second PUT replaces the first, as in object storage.
    private static func upload(_ resources: ResourceCollection, _ context: RawRoute.Context) throws -> HTTPResponse {
        let token = context.pathParameters["token"] ?? ""
        try resources.store.database.transaction {
            guard var upload = try resources.store.find(kind: "attachmentUpload", id: token) else {
                throw OperationError.notFound(resource: "Upload", id: token)
            }
            upload.document["content"] = .string(Data(context.request.body).base64EncodedString())
            try resources.store.update(upload)
        }
        return HTTPResponse(status: 200)
    }

    private static func download(_ resources: ResourceCollection, _ context: RawRoute.Context) throws -> HTTPResponse {
        let token = context.pathParameters["token"] ?? ""
        guard let content = try resources.store.find(kind: "attachmentContent", id: token),
            let attachmentId = content.parentId, let attachment = try resources.store.find(kind: "attachment", id: attachmentId),
            let bytes = content.document["content"]?.stringValue.flatMap({ Data(base64Encoded: $0) })
        else {
            throw OperationError.notFound(resource: "Download", id: token)
        }
        var headers = HTTPHeaders()
        headers.set("Content-Type", attachment.document["contentType"]?.stringValue ?? "application/octet-stream")
        return HTTPResponse(status: 200, headers: headers, body: Array(bytes))
    }

    // MARK: - URLs

    /// An absolute URL on the host the client reached (its `Host` header) under the same
    /// prefix; without a `Host` header, a URL relative to the server's root.
    private static func url(_ request: HTTPRequest, _ prefix: String, _ path: String, _ token: String) -> String {
        let location = prefix + path + "/" + token
        guard let host = request.headers["Host"], !host.isEmpty else { return location }
        let scheme = request.headers["X-Forwarded-Proto"] == "https" ? "https" : "http"
        return "\(scheme)://\(host)\(location)"
    }

    /// 128 bits from the system's secure generator, as 32 hex digits.
    private static func unguessableToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let digits = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }.joined()
    }
}
