import Foundation

/// One line per request (method, path, status, ms), at log level `info`, in the format of
/// `LogLineHandler`'s lines:
///
///     2026-11-24T18:40:00.123Z info request method=POST ms=0.42 path=/api/v2/runs/1/records status=201
///     {"ts":"…","level":"info","msg":"request","method":"POST","ms":0.42,"path":"/api/v2/runs/1/records","status":201}
///
/// Written directly rather than through swift-log (a metadata dictionary and a key sort per
/// request), and buffered: each line is written straight into the output's buffer, which the
/// transport flushes once per event-loop iteration, the server once more when it stops.
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
        let format = format
        let timestamp = Timestamp.nowISO8601()
        output.buffer { line in
            switch format {
            case .text:
                Self.append(timestamp, to: &line)
                Self.append(" info request method=", to: &line)
                Self.append(method, to: &line)
                Self.append(" ms=", to: &line)
                Self.append(ms, to: &line)
                Self.append(" path=", to: &line)
                Self.append(path, to: &line)
                Self.append(" status=", to: &line)
                Self.append(statusText, to: &line)
            case .json:
                JSONWriter.writeObject(
                    [
                        ("ts", .string(timestamp)), ("level", .string("info")), ("msg", .string("request")),
                        ("method", .string(method)), ("ms", .number(JSONNumber(lexeme: ms))), ("path", .string(path)),
                        ("status", status.map { .number(JSONNumber($0)) } ?? .string(statusText)),
                    ], into: &line)
            }
            line.append(UInt8(ascii: "\n"))
        }
    }

    public func flush() { output.flush() }

    // Copied as blocks of bytes: appending a String's UTF-8 view went byte by byte.
    private static func append(_ text: StaticString, to line: inout [UInt8]) {
        text.withUTF8Buffer { line.append(contentsOf: $0) }
    }

    private static func append(_ text: String, to line: inout [UInt8]) {
        var text = text
        text.withUTF8 { line.append(contentsOf: $0) }
    }
}
