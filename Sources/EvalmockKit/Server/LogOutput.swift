import Foundation

/// Standard error, written in whole lines.
///
/// A line is either written at once (start-up, warnings, faults) or buffered (the access log)
/// and written with the others of its event-loop iteration: one write(2) per iteration instead
/// of one per request, which cost a third of throughput when standard error was a pipe. Every
/// write carries whole lines, and a write at once first writes what is buffered, so lines keep
/// their order.
public final class LogOutput: @unchecked Sendable {
    public static let standardError = LogOutput(descriptor: 2)

    /// Past this, buffered lines are written without waiting for the iteration to end.
    static let bufferLimit = 64 * 1024

    private let descriptor: Int32
    private let lock = NSLock()
    private var pending: [UInt8] = []

    init(descriptor: Int32) {
        self.descriptor = descriptor
        pending.reserveCapacity(Self.bufferLimit)
    }

    /// Writes what is buffered, then `line` (which ends in a newline).
    public func write(_ line: [UInt8]) {
        lock.withLock {
            pending.append(contentsOf: line)
            writePending()
        }
    }

    /// Keeps `line` (which ends in a newline) for the next `flush()`.
    public func buffer(_ line: [UInt8]) {
        buffer { $0.append(contentsOf: line) }
    }

    /// Keeps the line `writeLine` appends (ending it in a newline) for the next `flush()`: written
    /// straight into the buffer, with no array of its own to fill and copy.
    public func buffer(_ writeLine: (inout [UInt8]) -> Void) {
        lock.withLock {
            writeLine(&pending)
            if pending.count >= Self.bufferLimit { writePending() }
        }
    }

    /// Writes the buffered lines.
    public func flush() {
        lock.withLock { if !pending.isEmpty { writePending() } }
    }

    /// A pipe may take part of a large write, and a signal may interrupt one: the rest follows.
    private func writePending() {
        pending.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    break  // standard error closed or full beyond repair: the lines are dropped, not retried forever
                }
            }
        }
        pending.removeAll(keepingCapacity: true)
    }
}
