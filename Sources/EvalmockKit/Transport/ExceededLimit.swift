/// A limit of `TransportLimits` (or of the batch size) that a request went over. The transport
/// and the pipeline find it; each API's `ErrorDialect` words the answer.
public enum ExceededLimit: Sendable, Equatable {
    /// The header fields together are larger than `maxHeaderBytes`: 431.
    case headerBytes(limit: Int)
    /// Path and query are longer than `maxURIBytes`: 414.
    case uriBytes(limit: Int)
    /// A batch (a body that is a JSON array) has more items than `maxBatchItems`: 413.
    case batchItems(count: Int, limit: Int)
    /// The request came on a connection beyond `maxConnections`: 503, and the connection closes.
    case connections(limit: Int)

    public var status: Int {
        switch self {
        case .headerBytes: return 431
        case .uriBytes: return 414
        case .batchItems: return 413
        case .connections: return 503
        }
    }

    public var message: String {
        switch self {
        case .headerBytes(let limit): return "Request header fields are larger than \(limit) bytes"
        case .uriBytes(let limit): return "Request URI is longer than \(limit) bytes"
        case .batchItems(let count, let limit): return "Batch of \(count) items is larger than the limit of \(limit) items"
        case .connections(let limit): return "Too many open connections (limit \(limit)); retry later"
        }
    }
}
