import EvalmockKit

/// Read, list by evaluation run, and delete: the same for every kind of call the v2 routes
/// expose as its own resource (predictions, scores; evaluation runs for read and delete); only
/// the marker, the names the request uses and the rendering differ. Each is a view of the one
/// call table: a listed prediction is a call whose `attributes.weave.prediction` is `"true"`,
/// in the calls query's default order (`started_at`, then `id`).
struct WeaveCallQueries {
    let reader: WeaveCallReader
    /// The `attributes.weave` key the server marks these calls with: `prediction`, `score`,
    /// `evaluation_run`.
    let marker: String
    /// As the server's 404 names it: `Prediction`, `Score`, `Evaluation run`.
    let label: String
    /// The path parameter of one call (`prediction_id`) and the query of a delete (`prediction_ids`).
    let idParameter: String
    let idsParameter: String
    let render: (WeaveCall) -> JSONValue

    var store: WeaveCallStore { reader.calls }

    func read(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs(pathParameters: [idParameter])
        let id = request.context.pathParameter(idParameter)
        guard let call = try store.call(projectId: request.projectId, id: id), call.isMarked(marker) else {
            throw WeaveTraceServerError.notFound("\(label) \(id) not found")
        }
        return .json(200, render(call))
    }

    func list(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        // `if req.evaluation_run_id:` — an empty filter is no filter.
        let runId = request.string("evaluation_run_id").flatMap { $0.isEmpty ? nil : $0 }
        return try list(request) { call in runId == nil || call.weaveAttribute("evaluation_run_id") == runId.map(JSONValue.string) }
    }

    /// The marked calls that also satisfy `matching`, paged by the request's limit and offset.
    func list(_ request: WeaveRequest, matching: @escaping (WeaveCall) -> Bool) throws -> HTTPResponse {
        let marker = marker
        let found = try reader.read(
            .init(
                projectId: request.projectId, limit: request.integer("limit"), offset: request.integer("offset"),
                matching: { $0.isMarked(marker) && matching($0) }))
        return WeaveResponses.jsonLines(found.map { render($0.call) })
    }

    func delete(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        let deleted = try store.deleteWithDescendants(projectId: request.projectId, ids: try request.idsToDelete(idsParameter))
        return .json(200, .object(["num_deleted": .int(deleted)]))
    }
}
