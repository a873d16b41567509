import XCTest

@testable import EvalmockKit

final class JSONParserTests: XCTestCase {
    func testRoundTripKeepsKeyOrderNumbersAndUnicode() throws {
        let text = #"{"z":1,"a":[1.50,-0,1e400,12345678901234567890],"é":"日本\u00e9","nested":{"b":null,"a":true}}"#
        let value = try JSONParser.parse(text)
        XCTAssertEqual(
            JSONWriter.encodeString(value), #"{"z":1,"a":[1.50,-0,1e400,12345678901234567890],"é":"日本é","nested":{"b":null,"a":true}}"#)
        XCTAssertEqual(value.objectValue?.keys.elements, ["z", "a", "é", "nested"])
    }

    func testEscapesAreDecodedAndReEncoded() throws {
        let value = try JSONParser.parse(#""q\"\\\/\b\f\n\r\t\u0000\ud83d\ude00""#)
        XCTAssertEqual(value, .string("q\"\\/\u{08}\u{0C}\n\r\t\u{00}😀"))
        XCTAssertEqual(JSONWriter.encodeString(value), #""q\"\\/\u0008\u000c\n\r\t\u0000😀""#)
    }

    /// The writer's word-at-a-time look for bytes to escape finds exactly the bytes a byte-by-byte
    /// look finds, wherever they sit in a word and whatever is around them (bytes just above and
    /// below each special one, and bytes past 0x7f, where the word tricks could borrow).
    func testEscapeDetectionMatchesTheByteByByteRule() {
        func slow(_ bytes: [UInt8]) -> Bool { bytes.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5c } }
        let interesting: [UInt8] = [0x00, 0x01, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x5b, 0x5c, 0x5d, 0x7f, 0x80, 0xa2, 0xdc, 0xff, 0x61]
        var generator = SystemRandomNumberGenerator()
        for length in 0...24 {
            for _ in 0..<400 {
                let bytes = (0..<length).map { _ in interesting.randomElement(using: &generator)! }
                XCTAssertEqual(bytes.withUnsafeBufferPointer(JSONWriter.needsEscaping), slow(bytes), "\(bytes)")
            }
            for special: UInt8 in [0x00, 0x1f, 0x22, 0x5c] {
                for position in 0..<length {
                    var bytes = [UInt8](repeating: 0x61, count: length)
                    bytes[position] = special
                    XCTAssertTrue(bytes.withUnsafeBufferPointer(JSONWriter.needsEscaping), "\(bytes)")
                }
            }
        }
        XCTAssertFalse(Array("ak_bench plain text, utf-8 é 日本".utf8).withUnsafeBufferPointer(JSONWriter.needsEscaping))
    }

    func testDuplicateKeysKeepFirstPositionAndLastValue() throws {
        let value = try JSONParser.parse(#"{"a":1,"b":2,"a":3}"#)
        XCTAssertEqual(JSONWriter.encodeString(value), #"{"a":3,"b":2}"#)
    }

    /// In an object of more than sixteen members (past OrderedDictionary's unhashed size) a
    /// repeated key keeps the first position and the last value too.
    func testDuplicateKeysInLargeObjectsKeepFirstPositionAndLastValue() throws {
        var members = (0..<20).map { (key: "k\($0)", value: $0) }
        members.insert((key: "k3", value: 100), at: 10)  // repeated before the sixteenth member
        members.append((key: "k3", value: 101))  // and after it
        members.append((key: "k17", value: 102))
        let text = "{" + members.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
        var expected = JSONValue.JSONObject()
        for member in members { expected[member.key] = .number(JSONNumber(member.value)) }
        XCTAssertEqual(try JSONParser.parse(text), .object(expected))
        XCTAssertEqual(try JSONParser.parse(text).objectValue?.keys.elements, (0..<20).map { "k\($0)" })
    }

    func testRejectsMalformedInputWithPosition() {
        let cases: [(String, JSONParseError.Reason)] = [
            ("{\"a\":", .unexpectedEnd),
            ("{\"a\" 1}", .unexpectedCharacter(UInt8(ascii: "1"))),
            ("[1,]", .unexpectedCharacter(UInt8(ascii: "]"))),
            ("01", .trailingContent),
            ("1.", .invalidNumber),
            ("-", .invalidNumber),
            ("\"\\x\"", .invalidEscape),
            ("\"\\ud800\"", .invalidUnicode),
            ("\"a\tb\"", .controlCharacterInString),
            ("{} {}", .trailingContent),
            ("tru", .unexpectedEnd),
            ("nul1", .unexpectedCharacter(UInt8(ascii: "1"))),
        ]
        for (text, reason) in cases {
            XCTAssertThrowsError(try JSONParser.parse(text), text) { error in
                XCTAssertEqual((error as? JSONParseError)?.reason, reason, text)
            }
        }
    }

    func testReportsLineAndColumn() {
        XCTAssertThrowsError(try JSONParser.parse("{\n  \"a\": x\n}")) { error in
            let parseError = error as! JSONParseError
            XCTAssertEqual(parseError.line, 2)
            XCTAssertEqual(parseError.column, 8)
        }
    }

    func testRejectsInvalidUTF8() {
        XCTAssertThrowsError(try JSONParser.parse([0x22, 0xff, 0xfe, 0x22])) { error in
            XCTAssertEqual((error as? JSONParseError)?.reason, .invalidUTF8)
        }
    }

    func testDepthLimit() throws {
        let deep = String(repeating: "[", count: 10) + String(repeating: "]", count: 10)
        XCTAssertNoThrow(try JSONParser.parse(deep, maxDepth: 10))
        XCTAssertThrowsError(try JSONParser.parse(deep, maxDepth: 9)) { error in
            XCTAssertEqual((error as? JSONParseError)?.reason, .tooDeep(limit: 9))
        }
    }

    func testIntegerDetection() {
        XCTAssertTrue(JSONNumber(lexeme: "2").isInteger)
        XCTAssertTrue(JSONNumber(lexeme: "2.0").isInteger)
        XCTAssertTrue(JSONNumber(lexeme: "1e3").isInteger)
        XCTAssertFalse(JSONNumber(lexeme: "2.5").isInteger)
        XCTAssertEqual(JSONNumber(lexeme: "20").intValue, 20)
    }
}
