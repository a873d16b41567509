import Foundation
import OpenAPIKit

public struct SpecificationError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "cannot load OpenAPI document \(path): \(reason)" }
}

/// An OpenAPI document from `openapi/`, read with OpenAPIKit and compiled for validation.
///
/// This is the source of truth for an emulated API: its routes, parameters, request bodies and
/// response shapes all come from here, never from copies in Swift code.
public final class OpenAPISpecification: @unchecked Sendable {
    public let title: String
    public let version: String
    /// Path prefixes of the document's servers (`https://api2.scorecard.io/api/v2` → `/api/v2`).
    public let serverPathPrefixes: [String]
    public let operations: [OperationDefinition]
    /// Every schema of `components/schemas`, compiled, by name.
    public let componentSchemas: [String: CompiledSchema]

    public init(document: OpenAPI.Document) {
        self.title = document.info.title
        self.version = document.info.version
        self.serverPathPrefixes = document.servers.map { server in
            let raw = server.urlTemplate.absoluteString
            guard let schemeEnd = raw.range(of: "://") else { return raw.hasPrefix("/") ? raw : "" }
            let afterHost = raw[schemeEnd.upperBound...].drop { $0 != "/" }
            let prefix = String(afterHost)
            return prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        }
        let compiler = SchemaCompiler(components: document.components)
        var operations: [OperationDefinition] = []
        for (path, item) in document.paths {
            guard let pathItem = document.components[item] else { continue }
            for endpoint in pathItem.endpoints {
                operations.append(Self.define(endpoint, path: path.rawValue, pathItem: pathItem, document: document, compiler: compiler))
            }
        }
        self.operations = operations
        // Compiled eagerly so the specification is immutable once built, and safe to share.
        var components: [String: CompiledSchema] = [:]
        for key in document.components.schemas.keys {
            components[key.rawValue] = compiler.compileComponent(named: key.rawValue)
        }
        self.componentSchemas = components
    }

    /// A document from its JSON text. Vendor extensions (`x-codeSamples` and the like) are not
    /// needed to emulate an API, and decoding them as untyped values was most of the start-up time.
    public convenience init(json: [UInt8]) throws {
        let decoder = JSONValueDecoder(userInfo: [VendorExtensionsConfiguration.enabledKey: false])
        self.init(document: try decoder.decode(OpenAPI.Document.self, from: json))
    }

    private static let cache = SpecificationCache()

    /// Loads and compiles a document once per process (tests start many servers).
    public static func load(path: String) throws -> OpenAPISpecification {
        try cache.specification(at: path) { try decode(path: path) }
    }

    /// Loads every document in a directory at once, one per core, so that start-up costs about
    /// the largest document rather than their sum. Failures surface later, when the API that
    /// needs the document loads it again.
    public static func preload(directory: String) {
        let paths = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".json") }.map { directory + "/" + $0 }
        DispatchQueue.concurrentPerform(iterations: paths.count) { index in
            _ = try? load(path: paths[index])
        }
    }

    private static func decode(path: String) throws -> OpenAPISpecification {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SpecificationError(path: path, reason: "file not found or unreadable")
        }
        do {
            return try OpenAPISpecification(json: [UInt8](data))
        } catch {
            throw SpecificationError(path: path, reason: String(describing: error))
        }
    }

    public func operation(_ operationId: String) -> OperationDefinition? {
        operations.first { $0.operationId == operationId }
    }

    /// A named schema from `components/schemas`, compiled.
    public func componentSchema(_ name: String) -> CompiledSchema? {
        componentSchemas[name]
    }

    /// The schema of the JSON entry (`application/json`, `application/jsonl`, …) of a content map.
    private static func jsonSchema(of content: OpenAPI.Content.Map, in document: OpenAPI.Document) -> JSONSchema? {
        guard let entry = content.first(where: { $0.key.typeAndSubtype.hasSuffix("json") }) else { return nil }
        return document.components[entry.value]?.schema
    }

    /// The schema of each line of a JSON-lines entry (`application/jsonl`), as Weave's streamed
    /// lists declare it.
    private static func jsonLinesSchema(of content: OpenAPI.Content.Map, in document: OpenAPI.Document) -> JSONSchema? {
        guard let entry = content.first(where: { $0.key.typeAndSubtype.hasSuffix("jsonl") }) else { return nil }
        return document.components[entry.value]?.schema
    }

    private static func define(_ endpoint: OpenAPI.PathItem.Endpoint, path: String, pathItem: OpenAPI.PathItem, document: OpenAPI.Document, compiler: SchemaCompiler) -> OperationDefinition {
        let operation = endpoint.operation
        let method = endpoint.method.rawValue.uppercased()
        var pathRules: [OperationDefinition.ParameterRule] = []
        var queryRules: [OperationDefinition.ParameterRule] = []
        // Operation-level parameters override path-level ones with the same name and location.
        let parameters = (pathItem.parameters + operation.parameters).compactMap { document.components[$0] }
        var seen = Set<String>()
        for parameter in parameters.reversed() {
            let key = "\(parameter.location.rawValue):\(parameter.name)"
            guard seen.insert(key).inserted else { continue }
            var schema = CompiledSchema.anything
            if case .a(let context) = parameter.schemaOrContent {
                switch context.schema {
                case .a(let reference): schema = document.components[reference].map(compiler.compile) ?? .anything
                case .b(let inline): schema = compiler.compile(inline)
                }
            }
            let rule = OperationDefinition.ParameterRule(name: parameter.name, required: parameter.required, schema: schema)
            switch parameter.location {
            case .path: pathRules.insert(rule, at: 0)
            case .query: queryRules.insert(rule, at: 0)
            default: break
            }
        }

        var body: OperationDefinition.BodyRule?
        if let requestBody = operation.requestBody, let request = document.components[requestBody] {
            if let schema = jsonSchema(of: request.content, in: document) {
                body = .init(schema: compiler.compile(schema), required: request.required)
            }
        }

        var responses: [String: CompiledSchema] = [:]
        var jsonLines: Set<String> = []
        for (status, response) in operation.responses {
            guard let resolved = document.components[response] else { continue }
            if let schema = jsonSchema(of: resolved.content, in: document) {
                responses[status.rawValue] = compiler.compile(schema)
            } else if let schema = jsonLinesSchema(of: resolved.content, in: document) {
                responses[status.rawValue] = compiler.compile(schema)
                jsonLines.insert(status.rawValue)
            }
        }

        return OperationDefinition(
            operationId: operation.operationId ?? "\(method) \(path)",
            method: method,
            template: PathTemplate(path),
            pathParameters: pathRules,
            queryParameters: queryRules,
            body: body,
            responseSchemas: responses,
            jsonLinesResponses: jsonLines
        )
    }
}
