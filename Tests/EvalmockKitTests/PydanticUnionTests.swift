import Foundation
import XCTest

@testable import EvalmockKit

/// Unions validated in pydantic's lax mode are reported as pydantic-core reports them.
final class PydanticUnionTests: XCTestCase {
    static let document = #"""
        {
          "openapi": "3.1.0",
          "info": {"title": "t", "version": "1"},
          "paths": {},
          "components": {
            "schemas": {
              "Holder": {
                "type": "object",
                "required": ["first", "pet"],
                "properties": {
                  "first": {"type": "string"},
                  "pet": {"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                          "discriminator": {"propertyName": "kind", "mapping": {"dog": "#/components/schemas/Dog", "cat": "#/components/schemas/Cat"}}},
                  "value": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"$ref": "#/components/schemas/Cat"}},
                                       {"type": "object", "additionalProperties": {"type": "integer"}}, {"$ref": "#/components/schemas/Files"}, {"type": "null"}]},
                  "last": {"type": "integer"}
                }
              },
              "Files": {"anyOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}]},
              "Cat": {"type": "object", "required": ["lives"], "properties": {"kind": {"const": "cat"}, "lives": {"type": "integer"}}},
              "Dog": {"type": "object", "required": ["barks"], "properties": {"kind": {"const": "dog"}, "barks": {"type": "boolean"}}}
            }
          }
        }
        """#

    var holder: CompiledSchema!
    let lax = SchemaValidator(coercion: .pydanticLax)

    override func setUpWithError() throws {
        holder = try XCTUnwrap(OpenAPISpecification(json: Array(Self.document.utf8)).componentSchema("Holder"))
    }

    private func locations(_ json: String) throws -> [[JSONValue]] {
        lax.validate(try JSONParser.parse(json), against: holder, at: [.key("body")]).map { $0.location.map(\.jsonValue) }
    }

    /// Members are checked in the body's order when all is well, but issues are reported in the
    /// schema's order, as pydantic validates a model field by field.
    func testIssuesComeInDeclarationOrderWhateverTheBodysOrder() throws {
        XCTAssertEqual(
            try locations(#"{"last":"x","value":true,"first":1}"#),
            [
                ["body", "first"], ["body", "pet"],
                ["body", "value", "str"], ["body", "value", "list[Cat]"], ["body", "value", "dict[str,int]"],
                ["body", "value", "Cat"], ["body", "value", "Dog"],
                ["body", "last"],
            ])
        XCTAssertEqual(try locations(#"{"last":3,"pet":{"lives":"9","kind":"cat"},"first":"a"}"#), [])
        XCTAssertTrue(lax.isValid(try JSONParser.parse(#"{"last":3,"pet":{"lives":9,"kind":"cat"},"first":"a"}"#), against: holder))
        XCTAssertFalse(lax.isValid(try JSONParser.parse(#"{"last":3,"first":"a"}"#), against: holder), "pet is required")
    }

    func testTaggedUnionPutsTheTagInTheLocation() throws {
        XCTAssertEqual(try locations(#"{"first":"a","pet":{"kind":"dog","barks":"loud"}}"#), [["body", "pet", "dog", "barks"]])
    }

    func testWrongTagIsReportedAtTheUnion() throws {
        let issues = lax.validate(try JSONParser.parse(#"{"first":"a","pet":{"kind":"cow"}}"#), against: holder, at: [])
        XCTAssertEqual(issues.map(\.location), [[.key("pet")]])
        XCTAssertEqual(issues.first?.kind, .unionTagInvalid(property: "kind", tag: "cow", expected: ["dog", "cat"]))
        XCTAssertEqual(issues.first?.input, try JSONParser.parse(#"{"kind":"cow"}"#))
    }

    func testFailedPlainUnionListsEveryMemberUnderItsPydanticLabel() throws {
        XCTAssertEqual(
            try locations(#"{"first":"a","pet":{"kind":"cat","lives":9},"value":true}"#),
            [
                ["body", "value", "str"],
                ["body", "value", "list[Cat]"],
                ["body", "value", "dict[str,int]"],
                ["body", "value", "Cat"],
                ["body", "value", "Dog"],
            ])
        XCTAssertEqual(try locations(#"{"first":"a","pet":{"kind":"cat","lives":9},"value":null}"#), [], "null is a member")
        XCTAssertEqual(
            try locations(#"{"first":"a","pet":{"kind":"cat","lives":9},"value":{"n":"7"}}"#), [], "lax: a numeric string is an int")
    }

    func testUnionLabelOfNestedTypes() throws {
        let value = try XCTUnwrap(holder.propertyIndex["value"]?.schema)
        XCTAssertEqual(PydanticUnionLabel.label(value), "nullable[union[str,list[Cat],dict[str,int],Cat,Dog]]")
        XCTAssertEqual(PydanticUnionLabel.label(try XCTUnwrap(holder.propertyIndex["pet"]?.schema)), "tagged-union[Cat,Dog]")
    }

    func testFieldsAreReportedInDeclarationOrder() throws {
        XCTAssertEqual(
            try locations(#"{"last":"x","value":1.5}"#),
            [
                ["body", "first"], ["body", "pet"],
                ["body", "value", "str"], ["body", "value", "list[Cat]"], ["body", "value", "dict[str,int]"], ["body", "value", "Cat"],
                ["body", "value", "Dog"],
                ["body", "last"],
            ])
    }

    func testATaggedUnionGivenAScalarCannotExtractFields() throws {
        let issue = try XCTUnwrap(lax.validate(try JSONParser.parse(#"{"first":"a","pet":"cat"}"#), against: holder, at: []).first)
        guard case .object(let entry) = PydanticErrorRenderer.entry(issue) else { return XCTFail() }
        XCTAssertEqual(entry["type"], "model_attributes_type")
        XCTAssertEqual(entry["loc"], ["pet"])
    }

    /// FastAPI validates bodies with `from_attributes=True`, so a nested model given a scalar is
    /// `model_attributes_type` (checked against FastAPI 0.12x: `{"dog": 5}` for `dog: Dog`),
    /// not plain pydantic's `model_type`.
    func testAModelGivenAScalarCannotExtractFieldsAsInFastAPI() throws {
        let issue = try XCTUnwrap(
            lax.validate(try JSONParser.parse(#"{"first":"a","pet":{"kind":"cat","lives":9},"value":5}"#), against: holder, at: []).last)
        XCTAssertEqual(issue.expectedObject, .model("Dog"))
        guard case .object(let entry) = PydanticErrorRenderer.entry(issue) else { return XCTFail() }
        XCTAssertEqual(entry["type"], "model_attributes_type")
        XCTAssertEqual(entry["msg"], "Input should be a valid dictionary or object to extract fields from")
        XCTAssertNil(entry["ctx"])
    }
}
