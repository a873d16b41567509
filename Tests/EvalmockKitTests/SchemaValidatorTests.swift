import Foundation
import XCTest

@testable import EvalmockKit

/// The generic validator against a small document that uses the JSON Schema features the
/// emulated APIs rely on.
final class SchemaValidatorTests: XCTestCase {
    static let document = #"""
        {
          "openapi": "3.1.0",
          "info": {"title": "t", "version": "1"},
          "servers": [{"url": "https://example.test/api/v9"}],
          "paths": {
            "/things/{id}": {
              "post": {
                "operationId": "createThing",
                "parameters": [
                  {"in": "path", "name": "id", "required": true, "schema": {"type": "integer"}},
                  {"in": "query", "name": "limit", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
                  {"in": "query", "name": "tags", "schema": {"type": "array", "items": {"type": "string"}}},
                  {"in": "query", "name": "ids", "explode": false, "schema": {"type": "array", "items": {"type": "integer"}}}
                ],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}
              }
            }
          },
          "components": {
            "schemas": {
              "Thing": {
                "type": "object",
                "additionalProperties": false,
                "required": ["name", "kind"],
                "properties": {
                  "name": {"type": "string", "minLength": 1, "maxLength": 5},
                  "kind": {"type": "string", "enum": ["a", "b"]},
                  "score": {"type": ["number", "null"], "minimum": 0, "exclusiveMaximum": 1},
                  "code": {"type": "string", "pattern": "^[A-Z]{2}$"},
                  "id": {"type": "string", "format": "uuid"},
                  "items": {"type": "array", "items": {"type": "integer"}, "maxItems": 2},
                  "shape": {
                    "oneOf": [{"$ref": "#/components/schemas/Circle"}, {"$ref": "#/components/schemas/Square"}],
                    "discriminator": {"propertyName": "type", "mapping": {"circle": "#/components/schemas/Circle", "square": "#/components/schemas/Square"}}
                  },
                  "either": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                  "child": {"$ref": "#/components/schemas/Thing"}
                }
              },
              "Circle": {"type": "object", "required": ["type", "radius"], "properties": {"type": {"const": "circle"}, "radius": {"type": "number"}}},
              "Square": {"type": "object", "required": ["type", "side"], "properties": {"type": {"const": "square"}, "side": {"type": "number"}}}
            }
          }
        }
        """#

    var specification: OpenAPISpecification!
    var operation: OperationDefinition!

    override func setUpWithError() throws {
        specification = try OpenAPISpecification(json: Array(Self.document.utf8))
        operation = try XCTUnwrap(specification.operation("createThing"))
    }

    private func issues(_ body: String, query: String? = nil, id: String = "1") -> [ValidationIssue] {
        let request = HTTPRequest(method: "POST", path: "/things/\(id)", rawQuery: query, body: Array(body.utf8))
        switch OperationInputValidator().validate(request, pathParameters: ["id": id], for: operation) {
        case .success: return []
        case .failure(let failure): return failure.issues
        }
    }

    private func kinds(_ body: String, query: String? = nil, id: String = "1") -> [String] {
        issues(body, query: query, id: id).map { "\($0.location.map(\.description).joined(separator: "/")):\($0.kind)" }
    }

    func testServerPrefixComesFromTheDocument() {
        XCTAssertEqual(specification.serverPathPrefixes, ["/api/v9"])
        XCTAssertEqual(operation.template.description, "/things/{id}")
    }

    func testValidBodyPasses() {
        XCTAssertEqual(
            issues(
                #"{"name":"ab","kind":"a","score":0.5,"shape":{"type":"circle","radius":2},"either":3,"child":{"name":"c","kind":"b"}}"#),
            [])
        XCTAssertEqual(issues(#"{"name":"ab","kind":"a","score":null}"#), [])
    }

    func testEveryProblemIsListedWithItsLocation() {
        let found = kinds(#"{"kind":"c","extra":1,"items":[1,"x",3]}"#)
        XCTAssertEqual(
            Set(found),
            Set([
                "body/name:missing",
                "body/kind:notInEnum(allowed: [EvalmockKit.JSONValue.string(\"a\"), EvalmockKit.JSONValue.string(\"b\")], enumName: nil)",
                "body/extra:unexpectedProperty",
                "body/items:tooManyItems(max: 2)",
                "body/items/1:wrongType(expected: \"integer\")",
            ]))
    }

    func testStringAndNumberConstraints() {
        let found = issues(#"{"name":"","kind":"a","score":1,"code":"abc","id":"not-a-uuid"}"#).map(\.kind)
        XCTAssertTrue(found.contains(.stringTooShort(min: 1)))
        XCTAssertTrue(found.contains(.numberTooLarge(max: 1, exclusive: true)))
        XCTAssertTrue(found.contains(.patternMismatch(pattern: "^[A-Z]{2}$")))
        XCTAssertTrue(found.contains(.formatMismatch(format: "uuid")))
        XCTAssertEqual(issues(#"{"name":"abcdef","kind":"a"}"#).map(\.kind), [.stringTooLong(max: 5)])
    }

    func testDiscriminatedUnionChecksOnlyTheTaggedBranch() {
        XCTAssertEqual(kinds(#"{"name":"a","kind":"a","shape":{"type":"square"}}"#), ["body/shape/side:missing"])
        XCTAssertEqual(
            issues(#"{"name":"a","kind":"a","shape":{"type":"hexagon"}}"#).map(\.kind),
            [.unionTagInvalid(property: "type", tag: "hexagon", expected: ["circle", "square"])])
        XCTAssertEqual(
            issues(#"{"name":"a","kind":"a","shape":{"radius":1}}"#).map(\.kind),
            [.unionTagMissing(property: "type", expected: ["circle", "square"])])
    }

    func testAnyOfAndRecursion() {
        XCTAssertEqual(issues(#"{"name":"a","kind":"a","either":true}"#).map(\.kind), [.noUnionBranchMatched])
        XCTAssertEqual(
            kinds(#"{"name":"a","kind":"a","child":{"name":"b","kind":"a","child":{"kind":"a"}}}"#), ["body/child/child/name:missing"])
    }

    func testQueryAndPathParametersAreTypedBySchema() {
        XCTAssertEqual(kinds(#"{"name":"a","kind":"a"}"#, query: "limit=abc"), [#"query/limit:wrongType(expected: "integer")"#])
        XCTAssertEqual(
            kinds(#"{"name":"a","kind":"a"}"#, query: "limit=0"),
            ["query/limit:numberTooSmall(min: 0.0, exclusive: false)"].map { $0.replacingOccurrences(of: "0.0", with: "1.0") })
        XCTAssertEqual(kinds(#"{"name":"a","kind":"a"}"#, id: "x"), [#"path/id:wrongType(expected: "integer")"#])
        XCTAssertEqual(kinds(#"{"name":"a","kind":"a"}"#, query: "ids=1,x"), [#"query/ids/1:wrongType(expected: "integer")"#])
    }

    func testDefaultsAndArraysAreFilledIn() throws {
        let request = HTTPRequest(
            method: "POST", path: "/things/1", rawQuery: "tags=a&tags=b%20c&ids=1,2", body: Array(#"{"name":"a","kind":"a"}"#.utf8))
        guard case .success(let input) = OperationInputValidator().validate(request, pathParameters: ["id": "1"], for: operation) else {
            return XCTFail("expected success")
        }
        XCTAssertEqual(input.query["limit"], .int(20))
        XCTAssertEqual(input.query["tags"], .array(["a", "b c"]))
        XCTAssertEqual(input.query["ids"], .array([.int(1), .int(2)]))
    }

    func testMissingAndMalformedBodies() {
        XCTAssertEqual(kinds(""), ["body:missing"])
        XCTAssertEqual(issues("{\"name\":").first?.location, [.key("body"), .index(8)])
        XCTAssertEqual(kinds("[1]"), [#"body:wrongType(expected: "object")"#])
    }

    func testScorecardDocumentCompiles() throws {
        let scorecard = try OpenAPISpecification.load(path: TestServer.repositoryRoot + "/openapi/scorecard-v2.json")
        XCTAssertEqual(scorecard.serverPathPrefixes, ["/api/v2"])
        let create = try XCTUnwrap(scorecard.operation("createRecord"))
        XCTAssertEqual(create.body?.schema.required, ["inputs", "expected", "outputs"])
        XCTAssertNotNil(create.responseSchemas["201"])
        XCTAssertGreaterThan(scorecard.operations.count, 40)
    }
}
