/// A non-negative duration or measure as fixed-point text (`0.42`, `12.500`).
///
/// Not `String(format:)`: it goes through Foundation's CFString formatter, too slow for the
/// access-log line written for every request at the default log level.
enum FixedPointText {
    static func text(_ value: Double, digits: Int) -> String {
        var scale = 1
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int((max(value, 0) * Double(scale)).rounded())
        let fraction = String(scaled % scale)
        let padding = String(repeating: "0", count: max(digits - fraction.count, 0))
        return digits == 0 ? String(scaled) : "\(scaled / scale).\(padding)\(fraction)"
    }
}
