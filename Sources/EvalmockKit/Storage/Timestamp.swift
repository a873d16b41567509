import Foundation

/// Timestamps as the emulated services write them.
public enum Timestamp {
    /// `2024-05-01T12:34:56.789Z`
    public static func nowISO8601() -> String {
        let (parts, nanoseconds) = now()
        return format(parts) + String(format: ".%03dZ", nanoseconds / 1_000_000)
    }

    /// `2025-02-06T00:05:50.146678`: UTC without a zone and with microseconds, as Python's
    /// `datetime.isoformat()` writes the naive datetimes of FastAPI services.
    public static func nowNaiveMicroseconds() -> String {
        let (parts, nanoseconds) = now()
        return format(parts) + String(format: ".%06d", nanoseconds / 1_000)
    }

    private static func now() -> (tm, Int) {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        var seconds = time_t(time.tv_sec)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return (parts, Int(time.tv_nsec))
    }

    private static func format(_ parts: tm) -> String {
        String(format: "%04d-%02d-%02dT%02d:%02d:%02d",
               Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
               Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }
}
