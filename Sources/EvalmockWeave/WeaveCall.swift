import EvalmockKit
/// One call of the trace table, as evalmock keeps it. The trace server stores evaluation runs,
/// predictions and scores as calls with marker attributes; `kind` stands for those markers.
struct WeaveCall {
    enum Kind: String, CaseIterable {
        case evaluationRun = "evaluation_run"
        /// The server's hidden parent of a prediction (and its scores) inside a run.
        case predictAndScore = "predict_and_score"
        case prediction
        case score
        /// The server's hidden child of a run that `finish` adds.
        case summarize
    }

    var projectId: String
    var id: String
    var kind: Kind
    var traceId: String
    var parentId: String?
    /// The run a prediction or score was created for (the `evaluation_run_id` attribute).
    var evaluationRunId: String?
    var evaluation: String?
    var model: String?
    var scorer: String?
    var predictionId: String?
    var sourceEvaluationRunId: String?
    var inputs: JSONValue?
    /// nil when the call has no output (Python `None`).
    var output: JSONValue?
    var summary: JSONValue?
    var wbUserId: String?
    var startedAt: String
    var endedAt: String?
}

extension JSONValue {
    /// The value, or nil for JSON `null` (Python's `None`, which the server tests with `is None`).
    var nonNull: JSONValue? {
        if case .null = self { return nil }
        return self
    }
}
