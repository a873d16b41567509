import Foundation
import Logging

/// How log lines look on standard error.
public enum LogFormat: String, Sendable, CaseIterable {
    /// `2026-11-24T18:40:00.123Z info request method=POST ms=0.42 path=/api/v2/runs/1/records status=201`
    case text
    /// One JSON object per line: `{"ts":…,"level":…,"msg":…, metadata…}`.
    case json
}

/// A swift-log handler that writes one line per message, at once and whole (`LogOutput`), so
/// that lines from a crashing process are never half-written or interleaved. The access log
/// writes lines of the same shape on its own (`AccessLog`).
public struct LogLineHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let format: LogFormat

    public init(format: LogFormat, level: Logger.Level) {
        self.format = format
        self.logLevel = level
    }

    /// Installs the handler for the whole process; call once, before any logger is made.
    public static func bootstrap(format: LogFormat, level: Logger.Level) {
        LoggingSystem.bootstrap { _ in LogLineHandler(format: format, level: level) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let timestamp = Timestamp.nowISO8601()
        var line: String
        switch format {
        case .text:
            line = "\(timestamp) \(event.level) \(event.message)"
            for key in merged.keys.sorted() {
                line += " \(key)=\(merged[key]!)"
            }
        case .json:
            var object = JSONValue.JSONObject()
            object["ts"] = .string(timestamp)
            object["level"] = .string(event.level.rawValue)
            object["msg"] = .string(event.message.description)
            for key in merged.keys.sorted() {
                object[key] = Self.json(merged[key]!)
            }
            line = JSONWriter.encodeString(.object(object))
        }
        line += "\n"
        LogOutput.standardError.write(Array(line.utf8))
    }

    private static func json(_ value: Logger.MetadataValue) -> JSONValue {
        switch value {
        case .string(let text):
            // Numbers logged as strings (status, ms) become JSON numbers.
            if let parsed = try? JSONParser.parse(text), case .number = parsed { return parsed }
            return .string(text)
        case .stringConvertible(let convertible): return .string(convertible.description)
        case .array(let values): return .array(values.map(json))
        case .dictionary(let dictionary):
            var object = JSONValue.JSONObject()
            for key in dictionary.keys.sorted() { object[key] = json(dictionary[key]!) }
            return .object(object)
        }
    }
}
