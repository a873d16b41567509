import EvalmockKit

/// Metrics and metric groups of a project.
///
/// Rules beyond storing what was sent (where the document is silent, the choice is marked):
/// - A Metric is one of nine variants, by `evalType` (ai, human, heuristic) and `outputType`
///   (int, float, boolean). It is stored and answered as its variant: members of other variants
///   are dropped, and what the variant requires but was not sent is filled in from the
///   variant's defaults (`description` null, `evalModelName` "gpt-4o", `passingThreshold` 4 or
///   0.9) or, for `guidelines` (no default; chosen), the empty string.
/// - PATCH names `evalType` and `outputType` and may switch variant: the members the new
///   variant shares are kept, a `passingThreshold` out of its range becomes its default, and an
///   AI variant without a `promptTemplate` (none sent, none stored) is a 400.
/// - A group's `metricIds` name Metrics of the group's own Project ("Every Metric must belong to
///   the same Project as the group"): an unknown id is a 404, a Metric of another Project a
///   400. The same holds for a run's `metricIds` (chosen).
/// - Deleting a Metric removes it from the groups of its Project (the document: "The metric will
///   be removed from metric groups"); deleting a group leaves its Metrics.
/// - Groups list newest first ("reverse chronological order"); Metrics oldest first (chosen).
enum ScorecardMetrics {
    static func declare(_ resources: ResourceCollection) throws -> [String: OperationHandler] {
        let project = ResourceKind.Parent(kind: "project", parameter: "projectId")
        let metric = ResourceKind(
            name: "metric", label: "Metric", schema: "Metric", idParameter: "metricId", ids: .sequence, parent: project,
            operations: .init(create: "createMetric", list: "listMetrics", get: "getMetric", update: "updateMetric"),
            hooks: ResourceHooks(willCreate: asVariant, willUpdate: asVariant))
        try resources.declare(metric)
        try resources.declare(
            ResourceKind(
                name: "metricGroup", label: "Metric Group", schema: "MetricGroup", idParameter: "metricGroupId", ids: .sequence,
                parent: .init(kind: "project", parameter: "projectId", member: "projectId"), listOrder: .newestFirst,
                operations: .init(
                    create: "createMetricGroup", list: "listMetricGroups", get: "getMetricGroup",
                    update: "updateMetricGroup", delete: "deleteMetricGroup"),
                hooks: ResourceHooks(
                    willCreate: { draft in
                        let now = JSONValue.string(Timestamp.nowISO8601())
                        if draft.document["description"] == nil { draft.document["description"] = "" }
                        draft.document["createdAt"] = now
                        draft.document["updatedAt"] = now
                        try checkMetrics(in: draft)
                    },
                    willUpdate: { draft in
                        // An update that changes nothing (the SDK's `{}`) leaves `updatedAt` too.
                        if draft.document != draft.previous?.document { draft.document["updatedAt"] = .string(Timestamp.nowISO8601()) }
                        try checkMetrics(in: draft)
                    })))
        return ["deleteMetric": { try deleteMetric(resources, metric, $0) }]
    }

    // MARK: - Metrics

    /// The draft as the variant its `evalType` and `outputType` name.
    private static func asVariant(_ draft: inout ResourceDraft) throws {
        let resources = draft.collection
        guard let union = resources.specification.componentSchema("Metric") else { return }
        let named = ["evalType", "outputType"].map { draft.document[$0] ?? .null }
        // The validator let the body through, so one variant carries both constants.
        guard
            let variant = union.unionBranches.first(where: { branch in
                zip(["evalType", "outputType"], named).allSatisfy { name, value in
                    branch.propertyIndex[name].map { SchemaValidator.isValid(value, against: $0.schema) } ?? false
                }
            })
        else { return }
        var document = JSONValue.JSONObject()
        for property in variant.properties where property.name != "id" {
            if let value = draft.document[property.name] { document[property.name] = value }
        }
        if document["description"] == nil { document["description"] = .null }
        if document["guidelines"] == nil { document["guidelines"] = "" }
        if variant.propertyIndex["promptTemplate"]?.isRequired == true, document["promptTemplate"] == nil, !resources.lenient {
            throw OperationError.invalid([ValidationIssue(location: [.key("body"), .key("promptTemplate")], kind: .missing, input: nil)])
        }
        guard case .object(let completed) = SchemaCompletion().complete(.object(document), against: variant) else { return }
        draft.document = [:]
        for property in variant.properties where property.name != "id" {
            if let value = completed[property.name] { draft.document[property.name] = value }
        }
    }

    private static func deleteMetric(_ resources: ResourceCollection, _ metric: ResourceKind, _ context: OperationContext) throws
        -> HTTPResponse
    {
        let id = context.pathParameter("metricId")
        return try resources.store.database.transaction {
            if let stored = try resources.store.find(kind: "metric", id: id), let projectId = stored.parentId {
                for var group in try resources.store.children(kind: "metricGroup", parentKind: "project", parentId: projectId) {
                    let members = group.document["metricIds"]?.arrayValue ?? []
                    let kept = members.filter { $0.stringValue != id }
                    guard kept.count != members.count else { continue }
                    group.document["metricIds"] = .array(kept)
                    group.document["updatedAt"] = .string(Timestamp.nowISO8601())
                    try resources.store.update(group)
                }
            }
            return try resources.delete(metric, context)
        }
    }

    // MARK: - References

    /// A group's `metricIds` against its Project.
    private static func checkMetrics(in draft: ResourceDraft) throws {
        let ids = draft.document["metricIds"]?.arrayValue?.compactMap(\.stringValue) ?? []
        try checkMetrics(ids, project: draft.parentId, in: draft.collection)
    }

    /// Every id names a Metric (else the API's 404; a placeholder in `--lenient`) of the
    /// Project, when there is one to compare with (a placeholder belongs to none).
    static func checkMetrics(_ ids: [String], project: String?, in resources: ResourceCollection) throws {
        var issues: [ValidationIssue] = []
        for (index, id) in ids.enumerated() {
            let metric = try resources.resolve("metric", id: id)
            if let project, let owner = metric.parentId, owner != project {
                issues.append(
                    ValidationIssue(
                        location: [.key("body"), .key("metricIds"), .index(index)],
                        kind: .brokenRule("is a Metric of Project \(owner), not of Project \(project)"), input: .string(id)))
            }
        }
        if !issues.isEmpty { throw OperationError.invalid(issues) }
    }
}
