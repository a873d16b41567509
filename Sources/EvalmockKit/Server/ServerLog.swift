import Logging

/// Server-wide messages (start-up, faults), through swift-log.
public enum ServerLog {
    static let logger = Logger(label: "evalmock")

    public static func info(_ message: String) { logger.info("\(message)") }
    public static func warning(_ message: String) { logger.warning("\(message)") }
    public static func error(_ message: String) { logger.error("\(message)") }
}
