import Foundation

/// Timestamps as a FastAPI service writes a timezone-aware UTC `datetime`: pydantic v2 gives
/// microseconds (six digits, left out when zero) and `Z`, e.g. `2024-05-01T12:34:56.789012Z`.
enum ScaleGPTimestamp {
    static func now() -> String {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        var seconds = time_t(time.tv_sec)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let micros = Int(time.tv_nsec / 1_000)
        let fraction = micros == 0 ? "" : String(format: ".%06d", micros)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d",
                      Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec)) + fraction + "Z"
    }
}
