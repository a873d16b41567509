import EvalmockKit

/// The v1 run and testrecord operations, as the `scorecard-ai` 1.x client calls them. Input has
/// been validated against `openapi/scorecard-v1.json` before a handler runs.
struct ScorecardV1Handlers {
    let store: ScorecardV1Store

    /// The status a new testrecord gets. The service does not document it; a testrecord arrives
    /// with its model response, so it waits for scoring (the state of the documented example).
    static let newTestrecordStatus = "awaiting_scoring"

    func createRun(_ context: OperationContext) throws -> HTTPResponse {
        let fields = Self.bodyWithDefaults(context)
        return .json(200, .object(try store.createRun(fields)))
    }

    func readRun(_ context: OperationContext) throws -> HTTPResponse {
        guard let id = Self.pathId(context, "run_id"), let run = try store.run(id: id) else { throw Self.notFound(context, "run_id") }
        return .json(200, .object(run))
    }

    func updateRunStatus(_ context: OperationContext) throws -> HTTPResponse {
        let status = Self.bodyWithDefaults(context)["status"]?.stringValue ?? ""
        guard let id = Self.pathId(context, "run_id"), let run = try store.updateRunStatus(id: id, to: status) else {
            throw Self.notFound(context, "run_id")
        }
        return .json(200, .object(run))
    }

    func createTestrecord(_ context: OperationContext) throws -> HTTPResponse {
        var fields = Self.bodyWithDefaults(context)
        // The create call names the model's answer `response`; the testrecord calls it `model_response`.
        fields["model_response"] = fields.removeValue(forKey: "response")
        fields["status"] = .string(Self.newTestrecordStatus)
        guard let runId = Self.pathId(context, "run_id"), let testrecord = try store.createTestrecord(runId: runId, fields) else {
            throw Self.notFound(context, "run_id")
        }
        return .json(200, .object(testrecord))
    }

    func readTestrecord(_ context: OperationContext) throws -> HTTPResponse {
        guard let runId = Self.pathId(context, "run_id"), let id = Self.pathId(context, "testrecord_id"),
            let testrecord = try store.testrecord(runId: runId, id: id)
        else {
            throw Self.notFound(context, "testrecord_id")
        }
        return .json(200, .object(testrecord))
    }

    /// The service's 404, whose body names no resource (`ScorecardV1ErrorDialect`).
    private static func notFound(_ context: OperationContext, _ parameter: String) -> OperationError {
        .notFound(resource: parameter == "run_id" ? "Run" : "Testrecord", id: context.pathParameter(parameter))
    }

    /// A validated integer path parameter; nil when it is beyond 64 bits (no such row can exist).
    private static func pathId(_ context: OperationContext, _ name: String) -> Int64? {
        PydanticLaxCoercion.integer(.string(context.pathParameter(name))).map(Int64.init)
    }

    /// The body's members, with the document's defaults for those not sent (a run's `status`
    /// and `source`), as pydantic fills them in.
    private static func bodyWithDefaults(_ context: OperationContext) -> JSONValue.JSONObject {
        var fields = context.body.objectValue ?? [:]
        guard var schema = context.operation.body?.schema else { return fields }
        // The body is a `$ref` to a component: its properties are on the referenced schema.
        while schema.properties.isEmpty, schema.allOf.count == 1 { schema = schema.allOf[0] }
        for (name, property) in schema.properties where fields[name] == nil {
            if let fallback = property.defaultValue { fields[name] = fallback }
        }
        return fields
    }
}
