/// A request libevent could not read to the end, which it would answer itself with an HTML
/// page. The transport hands it to the server instead, with what is known of it: the method and
/// path of its request line, when that line gave them, so that the API the path belongs to
/// words the answer.
public struct UnreadableRequest: Sendable, Equatable {
    public enum Problem: Sendable, Equatable {
        /// 400: the request line is not `method SP target SP HTTP/x.y` as libevent reads it
        /// (an HTTP version above 1 included).
        case malformedRequestLine(String)
        /// 400: a header line without a colon, an invalid `Content-Length`.
        case malformedHeader(String)
        /// 414 or 431: the request line, or the request line and header fields, went past the
        /// point where libevent stops reading them.
        case exceeded(ExceededLimit)
        /// 413: the body went past the point where libevent stops reading it.
        case bodyBytes(limit: Int)
        /// 417: an `Expect` other than `100-continue`.
        case expectation(String)

        public var status: Int {
            switch self {
            case .malformedRequestLine, .malformedHeader: return 400
            case .exceeded(let limit): return limit.status
            case .bodyBytes: return 413
            case .expectation: return 417
            }
        }

        public var message: String {
            switch self {
            case .malformedRequestLine(let message), .malformedHeader(let message): return message
            case .exceeded(let limit): return limit.message
            case .bodyBytes(let limit): return "Request body is larger than \(limit) bytes"
            case .expectation(let value): return "Expectation '\(value)' is not supported; only 100-continue is"
            }
        }
    }

    public var problem: Problem
    /// The request line's method, when it has one (whether libevent knows it or not).
    public var method: String?
    /// The request line's path (still percent-encoded), when it has one.
    public var path: String?

    public init(problem: Problem, method: String? = nil, path: String? = nil) {
        self.problem = problem
        self.method = method
        self.path = path
    }

    /// What libevent found, from what it leaves behind. libevent tells only a status: 400 for
    /// any request line or header it cannot read (too long included), 413 for a body past its
    /// limit (or a malformed chunked body, which it reports alike), 417 for an `Expect`.
    ///
    /// - Parameters:
    ///   - headerBytesRead: request line and header lines libevent had read (its `headers_size`).
    ///   - unreadBytes: bytes still in the connection's input, and whether a line end is among them.
    static func classify(
        libeventStatus: Int, line: RequestLine?, headers: HTTPHeaders,
        headerBytesRead: Int, unreadBytes: Int, unreadHasLineEnd: Bool,
        limits: TransportLimits
    ) -> UnreadableRequest {
        var request = UnreadableRequest(
            problem: .malformedRequestLine("Malformed request line"),
            method: line?.method, path: line?.path)
        let ceiling = max(limits.maxHeaderBytes, limits.maxURIBytes) * TransportLimits.headerCeilingFactor
        switch libeventStatus {
        case 413:
            request.problem = .bodyBytes(limit: limits.maxBodyBytes)
        case 417:
            request.problem = .expectation(headers["Expect"] ?? "")
        default:
            guard let line else { break }
            if !line.complete || line.length > ceiling {
                request.problem = .exceeded(.uriBytes(limit: limits.maxURIBytes))
            } else if let problem = line.problem {
                request.problem = .malformedRequestLine(problem)
            } else if headerBytesRead > ceiling || (headerBytesRead + unreadBytes > ceiling && !unreadHasLineEnd) {
                // libevent's two checks: after a line, and when no complete line is left.
                request.problem = .exceeded(.headerBytes(limit: limits.maxHeaderBytes))
            } else if let length = headers["Content-Length"], !length.isEmpty, !length.utf8.allSatisfy({ (48...57).contains($0) }) {
                request.problem = .malformedHeader("Content-Length '\(length)' is not a number of bytes")
            } else {
                request.problem = .malformedHeader("Malformed header line")
            }
        }
        return request
    }
}
