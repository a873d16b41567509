import EvalmockKit

/// Files: `file/create` (a multipart form: `project_id`, `file`, optional `expected_digest`)
/// and `file/content` (the bytes back, raw). A file is stored once per project by the digest
/// of its bytes.
struct WeaveFileHandlers {
    let store: WeaveObjectStore

    func create(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        let projectId = request.bodyString("project_id") ?? ""
        let upload = request.context.input.files["file"]
        let content = upload?.content ?? []
        let digest = WeaveDigest.bytes(content)
        try WeaveDigestCheck.expect(request.bodyString("expected_digest"), actual: digest, label: "file")
        try store.insertFile(projectId: projectId, digest: digest, name: upload?.filename, content: content)
        return .json(200, .object(["digest": .string(digest)]))
    }

    func content(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        let digest = request.bodyString("digest") ?? ""
        guard let content = try store.file(projectId: request.bodyString("project_id") ?? "", digest: digest) else {
            throw WeaveTraceServerError.notFound("File \(digest) not found")
        }
        var headers = HTTPHeaders()
        headers.set("Content-Type", "application/octet-stream")
        return HTTPResponse(status: 200, headers: headers, body: content)
    }
}
