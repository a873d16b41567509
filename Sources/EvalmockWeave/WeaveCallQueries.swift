import EvalmockKit
/// Read, list by evaluation run, and delete: the same for every kind of call the v2 routes
/// expose as its own resource (predictions, scores; evaluation runs for read and delete); only
/// the kind, the names the request uses and the rendering differ.
struct WeaveCallQueries {
    let store: WeaveCallStore
    let kind: WeaveCall.Kind
    /// As the server's 404 names it: `Prediction`, `Score`, `Evaluation run`.
    let label: String
    /// The path parameter of one call (`prediction_id`) and the query of a delete (`prediction_ids`).
    let idParameter: String
    let idsParameter: String
    let render: (WeaveCall) -> JSONValue

    func read(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs(pathParameters: [idParameter])
        let id = request.context.pathParameter(idParameter)
        guard let call = try store.call(projectId: request.projectId, id: id), call.kind == kind else {
            throw WeaveTraceServerError.notFound("\(label) \(id) not found")
        }
        return .json(200, render(call))
    }

    func list(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        // `if req.evaluation_run_id:` — an empty filter is no filter.
        let runId = request.string("evaluation_run_id").flatMap { $0.isEmpty ? nil : $0 }
        let calls = try store.list(projectId: request.projectId, kind: kind, filter: .init(evaluationRunId: runId),
                                   limit: request.integer("limit"), offset: request.integer("offset"))
        return WeaveResponses.jsonLines(calls.map(render))
    }

    func delete(_ request: WeaveRequest) throws -> HTTPResponse {
        try request.checkRefs()
        let deleted = try store.deleteWithDescendants(projectId: request.projectId, ids: try request.idsToDelete(idsParameter))
        return .json(200, .object(["num_deleted": .int(deleted)]))
    }
}
