/// Why a request body is not JSON, with the position a client needs to find the fault.
public struct JSONParseError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        case unexpectedEnd
        case unexpectedCharacter(UInt8)
        case invalidNumber
        case invalidEscape
        case invalidUnicode
        case invalidUTF8
        case controlCharacterInString
        case trailingContent
        case tooDeep(limit: Int)
    }

    /// What the parser was looking for when it failed, for messages in other parsers' words.
    public enum Expected: Equatable, Sendable {
        case value
        case propertyName
        case colon
        case commaOrClose
    }

    public let reason: Reason
    /// Byte offset of the fault, and its 1-based line and column.
    public let offset: Int
    public let line: Int
    public let column: Int
    public var expected: Expected?
    /// Offsets in characters (Unicode scalars), as Python counts them: of the fault, and of
    /// the start of the token that failed (a literal, a number, a string's opening quote).
    public var characterOffset: Int
    public var tokenCharacterOffset: Int?

    public init(
        reason: Reason, offset: Int, line: Int, column: Int, expected: Expected? = nil,
        characterOffset: Int? = nil, tokenCharacterOffset: Int? = nil
    ) {
        self.reason = reason
        self.offset = offset
        self.line = line
        self.column = column
        self.expected = expected
        self.characterOffset = characterOffset ?? offset
        self.tokenCharacterOffset = tokenCharacterOffset
    }

    public var message: String {
        switch reason {
        case .unexpectedEnd: return "Unexpected end of JSON input"
        case .unexpectedCharacter(let byte):
            if byte >= 0x20 && byte < 0x7f {
                return "Unexpected character '\(Character(Unicode.Scalar(byte)))'"
            }
            return "Unexpected byte 0x\(String(byte, radix: 16))"
        case .invalidNumber: return "Invalid number"
        case .invalidEscape: return "Invalid escape sequence in string"
        case .invalidUnicode: return "Invalid \\u escape (lone surrogate or bad hex digits)"
        case .invalidUTF8: return "Invalid UTF-8 in string"
        case .controlCharacterInString: return "Unescaped control character in string"
        case .trailingContent: return "Unexpected content after the JSON value"
        case .tooDeep(let limit): return "JSON nesting deeper than \(limit) levels"
        }
    }

    public var description: String { "\(message) at line \(line) column \(column) (byte \(offset))" }
}
