/// "The next N requests matching METHOD PATH get STATUS / a delay / a dropped connection / a
/// `Retry-After`", set through `POST /_evalmock/faults`.
struct FaultRule {
    let id: Int64
    let namespace: String
    /// nil matches every method.
    let method: String?
    let path: PathPattern
    /// Requests still to be faulted; nil: every matching request until the rule is deleted.
    var remaining: Int?
    /// An error status (400–599) answered in the API's error dialect; nil lets the request
    /// through (a delay alone slows the real answer).
    let status: Int?
    let delayMilliseconds: Int
    let dropsConnection: Bool
    let retryAfter: String?
    let createdAt: String

    func matches(namespace: String, method: String, path: String) -> Bool {
        namespace == self.namespace && (self.method == nil || self.method == method) && self.path.matches(path)
            && remaining.map { $0 > 0 } ?? true
    }

    var json: JSONValue {
        .object([
            "id": .number(JSONNumber(lexeme: String(id))),
            "method": method.map(JSONValue.string) ?? .null,
            "path": .string(path.text),
            "remaining": remaining.map(JSONValue.int) ?? .null,
            "status": status.map(JSONValue.int) ?? .null,
            "delayMs": .int(delayMilliseconds),
            "drop": .bool(dropsConnection),
            "retryAfter": retryAfter.map(JSONValue.string) ?? .null,
            "createdAt": .string(createdAt),
        ])
    }
}

/// A rule request the control API refuses, with the reason.
struct FaultRuleError: Error {
    let message: String
}

extension FaultRule {
    /// Reads `{"method", "path", "times", "status", "delayMs", "drop", "retryAfter"}`.
    /// `times` defaults to 1; `null` means until deleted.
    static func parse(_ body: JSONValue) throws(FaultRuleError) -> (
        method: String?, path: String, times: Int?, status: Int?, delay: Int, drop: Bool, retryAfter: String?
    ) {
        guard let object = body.objectValue else { throw FaultRuleError(message: "the body must be a JSON object") }
        let known: Set<String> = ["method", "path", "times", "status", "delayMs", "drop", "retryAfter"]
        if let unknown = object.keys.first(where: { !known.contains($0) }) {
            throw FaultRuleError(message: "unknown member \"\(unknown)\" (expected \(known.sorted().joined(separator: ", ")))")
        }
        guard let path = object["path"]?.stringValue, path.hasPrefix("/") else {
            throw FaultRuleError(message: "\"path\" must be a path pattern starting with /")
        }
        var method: String?
        switch object["method"] {
        case nil, .null: method = nil
        case .string(let text) where text == "*": method = nil
        case .string(let text) where HTTPMethod(rawValue: text.uppercased()) != nil: method = text.uppercased()
        default: throw FaultRuleError(message: "\"method\" must be an HTTP method or \"*\"")
        }
        let times: Int?
        switch object["times"] {
        case nil: times = 1
        case .null: times = nil
        case .number(let n) where (n.intValue ?? 0) > 0: times = n.intValue
        default: throw FaultRuleError(message: "\"times\" must be a positive integer or null")
        }
        var status: Int?
        if let value = object["status"], value != .null {
            guard case .number(let n) = value, let code = n.intValue, (400...599).contains(code) else {
                throw FaultRuleError(message: "\"status\" must be an error status, 400 to 599")
            }
            status = code
        }
        var delay = 0
        if let value = object["delayMs"], value != .null {
            guard case .number(let n) = value, let ms = n.intValue, (0...PreferHeader.maxDelayMilliseconds).contains(ms) else {
                throw FaultRuleError(message: "\"delayMs\" must be an integer from 0 to \(PreferHeader.maxDelayMilliseconds)")
            }
            delay = ms
        }
        var drop = false
        if let value = object["drop"], value != .null {
            guard case .bool(let b) = value else { throw FaultRuleError(message: "\"drop\" must be a boolean") }
            drop = b
        }
        var retryAfter: String?
        switch object["retryAfter"] {
        case nil, .null: retryAfter = nil
        case .string(let text) where !text.isEmpty && !text.contains(where: \.isNewline): retryAfter = text
        case .number(let n) where (n.intValue ?? -1) >= 0: retryAfter = n.lexeme
        default: throw FaultRuleError(message: "\"retryAfter\" must be seconds or an HTTP date")
        }
        if status == nil && !drop && delay == 0 {
            throw FaultRuleError(message: "a rule needs at least one of \"status\", \"delayMs\" or \"drop\"")
        }
        if drop && status != nil {
            throw FaultRuleError(message: "\"drop\" closes the connection without an answer; it cannot also have a \"status\"")
        }
        if retryAfter != nil && status == nil {
            throw FaultRuleError(message: "\"retryAfter\" needs a \"status\" to go with")
        }
        return (method, path, times, status, delay, drop, retryAfter)
    }
}
