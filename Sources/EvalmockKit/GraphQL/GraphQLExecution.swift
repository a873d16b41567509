/// A GraphQL schema as an emulator answers it: object types with their fields, and root fields
/// that resolve to plain JSON which the request's selection set then projects.
///
/// The selection is checked against the types before any resolver runs, so a mutation whose
/// selection names an unknown field changes nothing, as a GraphQL server validates before it
/// executes (spec §6.1).
public struct GraphQLSchema {
    /// A field of the query or mutation type.
    public struct RootField {
        /// The type the field resolves to: an object type of `types`, or a scalar.
        let type: String
        /// The arguments it takes, by name, with their type (named in refusals only).
        let arguments: [String: String]
        /// Produces the field's value from its arguments (`.null` answers null). A
        /// `GraphQLFieldError` is the field's refusal; any other error is a fault of the
        /// emulator and leaves `execute`.
        let resolve: ([String: JSONValue]) throws -> JSONValue

        public init(type: String, arguments: [String: String], resolve: @escaping ([String: JSONValue]) throws -> JSONValue) {
            self.type = type
            self.arguments = arguments
            self.resolve = resolve
        }
    }

    /// Object types: each field's type, an object type of this list or a scalar.
    let types: [String: [String: String]]
    let query: [String: RootField]
    let mutation: [String: RootField]

    public init(types: [String: [String: String]], query: [String: RootField], mutation: [String: RootField]) {
        self.types = types
        self.query = query
        self.mutation = mutation
    }
}

/// A root field's resolver refusing its input: the field answers null with this error
/// (`extensions.code` when the service names one).
public struct GraphQLFieldError: Error {
    let message: String
    var code: String?

    public init(message: String, code: String? = nil) {
        self.message = message
        self.code = code
    }
}

/// One GraphQL-over-HTTP request, executed: the answer's body, `{"data", "errors"}` as a
/// GraphQL server writes it. A document that does not parse or does not fit the schema gets
/// `errors` only; a resolver's refusal gets its field null and an error with its path.
public struct GraphQLExecution {
    private struct RequestError: Error {
        let message: String
        var locations: [GraphQLDocument.Location] = []
    }

    let schema: GraphQLSchema

    public init(schema: GraphQLSchema) {
        self.schema = schema
    }

    public func execute(query: String, variables: JSONValue.JSONObject, operationName: String?) throws -> JSONValue {
        do {
            let document = try GraphQLDocument(parsing: query)
            let operation = try select(document, operationName)
            let rootType = try rootType(of: operation)
            let fields = try validate(operation.selections, on: rootType.name, rootFields: rootType.fields)
            let values = try coerce(variables, for: operation)
            // Every argument is resolved before any resolver runs: an undefined variable in a
            // later field must not leave an earlier mutation done.
            let calls = try fields.filter { try included($0, values) }.map { field in
                (field, try Dictionary(field.arguments.map { ($0.name, try resolve($0.value, values)) }, uniquingKeysWith: { $1 }))
            }
            return try run(calls, rootType: rootType, variables: values)
        } catch let error as GraphQLSyntaxError {
            return Self.errors([Self.error(error.message, locations: [error.location])])
        } catch let error as RequestError {
            return Self.errors([Self.error(error.message, locations: error.locations)])
        }
    }

    private func select(_ document: GraphQLDocument, _ name: String?) throws -> GraphQLDocument.Operation {
        if let fragment = document.fragmentDefinition {
            throw RequestError(message: "Fragments are not supported by evalmock's GraphQL endpoint.", locations: [fragment])
        }
        if let name {
            guard let operation = document.operations.first(where: { $0.name == name }) else {
                throw RequestError(message: "Unknown operation named \"\(name)\".")
            }
            return operation
        }
        guard document.operations.count == 1 else {
            throw RequestError(message: "Must provide operation name if query contains multiple operations.")
        }
        return document.operations[0]
    }

    private func rootType(of operation: GraphQLDocument.Operation) throws -> (name: String, fields: [String: GraphQLSchema.RootField]) {
        switch operation.type {
        case .query: return ("Query", schema.query)
        case .mutation: return ("Mutation", schema.mutation)
        case .subscription: throw RequestError(message: "Schema is not configured for subscriptions.")
        }
    }

    /// The root fields the operation selects (skipped ones left out), each checked with its
    /// arguments and whole selection set against the schema.
    private func validate(
        _ selections: [GraphQLDocument.Selection], on rootType: String,
        rootFields: [String: GraphQLSchema.RootField]
    ) throws -> [GraphQLDocument.Field] {
        var fields: [GraphQLDocument.Field] = []
        for field in try self.fields(selections) {
            if field.name == "__typename" {
                try check(field, type: "String", parent: rootType, arguments: [:])
            } else {
                guard let root = rootFields[field.name] else {
                    throw RequestError(
                        message: "Cannot query field \"\(field.name)\" on type \"\(rootType)\".", locations: [field.location])
                }
                try check(field, type: root.type, parent: rootType, arguments: root.arguments)
            }
            fields.append(field)
        }
        return fields
    }

    private func check(_ field: GraphQLDocument.Field, type: String, parent: String, arguments: [String: String]) throws {
        for argument in field.arguments where arguments[argument.name] == nil {
            throw RequestError(
                message: "Unknown argument \"\(argument.name)\" on field \"\(parent).\(field.name)\".", locations: [field.location])
        }
        guard let objectFields = schema.types[type] else {
            if field.selections != nil {
                throw RequestError(
                    message: "Field \"\(field.name)\" must not have a selection since type \"\(type)\" has no subfields.",
                    locations: [field.location])
            }
            return
        }
        guard let selections = field.selections else {
            throw RequestError(
                message:
                    "Field \"\(field.name)\" of type \"\(type)\" must have a selection of subfields. Did you mean \"\(field.name) { ... }\"?",
                locations: [field.location])
        }
        for child in try fields(selections) {
            guard let childType = child.name == "__typename" ? "String" : objectFields[child.name] else {
                throw RequestError(message: "Cannot query field \"\(child.name)\" on type \"\(type)\".", locations: [child.location])
            }
            try check(child, type: childType, parent: type, arguments: [:])
        }
    }

    /// The fields of a selection set. `@skip`/`@include` with literal conditions are applied
    /// here; conditions on variables are applied at execution (`included`).
    private func fields(_ selections: [GraphQLDocument.Selection]) throws -> [GraphQLDocument.Field] {
        try selections.map { selection in
            switch selection {
            case .fragment(let location):
                throw RequestError(message: "Fragments are not supported by evalmock's GraphQL endpoint.", locations: [location])
            case .field(let field):
                for directive in field.directives {
                    guard directive.name == "skip" || directive.name == "include" else {
                        throw RequestError(message: "Unknown directive \"@\(directive.name)\".", locations: [field.location])
                    }
                    guard directive.arguments.contains(where: { $0.name == "if" }) else {
                        throw RequestError(
                            message:
                                "Directive \"@\(directive.name)\" argument \"if\" of type \"Boolean!\" is required, but it was not provided.",
                            locations: [field.location])
                    }
                }
                return field
            }
        }
    }

    /// The variables' values (given, else their defaults) checked against their declared types.
    private func coerce(_ given: JSONValue.JSONObject, for operation: GraphQLDocument.Operation) throws -> JSONValue.JSONObject {
        var values = JSONValue.JSONObject()
        for definition in operation.variables {
            var value = given[definition.name]
            if value == nil, let defaultValue = definition.defaultValue { value = try resolve(defaultValue, [:]) }
            if case .nonNull = definition.type, value == nil || value == .null {
                let problem = value == nil ? "was not provided" : "must not be null"
                throw RequestError(message: "Variable \"$\(definition.name)\" of required type \"\(definition.type)\" \(problem).")
            }
            if let value, let problem = Self.mismatch(value, definition.type) {
                throw RequestError(
                    message: "Variable \"$\(definition.name)\" got invalid value \(JSONWriter.encodeString(value)); \(problem)")
            }
            values[definition.name] = value ?? .null
        }
        return values
    }

    /// How a variable's value fails its type, for the scalars GraphQL defines; input object and
    /// enum types are left to the resolver.
    private static func mismatch(_ value: JSONValue, _ type: GraphQLDocument.TypeReference) -> String? {
        switch type {
        case .nonNull(let inner):
            return value == .null ? "Expected non-nullable type \"\(type)\" not to be null." : mismatch(value, inner)
        case .list(let inner):
            guard case .array(let items) = value else { return mismatch(value, inner) }
            return items.lazy.compactMap { mismatch($0, inner) }.first
        case .named(let name):
            if value == .null { return nil }
            switch (name, value) {
            case ("String", .string), ("ID", .string), ("Boolean", .bool), ("Float", .number): return nil
            case ("Int", .number(let number)) where number.isInteger: return nil
            case ("ID", .number(let number)) where number.isInteger: return nil
            case ("String", _), ("ID", _), ("Boolean", _), ("Float", _), ("Int", _):
                return
                    "\(name) cannot represent a non \(name == "ID" ? "string or integer" : name.lowercased()) value: \(JSONWriter.encodeString(value))"
            default: return nil
            }
        }
    }

    private func run(
        _ calls: [(field: GraphQLDocument.Field, arguments: [String: JSONValue])],
        rootType: (name: String, fields: [String: GraphQLSchema.RootField]),
        variables: JSONValue.JSONObject
    ) throws -> JSONValue {
        var data = JSONValue.JSONObject()
        var errors: [JSONValue] = []
        for (field, arguments) in calls {
            guard let root = rootType.fields[field.name] else {
                data[field.responseKey] = .string(rootType.name)  // `__typename`, the only other field validation lets by
                continue
            }
            let value: JSONValue
            do {
                value = try root.resolve(arguments)
            } catch let error as GraphQLFieldError {
                data[field.responseKey] = .null
                var entry = Self.error(error.message, locations: [field.location])
                entry["path"] = .array([.string(field.responseKey)])
                if let code = error.code { entry["extensions"] = .object(["code": .string(code)]) }
                errors.append(.object(entry))
                continue
            }
            data[field.responseKey] = try project(value, type: root.type, selections: field.selections, variables)
        }
        var answer: JSONValue.JSONObject = ["data": .object(data)]
        if !errors.isEmpty { answer["errors"] = .array(errors) }
        return .object(answer)
    }

    private func included(_ field: GraphQLDocument.Field, _ variables: JSONValue.JSONObject) throws -> Bool {
        for directive in field.directives {
            // `fields(_:)` has checked that the condition is there.
            let condition = directive.arguments.first { $0.name == "if" }!
            guard case .bool(let value) = try resolve(condition.value, variables) else {
                throw RequestError(
                    message: "Directive \"@\(directive.name)\" argument \"if\" must be a Boolean.", locations: [field.location])
            }
            if (directive.name == "skip") == value { return false }
        }
        return true
    }

    /// A resolved value cut down to what the selection asks for, under the selection's names.
    private func project(
        _ value: JSONValue, type: String, selections: [GraphQLDocument.Selection]?,
        _ variables: JSONValue.JSONObject
    ) throws -> JSONValue {
        guard let objectFields = schema.types[type], let selections else { return value }
        switch value {
        case .array(let items):
            return .array(try items.map { try project($0, type: type, selections: selections, variables) })
        case .object(let object):
            var projected = JSONValue.JSONObject()
            for field in try fields(selections) where try included(field, variables) {
                if field.name == "__typename" {
                    projected[field.responseKey] = .string(type)
                } else {
                    projected[field.responseKey] = try project(
                        object[field.name] ?? .null, type: objectFields[field.name]!,
                        selections: field.selections, variables)
                }
            }
            return .object(projected)
        default:
            return .null
        }
    }

    /// An argument's value with its variables filled in; an enum value is its name.
    private func resolve(_ value: GraphQLDocument.Value, _ variables: JSONValue.JSONObject) throws -> JSONValue {
        switch value {
        case .literal(let json): return json
        case .enumValue(let name): return .string(name)
        case .variable(let name):
            guard let bound = variables[name] else { throw RequestError(message: "Variable \"$\(name)\" is not defined.") }
            return bound
        case .list(let items): return .array(try items.map { try resolve($0, variables) })
        case .object(let fields):
            var object = JSONValue.JSONObject()
            for field in fields { object[field.name] = try resolve(field.value, variables) }
            return .object(object)
        }
    }

    private static func error(_ message: String, locations: [GraphQLDocument.Location] = []) -> JSONValue.JSONObject {
        var entry: JSONValue.JSONObject = ["message": .string(message)]
        if !locations.isEmpty {
            entry["locations"] = .array(locations.map { .object(["line": .int($0.line), "column": .int($0.column)]) })
        }
        return entry
    }

    private static func errors(_ entries: [JSONValue.JSONObject]) -> JSONValue {
        .object(["errors": .array(entries.map(JSONValue.object))])
    }
}
