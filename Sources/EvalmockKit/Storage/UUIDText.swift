/// Version 7 UUIDs (time, then random bits) as lower-case 8-4-4-4-12 text, the random bits from
/// `SystemRandomNumberGenerator` (getrandom(2)).
///
/// Not Foundation's `UUID()`: on Linux it opened /dev/urandom for every id, which was the largest
/// system-call cost of a 1,000-item Scale GP batch.
public enum UUIDText {
    /// A version 7 UUID (RFC 9562): 48-bit Unix time in milliseconds, then random bits.
    public static func v7(milliseconds: UInt64 = Timestamp.unixMilliseconds()) -> String {
        var bytes = randomBytes()
        for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - i))) }
        bytes[6] = 0x70 | (bytes[6] & 0x0f)
        bytes[8] = 0x80 | (bytes[8] & 0x3f)
        return format(bytes)
    }

    private static func randomBytes() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        return (0..<8).map { UInt8(truncatingIfNeeded: high >> (8 * $0)) } + (0..<8).map { UInt8(truncatingIfNeeded: low >> (8 * $0)) }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    public static func format(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { out.append(UInt8(ascii: "-")) }
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
