/// The part of a GraphQL document (October 2021 spec) that picking an operation and its fields
/// needs: operations with their variable definitions, and fields with aliases, arguments,
/// directives and selection sets. Fragments are parsed far enough to be refused by name.
///
/// Parsing, not matching the query text, is what makes a client's whitespace, comments, field
/// order and aliases irrelevant: gql prints the document with graphql-core's `print_ast`,
/// another client writes it by hand.
struct GraphQLDocument {
    enum OperationType: String { case query, mutation, subscription }

    struct Operation {
        let type: OperationType
        let name: String?
        let variables: [VariableDefinition]
        let selections: [Selection]
    }

    struct VariableDefinition {
        let name: String
        let type: TypeReference
        let defaultValue: Value?
    }

    indirect enum TypeReference: CustomStringConvertible {
        case named(String)
        case list(TypeReference)
        case nonNull(TypeReference)

        var description: String {
            switch self {
            case .named(let name): return name
            case .list(let inner): return "[\(inner)]"
            case .nonNull(let inner): return "\(inner)!"
            }
        }
    }

    struct Field {
        let alias: String?
        let name: String
        let arguments: [(name: String, value: Value)]
        let directives: [Directive]
        let selections: [Selection]?
        let location: Location

        /// The key the field's value has in the answer.
        var responseKey: String { alias ?? name }
    }

    struct Directive {
        let name: String
        let arguments: [(name: String, value: Value)]
    }

    enum Selection {
        case field(Field)
        /// `...Name` or `... on Type { }`: kept only to be named in the refusal.
        case fragment(Location)
    }

    indirect enum Value {
        case variable(String)
        case literal(JSONValue)
        /// An enum value, e.g. `ASC`; answered as its name.
        case enumValue(String)
        case list([Value])
        case object([(name: String, value: Value)])
    }

    struct Location: Equatable {
        let line: Int
        let column: Int
    }

    let operations: [Operation]
    /// Where the first fragment definition is, if the document has any.
    let fragmentDefinition: Location?
}

/// A document that is not GraphQL, worded as graphql-js words it (`Syntax Error: …`).
struct GraphQLSyntaxError: Error {
    let message: String
    let location: GraphQLDocument.Location
}

extension GraphQLDocument {
    init(parsing source: String) throws(GraphQLSyntaxError) {
        var parser = GraphQLParser(source: source)
        self = try parser.document()
    }
}

/// A recursive-descent parser over the lexical grammar of GraphQL §2.1.
private struct GraphQLParser {
    private enum Token: Equatable {
        case punctuator(String)
        case name(String)
        case int(String)
        case float(String)
        case string(String)
        case end

        var text: String {
            switch self {
            case .punctuator(let p): return "\"\(p)\""
            case .name(let n): return "Name \"\(n)\""
            case .int(let v): return "Int \"\(v)\""
            case .float(let v): return "Float \"\(v)\""
            case .string: return "String"
            case .end: return "<EOF>"
            }
        }
    }

    private let scalars: [Unicode.Scalar]
    private var position = 0
    private var line = 1
    private var lineStart = 0
    private var token: Token = .end
    private var tokenLocation = GraphQLDocument.Location(line: 1, column: 1)

    init(source: String) {
        scalars = Array(source.unicodeScalars)
    }

    mutating func document() throws(GraphQLSyntaxError) -> GraphQLDocument {
        try advance()
        var operations: [GraphQLDocument.Operation] = []
        var fragment: GraphQLDocument.Location?
        repeat {
            switch token {
            case .punctuator("{"):
                operations.append(.init(type: .query, name: nil, variables: [], selections: try selectionSet()))
            case .name(let keyword) where GraphQLDocument.OperationType(rawValue: keyword) != nil:
                operations.append(try operation(GraphQLDocument.OperationType(rawValue: keyword)!))
            case .name("fragment"):
                fragment = fragment ?? tokenLocation
                try advance()
                _ = try name()
                try expectKeyword("on")
                _ = try name()
                _ = try directives()
                _ = try selectionSet()
            default:
                throw unexpected()
            }
        } while token != .end
        return GraphQLDocument(operations: operations, fragmentDefinition: fragment)
    }

    private mutating func operation(_ type: GraphQLDocument.OperationType) throws(GraphQLSyntaxError) -> GraphQLDocument.Operation {
        try advance()
        var name: String?
        if case .name(let text) = token {
            name = text
            try advance()
        }
        var variables: [GraphQLDocument.VariableDefinition] = []
        if token == .punctuator("(") {
            try advance()
            repeat {
                try expect("$")
                let variable = try self.name()
                try expect(":")
                let type = try typeReference()
                var defaultValue: GraphQLDocument.Value?
                if token == .punctuator("=") {
                    try advance()
                    defaultValue = try value(constant: true)
                }
                _ = try directives()
                variables.append(.init(name: variable, type: type, defaultValue: defaultValue))
            } while token != .punctuator(")")
            try advance()
        }
        _ = try directives()
        return .init(type: type, name: name, variables: variables, selections: try selectionSet())
    }

    private mutating func typeReference() throws(GraphQLSyntaxError) -> GraphQLDocument.TypeReference {
        var type: GraphQLDocument.TypeReference
        if token == .punctuator("[") {
            try advance()
            type = .list(try typeReference())
            try expect("]")
        } else {
            type = .named(try name())
        }
        if token == .punctuator("!") {
            try advance()
            type = .nonNull(type)
        }
        return type
    }

    private mutating func selectionSet() throws(GraphQLSyntaxError) -> [GraphQLDocument.Selection] {
        try expect("{")
        var selections: [GraphQLDocument.Selection] = []
        repeat {
            if token == .punctuator("...") {
                let location = tokenLocation
                try advance()
                if token == .name("on") {
                    try advance()
                    _ = try name()
                    _ = try directives()
                    _ = try selectionSet()
                } else if case .name = token {
                    try advance()
                    _ = try directives()
                } else {
                    _ = try directives()
                    _ = try selectionSet()
                }
                selections.append(.fragment(location))
            } else {
                selections.append(.field(try field()))
            }
        } while token != .punctuator("}")
        try advance()
        return selections
    }

    private mutating func field() throws(GraphQLSyntaxError) -> GraphQLDocument.Field {
        let location = tokenLocation
        var alias: String?
        var name = try self.name()
        if token == .punctuator(":") {
            try advance()
            alias = name
            name = try self.name()
        }
        let arguments = try self.arguments(constant: false)
        let directives = try self.directives()
        let selections = token == .punctuator("{") ? try selectionSet() : nil
        return .init(alias: alias, name: name, arguments: arguments, directives: directives, selections: selections, location: location)
    }

    private mutating func arguments(constant: Bool) throws(GraphQLSyntaxError) -> [(name: String, value: GraphQLDocument.Value)] {
        guard token == .punctuator("(") else { return [] }
        try advance()
        var arguments: [(name: String, value: GraphQLDocument.Value)] = []
        repeat {
            let name = try self.name()
            try expect(":")
            arguments.append((name, try value(constant: constant)))
        } while token != .punctuator(")")
        try advance()
        return arguments
    }

    private mutating func directives() throws(GraphQLSyntaxError) -> [GraphQLDocument.Directive] {
        var directives: [GraphQLDocument.Directive] = []
        while token == .punctuator("@") {
            try advance()
            let name = try self.name()
            directives.append(.init(name: name, arguments: try arguments(constant: false)))
        }
        return directives
    }

    private mutating func value(constant: Bool) throws(GraphQLSyntaxError) -> GraphQLDocument.Value {
        let current = token
        switch current {
        case .punctuator("$") where !constant:
            try advance()
            return .variable(try name())
        case .int(let text), .float(let text):
            try advance()
            return .literal(.number(JSONNumber(lexeme: text)))
        case .string(let text):
            try advance()
            return .literal(.string(text))
        case .name("true"), .name("false"):
            try advance()
            return .literal(.bool(current == .name("true")))
        case .name("null"):
            try advance()
            return .literal(.null)
        case .name(let text):
            try advance()
            return .enumValue(text)
        case .punctuator("["):
            try advance()
            var items: [GraphQLDocument.Value] = []
            while token != .punctuator("]") { items.append(try value(constant: constant)) }
            try advance()
            return .list(items)
        case .punctuator("{"):
            try advance()
            var fields: [(name: String, value: GraphQLDocument.Value)] = []
            while token != .punctuator("}") {
                let name = try self.name()
                try expect(":")
                fields.append((name, try value(constant: constant)))
            }
            try advance()
            return .object(fields)
        default:
            throw unexpected()
        }
    }

    private mutating func name() throws(GraphQLSyntaxError) -> String {
        guard case .name(let text) = token else { throw error("Expected Name, found \(token.text).") }
        try advance()
        return text
    }

    private mutating func expect(_ punctuator: String) throws(GraphQLSyntaxError) {
        guard token == .punctuator(punctuator) else { throw error("Expected \"\(punctuator)\", found \(token.text).") }
        try advance()
    }

    private mutating func expectKeyword(_ keyword: String) throws(GraphQLSyntaxError) {
        guard token == .name(keyword) else { throw error("Expected \"\(keyword)\", found \(token.text).") }
        try advance()
    }

    private func unexpected() -> GraphQLSyntaxError { error("Unexpected \(token.text).") }

    private func error(_ message: String) -> GraphQLSyntaxError {
        GraphQLSyntaxError(message: "Syntax Error: \(message)", location: tokenLocation)
    }

    // MARK: Lexer

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        position + offset < scalars.count ? scalars[position + offset] : nil
    }

    private var here: GraphQLDocument.Location { .init(line: line, column: position - lineStart + 1) }

    private mutating func newline() {
        line += 1
        lineStart = position
    }

    /// Reads the next token, skipping what the grammar ignores: white space, line terminators,
    /// commas, comments and a byte order mark.
    private mutating func advance() throws(GraphQLSyntaxError) {
        while let c = peek() {
            switch c {
            case " ", "\t", ",", "\u{FEFF}":
                position += 1
            case "\n":
                position += 1
                newline()
            case "\r":
                position += peek(1) == "\n" ? 2 : 1
                newline()
            case "#":
                while let next = peek(), next != "\n", next != "\r" { position += 1 }
            default:
                tokenLocation = here
                token = try lexToken(c)
                return
            }
        }
        tokenLocation = here
        token = .end
    }

    private mutating func lexToken(_ c: Unicode.Scalar) throws(GraphQLSyntaxError) -> Token {
        switch c {
        case "!", "$", "&", "(", ")", ":", "=", "@", "[", "]", "{", "|", "}":
            position += 1
            return .punctuator(String(c))
        case ".":
            guard peek(1) == ".", peek(2) == "." else { throw lexError("Unexpected character: \".\".") }
            position += 3
            return .punctuator("...")
        case "\"":
            return peek(1) == "\"" && peek(2) == "\"" ? .string(try blockString()) : .string(try string())
        case "-", "0"..."9":
            return try number()
        default:
            guard Self.isNameStart(c) else { throw lexError("Unexpected character: \"\(c)\".") }
            let start = position
            while let next = peek(), Self.isNameStart(next) || ("0"..."9").contains(next) { position += 1 }
            return .name(String(String.UnicodeScalarView(scalars[start..<position])))
        }
    }

    private static func isNameStart(_ c: Unicode.Scalar) -> Bool {
        c == "_" || ("a"..."z").contains(c) || ("A"..."Z").contains(c)
    }

    private mutating func number() throws(GraphQLSyntaxError) -> Token {
        let start = position
        var isFloat = false
        if peek() == "-" { position += 1 }
        guard let first = peek(), ("0"..."9").contains(first) else { throw lexError("Invalid number, expected digit.") }
        if first == "0" {
            position += 1
            if let next = peek(), ("0"..."9").contains(next) { throw lexError("Invalid number, unexpected digit after 0.") }
        } else {
            digits()
        }
        if peek() == "." {
            isFloat = true
            position += 1
            guard digits() else { throw lexError("Invalid number, expected digit.") }
        }
        if peek() == "e" || peek() == "E" {
            isFloat = true
            position += 1
            if peek() == "+" || peek() == "-" { position += 1 }
            guard digits() else { throw lexError("Invalid number, expected digit.") }
        }
        if let next = peek(), next == "." || Self.isNameStart(next) { throw lexError("Invalid number, expected digit.") }
        let text = String(String.UnicodeScalarView(scalars[start..<position]))
        return isFloat ? .float(text) : .int(text)
    }

    @discardableResult
    private mutating func digits() -> Bool {
        let start = position
        while let c = peek(), ("0"..."9").contains(c) { position += 1 }
        return position > start
    }

    private mutating func string() throws(GraphQLSyntaxError) -> String {
        position += 1
        var text = String.UnicodeScalarView()
        while let c = peek() {
            switch c {
            case "\"":
                position += 1
                return String(text)
            case "\n", "\r":
                throw lexError("Unterminated string.")
            case "\\":
                position += 1
                guard let escaped = peek() else { throw lexError("Unterminated string.") }
                position += 1
                switch escaped {
                case "\"": text.append("\"")
                case "\\": text.append("\\")
                case "/": text.append("/")
                case "b": text.append("\u{08}")
                case "f": text.append("\u{0C}")
                case "n": text.append("\n")
                case "r": text.append("\r")
                case "t": text.append("\t")
                case "u":
                    guard position + 4 <= scalars.count,
                        let code = UInt32(String(String.UnicodeScalarView(scalars[position..<position + 4])), radix: 16),
                        let scalar = Unicode.Scalar(code)
                    else { throw lexError("Invalid Unicode escape sequence.") }
                    position += 4
                    text.append(scalar)
                default:
                    throw lexError("Invalid character escape sequence: \"\\\(escaped)\".")
                }
            default:
                position += 1
                text.append(c)
            }
        }
        throw lexError("Unterminated string.")
    }

    /// `"""…"""`, with the common indentation and blank first and last lines removed (§2.9.4).
    private mutating func blockString() throws(GraphQLSyntaxError) -> String {
        position += 3
        var raw = String.UnicodeScalarView()
        while let c = peek() {
            if c == "\"", peek(1) == "\"", peek(2) == "\"" {
                position += 3
                return Self.blockStringValue(String(raw))
            }
            if c == "\\", peek(1) == "\"", peek(2) == "\"", peek(3) == "\"" {
                raw.append(contentsOf: "\"\"\"".unicodeScalars)
                position += 4
                continue
            }
            position += 1
            if c == "\n" || (c == "\r" && peek() != "\n") { newline() }
            raw.append(c)
        }
        throw lexError("Unterminated string.")
    }

    private static func blockStringValue(_ raw: String) -> String {
        var lines = raw.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).map(
            String.init)
        let indents = lines.dropFirst().compactMap { line -> Int? in
            let indent = line.prefix { $0 == " " || $0 == "\t" }.count
            return indent < line.count ? indent : nil
        }
        if let common = indents.min() {
            for index in lines.indices.dropFirst() { lines[index] = String(lines[index].dropFirst(common)) }
        }
        while let first = lines.first, first.allSatisfy({ $0 == " " || $0 == "\t" }) { lines.removeFirst() }
        while let last = lines.last, last.allSatisfy({ $0 == " " || $0 == "\t" }) { lines.removeLast() }
        return lines.joined(separator: "\n")
    }

    private func lexError(_ message: String) -> GraphQLSyntaxError {
        GraphQLSyntaxError(message: "Syntax Error: \(message)", location: here)
    }
}
