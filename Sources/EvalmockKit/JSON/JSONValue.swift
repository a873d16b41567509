import OrderedCollections

/// A JSON document as the client sent it.
///
/// Objects keep their key order and numbers keep their lexeme, so a value read from a request
/// and written back is byte-for-byte what the client meant (`1.50` stays `1.50`, `1e400` is not
/// turned into `inf`). Foundation's JSONSerialization loses both, which is why evalmock parses
/// JSON itself (JSON/JSONParser.swift).
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    public typealias JSONObject = OrderedDictionary<String, JSONValue>

    /// The JSON Schema type name of this value; integers are numbers whose value is whole.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number(let n): return n.isInteger ? "integer" : "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public static func int(_ value: Int) -> JSONValue { .number(JSONNumber(value)) }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral,
    ExpressibleByArrayLiteral
{
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(nilLiteral: ()) { self = .null }
}

/// A JSON number kept as its source text, with its numeric value computed on demand.
public struct JSONNumber: Equatable, Hashable, Sendable, CustomStringConvertible {
    public let lexeme: String

    public init(lexeme: String) { self.lexeme = lexeme }
    public init(_ value: Int) { self.lexeme = String(value) }
    /// A whole value below 10^15 without a fraction (`5`, not `5.0`), others as Swift prints them.
    public init(_ value: Double) {
        lexeme = value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    public var doubleValue: Double { Double(lexeme) ?? .nan }

    /// Whole-valued numbers count as integers, as in JSON Schema (`2.0` is an integer).
    public var isInteger: Bool {
        if !hasFractionOrExponent { return true }
        let value = doubleValue
        return value.isFinite && value.rounded() == value
    }

    /// Written with a `.` or an exponent (`2.0`, `2e0`), whatever its value.
    public var hasFractionOrExponent: Bool {
        lexeme.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
    }

    public var intValue: Int? {
        if let exact = Int(lexeme) { return exact }
        let value = doubleValue
        guard value.isFinite, value.rounded() == value, abs(value) < 9.2e18 else { return nil }
        return Int(value)
    }

    public var description: String { lexeme }

    public static func == (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
        lhs.lexeme == rhs.lexeme || lhs.doubleValue == rhs.doubleValue
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(doubleValue) }
}
