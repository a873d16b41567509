import EvalmockKit

/// An error the trace server raises inside a handler. Its error registry turns each into a
/// status and a `{"reason": ...}` body (`weave/trace_server/errors.py`); an exception type the
/// registry does not list (it matches the exact type, not subclasses) becomes 500
/// `{"reason": "Internal server error"}`.
struct WeaveTraceServerError: Error, Equatable {
    let status: Int
    let reason: String
    /// Members some errors add beside `reason` (`ObjectDeletedError`'s `deleted_at`).
    let extra: JSONValue.JSONObject

    init(status: Int, reason: String, extra: JSONValue.JSONObject = [:]) {
        self.status = status
        self.reason = reason
        self.extra = extra
    }

    /// `InvalidExternalRef`, `CHValidationError`, a plain `ValueError`: 400.
    static func invalidRequest(_ reason: String) -> Self { Self(status: 400, reason: reason) }
    /// `NotFoundError`: 404.
    static func notFound(_ reason: String) -> Self { Self(status: 404, reason: reason) }
    /// `RequestTooLarge`, whose formatter drops the message.
    static let requestTooLarge = Self(status: 413, reason: "Request too large")
    /// `KeyError`, whose formatter drops the message.
    static let internalBackend = Self(status: 500, reason: "Internal backend error")
    /// Any exception the registry does not know (TypeError, IndexError, InvalidInternalRef).
    static let unregistered = Self(status: 500, reason: "Internal server error")

    var response: HTTPResponse {
        var body: JSONValue.JSONObject = ["reason": .string(reason)]
        for (key, value) in extra { body[key] = value }
        return .json(status, .object(body))
    }
}
