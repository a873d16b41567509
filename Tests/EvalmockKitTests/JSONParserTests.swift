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

    func testDuplicateKeysKeepFirstPositionAndLastValue() throws {
        let value = try JSONParser.parse(#"{"a":1,"b":2,"a":3}"#)
        XCTAssertEqual(JSONWriter.encodeString(value), #"{"a":3,"b":2}"#)
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
