import XCTest

@testable import EvalmockKit

final class PydanticErrorRendererTests: XCTestCase {
    private func render(
        _ kind: ValidationIssue.Kind, input: JSONValue?, at location: [ValidationIssue.LocationComponent] = [.key("body"), .key("x")]
    ) -> String {
        JSONWriter.encodeString(PydanticErrorRenderer.entry(ValidationIssue(location: location, kind: kind, input: input)))
    }

    func testMissingFieldCarriesTheEnclosingObject() {
        XCTAssertEqual(
            render(.missing, input: .object(["a": 1])),
            #"{"type":"missing","loc":["body","x"],"msg":"Field required","input":{"a":1}}"#)
    }

    func testTypeErrorsDistinguishParsingFromWrongKinds() {
        XCTAssertEqual(
            render(.wrongType(expected: "string"), input: 5),
            #"{"type":"string_type","loc":["body","x"],"msg":"Input should be a valid string","input":5}"#)
        XCTAssertTrue(render(.wrongType(expected: "integer"), input: "abc").contains(#""type":"int_parsing""#))
        XCTAssertTrue(
            render(.wrongType(expected: "integer"), input: .number(JSONNumber(lexeme: "1.5"))).contains(#""type":"int_from_float""#))
        XCTAssertTrue(render(.wrongType(expected: "object"), input: []).contains(#""msg":"Input should be a valid dictionary""#))
    }

    func testConstraintMessagesAndContext() {
        XCTAssertEqual(
            render(.numberTooSmall(min: 0, exclusive: true), input: 0),
            #"{"type":"greater_than","loc":["body","x"],"msg":"Input should be greater than 0","input":0,"ctx":{"gt":0}}"#)
        XCTAssertEqual(
            render(.notInEnum(allowed: ["a", "b", "c"], enumName: "Letter"), input: "d"),
            #"{"type":"enum","loc":["body","x"],"msg":"Input should be 'a', 'b' or 'c'","input":"d","ctx":{"expected":"'a', 'b' or 'c'"}}"#)
        // A list in place is a `Literal` to pydantic.
        XCTAssertEqual(
            render(.notInEnum(allowed: ["low", "high"], enumName: nil), input: nil),
            #"{"type":"literal_error","loc":["body","x"],"msg":"Input should be 'low' or 'high'","input":null,"ctx":{"expected":"'low' or 'high'"}}"#
        )
        XCTAssertTrue(
            render(.unionTagInvalid(property: "role", tag: "bot", expected: ["user", "assistant"]), input: "bot")
                .contains(#""msg":"Input tag 'bot' found using 'role' does not match any of the expected tags: 'user', 'assistant'""#))
    }

    /// pydantic reports `str()` of a tag that is not a string, as Python prints the value.
    func testAWrongTagIsShownAsPythonPrintsIt() throws {
        let cases: [(String, String)] = [
            ("null", "None"), ("true", "True"), ("false", "False"), ("0", "0"), ("-0", "0"), ("1.0", "1.0"), ("1.5", "1.5"),
            ("1e5", "100000.0"), ("1E16", "1e+16"), ("9.1e15", "9100000000000000.0"), ("0.0001", "0.0001"), ("1e-5", "1e-05"),
            ("-2.50", "-2.5"), ("12345678901234567890", "12345678901234567890"), ("1e400", "inf"),
            ("[]", "[]"), (#"["PENDING", 1, null]"#, "['PENDING', 1, None]"),
            (#"{"k": "v", "n": {"a": [true]}}"#, "{'k': 'v', 'n': {'a': [True]}}"),
            (
                #"["it's", "a\"b", "both'\"", "tab\tnew\nline\\", "\u0001\u00e9\u200b"]"#,
                #"["it's", 'a"b', 'both\'"', 'tab\tnew\nline\\', '\x01é\u200b']"#
            ),
            (#""plain 'text'""#, "plain 'text'"),
        ]
        for (json, shown) in cases {
            let entry = render(.unionTagInvalid(property: "role", tag: try JSONParser.parse(json), expected: ["user"]), input: nil)
            XCTAssertTrue(entry.contains(#""tag":"# + JSONWriter.encodeString(.string(shown))), "\(json) → \(entry)")
        }
    }

    func testLaxCoercionAcceptsWhatPydanticAccepts() {
        let integer = CompiledSchema()
        integer.type = .integer
        let lax = SchemaValidator(coercion: .pydanticLax)
        XCTAssertTrue(lax.isValid("12", against: integer))
        XCTAssertTrue(lax.isValid(true, against: integer))
        XCTAssertFalse(lax.isValid("1.5", against: integer))
        XCTAssertFalse(SchemaValidator().isValid("12", against: integer))
        let string = CompiledSchema()
        string.type = .string
        XCTAssertFalse(lax.isValid(12, against: string), "pydantic v2 does not turn numbers into strings")
        let boolean = CompiledSchema()
        boolean.type = .boolean
        XCTAssertTrue(lax.isValid("yes", against: boolean))
        XCTAssertTrue(lax.isValid(0, against: boolean))
        XCTAssertFalse(lax.isValid(2, against: boolean))
    }
}
