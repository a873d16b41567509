/// The conversions pydantic v2 makes in lax mode when it validates JSON input.
public enum PydanticLaxCoercion {
    /// What a string must be (lower-cased) to be `true`, or `false`.
    static let trueStrings: Set<String> = ["1", "on", "t", "true", "y", "yes"]
    private static let falseStrings: Set<String> = ["0", "off", "f", "false", "n", "no"]

    static func accepts(_ value: JSONValue, as type: CompiledSchema.TypeConstraint) -> Bool {
        switch (type, value) {
        case (.integer, .string), (.integer, .bool), (.number, .string), (.number, .bool):
            guard let number = number(from: value) else { return false }
            return type == .number || number.isInteger
        case (.boolean, .number(let number)):
            return number.lexeme == "0" || number.lexeme == "1"
        case (.boolean, .string(let text)):
            let lowered = text.lowercased()
            return trueStrings.contains(lowered) || falseStrings.contains(lowered)
        default:
            return false
        }
    }

    /// The integer lax mode makes of a validated value: `13`, `13.0`, `"13"`, `true`.
    public static func integer(_ value: JSONValue) -> Int? {
        switch value {
        case .number(let number): return number.intValue
        case .string, .bool: return number(from: value)?.intValue
        default: return nil
        }
    }

    /// The number a string or boolean stands for in lax mode, if any.
    static func number(from value: JSONValue) -> JSONNumber? {
        switch value {
        case .bool(let flag): return JSONNumber(flag ? 1 : 0)
        case .string(let text):
            let trimmed = text.trimmingWhitespace()
            guard !trimmed.isEmpty, case .number(let number)? = try? JSONParser.parse(trimmed) else { return nil }
            return number
        default: return nil
        }
    }
}

extension String {
    public func trimmingWhitespace() -> String {
        // Nothing to trim when both ends are visible ASCII (a token, an id): no scalar walk.
        if let first = utf8.first, let last = utf8.last, first > 0x20, first < 0x7f, last > 0x20, last < 0x7f { return self }
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[start...end])
    }
}
