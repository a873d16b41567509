import XCTest

@testable import EvalmockKit

/// What pydantic hands the service after lax validation is what evalmock stores and returns.
final class PydanticLaxConversionTests: XCTestCase {
    static let document = #"""
        {
          "openapi": "3.1.0",
          "info": {"title": "t", "version": "1"},
          "paths": {},
          "components": {"schemas": {
            "Item": {"type": "object", "properties": {
              "count": {"type": "integer"},
              "ratio": {"type": "number"},
              "flag": {"type": "boolean"},
              "either": {"anyOf": [{"type": "integer"}, {"type": "string"}]},
              "maybe": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
              "list": {"type": "array", "items": {"type": "integer"}},
              "free": {},
              "link": {"type": "string", "format": "uri"}
            }}
          }}
        }
        """#

    var item: CompiledSchema!

    override func setUpWithError() throws {
        item = try XCTUnwrap(OpenAPISpecification(json: Array(Self.document.utf8)).componentSchema("Item"))
    }

    private func converted(_ json: String) throws -> String {
        let value = try JSONParser.parse(json)
        XCTAssertTrue(SchemaValidator(coercion: .pydanticLax).isValid(value, against: item), json)
        return JSONWriter.encodeString(PydanticLaxConversion().convert(value, item))
    }

    func testScalarsBecomeTheDeclaredType() throws {
        XCTAssertEqual(try converted(#"{"count":false,"ratio":"2.5","flag":"yes"}"#), #"{"count":0,"ratio":2.5,"flag":true}"#)
        XCTAssertEqual(try converted(#"{"count":"7","flag":0}"#), #"{"count":7,"flag":false}"#)
        XCTAssertEqual(try converted(#"{"count":3.0}"#), #"{"count":3}"#)
    }

    func testUnionsKeepAnExactMatchAndConvertOtherwise() throws {
        XCTAssertEqual(try converted(#"{"either":"1"}"#), #"{"either":"1"}"#, "a string matches the string member exactly")
        XCTAssertEqual(try converted(#"{"maybe":"5","list":["1",true]}"#), #"{"maybe":5,"list":[1,1]}"#)
        XCTAssertEqual(try converted(#"{"maybe":null}"#), #"{"maybe":null}"#)
    }

    func testFreeFormValuesAndNumberTextAreUntouched() throws {
        XCTAssertEqual(
            try converted(#"{"free":{"a":"1","b":true,"c":1.50},"ratio":1.50}"#), #"{"free":{"a":"1","b":true,"c":1.50},"ratio":1.50}"#)
    }

    /// The request path skips the conversion when validation took no lax coercion, so that flag
    /// must be set whenever the conversion would change something, and only then.
    func testValidationNotesExactlyTheBodiesTheConversionChanges() throws {
        let lax = SchemaValidator(coercion: .pydanticLax)
        let bodies = [
            #"{"count": 1, "ratio": 0.5, "flag": true, "either": "x", "maybe": null, "list": [1, 2], "free": {"a": "1"}}"#,
            #"{"count": "1"}"#, #"{"count": 2.0}"#, #"{"count": 2e0}"#, #"{"ratio": "0.5"}"#, #"{"ratio": true}"#,
            #"{"flag": 1}"#, #"{"flag": "yes"}"#, #"{"either": 3}"#, #"{"either": 3.0}"#, #"{"maybe": "4"}"#,
            #"{"list": [1, "2"]}"#, #"{"list": [1.0]}"#, #"{"free": 1.0}"#, #"{"ratio": 1e400}"#,
        ]
        for body in bodies {
            let value = try JSONParser.parse(body)
            let checked = lax.validateNotingCoercion(value, against: item, at: [])
            XCTAssertEqual(checked.issues.count, 0, body)
            let changed =
                PydanticLaxConversion().convert(value, item) != value
                || JSONWriter.encodeString(PydanticLaxConversion().convert(value, item)) != JSONWriter.encodeString(value)
            XCTAssertEqual(checked.coerced, changed, body)
        }
    }

    func testURIFormatNeedsAScheme() {
        XCTAssertTrue(FormatChecker.accepts("https://example.com/a b", format: "uri") == false)
        XCTAssertTrue(FormatChecker.accepts("https://example.com/x?y=1", format: "uri"))
        XCTAssertTrue(FormatChecker.accepts("s3://bucket/key", format: "uri"))
        XCTAssertFalse(FormatChecker.accepts("0", format: "uri"))
        XCTAssertFalse(FormatChecker.accepts("/relative/path", format: "uri"))
    }
}
