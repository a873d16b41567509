import EvalmockKit

/// A record's review: its annotations (ratings and comments) and the members assigned to it.
///
/// Rules where the document is silent:
/// - No operation creates annotations (people write them in Scorecard's app), so they are seeded:
///   an `annotation` is a child of its `record` in the resource table, and a state snapshot
///   (`/_evalmock/import`, or a `--fixtures` file of format `evalmock-state`) may hold rows
///   `{"kind": "annotation", "id", "parent_kind": "record", "parent_id": <record id>,
///   "document": "<Annotation without id, as JSON text>"}`. Deleting the record deletes them.
/// - `assignedByUserId` is the caller: `user_` and the first 24 hex digits of the SHA-256 of the
///   API key, so one key is one user and the key itself is never shown.
/// - Assignees are not checked against an organization (evalmock has none); any id is a member.
/// - Listing or assigning on an unknown record is a 404; unassigning on one answers
///   `{"deleted": 0}`, as deleting a tag does.
enum ScorecardRecordReview {
    static func declare(_ resources: ResourceCollection) throws -> [String: OperationHandler] {
        try resources.declare(
            ResourceKind(
                name: "annotation", label: "Annotation", schema: "Annotation", idParameter: "annotationId", ids: .sequence,
                parent: .init(kind: "record", parameter: "recordId", member: "recordId"), operations: .init()))
        try resources.declare(
            ResourceKind(
                name: "recordAssignment", label: "Assignment", schema: "RecordAssignment", idParameter: "assigneeUserId", ids: .sequence,
                parent: .init(kind: "record", parameter: "recordId", member: "recordId"), operations: .init()))
        return [
            "listAnnotations": { try resources.unpagedChildren("annotation", of: "record", parameter: "recordId", $0) },
            "listRecordAssignees": { try resources.unpagedChildren("recordAssignment", of: "record", parameter: "recordId", $0) },
            "assignRecordUser": { try assign(resources, $0) },
            // `{"deleted": n}`: 0 when the member (or the record) was not there.
            "unassignRecordUser": {
                try resources.deleteKeyedChild(
                    "recordAssignment", key: $0.pathParameter("assigneeUserId"), parentId: $0.pathParameter("recordId"))
            },
        ]
    }

    /// The user a request acts as: derived from the API key the auth step accepted.
    static func caller(_ context: OperationContext) -> String {
        "user_" + SHA256.hex(Array(context.caller.credential.utf8)).prefix(24)
    }

    /// Re-assigning a member answers the existing assignment (the document: "Idempotent").
    private static func assign(_ resources: ResourceCollection, _ context: OperationContext) throws -> HTTPResponse {
        let assignee = context.body["assigneeUserId"]?.stringValue ?? ""
        return try resources.keyedChild("recordAssignment", key: assignee, parameter: "recordId", context) {
            [
                "assigneeUserId": .string(assignee), "assignedByUserId": .string(caller(context)),
                "createdAt": .string(Timestamp.nowISO8601()),
            ]
        }
    }
}
