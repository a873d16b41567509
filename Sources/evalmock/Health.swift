import ArgumentParser
import EvalmockKit
import Foundation

/// `evalmock health`: asks a running evalmock for `GET /_evalmock/health` and exits 0 on a 200.
///
/// For Docker's HEALTHCHECK: the runtime image has no curl, and a plain HTTP/1.0 request over a
/// socket needs no HTTP client library (FoundationNetworking would pull in libcurl).
struct Health: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that an evalmock server answers its health endpoint (exit 0 when healthy)."
    )

    @Option(help: "Address of the server (default: 127.0.0.1).")
    var host: String = "127.0.0.1"

    @Option(help: "Port of the server (default: EVALMOCK_PORT, else 4010).")
    var port: Int = Environment.int("EVALMOCK_PORT") ?? 4010

    @Option(help: "Seconds to wait for the answer.")
    var timeout: Int = 2

    func run() throws {
        do {
            let status = try HealthProbe.status(host: host, port: port, timeoutSeconds: timeout)
            guard status == 200 else {
                FileHandle.standardError.write(Data("unhealthy: HTTP \(status)\n".utf8))
                throw ExitCode(1)
            }
            print("healthy")
        } catch let error as HealthProbe.Failure {
            FileHandle.standardError.write(Data("unhealthy: \(error.reason)\n".utf8))
            throw ExitCode(1)
        }
    }
}

enum HealthProbe {
    struct Failure: Error { let reason: String }

    /// The HTTP status of `GET /_evalmock/health`, over one short-lived TCP connection.
    static func status(host: String, port: Int, timeoutSeconds: Int) throws -> Int {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var info: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &info) == 0, let address = info else {
            throw Failure(reason: "cannot resolve \(host)")
        }
        defer { freeaddrinfo(info) }
        let fd = socket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
        guard fd >= 0 else { throw Failure(reason: "cannot open a socket") }
        defer { close(fd) }
        var limit = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        guard connect(fd, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 else {
            throw Failure(reason: "nothing listens on \(host):\(port)")
        }
        let request = "GET /_evalmock/health HTTP/1.0\r\nHost: \(host)\r\n\r\n"
        guard request.withCString({ send(fd, $0, strlen($0), 0) }) > 0 else { throw Failure(reason: "cannot send") }
        var buffer = [UInt8](repeating: 0, count: 64)
        let received = recv(fd, &buffer, buffer.count, 0)
        guard received > 12 else { throw Failure(reason: "no answer within \(timeoutSeconds) s") }
        // "HTTP/1.1 200 OK": the status is the second word of the status line.
        let line = String(decoding: buffer[0..<received], as: UTF8.self)
        let words = line.split(separator: " ", maxSplits: 2)
        guard words.count >= 2, let status = Int(words[1]) else { throw Failure(reason: "not an HTTP answer") }
        return status
    }
}
