/// A response to be written once by the transport.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// The answer to send instead if the writes this response reports are lost before they are
    /// committed (group commit failed): the API's own 500.
    public var ifNotCommitted: (@Sendable () -> HTTPResponse)?
    /// How the transport delivers it: now, later, or not at all (the connection is closed).
    public var delivery: ResponseDelivery = .immediate

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public static func json(_ status: Int, _ value: JSONValue, headers: HTTPHeaders = HTTPHeaders()) -> HTTPResponse {
        json(status, encoded: JSONWriter.encode(value), headers: headers)
    }

    /// A JSON answer whose text is already written.
    public static func json(_ status: Int, encoded body: [UInt8], headers: HTTPHeaders = HTTPHeaders()) -> HTTPResponse {
        var headers = headers
        headers.set("Content-Type", "application/json")
        return HTTPResponse(status: status, headers: headers, body: body)
    }

    /// The standard reason phrase for the status line.
    public static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 201: return "Created"
        case 204: return "No Content"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 409: return "Conflict"
        case 413: return "Payload Too Large"
        case 414: return "URI Too Long"
        case 415: return "Unsupported Media Type"
        case 417: return "Expectation Failed"
        case 422: return "Unprocessable Entity"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return "Status \(status)"
        }
    }
}

/// When and whether the transport writes a response. Delays never block the event loop: the
/// reply is sent by a timer while other requests are served.
public enum ResponseDelivery: Sendable, Equatable {
    case immediate
    case delayed(milliseconds: Int)
    /// Close the connection without any reply, after the delay (0 for at once): what a client
    /// sees when a proxy or the service dies mid-request.
    case dropConnection(afterMilliseconds: Int)
}
