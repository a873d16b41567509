/// A JSON parse error as Python's `json.loads` (its C scanner) reports it: `msg` and `pos`, the
/// two things FastAPI puts in a `json_invalid` entry.
struct PythonJSONDecodeError {
    let message: String
    /// In characters, not bytes.
    let position: Int

    init(_ error: JSONParseError) {
        let token = error.tokenCharacterOffset ?? error.characterOffset
        switch (error.reason, error.expected) {
        case (.trailingContent, _):
            (message, position) = ("Extra data", error.characterOffset)
        case (.controlCharacterInString, _):
            (message, position) = ("Invalid control character at", error.characterOffset)
        case (.invalidEscape, _):
            (message, position) = ("Invalid \\escape", error.characterOffset)
        case (.invalidUnicode, _):
            (message, position) = ("Invalid \\uXXXX escape", error.characterOffset)
        case (.unexpectedEnd, nil) where error.tokenCharacterOffset != nil:
            (message, position) = ("Unterminated string starting at", token)
        case (_, .propertyName?):
            (message, position) = ("Expecting property name enclosed in double quotes", error.characterOffset)
        case (_, .colon?):
            (message, position) = ("Expecting ':' delimiter", error.characterOffset)
        case (_, .commaOrClose?):
            (message, position) = ("Expecting ',' delimiter", error.characterOffset)
        case (_, .value?):
            (message, position) = ("Expecting value", token)
        default:
            (message, position) = (error.message, error.characterOffset)
        }
    }
}
