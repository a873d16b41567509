import Foundation

/// Plain lines on standard error: the start-up line, faults.
public enum ServerLog {
    public static func info(_ message: String) { write(message) }
    public static func error(_ message: String) { write("error: " + message) }

    private static func write(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
