import Foundation
import OpenAPIKit
import XCTest

@testable import EvalmockKit

/// Operations are decoded and compiled on first use, from parts of the document. This holds
/// every operation and component schema of every shipped document to what compiling the whole
/// document decoded at once by OpenAPIKit gives: the same rules, node for node.
final class LazySpecificationTests: XCTestCase {
    func testEveryOperationCompilesAsFromTheWholeDocument() throws {
        let directory = TestServer.repositoryRoot + "/openapi"
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }.sorted()
        XCTAssertEqual(files.count, 4)
        for file in files {
            let json = [UInt8](try XCTUnwrap(FileManager.default.contents(atPath: directory + "/" + file)))
            let lazy = try OpenAPISpecification(json: json)
            let document = try JSONValueDecoder(userInfo: [VendorExtensionsConfiguration.enabledKey: false])
                .decode(OpenAPI.Document.self, from: json)
            let compiler = SchemaCompiler { name in
                OpenAPI.ComponentKey(rawValue: name).flatMap { document.components.schemas[$0] }
            }
            var whole: [(method: String, path: String, operationId: String?, rules: OperationDefinition.Rules)] = []
            for (path, item) in document.paths {
                let pathItem = try XCTUnwrap(document.components[item])
                for endpoint in pathItem.endpoints {
                    whole.append(
                        (
                            endpoint.method.rawValue.uppercased(), path.rawValue, endpoint.operation.operationId,
                            try OpenAPISpecification.rules(
                                of: endpoint.operation, pathItemParameters: pathItem.parameters,
                                components: document.components, compiler: compiler)
                        ))
                }
            }
            XCTAssertEqual(lazy.operations.count, whole.count, file)
            var same = SameSchema()
            for (operation, expected) in zip(lazy.operations, whole) {
                let label = "\(file) \(operation.operationId)"
                XCTAssertNil(operation.loadError, label)
                XCTAssertEqual(operation.method, expected.method, label)
                XCTAssertEqual(operation.operationId, expected.operationId ?? "\(expected.method) \(expected.path)", label)
                XCTAssertEqual(operation.template, PathTemplate(expected.path), label)
                let rules = operation.rules.value
                for (actual, wanted) in [
                    (rules.pathParameters, expected.rules.pathParameters), (rules.queryParameters, expected.rules.queryParameters),
                ] {
                    XCTAssertEqual(actual.map(\.name), wanted.map(\.name), label)
                    XCTAssertEqual(actual.map(\.required), wanted.map(\.required), label)
                    for (a, b) in zip(actual, wanted) {
                        XCTAssertTrue(same.check(a.schema, b.schema), "\(label) parameter \(a.name): \(same.difference)")
                    }
                }
                XCTAssertEqual(rules.body?.required, expected.rules.body?.required, label)
                if let a = rules.body?.schema, let b = expected.rules.body?.schema {
                    XCTAssertTrue(same.check(a, b), "\(label) body: \(same.difference)")
                } else {
                    XCTAssertTrue(rules.body == nil && expected.rules.body == nil, label)
                }
                XCTAssertEqual(Set(rules.responseSchemas.keys), Set(expected.rules.responseSchemas.keys), label)
                for (status, schema) in rules.responseSchemas {
                    XCTAssertTrue(
                        same.check(schema, expected.rules.responseSchemas[status]!), "\(label) response \(status): \(same.difference)")
                }
            }
            for key in document.components.schemas.keys {
                let a = try XCTUnwrap(lazy.componentSchema(key.rawValue), "\(file) \(key.rawValue)")
                let b = try XCTUnwrap(try compiler.compileComponent(named: key.rawValue))
                XCTAssertTrue(same.check(a, b), "\(file) components/schemas/\(key.rawValue): \(same.difference)")
            }
        }
    }

    func testABrokenOperationFailsOnFirstUseNotAtLoad() throws {
        let json =
            #"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/x": {"post": {"operationId": "broken", "responses": {"200": {"description": 7}}}}}}"#
        let specification = try OpenAPISpecification(json: Array(json.utf8))
        let operation = try XCTUnwrap(specification.operation("broken"))
        XCTAssertNotNil(operation.loadError)
        XCTAssertNil(operation.body)
    }
}

/// Two compiled schema graphs (cycles included) alike in everything validation reads.
private struct SameSchema {
    private var visited = Set<[ObjectIdentifier]>()
    private(set) var difference = ""

    mutating func check(_ a: CompiledSchema, _ b: CompiledSchema, at path: String = "#") -> Bool {
        guard visited.insert([ObjectIdentifier(a), ObjectIdentifier(b)]).inserted else { return true }
        func differs(_ what: String) -> Bool {
            difference = "\(path): \(what)"
            return false
        }
        if a.type != b.type { return differs("type") }
        if a.nullable != b.nullable { return differs("nullable") }
        if a.enumValues != b.enumValues { return differs("enum") }
        if a.defaultValue != b.defaultValue { return differs("default") }
        if a.example != b.example { return differs("example") }
        if a.componentName != b.componentName { return differs("componentName") }
        if a.minLength != b.minLength || a.maxLength != b.maxLength { return differs("length") }
        if a.patternSource != b.patternSource || (a.pattern == nil) != (b.pattern == nil) { return differs("pattern") }
        if a.format != b.format { return differs("format") }
        if a.minimum?.value != b.minimum?.value || a.minimum?.exclusive != b.minimum?.exclusive { return differs("minimum") }
        if a.maximum?.value != b.maximum?.value || a.maximum?.exclusive != b.maximum?.exclusive { return differs("maximum") }
        if a.multipleOf != b.multipleOf { return differs("multipleOf") }
        if a.properties.map(\.name) != b.properties.map(\.name) { return differs("property names") }
        if a.required != b.required { return differs("required") }
        if a.minProperties != b.minProperties || a.maxProperties != b.maxProperties { return differs("property counts") }
        if a.minItems != b.minItems || a.maxItems != b.maxItems || a.uniqueItems != b.uniqueItems { return differs("item counts") }
        if a.allOf.count != b.allOf.count || a.anyOf.count != b.anyOf.count || a.oneOf.count != b.oneOf.count {
            return differs("composition")
        }
        if (a.items == nil) != (b.items == nil) || (a.not == nil) != (b.not == nil) { return differs("items/not") }
        if a.discriminator?.propertyName != b.discriminator?.propertyName
            || a.discriminator?.branches.map(\.tag) != b.discriminator?.branches.map(\.tag)
        {
            return differs("discriminator")
        }
        switch (a.additionalProperties, b.additionalProperties) {
        case (.allowed, .allowed), (.forbidden, .forbidden): break
        case (.schema(let x), .schema(let y)): if !check(x, y, at: path + "/additionalProperties") { return false }
        default: return differs("additionalProperties")
        }
        for (x, y) in zip(a.properties, b.properties) where !check(x.schema, y.schema, at: path + "/properties/" + x.name) { return false }
        if let x = a.items, let y = b.items, !check(x, y, at: path + "/items") { return false }
        if let x = a.not, let y = b.not, !check(x, y, at: path + "/not") { return false }
        for (name, xs, ys) in [("allOf", a.allOf, b.allOf), ("anyOf", a.anyOf, b.anyOf), ("oneOf", a.oneOf, b.oneOf)] {
            for (index, (x, y)) in zip(xs, ys).enumerated() where !check(x, y, at: "\(path)/\(name)/\(index)") { return false }
        }
        for (index, (x, y)) in zip(a.discriminator?.branches ?? [], b.discriminator?.branches ?? []).enumerated()
        where !check(x.schema, y.schema, at: "\(path)/discriminator/\(index)") { return false }
        return true
    }
}
