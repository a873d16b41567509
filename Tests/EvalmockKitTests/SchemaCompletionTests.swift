import XCTest

@testable import EvalmockKit

/// Lenient mode's tools: completing a value against a schema, and validating with deeper rules.
final class SchemaCompletionTests: XCTestCase {
    static let document = #"""
        {
          "openapi": "3.1.0",
          "info": {"title": "t", "version": "1"},
          "paths": {},
          "components": {
            "schemas": {
              "Answer": {
                "type": "object",
                "required": ["id", "kind", "count", "ratio", "ok", "at", "ref", "label", "tags", "note"],
                "properties": {
                  "id": {"type": "string", "example": "ans_1"},
                  "kind": {"type": "string", "enum": ["short", "long"]},
                  "count": {"type": "integer", "minimum": 3},
                  "ratio": {"type": "number", "default": 0.5},
                  "ok": {"type": "boolean"},
                  "at": {"type": "string", "format": "date-time"},
                  "ref": {"type": "string", "format": "uuid"},
                  "label": {"type": "string", "minLength": 8},
                  "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                  "detail": {"$ref": "#/components/schemas/Detail"},
                  "note": {"anyOf": [{"type": "null"}, {"type": "string"}]},
                  "extra": {"type": "string"}
                }
              },
              "Detail": {"type": "object", "required": ["text", "child"], "properties": {"text": {"type": "string"}, "child": {"$ref": "#/components/schemas/Detail"}}},
              "Shape": {
                "oneOf": [{"$ref": "#/components/schemas/Circle"}, {"$ref": "#/components/schemas/Square"}],
                "discriminator": {"propertyName": "type", "mapping": {"circle": "#/components/schemas/Circle", "square": "#/components/schemas/Square"}}
              },
              "Circle": {"type": "object", "required": ["type", "radius"], "properties": {"type": {"type": "string", "enum": ["circle"]}, "radius": {"type": "number"}}},
              "Square": {"type": "object", "required": ["type", "side"], "properties": {"type": {"type": "string", "enum": ["square"]}, "side": {"type": "integer"}}},
              "Request": {"type": "object", "required": ["data"], "properties": {"data": {"type": "object", "additionalProperties": true}}},
              "Data": {"type": "object", "required": ["output"], "properties": {"output": {"type": "string"}}}
            }
          }
        }
        """#

    var specification: OpenAPISpecification!
    let completion = SchemaCompletion()

    override func setUpWithError() throws {
        specification = try OpenAPISpecification(json: Array(Self.document.utf8))
    }

    private func schema(_ name: String) -> CompiledSchema { specification.componentSchema(name)! }

    func testMissingMembersComeFromExampleDefaultEnumElseTypedPlaceholders() throws {
        let completed = completion.complete(.object(["extra": "kept", "ok": true]), against: schema("Answer"))
        XCTAssertTrue(SchemaValidator.isValid(completed, against: schema("Answer")))
        let object = try XCTUnwrap(completed.objectValue)
        XCTAssertEqual(Array(object.keys.prefix(2)), ["extra", "ok"], "what was there stays first, as it was")
        XCTAssertEqual(object["ok"], true)
        XCTAssertEqual(object["id"], "ans_1")
        XCTAssertEqual(object["kind"], "short")
        XCTAssertEqual(object["count"], 3)
        XCTAssertEqual(object["ratio"], JSONValue.number(JSONNumber(lexeme: "0.5")))
        XCTAssertEqual(object["at"], "1970-01-01T00:00:00Z")
        XCTAssertEqual(object["ref"], "00000000-0000-0000-0000-000000000000")
        XCTAssertEqual(object["label"]?.stringValue?.count, 8)
        XCTAssertEqual(object["tags"], ["string"])
        XCTAssertEqual(object["note"], "string", "a nullable member still gets a value of its type")
    }

    /// A model that requires itself has no finite valid instance: completion stops at a bound.
    func testRecursiveRequiredMembersStop() throws {
        let detail = completion.placeholder(for: schema("Detail"))
        var depth = 0
        var node = detail
        while case .object(let object) = node, let child = object["child"] { depth += 1; node = child }
        XCTAssertGreaterThan(depth, 0)
        XCTAssertLessThanOrEqual(depth, 16)
    }

    func testAValidValueIsReturnedUnchangedAndAWrongMemberIsReplaced() {
        let circle: JSONValue = .object(["type": "circle", "radius": .number(JSONNumber(lexeme: "1.50"))])
        XCTAssertEqual(completion.complete(circle, against: schema("Shape")), circle)
        let square = completion.complete(.object(["type": "square", "side": "wide"]), against: schema("Shape"))
        XCTAssertEqual(square, .object(["type": "square", "side": 0]))
    }

    func testATaggedUnionCompletesTowardsTheTagElseTheFirstBranch() {
        XCTAssertEqual(completion.complete(.object(["type": "square"]), against: schema("Shape")), .object(["type": "square", "side": 0]))
        XCTAssertEqual(completion.complete(.object([:]), against: schema("Shape")), .object(["type": "circle", "radius": 0]))
    }

    func testADeeperRuleValidatesThePublishedNodeAsTheStricterSchema() throws {
        let published = try XCTUnwrap(schema("Request").propertyIndex["data"]?.schema)
        var rules = SchemaRefinements()
        rules.refine(published, as: schema("Data"))
        let body: JSONValue = .object(["data": .object(["foo": "bar"])])
        XCTAssertTrue(SchemaValidator().validate(body, against: schema("Request"), at: [.key("body")]).isEmpty)
        let issues = SchemaValidator(refinements: rules).validate(body, against: schema("Request"), at: [.key("body")])
        XCTAssertEqual(issues.map(\.location), [[.key("body"), .key("data"), .key("output")]])
        XCTAssertTrue(
            SchemaValidator(refinements: rules).validate(.object(["data": .object(["output": "x"])]), against: schema("Request"), at: [])
                .isEmpty)
    }
}
