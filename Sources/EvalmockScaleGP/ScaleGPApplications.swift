import EvalmockKit

/// What an evaluation is configured with: questions, question sets (which keep their
/// questions' order), evaluation configs, application specs and their variants.
enum ScaleGPApplications {
    static func declare(_ resources: ResourceCollection) throws -> [String: OperationHandler] {
        let op = ScaleGPResources.operation
        try resources.declare(
            ResourceKind(
                name: "question", label: "Question", schema: "Question", idParameter: "question_id", ids: .uuid,
                operations: .init(
                    create: op("POST", "/questions"), list: op("GET", "/questions"), get: op("GET", "/questions/{question_id}")),
                hooks: ScaleGPResources.hooks("question")))
        try resources.declare(
            ResourceKind(
                name: "questionSet", label: "Question set", schema: "QuestionSet", idParameter: "question_set_id", ids: .uuid,
                operations: .init(
                    create: op("POST", "/question-sets"), list: op("GET", "/question-sets"),
                    get: op("GET", "/question-sets/{question_set_id}"), update: op("PATCH", "/question-sets/{question_set_id}")),
                hooks: ScaleGPResources.hooks("questionSet", willCreate: checkQuestions, willUpdate: checkQuestions, render: embedQuestions)
            ))
        try resources.declare(
            ResourceKind(
                name: "evaluationConfig", label: "Evaluation config", schema: "EvaluationConfig", idParameter: "evaluation_config_id",
                ids: .uuid,
                operations: .init(
                    create: op("POST", "/evaluation-configs"), list: op("GET", "/evaluation-configs"),
                    get: op("GET", "/evaluation-configs/{evaluation_config_id}"),
                    delete: op("DELETE", "/evaluation-configs/{evaluation_config_id}")),
                hooks: ScaleGPResources.hooks("evaluationConfig", willCreate: prepareConfig)))
        try resources.declare(
            ResourceKind(
                name: "applicationSpec", label: "Application spec", schema: "ApplicationSpecRetrieveResponse",
                idParameter: "application_spec_id", ids: .uuid,
                operations: .init(
                    create: op("POST", "/application-specs"), list: op("GET", "/application-specs"),
                    get: op("GET", "/application-specs/{application_spec_id}"),
                    update: op("PATCH", "/application-specs/{application_spec_id}")),
                hooks: ScaleGPResources.hooks("applicationSpec")))
        try resources.declare(
            ResourceKind(
                name: "applicationVariant", label: "Application variant", schema: "ApplicationVariantRetrieveResponse",
                idParameter: "application_variant_id", ids: .uuid,
                operations: .init(
                    create: op("POST", "/application-variants"), list: op("GET", "/application-variants"),
                    get: op("GET", "/application-variants/{application_variant_id}"),
                    update: op("PATCH", "/application-variants/{application_variant_id}"),
                    delete: op("DELETE", "/application-variants/{application_variant_id}")),
                hooks: ScaleGPResources.hooks("applicationVariant", willCreate: prepareVariant)))
        return [
            op("DELETE", "/question-sets/{question_set_id}"): ScaleGPResources.archive(
                resources, kind: "questionSet", parameter: "question_set_id"),
            op("DELETE", "/application-specs/{application_spec_id}"): ScaleGPResources.archive(
                resources, kind: "applicationSpec", parameter: "application_spec_id"),
            op("POST", "/applications/{application_variant_id}/process"): { context in
                // evalmock runs no applications: a variant that exists answers an empty object.
                _ = try resources.resolve("applicationVariant", id: context.pathParameter("application_variant_id"))
                return .json(200, .object([:]))
            },
        ]
    }

    /// Every question of a set exists; the set keeps `question_ids` in the order given.
    private static func checkQuestions(_ draft: inout ResourceDraft) throws {
        for id in draft.document["question_ids"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            _ = try draft.collection.resolve("question", id: id)
        }
    }

    /// `questions`: the set's questions in its order (what retrieve's `QuestionSetWithQuestions` has).
    private static func embedQuestions(
        _ object: inout JSONValue.JSONObject, _ stored: ResourceStore.Stored, _ resources: ResourceCollection
    ) throws {
        let ids = stored.document["question_ids"]?.arrayValue?.compactMap(\.stringValue) ?? []
        object["questions"] = .array(
            try ids.compactMap { id in
                try resources.store.find(kind: "question", id: id).map { .object(try resources.render($0)) }
            })
    }

    /// The question set must exist; a config that names no `evaluation_type` is a human one.
    private static func prepareConfig(_ draft: inout ResourceDraft) throws {
        if let id = draft.document["question_set_id"]?.stringValue { _ = try draft.collection.resolve("questionSet", id: id) }
        if draft.context.body["evaluation_type"] == nil { draft.document["evaluation_type"] = "human" }
    }

    /// The spec must exist; a variant is published (`draft: false`, `published_at` now) unless
    /// the body says it is a draft.
    private static func prepareVariant(_ draft: inout ResourceDraft) throws {
        if let id = draft.document["application_spec_id"]?.stringValue { _ = try draft.collection.resolve("applicationSpec", id: id) }
        if draft.context.body["draft"] == nil { draft.document["draft"] = .bool(false) }
        // `published_at` is the server's: when the variant was published (the body's is any text).
        draft.document["published_at"] = draft.document["draft"] == .bool(false) ? .string(Timestamp.nowPydanticUTC()) : .null
    }
}
