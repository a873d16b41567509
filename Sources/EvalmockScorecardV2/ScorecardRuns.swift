import EvalmockKit

/// Projects, runs, records, their tags and scores.
///
/// Rules beyond storing what was sent (where the document is silent, the choice is marked):
/// - A record posted to a run id nobody created makes that run, and the records of such a run
///   list as an empty page (as evalmock always has, and as the SDK's own suite relies on in the
///   default mode); every other unknown id is a 404.
/// - A run's `metricIds` name Metrics of its project (see `ScorecardMetrics`); each gets a
///   `metricVersionIds` entry, a new UUID: the `metricConfigId` its scores are upserted under.
///   `systemId` is the system of `systemVersionId`; `numExpectedRecords` is the testset's
///   testcase count at creation, 0 without a testset (the document's example).
/// - Runs list newest first ("ordered by creation date, most recent first").
/// - `numRecords`, `numScores` and `status` are counted when the run is read (chosen: nothing
///   in the API sets a status). `numScores` counts graded scores ("completed scores"), not
///   pending ones. `status` is `awaiting_execution` without records (the document's example
///   of a new run), `running_execution` while fewer records than expected exist, then
///   `completed` once every record has a graded score for every metric version (at once for a
///   run without metrics); until then `awaiting_human_scoring` when every missing grade is a
///   pending score, `running_scoring` when some grades exist, else `awaiting_scoring`.
/// - A record with an `otelLinkId` already in its run is the same record (the document:
///   "Used for deduplication"): the first one is answered again, nothing new is stored.
/// - A score is upserted per (record, metric config); `listRecords` shows each record's scores.
///   The `metricConfigId` must be one of the record's run's `metricVersionIds` (chosen: the
///   only metric configs the API shows; `run_and_evaluate` writes no scores, and a script
///   learns them from the run), else a 404. A score without `score` is pending and answered
///   with `score: {}`; the document allows that only for human metrics and `userId` only for
///   human metrics together with `score`: other uses are 400s. Every Score carries `userId`
///   (default `background-job`): the SDK's Score model requires it, although the document's
///   Score lacks it.
enum ScorecardRuns {
    /// The run a record makes on first use: no testset, system or metrics yet.
    static let runMadeOnFirstUse: JSONValue.JSONObject = [
        "testsetId": .null, "systemId": .null, "systemVersionId": .null, "metricIds": .array([]), "metricVersionIds": .array([]),
        "numExpectedRecords": .null,
    ]

    static func declare(_ resources: ResourceCollection) throws -> [String: OperationHandler] {
        try resources.declare(
            ResourceKind(
                name: "project", label: "Project", schema: "Project", idParameter: "projectId", ids: .sequence,
                operations: .init(create: "createProject", list: "listProjects"),
                hooks: ResourceHooks(willCreate: { draft in
                    for member in ["name", "description"] where draft.document[member] == nil { draft.document[member] = .null }
                })))
        try resources.declare(
            ResourceKind(
                name: "run", label: "Run", schema: "Run", idParameter: "runId", ids: .sequence,
                parent: .init(kind: "project", parameter: "projectId"), listOrder: .newestFirst,
                operations: .init(create: "createRun", list: "listRuns", get: "getRun"),
                hooks: ResourceHooks(willCreate: prepareRun, render: countRun)))
        try resources.declare(
            ResourceKind(
                name: "record", label: "Record", schema: "Record", idParameter: "recordId", ids: .sequence,
                parent: .init(kind: "run", parameter: "runId", member: "runId", createdOnFirstUse: runMadeOnFirstUse),
                operations: .init(create: "createRecord", delete: "deleteRecord"),
                hooks: ResourceHooks(
                    willCreate: { draft in draft.key = draft.document["otelLinkId"]?.stringValue }, willCreateReadsStore: false)))
        try resources.declare(
            ResourceKind(
                name: "recordTag", label: "Tag", schema: "RecordTag", idParameter: "text", ids: .sequence,
                parent: .init(kind: "record", parameter: "recordId", member: "recordId"), operations: .init()))
        try resources.declare(
            ResourceKind(
                name: "score", label: "Score", schema: "Score", idParameter: "metricConfigId", ids: .uuid,
                parent: .init(kind: "record", parameter: "recordId", member: "recordId"), operations: .init()))
        return [
            "createRecord": { try createRecord(resources, $0) },
            "listRecords": { try listRecords(resources, $0) },
            "listRecordTags": { try resources.unpagedChildren("recordTag", of: "record", parameter: "recordId", $0) },
            "createRecordTag": { try createTag(resources, $0) },
            // `{"deleted": n}`: 0 when the tag (or the record) was not there.
            "deleteRecordTag": {
                try resources.deleteKeyedChild("recordTag", key: $0.pathParameter("text"), parentId: $0.pathParameter("recordId"))
            },
            "upsertScore": { try upsertScore(resources, $0) },
        ]
    }

    // MARK: - Runs

    private static func prepareRun(_ draft: inout ResourceDraft) throws {
        let resources = draft.collection
        var numExpected: JSONValue = .int(0)
        if let testsetId = draft.document["testsetId"]?.stringValue {
            _ = try resources.resolve("testset", id: testsetId)
            numExpected = .int(try resources.store.count(kind: "testcase", parentKind: "testset", parentId: testsetId))
        } else {
            draft.document["testsetId"] = .null
        }
        var systemId: JSONValue = .null
        if let versionId = draft.document["systemVersionId"]?.stringValue {
            let version = try resources.resolve("systemVersion", id: versionId)
            systemId = version.parentId.map(JSONValue.string) ?? version.document["systemId"] ?? .null
        } else {
            draft.document["systemVersionId"] = .null
        }
        draft.document["systemId"] = systemId
        let metricIds = draft.document["metricIds"]?.arrayValue?.compactMap(\.stringValue) ?? []
        try ScorecardMetrics.checkMetrics(metricIds, project: draft.parentId, in: resources)
        draft.document["metricIds"] = .array(metricIds.map(JSONValue.string))
        draft.document["metricVersionIds"] = .array(metricIds.map { _ in .string(UUIDText.v7()) })
        draft.document["numExpectedRecords"] = numExpected
        draft.document["status"] = nil
    }

    /// `numRecords`, `numScores` and `status` as they are now.
    private static func countRun(_ run: inout JSONValue.JSONObject, _ stored: ResourceStore.Stored, _ resources: ResourceCollection) throws
    {
        let store = resources.store
        let records = try store.count(kind: "record", parentKind: "run", parentId: stored.id)
        var graded = 0
        var pending = 0
        try store.database.statement(
            """
            SELECT json_extract(s.document, '$.score') = '{}', COUNT(*)
            FROM \(store.table) s JOIN \(store.table) r ON s.parent_kind = 'record' AND s.parent_id = r.id
            WHERE r.kind = 'record' AND r.parent_kind = 'run' AND r.parent_id = ?1 AND s.kind = 'score' GROUP BY 1
            """
        ).query([.text(stored.id)]) { row in
            if row.int(0) == 1 { pending = Int(row.int(1)) } else { graded = Int(row.int(1)) }
        }
        var expected = 0
        if case .number(let number)? = run["numExpectedRecords"] { expected = number.intValue ?? 0 }
        let wanted = records * (run["metricVersionIds"]?.arrayValue?.count ?? 0)
        let status: String
        if records == 0 {
            status = "awaiting_execution"
        } else if records < expected {
            status = "running_execution"
        } else if graded >= wanted {
            status = "completed"
        } else if pending > 0 && graded + pending >= wanted {
            status = "awaiting_human_scoring"
        } else if graded > 0 {
            status = "running_scoring"
        } else {
            status = "awaiting_scoring"
        }
        run["numRecords"] = .int(records)
        run["numScores"] = .int(graded)
        run["status"] = .string(status)
        var ordered = JSONValue.JSONObject()
        for name in [
            "id", "testsetId", "systemId", "systemVersionId", "metricIds", "metricVersionIds", "numRecords", "numExpectedRecords",
            "numScores", "status",
        ] {
            if let value = run[name] { ordered[name] = value }
        }
        for (name, value) in run where ordered[name] == nil { ordered[name] = value }
        run = ordered
    }

    // MARK: - Records

    private static func createRecord(_ resources: ResourceCollection, _ context: OperationContext) throws -> HTTPResponse {
        let runId = context.pathParameter("runId")
        if let otelLinkId = context.body["otelLinkId"]?.stringValue,
            let existing = try resources.store.find(kind: "record", parentId: runId, key: otelLinkId)
        {
            return .json(201, .object(try resources.render(existing)))
        }
        return try resources.create(resources.kind("record"), context)
    }

    /// Records of a run in creation order, each with its scores, optionally only those
    /// carrying every tag in `tags`. A run nobody created has no records yet: an empty page,
    /// as for a run made on first use (the SDK's own suite lists before it creates).
    private static func listRecords(_ resources: ResourceCollection, _ context: OperationContext) throws -> HTTPResponse {
        let runId = context.pathParameter("runId")
        let paging = CursorPaging(lenient: resources.lenient)
        let request = try paging.request(context)
        let tags = context.input.query["tags"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let page = try resources.store.page(
            kind: "record", parent: .parent(kind: "run", id: runId), from: request.from, limit: request.limit,
            childKeys: ("recordTag", tags))
        let data: [JSONValue] = try page.resources.map { record in
            var object = try resources.render(record)
            object["scores"] = .array(
                try resources.store.children(kind: "score", parentKind: "record", parentId: record.id)
                    .map { .object(try resources.render($0)) })
            return .object(object)
        }
        return .json(200, paging.envelope(data, page: page))
    }

    // MARK: - Tags

    /// Re-applying a tag answers the existing one (the document calls it a no-op).
    private static func createTag(_ resources: ResourceCollection, _ context: OperationContext) throws -> HTTPResponse {
        let text = context.body["text"]?.stringValue ?? ""
        return try resources.keyedChild("recordTag", key: text, parameter: "recordId", context) {
            ["text": .string(text), "source": "user", "userId": .null, "createdAt": .string(Timestamp.nowISO8601())]
        }
    }

    // MARK: - Scores

    /// One score per (record, metric config): a second PUT replaces the first.
    private static func upsertScore(_ resources: ResourceCollection, _ context: OperationContext) throws -> HTTPResponse {
        let score = try resources.store.database.transaction { () throws -> ResourceStore.Stored in
            let record = try resources.resolve("record", id: context.pathParameter("recordId"))
            let configId = context.pathParameter("metricConfigId")
            try checkScore(context, record: record, configId: configId, resources)
            let document: JSONValue.JSONObject = [
                "recordId": .string(record.id), "metricConfigId": .string(configId),
                "score": context.body["score"] ?? .object([:]), "userId": context.body["userId"] ?? "background-job",
            ]
            if var existing = try resources.store.find(kind: "score", parentId: record.id, key: configId) {
                existing.document = document
                try resources.store.update(existing)
                return existing
            }
            var draft = resources.draft(context, of: resources.kind("score"), document: document)
            draft.parentId = record.id
            draft.key = configId
            return try resources.insert(draft, as: resources.kind("score"))
        }
        return .json(200, .object(try resources.render(score)))
    }

    /// The config is one of the run's metric versions, and a pending score or a `userId` is
    /// for a human metric. A record or config `--lenient` made up has no run to check against.
    private static func checkScore(
        _ context: OperationContext, record: ResourceStore.Stored, configId: String, _ resources: ResourceCollection
    ) throws {
        guard let runId = record.parentId, let run = try resources.store.find(kind: "run", id: runId) else { return }
        let versions = run.document["metricVersionIds"]?.arrayValue?.compactMap(\.stringValue) ?? []
        guard let index = versions.firstIndex(of: configId.lowercased()) else {
            if resources.lenient { return }
            throw OperationError.notFound(resource: "MetricConfig", id: configId)
        }
        guard let metricId = run.document["metricIds"]?.arrayValue?[index].stringValue,
            let metric = try resources.store.find(kind: "metric", id: metricId)
        else { return }
        let human = metric.document["evalType"]?.stringValue == "human"
        let pending = context.body["score"] == nil
        var issues: [ValidationIssue] = []
        if pending && !human {
            issues.append(
                ValidationIssue(
                    location: [.key("body"), .key("score")],
                    kind: .brokenRule("is required: only a human metric's score may be left pending"), input: nil))
        }
        if let userId = context.body["userId"], !human || pending {
            issues.append(
                ValidationIssue(
                    location: [.key("body"), .key("userId")],
                    kind: .brokenRule("is only accepted with the score of a human metric"), input: userId))
        }
        if !issues.isEmpty { throw OperationError.invalid(issues) }
    }
}
