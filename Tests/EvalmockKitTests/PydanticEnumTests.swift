import Foundation
import XCTest

@testable import EvalmockKit

/// Enumerations in pydantic's lax mode: an Enum class (a component) or a `Literal` (a list in
/// place, or a `const`) takes its members and nothing else, and any other input, whatever its
/// type, gets the enumeration's error. JSON Schema mode keeps checking the type first.
final class PydanticEnumTests: XCTestCase {
    static let document = #"""
        {
          "openapi": "3.1.0",
          "info": {"title": "t", "version": "1"},
          "paths": {},
          "components": {
            "schemas": {
              "Result": {
                "type": "object",
                "properties": {
                  "status": {"$ref": "#/components/schemas/StatusEnum"},
                  "level": {"$ref": "#/components/schemas/LevelEnum"},
                  "detail": {"type": "string", "enum": ["low", "high"]},
                  "kind": {"type": "string", "const": "base64"},
                  "rank": {"type": "integer", "enum": [1, 2]},
                  "maybe": {"anyOf": [{"$ref": "#/components/schemas/StatusEnum"}, {"type": "null"}]},
                  "either": {"anyOf": [{"$ref": "#/components/schemas/StatusEnum"}, {"type": "integer"}]},
                  "legacy": {"allOf": [{"$ref": "#/components/schemas/StatusEnum"}], "default": "PENDING"}
                }
              },
              "StatusEnum": {"type": "string", "enum": ["PENDING", "COMPLETED", "FAILED"], "title": "StatusEnum"},
              "LevelEnum": {"type": "integer", "enum": [1, 2], "title": "LevelEnum"}
            }
          }
        }
        """#

    var result: CompiledSchema!
    let lax = SchemaValidator(coercion: .pydanticLax)

    override func setUpWithError() throws {
        result = try XCTUnwrap(OpenAPISpecification(json: Array(Self.document.utf8)).componentSchema("Result"))
    }

    /// pydantic's `errors()` for `{member: value}`, as FastAPI's `detail` shows them.
    private func detail(_ member: String, _ value: JSONValue, validator: SchemaValidator? = nil) -> String {
        let issues = (validator ?? lax).validate(.object([member: value]), against: result, at: [.key("body")])
        return JSONWriter.encodeString(PydanticErrorRenderer.detail(issues))
    }

    private static let statusError = #""msg":"Input should be 'PENDING', 'COMPLETED' or 'FAILED'","#
    private static let nonStrings: [JSONValue] = [
        .null, 1, 0, .number(JSONNumber(lexeme: "1.5")), true, false, .object([:]), .object(["a": 1]), [], ["PENDING"],
    ]

    func testAnEnumClassAnswersEveryNonMemberWithItsEnumError() {
        for value in Self.nonStrings + ["x", "pending", " PENDING"] {
            let input = JSONWriter.encodeString(value)
            XCTAssertEqual(
                detail("status", value),
                #"[{"type":"enum","loc":["body","status"],"# + Self.statusError + #""input":"# + input
                    + #","ctx":{"expected":"'PENDING', 'COMPLETED' or 'FAILED'"}}]"#, "input \(input)")
            XCTAssertTrue(detail("legacy", value).hasPrefix(#"[{"type":"enum","loc":["body","legacy"],"#), "allOf-wrapped, input \(input)")
        }
        XCTAssertEqual(detail("status", "COMPLETED"), "[]")
    }

    func testALiteralAnswersEveryNonMemberWithALiteralError() {
        for value in Self.nonStrings + ["x", "LOW"] {
            let input = JSONWriter.encodeString(value)
            XCTAssertEqual(
                detail("detail", value),
                #"[{"type":"literal_error","loc":["body","detail"],"msg":"Input should be 'low' or 'high'","input":"# + input
                    + #","ctx":{"expected":"'low' or 'high'"}}]"#, "input \(input)")
            XCTAssertTrue(
                detail("kind", value).hasPrefix(#"[{"type":"literal_error","loc":["body","kind"],"msg":"Input should be 'base64'","#),
                "input \(input)")
        }
        XCTAssertEqual(detail("detail", "high"), "[]")
        XCTAssertEqual(detail("kind", "base64"), "[]")
    }

    /// pydantic compares numbers by value, and an int Enum class also parses strings.
    func testNumericEnumerationsTakeWhatPydanticTakes() {
        for value: JSONValue in [1, .number(JSONNumber(lexeme: "1.0")), true, "1", " 2 "] {
            XCTAssertEqual(detail("level", value), "[]", "int Enum, input \(JSONWriter.encodeString(value))")
        }
        for value: JSONValue in [0, false, .null, "x", .number(JSONNumber(lexeme: "1.5")), [1]] {
            XCTAssertTrue(
                detail("level", value).hasPrefix(#"[{"type":"enum","loc":["body","level"],"msg":"Input should be 1 or 2","#),
                "int Enum, input \(JSONWriter.encodeString(value))")
        }
        for value: JSONValue in [2, .number(JSONNumber(lexeme: "1.0")), true] {
            XCTAssertEqual(detail("rank", value), "[]", "int Literal, input \(JSONWriter.encodeString(value))")
        }
        for value: JSONValue in ["1", false, .null] {
            XCTAssertTrue(
                detail("rank", value).hasPrefix(#"[{"type":"literal_error","loc":["body","rank"],"msg":"Input should be 1 or 2","#),
                "int Literal, input \(JSONWriter.encodeString(value))")
        }
        // What pydantic hands on is the member itself.
        let converted = PydanticLaxConversion().convert(.object(["level": "1", "rank": true]), result)
        XCTAssertEqual(JSONWriter.encodeString(converted), #"{"level":1,"rank":1}"#)
    }

    func testANullableEnumTakesNullAndReportsOtherInputsAsTheEnum() {
        XCTAssertEqual(detail("maybe", .null), "[]")
        XCTAssertTrue(detail("maybe", 1).hasPrefix(#"[{"type":"enum","loc":["body","maybe"],"#))
    }

    func testAnEnumInAUnionIsLabelledAsPydanticLabelsAStrEnum() {
        XCTAssertEqual(
            detail("either", .null),
            #"[{"type":"enum","loc":["body","either","str-enum[StatusEnum]"],"# + Self.statusError
                + #""input":null,"ctx":{"expected":"'PENDING', 'COMPLETED' or 'FAILED'"}},"#
                + #"{"type":"int_type","loc":["body","either","int"],"msg":"Input should be a valid integer","input":null}]"#)
        XCTAssertEqual(detail("either", 3), "[]")
    }

    func testJSONSchemaModeStillChecksTheTypeFirst() {
        let strict = SchemaValidator(coercion: .jsonSchema)
        let found = strict.validate(.object(["status": .null, "detail": "x", "level": "1"]), against: result, at: [.key("body")])
        XCTAssertEqual(
            found.map(\.kind),
            [
                .wrongType(expected: "string"),
                .notInEnum(allowed: ["low", "high"], enumName: nil),
                .wrongType(expected: "integer"),
            ])
    }
}
