/// A JSON value as Python prints it once `json.loads` has made it a Python object: `str()` and
/// `repr()`. pydantic puts `str(tag)` of a discriminator's value in `union_tag_invalid`, so a
/// tag of `null`, `true` or `["a"]` reads `None`, `True`, `['a']`.
public enum PythonRepr {
    /// `str(value)`: a string as it is, anything else as its `repr`.
    static func str(_ value: JSONValue) -> String {
        if case .string(let text) = value { return text }
        return repr(value)
    }

    public static func repr(_ value: JSONValue) -> String {
        switch value {
        case .null: return "None"
        case .bool(let flag): return flag ? "True" : "False"
        case .number(let number): return repr(number)
        case .string(let text): return repr(text)
        case .array(let items): return "[" + items.map(repr).joined(separator: ", ") + "]"
        case .object(let object): return "{" + object.map { "\(repr($0.0)): \(repr($0.1))" }.joined(separator: ", ") + "}"
        }
    }

    /// A JSON integer is a Python `int` (any size); anything with a fraction or an exponent is a
    /// `float`, printed in its shortest round-trip digits as CPython's `float_repr` does.
    static func repr(_ number: JSONNumber) -> String {
        guard number.hasFractionOrExponent else { return number.lexeme == "-0" ? "0" : number.lexeme }
        let double = number.doubleValue
        if double.isNaN { return "nan" }
        if double.isInfinite { return double < 0 ? "-inf" : "inf" }
        // Swift's description has the same shortest digits; only the layout differs (Swift turns
        // to an exponent from 2^53, Python from 1e16).
        var text = Substring(double.magnitude.description)
        var power = 0
        if let e = text.firstIndex(of: "e") {
            power = Int(text[text.index(after: e)...]) ?? 0
            text = text[..<e]
        }
        let point = text.firstIndex(of: ".") ?? text.endIndex
        let whole = text[..<point]
        let fraction = point < text.endIndex ? text[text.index(after: point)...] : ""
        var digits = String(whole + fraction)
        var decimalPoint = whole.count + power
        let leadingZeros = digits.prefix { $0 == "0" }.count
        digits.removeFirst(min(leadingZeros, digits.count - 1))
        decimalPoint -= leadingZeros
        while digits.count > 1, digits.hasSuffix("0") { digits.removeLast() }
        if digits == "0" { decimalPoint = 1 }
        let sign = double.sign == .minus ? "-" : ""
        if decimalPoint > -4 && decimalPoint <= 16 {
            if decimalPoint <= 0 { return sign + "0." + String(repeating: "0", count: -decimalPoint) + digits }
            if decimalPoint >= digits.count { return sign + digits + String(repeating: "0", count: decimalPoint - digits.count) + ".0" }
            return sign + digits.prefix(decimalPoint) + "." + digits.dropFirst(decimalPoint)
        }
        return sign + String(digits.prefix(1)) + (digits.count > 1 ? "." + digits.dropFirst() : "") + "e" + exponent(decimalPoint - 1)
    }

    private static func exponent(_ value: Int) -> String {
        let digits = String(abs(value))
        return (value < 0 ? "-" : "+") + (digits.count < 2 ? "0" + digits : digits)
    }

    /// CPython's `unicode_repr`: single quotes unless the text has one and no double quote.
    private static func repr(_ text: String) -> String {
        let quote: Character = text.contains("'") && !text.contains("\"") ? "\"" : "'"
        var out = String(quote)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if Character(scalar) == quote {
                    out += "\\" + String(quote)
                } else if isPrintable(scalar) {
                    out.unicodeScalars.append(scalar)
                } else {
                    let hex = String(scalar.value, radix: 16)
                    let width = scalar.value < 0x100 ? 2 : scalar.value < 0x10000 ? 4 : 8
                    out += "\\" + (width == 2 ? "x" : width == 4 ? "u" : "U") + String(repeating: "0", count: width - hex.count) + hex
                }
            }
        }
        out.append(quote)
        return out
    }

    /// Python's `str.isprintable` for one character: not a control, format, surrogate,
    /// private-use, unassigned or separator character, except the space.
    private static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator, .spaceSeparator:
            return false
        default:
            return true
        }
    }
}
