import EvalmockKit

/// The `view` query parameter of list and retrieve asks for related entities to be embedded.
///
/// evalmock stores no annotation results, audit tasks or metrics, so those views are present
/// and empty, which is what the service answers for a result nobody has annotated yet. `Task`,
/// `TestCaseVersion` and `Trace` name entities evalmock does not hold; they are left out, as
/// the service leaves out a view that has nothing to show.
enum TestCaseResultViews {
    private static let emptyViews: [(view: String, member: String, value: JSONValue)] = [
        ("AnnotationResults", "annotation_results", .array([])),
        ("AuditTasks", "audit_tasks", .array([])),
        ("CustomMetrics", "custom_metrics", .array([])),
        ("Metrics", "metrics", .object([:])),
    ]

    static func add(_ views: [String], to document: JSONValue.JSONObject) -> JSONValue.JSONObject {
        var object = document
        for entry in emptyViews where views.contains(entry.view) {
            object[entry.member] = entry.value
        }
        return object
    }
}
