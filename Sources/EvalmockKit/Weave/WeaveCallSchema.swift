/// A call as the trace server answers it (`CallSchema`), with the fields it derives on read
/// (`trace_server_common.make_derived_summary_fields`, `hydrate_calls_with_feedback`).
enum WeaveCallSchema {
    /// Every `CallSchema` field, in the model's order; those a call lacks are null.
    static func render(_ call: WeaveCall, feedback: [WeaveFeedback]? = nil) -> JSONValue.JSONObject {
        func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        func integer(_ value: Int?) -> JSONValue { value.map(JSONValue.int) ?? .null }
        return [
            "id": .string(call.id), "project_id": .string(call.projectId), "op_name": .string(call.opName ?? ""),
            // An empty display name reads as none (`empty_str_to_none`).
            "display_name": optional(call.displayName.flatMap { $0.isEmpty ? nil : $0 }),
            "trace_id": .string(call.traceId ?? ""), "parent_id": optional(call.parentId), "thread_id": optional(call.threadId),
            "turn_id": optional(call.turnId), "started_at": optional(call.startedAt?.text), "attributes": call.attributes,
            "inputs": call.inputs, "ended_at": optional(call.endedAt?.text), "exception": optional(call.exception),
            "output": call.output ?? .null, "summary": .object(summary(call, feedback: feedback)),
            "wb_user_id": optional(call.wbUserId), "wb_username": .null, "wb_run_id": optional(call.wbRunId),
            "wb_run_step": integer(call.wbRunStep), "wb_run_step_end": integer(call.wbRunStepEnd), "deleted_at": .null,
            "expire_at": .null, "storage_size_bytes": .null, "total_storage_size_bytes": .null,
        ]
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
            if text.hasPrefix(WeaveRefs.externalPrefix) { refs.append(text) }
        case .array(let items): for item in items { Self.refs(in: item, into: &refs) }
        case .object(let object): for (_, member) in object { Self.refs(in: member, into: &refs) }
        case .null, .bool, .number: break
        }
    }
}
