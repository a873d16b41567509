import CLibevent

#if canImport(Glibc)
    import Glibc
#endif

/// What evhttp in libevent 2.1 does not offer: a count of open client connections and a
/// deadline for each request. `evhttp_set_timeout` is an idle timeout that every received byte
/// resets, so a client trickling a header line every few seconds (slowloris) would hold its
/// connection for ever; the deadline here is not reset by traffic.
///
/// evhttp creates each connection's bufferevent through `evhttp_set_bevcb`, which is where a
/// connection is counted and its deadline armed. The guard holds a reference on the bufferevent
/// so that the socket stays valid for as long as the guard may still shut it down; it lets go
/// when evhttp closes the connection (`evhttp_connection_set_closecb`, installed at its first
/// request) or when the deadline passes. A connection that a client closes before completing a
/// request is therefore counted until its deadline.
///
/// Each connection also keeps a copy of the request line being read (`RequestLine`), taken by a
/// callback on its input buffer while a line is due: the one thing libevent does not keep of
/// an unknown method or a request it rejects.
///
/// Everything here runs on the event-loop thread.
final class ConnectionGuard {
    final class Connection {
        let bufferevent: OpaquePointer
        /// Beyond `maxConnections` when it was opened: its requests are refused.
        let overLimit: Bool
        var deadline: OpaquePointer?
        var closeWatched = false
        /// The request line of the request being read (see `RequestLine`): `lineLength` bytes
        /// (`lineBuffer` holds the first `lineKept` of them), whole once `lineComplete`. Taken
        /// from the opening, and from each complete request on, while `awaitingRequestLine`;
        /// the callback is switched off in between, so that libevent's reading of the header
        /// lines and the body does not call it. The buffer is reused, so that copying a line
        /// costs no allocation.
        private var lineBuffer: [UInt8] = []
        private var lineKept = 0
        private var lineLength = 0
        private var lineComplete = false
        private var hasLine = false
        private var awaitingRequestLine = true
        /// The callback on the input buffer that copies request lines.
        var inputWatch: OpaquePointer?
        unowned let owner: ConnectionGuard

        init(bufferevent: OpaquePointer, overLimit: Bool, owner: ConnectionGuard) {
            self.bufferevent = bufferevent
            self.overLimit = overLimit
            self.owner = owner
        }

        var requestLine: RequestLine? {
            guard hasLine else { return nil }
            return RequestLine(bytes: Array(lineBuffer[..<lineKept]), complete: lineComplete, length: lineLength)
        }

        /// Copies the request line if the input holds it (or the start of it). libevent reads
        /// each request line from the input buffer only when its end has arrived, and every
        /// arrival passes through `inputChanged` first, so the copy is made before it.
        fileprivate func readRequestLine(from input: OpaquePointer) {
            let available = evbuffer_get_length(input)
            guard available > 0 else { return }
            var endLength = 0
            let end = evbuffer_search_eol(input, nil, &endLength, EVBUFFER_EOL_CRLF)
            let complete = end.pos >= 0
            let length = complete ? end.pos : available
            // A line past libevent's ceiling is rejected whole; its start is enough to find the
            // API it was meant for.
            let kept = complete ? min(length, owner.maxLineBytes) : min(length, ConnectionGuard.partialLineBytes)
            if lineBuffer.count < kept { lineBuffer = [UInt8](repeating: 0, count: max(kept, 256)) }
            let copied = lineBuffer.withUnsafeMutableBytes { evbuffer_copyout(input, $0.baseAddress, kept) }
            (lineKept, lineLength, lineComplete, hasLine) = (max(copied, 0), length, complete, true)
            if complete { awaitRequestLine(false, input) }
        }

        private func awaitRequestLine(_ awaiting: Bool, _ input: OpaquePointer) {
            awaitingRequestLine = awaiting
            guard let inputWatch else { return }
            if awaiting {
                evbuffer_cb_set_flags(input, inputWatch, UInt32(EVBUFFER_CB_ENABLED))
            } else {
                evbuffer_cb_clear_flags(input, inputWatch, UInt32(EVBUFFER_CB_ENABLED))
            }
        }

        /// A request was read whole: what follows in the input is the next request's line.
        func expectNextRequestLine() {
            hasLine = false
            guard let input = bufferevent_get_input(bufferevent) else { return }
            awaitRequestLine(true, input)
            // A long line's copy is not kept for the connection's life.
            if lineBuffer.count > ConnectionGuard.partialLineBytes { lineBuffer = [] }
            readRequestLine(from: input)
        }

        fileprivate func inputChanged(_ input: OpaquePointer, added: Int) {
            if awaitingRequestLine, added > 0 { readRequestLine(from: input) }
        }
    }

    /// How much of a request line still arriving is kept (enough for its method and the
    /// leading segments of its path).
    static let partialLineBytes = 4096

    private let limits: TransportLimits
    /// libevent's ceiling for the request line and headers; a longer line is kept to this length.
    let maxLineBytes: Int
    /// Connections not yet released, by bufferevent. The reference the guard holds on each
    /// bufferevent (and evhttp's, while the connection lives) keeps these pointers unique.
    private var open: [OpaquePointer: Connection] = [:]

    init(limits: TransportLimits) {
        self.limits = limits
        self.maxLineBytes = max(limits.maxHeaderBytes, limits.maxURIBytes) * TransportLimits.headerCeilingFactor
    }

    /// Installs the guard on `http`; `self` must outlive it.
    func install(on http: OpaquePointer) {
        evhttp_set_bevcb(
            http,
            { base, context in
                guard let base, let context else { return nil }
                return Unmanaged<ConnectionGuard>.fromOpaque(context).takeUnretainedValue().connectionOpened(base: base)
            }, Unmanaged.passUnretained(self).toOpaque())
    }

    private func connectionOpened(base: OpaquePointer) -> OpaquePointer? {
        // What evhttp itself creates when there is no callback.
        guard let bufferevent = bufferevent_socket_new(base, -1, Int32(BEV_OPT_CLOSE_ON_FREE.rawValue)) else { return nil }
        bufferevent_incref(bufferevent)
        let connection = Connection(bufferevent: bufferevent, overLimit: open.count >= limits.maxConnections, owner: self)
        // The timer exists only while the connection is in `open`, which keeps it alive.
        connection.deadline = event_new(
            base, -1, 0,
            { _, _, context in
                guard let context else { return }
                let connection = Unmanaged<Connection>.fromOpaque(context).takeUnretainedValue()
                connection.owner.deadlinePassed(connection)
            }, Unmanaged.passUnretained(connection).toOpaque())
        open[bufferevent] = connection
        connection.inputWatch = evbuffer_add_cb(
            bufferevent_get_input(bufferevent),
            { input, info, context in
                guard let input, let info, let context else { return }
                Unmanaged<Connection>.fromOpaque(context).takeUnretainedValue().inputChanged(input, added: info.pointee.n_added)
            }, Unmanaged.passUnretained(connection).toOpaque())
        arm(connection)
        return bufferevent
    }

    /// A complete request arrived: the deadline stops until its answer is sent.
    func requestArrived(on evcon: OpaquePointer?) -> Connection? {
        guard let evcon, let bufferevent = evhttp_connection_get_bufferevent(evcon),
            let connection = open[bufferevent]
        else { return nil }
        if let deadline = connection.deadline { event_del(deadline) }
        if !connection.closeWatched {
            connection.closeWatched = true
            // The socket exists from the first request on (evhttp sets it after `bevcb`).
            NoDelay.enable(onSocket: bufferevent_getfd(bufferevent))
            // The bufferevent, not a Swift object, identifies the connection here: evhttp may
            // call this twice (reset, then free), and after a release the lookup finds nothing.
            evhttp_connection_set_closecb(
                evcon,
                { evcon, context in
                    guard let evcon, let context, let bufferevent = evhttp_connection_get_bufferevent(evcon) else { return }
                    Unmanaged<ConnectionGuard>.fromOpaque(context).takeUnretainedValue().connectionClosed(bufferevent)
                }, Unmanaged.passUnretained(self).toOpaque())
        }
        return connection
    }

    /// The answer is handed to evhttp (or held until its group commit): its delivery and the
    /// next request get a new deadline.
    func responseSent(on connection: Connection?) {
        guard let connection, open[connection.bufferevent] === connection else { return }
        arm(connection)
    }

    private func arm(_ connection: Connection) {
        guard let deadline = connection.deadline else { return }
        var timeout = timeval(tv_sec: Int(limits.timeoutSeconds), tv_usec: 0)
        event_add(deadline, &timeout)
    }

    private func deadlinePassed(_ connection: Connection) {
        // Shutting the socket down makes evhttp see the end of the stream and free the
        // connection in its own way; the socket is still open because the guard holds a reference.
        let fd = bufferevent_getfd(connection.bufferevent)
        if fd >= 0 { shutdown(fd, Int32(SHUT_RDWR)) }
        release(connection)
    }

    private func connectionClosed(_ bufferevent: OpaquePointer) {
        if let connection = open[bufferevent] { release(connection) }
    }

    private func release(_ connection: Connection) {
        guard open[connection.bufferevent] === connection else { return }
        open[connection.bufferevent] = nil
        if let deadline = connection.deadline {
            event_free(deadline)
            connection.deadline = nil
        }
        if let inputWatch = connection.inputWatch {
            evbuffer_remove_cb_entry(bufferevent_get_input(connection.bufferevent), inputWatch)
            connection.inputWatch = nil
        }
        bufferevent_decref(connection.bufferevent)
    }

    /// Lets go of every connection still held; call after `evhttp_free`, before the base goes.
    func releaseAll() {
        for connection in Array(open.values) { release(connection) }
    }
}
