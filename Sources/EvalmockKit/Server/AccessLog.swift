import Foundation

/// One line per request (method, path, status, ms), at log level `info`, in the format of
/// `LogLineHandler`'s lines:
///
///     2026-11-24T18:40:00.123Z info request method=POST ms=0.42 path=/api/v2/runs/1/records status=201
///     {"ts":"…","level":"info","msg":"request","method":"POST","ms":0.42,"path":"/api/v2/runs/1/records","status":201}
///
/// Written directly rather than through swift-log (a metadata dictionary and a key sort per
/// request), and buffered: the transport flushes it once per event-loop iteration, the server
/// once more when it stops.
public struct AccessLog: Sendable {
    public let isEnabled: Bool
    private let format: LogFormat
    private let output: LogOutput

    public init(isEnabled: Bool, format: LogFormat, output: LogOutput = .standardError) {
        self.isEnabled = isEnabled
        self.format = format
        self.output = output
    }

    /// `status` nil: the connection was dropped without an answer.
    public func record(method: String, path: String, status: Int?, milliseconds: Double) {
        guard isEnabled else { return }
        let ms = FixedPointText.text(milliseconds, digits: 2)
        let statusText = status.map(String.init) ?? "dropped"
        var line: [UInt8] = []
        line.reserveCapacity(96 + path.utf8.count)
        switch format {
        case .text:
            line.append(contentsOf: Timestamp.nowISO8601().utf8)
            line.append(contentsOf: " info request method=".utf8)
            line.append(contentsOf: method.utf8)
            line.append(contentsOf: " ms=".utf8)
            line.append(contentsOf: ms.utf8)
            line.append(contentsOf: " path=".utf8)
            line.append(contentsOf: path.utf8)
            line.append(contentsOf: " status=".utf8)
            line.append(contentsOf: statusText.utf8)
        case .json:
            JSONWriter.writeObject([
                ("ts", .string(Timestamp.nowISO8601())), ("level", .string("info")), ("msg", .string("request")),
                ("method", .string(method)), ("ms", .number(JSONNumber(lexeme: ms))), ("path", .string(path)),
                ("status", status.map { .number(JSONNumber($0)) } ?? .string(statusText)),
            ], into: &line)
        }
        line.append(UInt8(ascii: "\n"))
        output.buffer(line)
    }

    public func flush() { output.flush() }
}
