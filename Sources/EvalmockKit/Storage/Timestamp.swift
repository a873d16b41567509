import Foundation

/// Timestamps as the emulated services write them.
///
/// Formatted by hand: `String(format:)` went through Foundation's CFString formatter and was a
/// quarter of evalmock's own CPU time per created record.
public enum Timestamp {
    /// `2024-05-01T12:34:56.789Z`, optionally some seconds from now (an expiry).
    public static func nowISO8601(plusSeconds: Int = 0) -> String {
        let (parts, nanoseconds) = now(plusSeconds: plusSeconds)
        return text(parts, fraction: nanoseconds / 1_000_000, digits: 3, suffix: "Z")
    }

    /// The clock now, to be written later with `iso8601(_:)` (or never, if it is not needed).
    public static func instant() -> timespec { realtime() }

    /// `instant` as `nowISO8601()` would have written it then.
    public static func iso8601(_ instant: timespec) -> String {
        var seconds = time_t(instant.tv_sec)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return text(parts, fraction: Int(instant.tv_nsec) / 1_000_000, digits: 3, suffix: "Z")
    }

    /// `2025-02-06T00:05:50.146678`: UTC without a zone and with microseconds, as Python's
    /// `datetime.isoformat()` writes the naive datetimes of FastAPI services.
    public static func nowNaiveMicroseconds() -> String {
        let (parts, nanoseconds) = now()
        return text(parts, fraction: nanoseconds / 1_000, digits: 6, suffix: "")
    }

    /// `2024-05-01T12:34:56.789012Z`: a timezone-aware UTC `datetime` as pydantic v2 writes it,
    /// microseconds left out when they are zero.
    public static func nowPydanticUTC() -> String {
        let (parts, nanoseconds) = now()
        let micros = nanoseconds / 1_000
        return text(parts, fraction: micros == 0 ? nil : micros, digits: 6, suffix: "Z")
    }

    /// Milliseconds since the Unix epoch (the time part of a UUIDv7).
    public static func unixMilliseconds() -> UInt64 {
        let time = realtime()
        return UInt64(time.tv_sec) * 1000 + UInt64(time.tv_nsec / 1_000_000)
    }

    private static func realtime() -> timespec {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return time
    }

    private static func now(plusSeconds: Int = 0) -> (tm, Int) {
        let time = realtime()
        var seconds = time_t(time.tv_sec) + time_t(plusSeconds)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return (parts, Int(time.tv_nsec))
    }

    /// Written straight into the string's storage: the digits once went through a small array
    /// per field, eight allocations per timestamp, and two timestamps are made per created
    /// record (its own and the access log's).
    private static func text(_ parts: tm, fraction: Int?, digits: Int, suffix: String) -> String {
        String(unsafeUninitializedCapacity: 32 + suffix.utf8.count) { buffer in
            var index = 0
            /// Zero-padded decimal digits of a non-negative number (its last `width` digits).
            func put(_ value: Int, width: Int) {
                var rest = value
                var position = index + width - 1
                while position >= index {
                    buffer[position] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                    position -= 1
                }
                index += width
            }
            func put(_ byte: UInt8) {
                buffer[index] = byte
                index += 1
            }
            put(Int(parts.tm_year) + 1900, width: 4)
            put(UInt8(ascii: "-"))
            put(Int(parts.tm_mon) + 1, width: 2)
            put(UInt8(ascii: "-"))
            put(Int(parts.tm_mday), width: 2)
            put(UInt8(ascii: "T"))
            put(Int(parts.tm_hour), width: 2)
            put(UInt8(ascii: ":"))
            put(Int(parts.tm_min), width: 2)
            put(UInt8(ascii: ":"))
            put(Int(parts.tm_sec), width: 2)
            if let fraction {
                put(UInt8(ascii: "."))
                put(fraction, width: digits)
            }
            for byte in suffix.utf8 { put(byte) }
            return index
        }
    }
}
