import Foundation

// libFuzzer entry point over the JSON parser and the schema validator, compiled together with
// EvalmockKit's sources by fuzz/run (not part of the SwiftPM package: libFuzzer supplies `main`).
//
// For every input:
// - `JSONParser.parse` either throws a `JSONParseError` inside the input or returns a value;
// - a parsed value written by `JSONWriter` parses back to the same value (lexemes and key order);
// - the value is validated against every request-body schema of every document in openapi/,
//   in JSON Schema and in pydantic lax mode, and the issues are rendered in every error dialect;
//   lax-valid values are converted as pydantic would, and the result must still be lax-valid.
// Any trap, sanitizer report or failed property is a crash libFuzzer keeps as a reproducer.

private let bodySchemas: [CompiledSchema] = {
    let directory = ProcessInfo.processInfo.environment["EVALMOCK_FUZZ_OPENAPI"] ?? "openapi"
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory))?.filter { $0.hasSuffix(".json") }.sorted() ?? []
    precondition(!names.isEmpty, "no OpenAPI documents in \(directory)")
    return names.flatMap { name -> [CompiledSchema] in
        let specification = try! OpenAPISpecification.load(path: directory + "/" + name)
        return specification.operations.compactMap { $0.body?.schema }
    }
}()

private let dialects: [any ErrorDialect] = [FastAPIErrorDialect(), FastAPIErrorDialect(unauthorizedDetail: "Not authenticated", authenticateChallenge: "Basic")]
private let strict = SchemaValidator(coercion: .jsonSchema)
private let lax = SchemaValidator(coercion: .pydanticLax)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    let value: JSONValue
    do {
        value = try JSONParser.parse(bytes, maxDepth: 64)
    } catch {
        precondition(error.offset >= 0 && error.offset <= bytes.count, "error offset \(error.offset) outside the input of \(bytes.count) bytes")
        _ = PythonJSONDecodeError(error).message
        return 0
    }
    let written = JSONWriter.encode(value)
    guard let reparsed = try? JSONParser.parse(written, maxDepth: 65) else {
        preconditionFailure("JSONWriter wrote what JSONParser rejects: \(String(decoding: written, as: UTF8.self))")
    }
    precondition(JSONWriter.encode(reparsed) == written, "write → parse → write is not stable")

    for schema in bodySchemas {
        _ = strict.validate(value, against: schema, at: [.key("body")])
        let issues = lax.validate(value, against: schema, at: [.key("body")])
        if issues.isEmpty {
            let converted = PydanticLaxConversion().convert(value, schema)
            precondition(lax.isValid(converted, against: schema), "pydantic conversion made a valid value invalid")
        } else {
            for dialect in dialects { _ = dialect.validationFailed(issues) }
        }
    }
    return 0
}
