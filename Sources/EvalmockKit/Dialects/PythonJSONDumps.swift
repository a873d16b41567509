/// Python's `json.dumps(value)` with its defaults, byte for byte: `", "` and `": "` separators,
/// `ensure_ascii` (every character outside printable ASCII as `\uXXXX`, surrogate pairs above
/// the BMP), integers exact and floats as their `repr` (`1.0`, `1e-05`, `1e+100`). Services
/// that hash what `json.dumps` writes (Weave's object and row digests) need exactly this text.
public enum PythonJSONDumps {
    /// `sortKeys` is `sort_keys=True`: members ordered by the code points of their keys, as
    /// Python compares `str`. Otherwise they keep their order.
    public static func dumps(_ value: JSONValue, sortKeys: Bool) -> String {
        var out = ""
        write(value, sortKeys: sortKeys, into: &out)
        return out
    }

    private static func write(_ value: JSONValue, sortKeys: Bool, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .number(let number): out += text(of: number)
        case .string(let text): writeString(text, into: &out)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += ", " }
                write(item, sortKeys: sortKeys, into: &out)
            }
            out += "]"
        case .object(let object):
            var members = object.map { ($0.key, $0.value) }
            if sortKeys {
                members.sort { $0.0.unicodeScalars.lazy.map(\.value).lexicographicallyPrecedes($1.0.unicodeScalars.lazy.map(\.value)) }
            }
            out += "{"
            for (index, (key, item)) in members.enumerated() {
                if index > 0 { out += ", " }
                writeString(key, into: &out)
                out += ": "
                write(item, sortKeys: sortKeys, into: &out)
            }
            out += "}"
        }
    }

    /// `json.loads` makes a number without fraction or exponent an `int` (written back exactly)
    /// and any other a `float`, which overflows to infinity (`json.dumps` writes `Infinity`).
    private static func text(of number: JSONNumber) -> String {
        guard number.hasFractionOrExponent else { return number.lexeme == "-0" ? "0" : number.lexeme }
        let double = number.doubleValue
        if double.isInfinite { return double < 0 ? "-Infinity" : "Infinity" }
        if double.isNaN { return "NaN" }
        return PythonRepr.repr(number)
    }

    /// `py_encode_basestring_ascii`: `\"`, `\\`, the five short escapes, and `\u` with lower-case
    /// hex for everything else outside space to `~` (DEL included).
    private static func writeString(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case " "..."~": out.unicodeScalars.append(scalar)
            default:
                if scalar.value > 0xFFFF {
                    let value = scalar.value - 0x10000
                    appendEscape(0xD800 | (value >> 10), into: &out)
                    appendEscape(0xDC00 | (value & 0x3FF), into: &out)
                } else {
                    appendEscape(scalar.value, into: &out)
                }
            }
        }
        out += "\""
    }

    private static func appendEscape(_ unit: UInt32, into out: inout String) {
        let hex = String(unit, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    }
}
