import XCTest

@testable import EvalmockKit

#if canImport(Glibc)
    import Glibc
#endif

/// Every client connection has Nagle's algorithm off once its first request arrives, so the tail
/// of a large answer is not held back for the client's delayed ACK.
final class NoDelayTests: XCTestCase {
    func testTheServersEndOfAConnectionHasNoDelay() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try Self.connect(port: server.port)
        defer { close(client) }
        let request = "GET /api/v2/runs/1/records HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ak_test\r\n\r\n"
        XCTAssertEqual(request.withCString { write(client, $0, strlen($0)) }, request.utf8.count)
        var answer = [UInt8](repeating: 0, count: 4096)
        XCTAssertGreaterThan(read(client, &answer, answer.count), 0)

        // The server runs in this process: its end is the socket whose peer is our end.
        let serverEnd = try XCTUnwrap(Self.socket(localPort: server.port, peerPort: Self.localPort(of: client)))
        XCTAssertEqual(Self.noDelay(serverEnd), 1)
        XCTAssertEqual(Self.noDelay(client), 0, "the test's own socket keeps the default")
    }

    private static func connect(port: Int) throws -> Int32 {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        return fd
    }

    private static func port(_ fd: Int32, peer: Bool) -> Int? {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { peer ? getpeername(fd, $0, &length) : getsockname(fd, $0, &length) }
        }
        guard result == 0, address.sin_family == sa_family_t(AF_INET) else { return nil }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func localPort(of fd: Int32) -> Int { port(fd, peer: false) ?? -1 }

    private static func socket(localPort: Int, peerPort: Int) -> Int32? {
        (3..<Int32(4096)).first { port($0, peer: false) == localPort && port($0, peer: true) == peerPort }
    }

    private static func noDelay(_ fd: Int32) -> Int32 {
        var value: Int32 = -1
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &value, &length)
        return value
    }
}
