/// A strict RFC 8259 parser over UTF-8 bytes.
///
/// Hand-written rather than Foundation's JSONSerialization because evalmock must echo what it was
/// sent: key order (OrderedDictionary), number lexemes and non-ASCII text survive a round trip.
/// Duplicate keys keep the first key's position and the last value, as Python's `json` does.
public struct JSONParser {
    public static let defaultMaxDepth = 256

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private let maxDepth: Int
    private var depth = 0

    private init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    public static func parse(_ data: [UInt8], maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError> = data.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(bytes: buffer, maxDepth: maxDepth)
            do throws(JSONParseError) {
                parser.skipWhitespace()
                let value = try parser.parseValue()
                parser.skipWhitespace()
                if parser.index < buffer.count { throw parser.error(.trailingContent) }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    public static func parse(_ text: String, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8), maxDepth: maxDepth)
    }

    // MARK: - Values

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard index < bytes.count else { throw error(.unexpectedEnd, expected: .value) }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        case let byte: throw error(.unexpectedCharacter(byte), expected: .value)
        }
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        index += 1
        var object = JSONValue.JSONObject()
        skipWhitespace()
        if try peek(expected: .propertyName) == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object(object)
        }
        // Room for a small object's members at once: growing its keys and values one step at
        // a time cost a reallocation per step, twelve for a Scorecard record's body.
        object.reserveCapacity(8)
        while true {
            skipWhitespace()
            guard try peek(expected: .propertyName) == UInt8(ascii: "\"") else {
                throw error(.unexpectedCharacter(bytes[index]), expected: .propertyName)
            }
            let key = try parseString()
            skipWhitespace()
            try expect(UInt8(ascii: ":"), expected: .colon)
            skipWhitespace()
            object[key] = try parseValue()
            skipWhitespace()
            let next = try peek(expected: .commaOrClose)
            index += 1
            if next == UInt8(ascii: ",") { continue }
            if next == UInt8(ascii: "}") { break }
            index -= 1
            throw error(.unexpectedCharacter(next), expected: .commaOrClose)
        }
        depth -= 1
        return .object(object)
    }

    private mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        index += 1
        var array: [JSONValue] = []
        skipWhitespace()
        if try peek(expected: .value) == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(array)
        }
        while true {
            skipWhitespace()
            array.append(try parseValue())
            skipWhitespace()
            let next = try peek(expected: .commaOrClose)
            index += 1
            if next == UInt8(ascii: ",") { continue }
            if next == UInt8(ascii: "]") { break }
            index -= 1
            throw error(.unexpectedCharacter(next), expected: .commaOrClose)
        }
        depth -= 1
        return .array(array)
    }

    private mutating func enterContainer() throws(JSONParseError) {
        depth += 1
        if depth > maxDepth { throw error(.tooDeep(limit: maxDepth)) }
    }

    // MARK: - Strings

    private mutating func parseString() throws(JSONParseError) -> String {
        let quote = index
        index += 1  // opening quote
        let start = index
        // Fast path: no escapes, so the string is a slice of the input. ASCII needs no UTF-8
        // validation (`String(validating:)` is not specialised here: it cost more than the
        // rest of the parse).
        var ascii = true
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<index])
                if ascii {
                    index += 1
                    return String(decoding: slice, as: UTF8.self)
                }
                guard let text = String(validating: slice, as: UTF8.self) else {
                    index = start
                    throw error(.invalidUTF8)
                }
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error(.controlCharacterInString) }
            if byte >= 0x80 { ascii = false }
            index += 1
        }
        var scratch = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while true {
            guard index < bytes.count else { throw error(.unexpectedEnd, tokenStart: quote) }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                guard let text = String(validating: scratch, as: UTF8.self) else {
                    throw error(.invalidUTF8)
                }
                return text
            }
            if byte < 0x20 { throw error(.controlCharacterInString) }
            if byte != UInt8(ascii: "\\") {
                scratch.append(byte)
                index += 1
                continue
            }
            index += 1
            guard index < bytes.count else { throw error(.unexpectedEnd, tokenStart: quote) }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""): scratch.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): scratch.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "/"): scratch.append(UInt8(ascii: "/"))
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0c)
            case UInt8(ascii: "n"): scratch.append(0x0a)
            case UInt8(ascii: "r"): scratch.append(0x0d)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                let scalar = try parseUnicodeEscape()
                scratch.append(contentsOf: Array(String(Character(scalar)).utf8))
            default:
                index -= 2
                throw error(.invalidEscape)
            }
        }
    }

    private mutating func parseUnicodeEscape() throws(JSONParseError) -> Unicode.Scalar {
        let high = try parseHex4()
        if (0xD800...0xDBFF).contains(high) {
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                throw error(.invalidUnicode)
            }
            index += 2
            let low = try parseHex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw error(.invalidUnicode) }
            let combined = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
            guard let scalar = Unicode.Scalar(combined) else { throw error(.invalidUnicode) }
            return scalar
        }
        guard let scalar = Unicode.Scalar(high) else { throw error(.invalidUnicode) }
        return scalar
    }

    private mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error(.unexpectedEnd) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error(.invalidUnicode)
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    // MARK: - Numbers

    private mutating func parseNumber() throws(JSONParseError) -> JSONNumber {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count else { throw error(.invalidNumber, expected: .value, tokenStart: start) }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else if isDigit(bytes[index]) {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        } else {
            throw error(.invalidNumber, expected: .value, tokenStart: start)
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw error(.invalidNumber) }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw error(.invalidNumber) }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        // The lexeme is pure ASCII, checked above.
        let lexeme = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        return JSONNumber(lexeme: lexeme)
    }

    // MARK: - Helpers

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0a, 0x0d: index += 1
            default: return
            }
        }
    }

    private func peek(expected: JSONParseError.Expected? = nil) throws(JSONParseError) -> UInt8 {
        guard index < bytes.count else { throw error(.unexpectedEnd, expected: expected) }
        return bytes[index]
    }

    private mutating func expect(_ byte: UInt8, expected: JSONParseError.Expected) throws(JSONParseError) {
        let actual = try peek(expected: expected)
        guard actual == byte else { throw error(.unexpectedCharacter(actual), expected: expected) }
        index += 1
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: count)
        let start = index
        for offset in 0..<count {
            guard index < bytes.count else { throw error(.unexpectedEnd, expected: .value, tokenStart: start) }
            guard bytes[index] == expected[offset] else {
                throw error(.unexpectedCharacter(bytes[index]), expected: .value, tokenStart: start)
            }
            index += 1
        }
    }

    private func error(_ reason: JSONParseError.Reason, expected: JSONParseError.Expected? = nil, tokenStart: Int? = nil) -> JSONParseError
    {
        let position = min(index, bytes.count)
        var line = 1
        var lineStart = 0
        for i in 0..<position where bytes[i] == 0x0a {
            line += 1
            lineStart = i + 1
        }
        return JSONParseError(
            reason: reason, offset: position, line: line, column: position - lineStart + 1, expected: expected,
            characterOffset: characters(before: position), tokenCharacterOffset: tokenStart.map(characters(before:)))
    }

    /// Unicode scalars before a byte offset: the bytes that do not continue a UTF-8 sequence.
    private func characters(before position: Int) -> Int {
        var count = 0
        for i in 0..<min(position, bytes.count) where bytes[i] & 0xc0 != 0x80 { count += 1 }
        return count
    }
}
