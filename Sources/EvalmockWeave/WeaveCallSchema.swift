import EvalmockKit

/// A call as the trace server answers it (`CallSchema`), with the fields it derives on read
/// (`trace_server_common.make_derived_summary_fields`, `hydrate_calls_with_feedback`).
enum WeaveCallSchema {
    /// Every `CallSchema` field, in the model's order.
    static let columns = [
        "id", "project_id", "op_name", "display_name", "trace_id", "parent_id", "thread_id", "turn_id", "started_at", "attributes",
        "inputs", "ended_at", "exception", "output", "summary", "wb_user_id", "wb_username", "wb_run_id", "wb_run_step",
        "wb_run_step_end", "deleted_at", "expire_at", "storage_size_bytes", "total_storage_size_bytes",
    ]

    /// The call as `CallSchema`; the fields a call lacks are null.
    static func render(_ call: WeaveCall, feedback: [WeaveFeedback]? = nil) -> JSONValue.JSONObject {
        var object = JSONValue.JSONObject(minimumCapacity: columns.count)
        for name in columns { object[name] = column(name, of: call, feedback: feedback) ?? .null }
        return object
    }

    /// One `CallSchema` field of the call; nil for a field it does not have.
    static func column(_ name: String, of call: WeaveCall, feedback: [WeaveFeedback]?) -> JSONValue? {
        func optional(_ value: String?) -> JSONValue? { value.map(JSONValue.string) }
        switch name {
        case "id": return .string(call.id)
        case "project_id": return .string(call.projectId)
        case "op_name": return .string(call.opName ?? "")
        // An empty display name reads as none (`empty_str_to_none`).
        case "display_name": return optional(call.displayName.flatMap { $0.isEmpty ? nil : $0 })
        case "trace_id": return .string(call.traceId ?? "")
        case "parent_id": return optional(call.parentId)
        case "thread_id": return optional(call.threadId)
        case "turn_id": return optional(call.turnId)
        case "started_at": return optional(call.startedAt?.text)
        case "attributes": return call.attributes
        case "inputs": return call.inputs
        case "ended_at": return optional(call.endedAt?.text)
        case "exception": return optional(call.exception)
        case "output": return call.output
        case "summary": return .object(summary(call, feedback: feedback))
        case "wb_user_id": return optional(call.wbUserId)
        case "wb_run_id": return optional(call.wbRunId)
        case "wb_run_step": return call.wbRunStep.map(JSONValue.int)
        case "wb_run_step_end": return call.wbRunStepEnd.map(JSONValue.int)
        default: return nil
        }
    }

    /// The client's summary with `summary.weave` derived: `status` (`error` with an exception,
    /// `running` before the end, `descendant_error` when the client counted an errored
    /// descendant in `status_counts`, else `success`), `latency_ms` once ended, and
    /// `display_name` if set, else `trace_name` (the op's name for an op or object ref, the
    /// op_name itself when it is no ref, nothing for another kind of ref). Stored values of
    /// those four keys are dropped first. With feedback asked for, it goes in `feedback`.
    static func summary(_ call: WeaveCall, feedback: [WeaveFeedback]?) -> JSONValue.JSONObject {
        var summary = call.summary?.objectValue ?? [:]
        var weave = summary.removeValue(forKey: "weave")?.objectValue ?? [:]
        for key in ["status", "trace_name", "latency_ms", "display_name"] { weave.removeValue(forKey: key) }

        let status: String
        if let exception = call.exception, !exception.isEmpty {
            status = "error"
        } else if call.endedAt == nil {
            status = "running"
        } else if let errors = summary["status_counts"]?["error"], case .number(let count) = errors, count.doubleValue > 0 {
            status = "descendant_error"
        } else {
            status = "success"
        }
        weave["status"] = .string(status)
        if let start = call.startedAt, let end = call.endedAt {
            weave["latency_ms"] = .int(Int(WeaveTimestamp.milliseconds(from: start, to: end)))
        }
        let opName = call.opName ?? ""
        if let displayName = call.displayName, !displayName.isEmpty {
            weave["display_name"] = .string(displayName)
        } else if opName.hasPrefix(WeaveRefs.externalPrefix) {
            if let name = objectName(opName) { weave["trace_name"] = .string(name) }
        } else {
            weave["trace_name"] = .string(opName)
        }
        if let feedback {
            weave["feedback"] = .array(feedback.map { .object(feedbackFields($0)) })
        }
        summary["weave"] = .object(weave)
        return summary
    }

    /// The feedback columns the server reads for `include_feedback` (`FEEDBACK_QUERY_FIELDS`,
    /// less the scorer tag and rating columns evalmock does not keep).
    static func feedbackFields(_ feedback: WeaveFeedback) -> JSONValue.JSONObject {
        var row = feedback.row
        row.removeValue(forKey: "project_id")
        return row
    }

    /// The name of `weave:///entity/project/op|object/<name>:<digest>…`; nil for other refs.
    static func objectName(_ ref: String) -> String? {
        let parts = ref.dropFirst(WeaveRefs.externalPrefix.count).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[2] == "op" || parts[2] == "object" else { return nil }
        let nameAndVersion = parts[3]
        guard let colon = nameAndVersion.firstIndex(of: ":") else { return nil }
        return String(nameAndVersion[..<colon])
    }

    /// The ref of a call, as feedback names it.
    static func ref(projectId: String, callId: String) -> String {
        "\(WeaveRefs.externalPrefix)\(projectId)/call/\(callId)"
    }

    /// Every ref string inside a value (`extract_refs_from_values`): the server keeps a call's
    /// input and output refs for the `input_refs` / `output_refs` filters.
    static func refs(in value: JSONValue, into refs: inout [String]) {
        switch value {
        case .string(let text):
            if text.hasPrefix(WeaveRefs.externalPrefix) || text.hasPrefix("wandb-artifact:///") { refs.append(text) }
        case .array(let items): for item in items { Self.refs(in: item, into: &refs) }
        case .object(let object): for (_, member) in object { Self.refs(in: member, into: &refs) }
        case .null, .bool, .number: break
        }
    }
}
