import EvalmockKit

/// Builds the `TestCaseResultResponse` objects evalmock stores and answers with.
///
/// Which members exist and their order come from the document's response schemas (pydantic
/// serialises a model's fields in declaration order, which FastAPI's schema lists in the same
/// order); this type only decides the values the server owns.
struct TestCaseResultDocument {
    /// Member order of `GenerationTestCaseResultResponse` (the FLEXIBLE variant has the same).
    let layout: TestCaseResultMembers.Layout
    /// Members a client may set, from `TestCaseResultRequest`.
    let requestMembers: Set<String>

    init(specification: OpenAPISpecification) {
        layout = TestCaseResultMembers.Layout(
            names: specification.componentSchema("GenerationTestCaseResultResponse")?.properties.map(\.name) ?? [])
        requestMembers = Set(specification.componentSchema("TestCaseResultRequest")?.properties.map(\.name) ?? [])
    }

    struct Origin {
        var id: String
        var evaluationId: String
        var evaluationDatasetId: String
        var caller: ScaleGPCaller
        var now: String
    }

    /// A new result from one validated `TestCaseResultRequest`.
    func create(from request: JSONValue.JSONObject, origin: Origin) -> TestCaseResultMembers {
        var values = TestCaseResultMembers(layout: layout)
        for (name, value) in request where requestMembers.contains(name) { values[name] = value }
        values["id"] = .string(origin.id)
        values["evaluation_id"] = .string(origin.evaluationId)
        values["evaluation_dataset_id"] = .string(origin.evaluationDatasetId)
        values["created_at"] = .string(origin.now)
        values["updated_at"] = .string(origin.now)
        // An explicit `account_id` in the body names the account; otherwise the one the SDK
        // selected with `x-selected-account-id`, else the caller's own.
        if values["account_id"] == nil { values["account_id"] = .string(origin.caller.accountId) }
        values["created_by_user_id"] = .string(origin.caller.userId)
        values["created_by_identity_type"] = "user"
        settle(&values, explicitLabelStatus: request["label_status"], resultSent: request["result"] != nil, now: origin.now)
        return values
    }

    /// A stored result with the members of a validated `PartialTestCaseResultRequest` applied.
    func update(_ stored: JSONValue.JSONObject, with patch: JSONValue.JSONObject, now: String) -> JSONValue.JSONObject {
        var values = members(of: stored)
        // `account_id` is marked `can_patch: false` in the service's schema: it stays.
        for (key, value) in patch where requestMembers.contains(key) && key != "account_id" {
            values[key] = value
        }
        values["updated_at"] = .string(now)
        settle(&values, explicitLabelStatus: patch["label_status"], resultSent: patch["result"] != nil, now: now)
        return values.object
    }

    /// The version a later one supersedes: `invalidated_at` is "when the entity was overwritten".
    func invalidated(_ version: JSONValue.JSONObject, at now: String) -> JSONValue.JSONObject {
        var values = members(of: version)
        values["invalidated_at"] = .string(now)
        return values.object
    }

    /// A result's members, to be written in the schema's order.
    func members(of object: JSONValue.JSONObject) -> TestCaseResultMembers {
        TestCaseResultMembers(layout: layout, object: object)
    }

    /// The variant follows the evaluation data: an object `generation_output` is FLEXIBLE, a
    /// string GENERATION (the deeper rule lets nothing else through in the default mode, and
    /// `--lenient` completes evaluation data without one as GENERATION). `label_status`
    /// "should not be explicitly set": sending answers (`result`) completes a result unless
    /// the same request holds it at PENDING, which the schema's description names as the reason
    /// to set it. `completed_at` marks the moment a result became COMPLETED and goes when it is
    /// no longer.
    private func settle(_ values: inout TestCaseResultMembers, explicitLabelStatus: JSONValue?, resultSent: Bool, now: String) {
        let output = values["test_case_evaluation_data"]?["generation_output"]
        values["test_case_evaluation_data_schema"] = output?.objectValue != nil ? "FLEXIBLE" : "GENERATION"
        if explicitLabelStatus == nil, resultSent, !(values["result"]?.objectValue?.isEmpty ?? true) {
            values["label_status"] = "COMPLETED"
        }
        if values["label_status"] == nil { values["label_status"] = "PENDING" }
        if values["label_status"] == "COMPLETED" {
            if values["completed_at"] == nil { values["completed_at"] = .string(now) }
        } else {
            values["completed_at"] = nil
        }
    }
}
