import CEvhttpErrorPage
import CLibevent
import Foundation

/// Routes the requests libevent answers by itself (through `evhttp_send_error`, which the
/// CEvhttpErrorPage target takes the place of) to the server whose event loop read them.
///
/// The C definition is one per process, so this table is too: each server registers its event
/// base while it lives, and a rejected request finds its server through its connection's base.
/// The writer runs on that server's loop thread; the lock only guards the table, which servers
/// on other threads (tests run several) change.
enum LibeventErrorPages {
    /// Whether libevent's own error pages reach evalmock in this executable (on Linux, an
    /// executable's definition of a function libevent also defines takes its place; where it
    /// does not, libevent keeps answering with its HTML pages).
    static var interposed: Bool { evalmock_error_page_interposed() != 0 }

    private final class Table: @unchecked Sendable {
        let lock = NSLock()
        var servers: [OpaquePointer: Unmanaged<EventLoopHTTPServer>] = [:]
    }

    private static let table: Table = {
        evalmock_set_error_page_writer { request, status in
            guard let request, let connection = evhttp_request_get_connection(request),
                let base = evhttp_connection_get_base(connection),
                let server = LibeventErrorPages.server(for: base)
            else { return 0 }
            return server.answerUnreadable(request, libeventStatus: Int(status)) ? 1 : 0
        }
        return Table()
    }()

    /// `server` must call `unregister` before it goes.
    static func register(_ server: EventLoopHTTPServer, base: OpaquePointer) {
        let table = table
        table.lock.lock()
        table.servers[base] = Unmanaged.passUnretained(server)
        table.lock.unlock()
    }

    static func unregister(base: OpaquePointer) {
        let table = table
        table.lock.lock()
        table.servers[base] = nil
        table.lock.unlock()
    }

    private static func server(for base: OpaquePointer) -> EventLoopHTTPServer? {
        let table = table
        table.lock.lock()
        defer { table.lock.unlock() }
        return table.servers[base]?.takeUnretainedValue()
    }
}
