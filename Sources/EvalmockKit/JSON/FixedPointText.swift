/// A non-negative duration or measure as fixed-point text (`0.42`, `12.500`).
///
/// Not `String(format:)`: it goes through Foundation's CFString formatter, too slow for the
/// access-log line written for every request at the default log level.
enum FixedPointText {
    static func text(_ value: Double, digits: Int) -> String {
        var scale = 1
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int((max(value, 0) * Double(scale)).rounded())
        guard digits > 0 else { return String(scaled) }
        let whole = String(scaled / scale)
        // The fraction's digits written in place, zero-padded: no interpolation of three strings.
        return String(unsafeUninitializedCapacity: whole.utf8.count + 1 + digits) { buffer in
            var index = 0
            for byte in whole.utf8 {
                buffer[index] = byte
                index += 1
            }
            buffer[index] = UInt8(ascii: ".")
            var rest = scaled % scale
            for position in stride(from: index + digits, to: index, by: -1) {
                buffer[position] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            return index + 1 + digits
        }
    }
}
