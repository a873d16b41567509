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
///
/// Only what routing needs (paths, methods, operation ids, servers) is read when the document
/// loads; an operation's parameters, body and responses are decoded with OpenAPIKit and
/// compiled the first time they are needed, and a component schema when an operation or an API
/// first refers to it. Decoding whole documents was most of start-up (~60 ms of ~70 for 400 KB),
/// and start-up would otherwise grow with every document.
public final class OpenAPISpecification: @unchecked Sendable {
    public let title: String
    public let version: String
    /// Path prefixes of the document's servers (`https://api2.scorecard.io/api/v2` → `/api/v2`).
    public let serverPathPrefixes: [String]
    public let operations: [OperationDefinition]
    /// Guards the compiler: operations compile on first use, from whichever thread uses them.
    private let lock: NSLock
    private let compiler: SchemaCompiler
    /// The names in `components/schemas`, known without compiling any of them.
    public let componentSchemaNames: Set<String>
    /// Where requests carry credentials, from `components/securitySchemes`.
    public let credentialSchemes: [CredentialScheme]

    /// A document from its JSON text. Vendor extensions (`x-codeSamples` and the like) are not
    /// needed to emulate an API, and decoding them as untyped values was half of the decoding.
    public init(json: [UInt8]) throws {
        guard case .object(let document) = try JSONParser.parse(json, maxDepth: 10_000) else {
            throw DecodingError.typeMismatch(
                [String: Any].self, .init(codingPath: [], debugDescription: "an OpenAPI document is a JSON object"))
        }
        let decoder = JSONValueDecoder(userInfo: [VendorExtensionsConfiguration.enabledKey: false])
        let info = try decoder.decode(OpenAPI.Document.Info.self, from: document["info"] ?? .null, at: ["info"])
        title = info.title
        version = info.version
        serverPathPrefixes = try decoder.decode([OpenAPI.Server].self, from: document["servers"] ?? .array([]), at: ["servers"]).map {
            server in
            let raw = server.urlTemplate.absoluteString
            guard let schemeEnd = raw.range(of: "://") else { return raw.hasPrefix("/") ? raw : "" }
            let afterHost = raw[schemeEnd.upperBound...].drop { $0 != "/" }
            let prefix = String(afterHost)
            return prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        }
        // The components operations refer to (parameters, bodies, responses) are few and small:
        // decoded now, without the schemas, which are decoded one by one when first referred to.
        var componentsJSON = document["components"]?.objectValue ?? [:]
        let schemas = componentsJSON.removeValue(forKey: "schemas")?.objectValue ?? [:]
        let components = try decoder.decode(OpenAPI.Components.self, from: .object(componentsJSON), at: ["components"])
        componentSchemaNames = Set(schemas.keys)
        credentialSchemes = components.securitySchemes.values.compactMap(\.b).compactMap(CredentialScheme.init)
        let compiler = SchemaCompiler { name in
            guard OpenAPI.ComponentKey(rawValue: name) != nil, let schema = schemas[name] else { return nil }
            return try decoder.decode(JSONSchema.self, from: schema, at: ["components", "schemas", name])
        }
        let lock = NSLock()
        var operations: [OperationDefinition] = []
        for (rawPath, itemJSON) in document["paths"]?.objectValue ?? [:] {
            // As OpenAPIKit reads a path (`/runs/` and `/runs` are one template).
            let path = OpenAPI.Path(rawValue: rawPath).rawValue
            guard let item = Self.pathItem(itemJSON, in: document) else { continue }
            for method in OpenAPI.BuiltinHttpMethod.allCases {
                guard let operationJSON = item[method.rawValue.lowercased()] else { continue }
                let rules = LazyRules(lock: lock) {
                    let operation = try decoder.decode(
                        OpenAPI.Operation.self, from: operationJSON, at: ["paths", rawPath, method.rawValue.lowercased()])
                    let shared = try decoder.decode(
                        OpenAPI.Parameter.Array.self, from: item["parameters"] ?? .array([]), at: ["paths", rawPath, "parameters"])
                    return try Self.rules(of: operation, pathItemParameters: shared, components: components, compiler: compiler)
                }
                operations.append(
                    OperationDefinition(
                        operationId: operationJSON["operationId"]?.stringValue ?? "\(method.rawValue) \(path)",
                        method: method.rawValue, template: PathTemplate(path),
                        requiresAuthentication: operationJSON["security"] != .array([]), rules: rules))
            }
        }
        self.operations = operations
        self.lock = lock
        self.compiler = compiler
    }

    /// A path item, or the one its `$ref` names in `components/pathItems`.
    private static func pathItem(_ value: JSONValue, in document: JSONValue.JSONObject) -> JSONValue.JSONObject? {
        guard let item = value.objectValue else { return nil }
        guard let reference = item["$ref"]?.stringValue else { return item }
        let prefix = "#/components/pathItems/"
        guard reference.hasPrefix(prefix) else { return nil }
        let name = String(reference.dropFirst(prefix.count))
        return document["components"]?["pathItems"]?[name]?.objectValue
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

    /// A named schema from `components/schemas`, compiled (once, on first use).
    public func componentSchema(_ name: String) -> CompiledSchema? {
        lock.withLock {
            do {
                return try compiler.compileComponent(named: name)
            } catch {
                ServerLog.error("OpenAPI document \(title): components/schemas/\(name) cannot be read: \(error)")
                return nil
            }
        }
    }

    /// The schema of the JSON entry (`application/json`, `application/jsonl`, …) of a content map.
    private static func jsonSchema(of content: OpenAPI.Content.Map, in components: OpenAPI.Components) -> JSONSchema? {
        guard let entry = content.first(where: { $0.key.typeAndSubtype.hasSuffix("json") }) else { return nil }
        return components[entry.value]?.schema
    }

    /// The schema of each line of a JSON-lines entry (`application/jsonl`), as Weave's streamed
    /// lists declare it.
    private static func jsonLinesSchema(of content: OpenAPI.Content.Map, in components: OpenAPI.Components) -> JSONSchema? {
        guard let entry = content.first(where: { $0.key.typeAndSubtype.hasSuffix("jsonl") }) else { return nil }
        return components[entry.value]?.schema
    }

    /// An operation's rules: its parameters (with its path item's), body and responses, compiled.
    static func rules(
        of operation: OpenAPI.Operation, pathItemParameters: OpenAPI.Parameter.Array,
        components: OpenAPI.Components, compiler: SchemaCompiler
    ) throws -> OperationDefinition.Rules {
        var pathRules: [OperationDefinition.ParameterRule] = []
        var queryRules: [OperationDefinition.ParameterRule] = []
        // Operation-level parameters override path-level ones with the same name and location.
        let parameters = (pathItemParameters + operation.parameters).compactMap { components[$0] }
        var seen = Set<String>()
        for parameter in parameters.reversed() {
            let key = "\(parameter.location.rawValue):\(parameter.name)"
            guard seen.insert(key).inserted else { continue }
            var schema = CompiledSchema.anything
            if case .a(let context) = parameter.schemaOrContent {
                switch context.schema {
                // The component's schema compiled afresh (not shared), as before schemas were lazy.
                case .a(let reference): schema = try compiler.lookup(reference.jsonReference).map(compiler.compile) ?? .anything
                case .b(let inline): schema = try compiler.compile(inline)
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
        if let requestBody = operation.requestBody, let request = components[requestBody] {
            if let schema = jsonSchema(of: request.content, in: components) {
                body = .init(schema: try compiler.compile(schema), required: request.required)
            } else if let entry = request.content.first(where: { $0.key.typeAndSubtype == "multipart/form-data" }),
                let schema = components[entry.value]?.schema
            {
                body = .init(schema: try compiler.compile(schema), required: request.required, encoding: .multipartForm)
            }
        }

        var responses: [String: CompiledSchema] = [:]
        var jsonLines: Set<String> = []
        var raw: [String: String] = [:]
        for (status, response) in operation.responses {
            guard let resolved = components[response] else { continue }
            if let schema = jsonSchema(of: resolved.content, in: components) {
                responses[status.rawValue] = try compiler.compile(schema)
            } else if let schema = jsonLinesSchema(of: resolved.content, in: components) {
                responses[status.rawValue] = try compiler.compile(schema)
                jsonLines.insert(status.rawValue)
            } else if let entry = resolved.content.first(where: { components[$0.value]?.schema?.formatString == "binary" }) {
                raw[status.rawValue] = entry.key.typeAndSubtype
            }
        }

        return OperationDefinition.Rules(
            pathParameters: pathRules, queryParameters: queryRules, body: body, responseSchemas: responses,
            jsonLinesResponses: jsonLines, rawResponses: raw)
    }
}
