import CEvhttpErrorPage
import CLibevent

#if canImport(Glibc)
    import Glibc
#endif

/// Limits the transport enforces before a request reaches the pipeline.
public struct TransportLimits: Sendable {
    /// Largest body the pipeline sees. Bodies up to `bodyCeilingFactor` times this are read and
    /// answered 413 in the API's own dialect; larger ones are cut off by libevent itself.
    public var maxBodyBytes: Int = 16 * 1024 * 1024
    /// Largest total of header fields the pipeline sees (431 above it). Up to
    /// `headerCeilingFactor` times this (request line included) the request is read and answered
    /// in the API's dialect; beyond that libevent stops reading and answers its own 413.
    public var maxHeaderBytes: Int = 64 * 1024
    /// Longest path plus query (414 above it). libevent counts the request line against the
    /// header ceiling, so URIs beyond that ceiling get libevent's own answer as well. The
    /// default leaves room for what clients really send: Weave's delete of 1,000 UUIDs in the
    /// query is about 47 KB.
    public var maxURIBytes: Int = 64 * 1024
    /// Seconds a connection gets to deliver each complete request, counted from its opening or
    /// from the previous answer; trickling (slowloris) and idle connections are closed after it.
    public var timeoutSeconds: Int32 = 30
    /// Open client connections; requests on connections beyond it are answered 503 and closed.
    public var maxConnections: Int = 1000

    static let bodyCeilingFactor = 4
    static let headerCeilingFactor = 4

    public init() {}
}

public enum TransportError: Error, CustomStringConvertible {
    case cannotCreateEventBase
    case cannotBind(host: String, port: Int, reason: String)

    public var description: String {
        switch self {
        case .cannotCreateEventBase: return "libevent could not create an event base"
        case .cannotBind(let host, let port, let reason): return "cannot listen on \(host):\(port): \(reason)"
        }
    }
}

/// The HTTP listener: libevent's evhttp on one event loop. Each request is read whole, handed
/// to `respond` on the loop thread, and answered exactly once. A request libevent gives up on
/// (malformed, past its size limits) goes to `answerUnreadable` instead of libevent's HTML
/// page (see `LibeventErrorPages`). Every `Unmanaged` and `@convention(c)` detail stays in
/// the Transport folder.
public final class EventLoopHTTPServer {
    public typealias Responder = (HTTPRequest) -> HTTPResponse
    /// Words the answer to a request libevent could not read (see `UnreadableRequest`).
    public typealias UnreadableResponder = (UnreadableRequest) -> HTTPResponse

    private let base: OpaquePointer
    private let http: OpaquePointer
    private let limits: TransportLimits
    private let respond: Responder
    private let answerUnreadable: UnreadableResponder
    private let connections: ConnectionGuard
    private var signalEvents: [OpaquePointer] = []
    /// Holds replies until their writes are committed (group commit); nil sends at once.
    public var replyGate: ReplyGate?
    private var heldReplies: [(request: OpaquePointer, response: HTTPResponse)] = []
    /// Runs after every request callback of a loop iteration, at the lowest priority.
    private var releaseEvent: OpaquePointer?
    /// Runs once after the requests of a loop iteration (and the release of held replies): the
    /// access log writes its buffered lines there.
    public var afterRequests: (() -> Void)?
    private var afterRequestsPending = false

    public init(limits: TransportLimits, respond: @escaping Responder, answerUnreadable: @escaping UnreadableResponder) throws {
        EventLoopHTTPServer.enableThreadSupport
        guard let base = event_base_new() else { throw TransportError.cannotCreateEventBase }
        // Priorities 0–2: connections run at libevent's default (1), the reply release at 2, so
        // that one release serves every request that became ready in the same iteration.
        event_base_priority_init(base, 3)
        guard let http = evhttp_new(base) else {
            event_base_free(base)
            throw TransportError.cannotCreateEventBase
        }
        self.base = base
        self.http = http
        self.limits = limits
        self.respond = respond
        self.answerUnreadable = answerUnreadable
        self.connections = ConnectionGuard(limits: limits)
        connections.install(on: http)

        let methods =
            EVHTTP_REQ_GET.rawValue | EVHTTP_REQ_POST.rawValue | EVHTTP_REQ_HEAD.rawValue
            | EVHTTP_REQ_PUT.rawValue | EVHTTP_REQ_DELETE.rawValue | EVHTTP_REQ_PATCH.rawValue
            | EVHTTP_REQ_OPTIONS.rawValue | EVHTTP_REQ_TRACE.rawValue | EVHTTP_REQ_CONNECT.rawValue
            | Self.unknownMethod
        // Every method reaches the router, which answers 405 in the API's dialect (with
        // `Allow`), as the real services do; libevent would answer one left out of this mask
        // with its HTML 501.
        evhttp_set_allowed_methods(http, UInt16(methods))
        evhttp_set_max_body_size(http, Int(limits.maxBodyBytes * TransportLimits.bodyCeilingFactor))
        evhttp_set_max_headers_size(http, max(limits.maxHeaderBytes, limits.maxURIBytes) * TransportLimits.headerCeilingFactor)
        evhttp_set_timeout(http, limits.timeoutSeconds)
        evhttp_set_default_content_type(http, Self.defaultContentType)
        evhttp_set_gencb(
            http,
            { request, context in
                guard let request, let context else { return }
                Unmanaged<EventLoopHTTPServer>.fromOpaque(context).takeUnretainedValue().handle(request)
            }, Unmanaged.passUnretained(self).toOpaque())
        releaseEvent = event_new(
            base, -1, 0,
            { _, _, context in
                guard let context else { return }
                let server = Unmanaged<EventLoopHTTPServer>.fromOpaque(context).takeUnretainedValue()
                server.releaseHeldReplies()
                if server.afterRequestsPending {
                    server.afterRequestsPending = false
                    server.afterRequests?()
                }
            }, Unmanaged.passUnretained(self).toOpaque())
        if let releaseEvent { event_priority_set(releaseEvent, 2) }
        LibeventErrorPages.register(self, base: base)
    }

    deinit {
        LibeventErrorPages.unregister(base: base)
        for event in signalEvents { event_free(event) }
        if let releaseEvent { event_free(releaseEvent) }
        evhttp_free(http)
        connections.releaseAll()
        event_base_free(base)
    }

    /// For answers that name no Content-Type. libevent keeps the pointer, not a copy, so it
    /// must outlive every server: a Swift string's temporary C string put garbage in that
    /// header once a response without one (an upload's empty 200) was sent.
    nonisolated(unsafe) private static let defaultContentType: UnsafeMutablePointer<CChar> = strdup("application/json")

    /// See `LibeventErrorPages.interposed`.
    public static var answersRequestsLibeventRejects: Bool { LibeventErrorPages.interposed }

    /// libevent 2.1's type for a method it does not know (`EVHTTP_REQ_UNKNOWN_` in its
    /// http-internal.h). Its 16-bit mask of allowed methods has room for it, and a request of
    /// this type is then passed on like any other; its name comes from `RequestLine`.
    private static let unknownMethod: UInt32 = 1 << 15

    /// libevent must be told to use pthreads before any base exists, so that `stop()` may be
    /// called from another thread (tests run the loop on a background thread).
    private static let enableThreadSupport: Void = { _ = evthread_use_pthreads() }()

    /// Binds the listener and returns the port it got (useful with port 0).
    @discardableResult
    public func bind(host: String, port: Int) throws -> Int {
        guard let handle = evhttp_bind_socket_with_handle(http, host, UInt16(clamping: port)) else {
            let reason = errno == EADDRINUSE ? "address already in use" : String(cString: strerror(errno))
            throw TransportError.cannotBind(host: host, port: port, reason: reason)
        }
        let fd = evhttp_bound_socket_get_fd(handle)
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard ok == 0 else { return port }
        if Int32(storage.ss_family) == AF_INET6 {
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            }
        }
        return withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
    }

    /// Stops the loop when the process receives one of `signals` (SIGINT, SIGTERM).
    public func stopOnSignals(_ signals: [Int32]) {
        for number in signals {
            let event = event_new(
                base, number, Int16(EV_SIGNAL | EV_PERSIST),
                { _, _, context in
                    guard let context else { return }
                    event_base_loopexit(OpaquePointer(context), nil)
                }, UnsafeMutableRawPointer(base))
            if let event {
                event_add(event, nil)
                signalEvents.append(event)
            }
        }
    }

    /// Runs the event loop until `stop()` or a registered signal.
    public func run() {
        event_base_dispatch(base)
        // Drain: replies held for a group commit when the stop came are committed and sent, and
        // a few non-blocking turns of the loop write them out before the connections close.
        guard !heldReplies.isEmpty else { return }
        releaseHeldReplies()
        for _ in 0..<20 { event_base_loop(base, EVLOOP_NONBLOCK) }
    }

    /// Ends the loop after the callbacks in progress; safe from any thread.
    public func stop() {
        event_base_loopexit(base, nil)
    }

    // MARK: - One request

    private func handle(_ raw: OpaquePointer) {
        let connection = connections.requestArrived(on: evhttp_request_get_connection(raw))
        var request = readRequest(raw)
        let knownMethod = !request.method.isEmpty
        let unknownMethod = knownMethod ? nil : connection?.requestLine?.method
        connection?.expectNextRequestLine()
        if !knownMethod {
            guard let unknownMethod else {
                // libevent takes any word before the first space for a method; one that is not
                // an RFC 9110 token makes the request line malformed (as uvicorn's parser holds).
                reject(
                    raw,
                    UnreadableRequest(
                        problem: .malformedRequestLine("Malformed request line: the method is not a token"),
                        path: request.path), on: connection)
                return
            }
            request.method = unknownMethod
        }
        if connection?.overLimit == true { request.exceededLimit = .connections(limit: limits.maxConnections) }
        var response = respond(request)
        if afterRequests != nil, !afterRequestsPending, let releaseEvent {
            afterRequestsPending = true
            if heldReplies.isEmpty { event_active(releaseEvent, 0, 0) }
        }
        if request.method == "HEAD" { response.body = [] }
        if Self.leavesBodyUnread(request, knownMethod: knownMethod) { response.headers.set("Connection", "close") }
        // The deadline restarts now, whether the reply goes out at once, later, or after the
        // group commit.
        connections.responseSent(on: connection)
        switch response.delivery {
        case .immediate:
            deliver(response, to: raw)
        case .delayed(let milliseconds):
            schedule(PendingReply(server: self, request: raw, response: response), afterMilliseconds: milliseconds)
        case .dropConnection(let milliseconds):
            schedule(PendingReply(server: self, request: raw, response: nil), afterMilliseconds: milliseconds)
        }
    }

    /// A reply the loop owes a request, sent (or refused) when its timer fires. Even a drop
    /// with no delay goes through the timer: the connection is freed after libevent's request
    /// callback has returned, never inside it.
    private final class PendingReply {
        let server: EventLoopHTTPServer
        let request: OpaquePointer
        /// nil: close the connection without a reply.
        let response: HTTPResponse?
        var event: OpaquePointer?

        init(server: EventLoopHTTPServer, request: OpaquePointer, response: HTTPResponse?) {
            self.server = server
            self.request = request
            self.response = response
        }
    }

    private func schedule(_ reply: PendingReply, afterMilliseconds milliseconds: Int) {
        let context = Unmanaged.passRetained(reply).toOpaque()
        guard
            let event = event_new(
                base, -1, 0,
                { _, _, context in
                    guard let context else { return }
                    let reply = Unmanaged<PendingReply>.fromOpaque(context).takeRetainedValue()
                    if let event = reply.event { event_free(event) }
                    reply.server.complete(reply)
                }, context)
        else {
            Unmanaged<PendingReply>.fromOpaque(context).release()
            complete(reply)
            return
        }
        reply.event = event
        var delay = timeval(tv_sec: milliseconds / 1000, tv_usec: Int((milliseconds % 1000) * 1000))
        event_add(event, &delay)
    }

    /// If the client went away meanwhile, libevent has detached the request from its
    /// connection and `evhttp_send_reply` only frees the request; a drop then has nothing left
    /// to close, and the request is ours to free.
    private func complete(_ reply: PendingReply) {
        if let response = reply.response {
            deliver(response, to: reply.request)
        } else if let connection = evhttp_request_get_connection(reply.request) {
            evhttp_connection_free(connection)
        } else {
            evhttp_request_free(reply.request)
        }
    }

    /// Sends a reply, or holds it while the reply gate says its writes are not committed yet.
    /// Every reply goes through here, delayed ones too.
    private func deliver(_ response: HTTPResponse, to raw: OpaquePointer) {
        if let replyGate, replyGate.mustHoldReplies, let releaseEvent {
            if heldReplies.isEmpty { event_active(releaseEvent, 0, 0) }
            heldReplies.append((raw, response))
            return
        }
        send(response, to: raw)
    }

    /// Commits what the held replies depend on, then sends them, or their 500s if that failed.
    private func releaseHeldReplies() {
        let committed = replyGate?.releaseHeldReplies() ?? true
        let replies = heldReplies
        heldReplies.removeAll(keepingCapacity: true)
        for (raw, response) in replies {
            if committed {
                send(response, to: raw)
            } else {
                // The server gives every reply its owning API's 500 (`RequestPipeline`); a reply
                // without one gets a bare 500 rather than some API's shape.
                let failure = response.ifNotCommitted?() ?? HTTPResponse(status: 500)
                send(failure, to: raw)
            }
        }
    }

    private func readRequest(_ raw: OpaquePointer) -> HTTPRequest {
        let method = EventLoopHTTPServer.methodName(evhttp_request_get_command(raw))
        var path = "/"
        var query: String?
        if let uri = evhttp_request_get_evhttp_uri(raw) {
            if let p = evhttp_uri_get_path(uri), p.pointee != 0 { path = String(cString: p) }
            if let q = evhttp_uri_get_query(uri) { query = String(cString: q) }
        }
        var headers = HTTPHeaders()
        if let input = evhttp_request_get_input_headers(raw) { headers = Self.headers(input) }
        var body: [UInt8] = []
        if let buffer = evhttp_request_get_input_buffer(raw) {
            let length = evbuffer_get_length(buffer)
            if length > 0 {
                body = [UInt8](unsafeUninitializedCapacity: length) { storage, count in
                    count = Int(evbuffer_copyout(buffer, storage.baseAddress, length))
                    if count < 0 { count = 0 }
                }
            }
        }
        return HTTPRequest(method: method, path: path, rawQuery: query, headers: headers, body: body)
    }

    private static func headers(_ input: UnsafeMutablePointer<evkeyvalq>) -> HTTPHeaders {
        var headers = HTTPHeaders()
        // A client's usual few fields without growing the list field by field.
        headers.reserveCapacity(8)
        var field = input.pointee.tqh_first
        while let current = field {
            if let key = current.pointee.key, let value = current.pointee.value {
                headers.add(String(cString: key), String(cString: value))
            }
            field = current.pointee.next.tqe_next
        }
        return headers
    }

    private func send(_ response: HTTPResponse, to raw: OpaquePointer) {
        if let output = evhttp_request_get_output_headers(raw) {
            for (name, value) in response.headers {
                evhttp_add_header(output, name, value)
            }
        }
        let buffer = evbuffer_new()
        if !response.body.isEmpty {
            response.body.withUnsafeBytes { bytes in
                _ = evbuffer_add(buffer, bytes.baseAddress, bytes.count)
            }
        }
        evhttp_send_reply(raw, Int32(response.status), HTTPResponse.reasonPhrase(response.status), buffer)
        evbuffer_free(buffer)
    }

    // MARK: - A request libevent could not read

    /// Answers, in place of libevent's HTML page, a request libevent gave up on (see
    /// CEvhttpErrorPage): its status says why, the connection's copy of the request line says
    /// what the request was for. The connection is closed after the answer, as libevent does:
    /// what follows in its input cannot be trusted to start a request.
    func answerUnreadable(_ raw: OpaquePointer, libeventStatus: Int) -> Bool {
        guard [400, 413, 417].contains(libeventStatus) else { return false }
        let evcon = evhttp_request_get_connection(raw)
        let connection = connections.requestArrived(on: evcon)
        var headers = HTTPHeaders()
        if let input = evhttp_request_get_input_headers(raw) { headers = Self.headers(input) }
        var unreadBytes = 0
        var unreadHasLineEnd = false
        if let evcon, let bufferevent = evhttp_connection_get_bufferevent(evcon), let input = bufferevent_get_input(bufferevent) {
            unreadBytes = evbuffer_get_length(input)
            var endLength = 0
            unreadHasLineEnd = evbuffer_search_eol(input, nil, &endLength, EVBUFFER_EOL_CRLF).pos >= 0
        }
        let unreadable = UnreadableRequest.classify(
            libeventStatus: libeventStatus, line: connection?.requestLine, headers: headers,
            headerBytesRead: evalmock_request_headers_size(raw), unreadBytes: unreadBytes,
            unreadHasLineEnd: unreadHasLineEnd, limits: limits)
        reject(raw, unreadable, on: connection)
        return true
    }

    private func reject(_ raw: OpaquePointer, _ unreadable: UnreadableRequest, on connection: ConnectionGuard.Connection?) {
        var response = answerUnreadable(unreadable)
        response.headers.set("Connection", "close")
        connections.responseSent(on: connection)
        send(response, to: raw)
    }

    /// libevent 2.1 reads no body for HEAD, TRACE, CONNECT and methods it does not know: a body
    /// sent with one stays in the buffer and would be parsed as the next request line (and
    /// answered as a request the client never sent). Closing the connection after the answer
    /// discards it.
    private static func leavesBodyUnread(_ request: HTTPRequest, knownMethod: Bool) -> Bool {
        guard !knownMethod || ["HEAD", "TRACE", "CONNECT"].contains(request.method) else { return false }
        if request.headers["Transfer-Encoding"] != nil { return true }
        return request.headers["Content-Length"].map { $0.filter { $0 != " " } != "0" } ?? false
    }

    private static func methodName(_ command: evhttp_cmd_type) -> String {
        switch command {
        case EVHTTP_REQ_GET: return "GET"
        case EVHTTP_REQ_POST: return "POST"
        case EVHTTP_REQ_HEAD: return "HEAD"
        case EVHTTP_REQ_PUT: return "PUT"
        case EVHTTP_REQ_DELETE: return "DELETE"
        case EVHTTP_REQ_OPTIONS: return "OPTIONS"
        case EVHTTP_REQ_TRACE: return "TRACE"
        case EVHTTP_REQ_CONNECT: return "CONNECT"
        case EVHTTP_REQ_PATCH: return "PATCH"
        default: return ""
        }
    }
}
