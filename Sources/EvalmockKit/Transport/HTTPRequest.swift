/// A request as the transport received it, independent of libevent so that handlers and the
/// pipeline can be unit-tested without a socket.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The path exactly as sent (still percent-encoded); the router decodes each segment.
    public var path: String
    public var rawQuery: String?
    public var headers: HTTPHeaders {
        didSet { authorization = AuthorizationHeader(headers) }
    }
    /// The `Authorization` field of `headers`, parsed once for the auth step and every later
    /// reader of the caller's credential.
    public private(set) var authorization: AuthorizationHeader?
    public var body: [UInt8]
    /// A limit the transport found exceeded before the request reached the pipeline (the
    /// connection limit); the pipeline answers it in the API's dialect.
    public var exceededLimit: ExceededLimit?

    public init(method: String, path: String, rawQuery: String? = nil, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.rawQuery = rawQuery
        self.headers = headers
        self.authorization = AuthorizationHeader(headers)
        self.body = body
    }

    /// Query parameters in order; repeated names (`tags=a&tags=b`) give several values.
    public var queryItems: [(name: String, value: String)] {
        guard let rawQuery, !rawQuery.isEmpty else { return [] }
        return rawQuery.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = PercentDecoding.decode(String(parts[0]), plusAsSpace: true) ?? String(parts[0])
            let value = parts.count > 1 ? (PercentDecoding.decode(String(parts[1]), plusAsSpace: true) ?? String(parts[1])) : ""
            return (name, value)
        }
    }
}
