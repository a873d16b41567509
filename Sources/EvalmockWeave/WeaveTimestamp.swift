import EvalmockKit

/// A call's or feedback's time as the trace server keeps it: UTC, to the millisecond
/// (ClickHouse's `DateTime64(3)`), written back as pydantic writes an aware `datetime`
/// (`2025-01-02T03:04:05.678000Z`, the fraction left out when it is zero).
///
/// Calls are stored with this text, so the text sorts as the time does; latency is the
/// difference of the parsed values.
struct WeaveTimestamp: Comparable {
    /// Microseconds since the Unix epoch; always a whole number of milliseconds.
    let microseconds: Int64

    init(microseconds: Int64) {
        // Floor to the millisecond, as ClickHouse truncates what the client sends.
        let milliseconds = microseconds >= 0 ? microseconds / 1000 : (microseconds - 999) / 1000
        self.microseconds = milliseconds * 1000
    }

    static func now() -> WeaveTimestamp {
        WeaveTimestamp(microseconds: Int64(Timestamp.unixMilliseconds()) * 1000)
    }

    /// RFC 3339 / ISO 8601 as pydantic reads a `datetime` from JSON: `T` or a space between
    /// date and time, any number of fraction digits (microseconds kept), `Z` or `±HH:MM`, and
    /// no zone meaning UTC (the server treats naive times as UTC).
    init?(_ text: String) {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ digits: Int) -> Int? {
            guard index + digits <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<index + digits] {
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            index += digits
            return value
        }
        func expect(_ characters: String) -> Bool {
            guard index < bytes.count, characters.utf8.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
            (1...12).contains(month), (1...31).contains(day), expect("Tt "),
            let hour = number(2), expect(":"), let minute = number(2)
        else { return nil }
        var second = 0
        if expect(":") {
            guard let value = number(2) else { return nil }
            second = value
        }
        var micros = 0
        if expect(".,") {
            var digits = 0
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                if digits < 6 { micros = micros * 10 + Int(bytes[index] - 48) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 6) { micros *= 10 }
        }
        var offsetMinutes = 0
        if index < bytes.count {
            if expect("Zz") {
            } else if bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
                index += 1
                guard let hours = number(2) else { return nil }
                _ = expect(":")
                let minutes = number(2) ?? 0
                offsetMinutes = sign * (hours * 60 + minutes)
            } else {
                return nil
            }
        }
        guard index == bytes.count, hour < 24, minute < 60, second < 60 else { return nil }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetMinutes * 60)
        self.init(microseconds: seconds * 1_000_000 + Int64(micros))
    }

    var text: String {
        let seconds = microseconds >= 0 ? microseconds / 1_000_000 : (microseconds - 999_999) / 1_000_000
        let micros = Int(microseconds - seconds * 1_000_000)
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = Self.civilFromDays(Int(days))
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        var result =
            "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
        if micros != 0 { result += "." + pad(micros, 6) }
        return result + "Z"
    }

    /// Whole milliseconds from `start` to `end`, as `timedelta` arithmetic floors them.
    static func milliseconds(from start: WeaveTimestamp, to end: WeaveTimestamp) -> Int64 {
        let difference = end.microseconds - start.microseconds
        return difference >= 0 ? difference / 1000 : (difference - 999) / 1000
    }

    static func < (lhs: WeaveTimestamp, rhs: WeaveTimestamp) -> Bool { lhs.microseconds < rhs.microseconds }

    // Howard Hinnant's days-from-civil algorithms (proleptic Gregorian calendar).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
