/// The validated, typed input of one operation call.
public struct OperationInput: Sendable {
    public var pathParameters: [String: String]
    /// Query parameters converted to their schema types, with schema defaults filled in.
    public var query: [String: JSONValue]
    public var body: JSONValue?
    /// The files of a `multipart/form-data` body, by field name (its text fields are in `body`).
    public var files: [String: FormPart] = [:]
}

/// The issues of a rejected request, all of them.
public struct ValidationFailure: Error, Sendable {
    public let issues: [ValidationIssue]
}

/// Validates a request's path, query and body against an `OperationDefinition`.
public struct OperationInputValidator: Sendable {
    public var maxJSONDepth = JSONParser.defaultMaxDepth
    public var schemaValidator: SchemaValidator

    public init(
        maxJSONDepth: Int = JSONParser.defaultMaxDepth, coercion: TypeCoercion = .jsonSchema,
        refinements: SchemaRefinements = SchemaRefinements()
    ) {
        self.maxJSONDepth = maxJSONDepth
        self.schemaValidator = SchemaValidator(coercion: coercion, refinements: refinements)
    }

    public func validate(_ request: HTTPRequest, pathParameters: [String: String], for operation: OperationDefinition) -> Result<
        OperationInput, ValidationFailure
    > {
        var issues: [ValidationIssue] = []
        // Once: each of the operation's accessors takes the rules' lock.
        let rules = operation.rules.value

        for rule in rules.pathParameters {
            guard let raw = pathParameters[rule.name] else { continue }
            let value = coerce([raw], to: rule.schema)
            issues += schemaValidator.validate(value, against: rule.schema, at: [.key("path"), .key(rule.name)])
        }

        var query: [String: JSONValue] = [:]
        let items = rules.queryParameters.isEmpty ? [] : request.queryItems
        for rule in rules.queryParameters {
            let raw = items.filter { $0.name == rule.name }.map(\.value)
            if raw.isEmpty {
                if rule.required {
                    issues.append(ValidationIssue(location: [.key("query"), .key(rule.name)], kind: .missing, input: nil))
                } else if let fallback = rule.schema.defaultValue {
                    query[rule.name] = fallback
                }
                continue
            }
            let value = coerce(raw, to: rule.schema)
            issues += schemaValidator.validate(value, against: rule.schema, at: [.key("query"), .key(rule.name)])
            query[rule.name] = value
        }

        var body: JSONValue?
        var files: [String: FormPart] = [:]
        // Whether the body validated only through a lax coercion (then it is converted below).
        var bodyWasCoerced = true
        if let rule = rules.body, rule.encoding == .multipartForm {
            let parsed = form(request, rule.schema)
            body = .object(parsed.fields)
            files = parsed.files
            issues += parsed.issues
        } else if let rule = rules.body {
            if request.body.allSatisfy(Self.isWhitespace) {
                // OpenAPI bodies are optional unless marked required, but an object schema that
                // not even `{}` satisfies (required properties, or a union whose every branch
                // requires some, as Scorecard's nine Metric variants do) cannot be satisfied by
                // no body at all.
                if rule.required || (rule.schema.type != .array && !schemaValidator.isValid(.object([:]), against: rule.schema)) {
                    issues.append(ValidationIssue(location: [.key("body")], kind: .missing, input: nil))
                }
            } else if schemaValidator.coercion == .pydanticLax, Self.declaresOtherThanJSON(request.headers["Content-Type"]) {
                // FastAPI parses a body as JSON only when the Content-Type is absent or JSON;
                // otherwise the field is validated against the raw body, which fails as a
                // model or list would fail for a string.
                let raw = JSONValue.string(String(decoding: request.body, as: UTF8.self))
                issues += schemaValidator.validate(raw, against: rule.schema, at: [.key("body")])
                body = raw
            } else {
                do {
                    let parsed = try JSONParser.parse(request.body, maxDepth: maxJSONDepth)
                    let checked = schemaValidator.validateNotingCoercion(parsed, against: rule.schema, at: [.key("body")])
                    issues += checked.issues
                    bodyWasCoerced = checked.coerced
                    body = parsed
                } catch {
                    issues.append(ValidationIssue(location: [.key("body"), .index(error.offset)], kind: .invalidJSON(error), input: nil))
                }
            }
        }

        if !issues.isEmpty { return .failure(ValidationFailure(issues: issues)) }
        if schemaValidator.coercion == .pydanticLax, bodyWasCoerced, let parsed = body, let rule = rules.body, rule.encoding == .json {
            body = PydanticLaxConversion().convert(parsed, rule.schema)
        }
        return .success(OperationInput(pathParameters: pathParameters, query: query, body: body, files: files))
    }

    private struct Form {
        var fields: JSONValue.JSONObject = [:]
        var files: [String: FormPart] = [:]
        var issues: [ValidationIssue] = []
    }

    /// A form body: its text fields validated as the schema's properties (strings), its files
    /// checked to be where the schema has a `format: binary` property and only there. A body
    /// of another Content-Type reads as an empty form (every required field missing), as
    /// Starlette reads it; a multipart body that does not parse is unreadable.
    private func form(_ request: HTTPRequest, _ schema: CompiledSchema) -> Form {
        var form = Form()
        var parts: [FormPart] = []
        if let boundary = MultipartFormData.boundary(contentType: request.headers["Content-Type"]) {
            guard let parsed = MultipartFormData.parse(request.body, boundary: boundary) else {
                form.issues.append(
                    ValidationIssue(location: [.key("body")], kind: .unreadableForm("malformed multipart/form-data"), input: nil))
                return form
            }
            parts = parsed
        }
        // As FastAPI reads a form, the last part of a name counts, and an empty text field or an
        // empty file without a filename (a browser's unselected file input) is absent.
        var last: [String: FormPart] = [:]
        var names: [String] = []
        for part in parts {
            if last.updateValue(part, forKey: part.name) == nil { names.append(part.name) }
        }
        // For the schema, a file stands as its filename; the handler gets its bytes.
        var validated = JSONValue.JSONObject()
        for name in names {
            guard let part = last[name], !(part.content.isEmpty && (part.filename ?? "").isEmpty) else { continue }
            let isFileField = schema.propertyIndex[name]?.schema.format == "binary"
            if let filename = part.filename {
                if isFileField { form.files[name] = part }
                validated[name] = .string(filename)
                continue
            }
            let text = JSONValue.string(String(decoding: part.content, as: UTF8.self))
            if isFileField {
                form.issues.append(
                    ValidationIssue(
                        location: [.key("body"), .key(name)],
                        kind: .brokenRule("Expected UploadFile, received: <class 'str'>"), input: text))
            }
            form.fields[name] = text
            validated[name] = text
        }
        form.issues += schemaValidator.validate(.object(validated), against: schema, at: [.key("body")])
        return form
    }

    /// FastAPI's test: `application/json` or `application/*+json`, parameters ignored.
    /// Over the UTF-8, compared in ASCII case (the names it looks for are ASCII, and no other
    /// letter lower-cases into them): splitting the Characters and lower-casing a copy cost 10k
    /// instructions a request.
    static func declaresOtherThanJSON(_ contentType: String?) -> Bool {
        guard let contentType, !contentType.isEmpty else { return false }
        let parameters = contentType.utf8.firstIndex(of: UInt8(ascii: ";"))
        let mediaType = (parameters.map { String(Substring(contentType.utf8[..<$0])) } ?? contentType).trimmingWhitespace().utf8
        let application = "application/".utf8
        guard String.asciiCaseInsensitiveEquals(mediaType.prefix(application.count), application) else { return true }
        let subtype = mediaType.dropFirst(application.count)
        let json = "json".utf8
        return !(String.asciiCaseInsensitiveEquals(subtype, json) || String.asciiCaseInsensitiveEquals(subtype.suffix(5), "+json".utf8))
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0a || byte == 0x0d
    }

    /// Query and path values arrive as text; the schema says what they should become. A value
    /// that does not convert stays a string, so the validator reports the type it should have.
    private func coerce(_ raw: [String], to declared: CompiledSchema) -> JSONValue {
        // An Optional[X] parameter compiles to a nullable wrapper around X: convert as X.
        let schema = declared.type == nil && declared.allOf.count == 1 ? declared.allOf[0] : declared
        let effectiveType = schema.type ?? schema.allOf.first?.type
        if effectiveType == .array {
            // Both forms are accepted whatever the document's `explode` says: repeated names
            // (`tags=a&tags=b`, the documents' examples) and comma-joined values (`tags=a,b`,
            // what the Stainless-generated SDKs send with `array_format="comma"`).
            let values = raw.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            let itemSchema = schema.items ?? .anything
            return .array(values.map { coerceScalar($0, to: itemSchema) })
        }
        return coerceScalar(raw.last ?? "", to: schema)
    }

    private func coerceScalar(_ raw: String, to schema: CompiledSchema) -> JSONValue {
        switch schema.type {
        case .integer?, .number?:
            // Only plain JSON number syntax converts; "1e3" and " 5" stay text and are rejected.
            if let parsed = try? JSONParser.parse(raw), case .number = parsed { return parsed }
            return .string(raw)
        case .boolean?:
            switch raw.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: return .string(raw)
            }
        case .null?:
            return raw.isEmpty || raw == "null" ? .null : .string(raw)
        default:
            return .string(raw)
        }
    }
}
