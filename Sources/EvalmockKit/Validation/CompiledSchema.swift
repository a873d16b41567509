import Foundation

/// A JSON Schema reduced to what validation needs, built once from the OpenAPI document.
///
/// A class so that `$ref` cycles are plain object references; all fields are fixed after
/// `SchemaCompiler` finishes, so validation reads it from any thread.
public final class CompiledSchema: @unchecked Sendable {
    public enum TypeConstraint: String, Sendable {
        case null, boolean, integer, number, string, array, object
    }

    public enum AdditionalProperties {
        case allowed
        case forbidden
        case schema(CompiledSchema)
    }

    public struct NumericBound {
        public var value: Double
        public var exclusive: Bool
    }

    public struct Discriminator {
        public var propertyName: String
        /// Tag value → branch. Built from the explicit mapping, else from branch component names.
        public var branches: [(tag: String, schema: CompiledSchema)]
    }

    /// nil means any type.
    public var type: TypeConstraint?
    public var nullable = false
    public var enumValues: [JSONValue]?
    public var defaultValue: JSONValue?
    public var example: JSONValue?
    public var componentName: String?

    public var minLength = 0
    public var maxLength: Int?
    public var pattern: NSRegularExpression?
    public var patternSource: String?
    public var format: String?

    public var minimum: NumericBound?
    public var maximum: NumericBound?
    public var multipleOf: Double?
    var hasNumericBounds: Bool { minimum != nil || maximum != nil || multipleOf != nil }

    public private(set) var properties: [(name: String, schema: CompiledSchema)] = []
    /// Each property by name, and whether it is required: one look-up per member of an object.
    public private(set) var propertyIndex: [String: Property] = [:]
    /// Property names first, in property order, then required names that are not properties.
    public private(set) var required: [String] = []
    /// How many required names are properties.
    private(set) var requiredPropertyCount = 0

    public struct Property {
        public let schema: CompiledSchema
        public let isRequired: Bool
    }

    /// Sets an object schema's properties and required names (kept in property order, so that
    /// "missing" issues come out in the order the document lists fields).
    public func setProperties(_ properties: [(name: String, schema: CompiledSchema)], required names: [String]) {
        self.properties = properties
        let wanted = Set(names)
        propertyIndex = Dictionary(
            properties.map { ($0.name, Property(schema: $0.schema, isRequired: wanted.contains($0.name))) },
            uniquingKeysWith: { first, _ in first })
        required = properties.map(\.name).filter(wanted.contains) + names.filter { propertyIndex[$0] == nil }
        requiredPropertyCount = propertyIndex.values.filter(\.isRequired).count
    }
    public var additionalProperties: AdditionalProperties = .allowed
    public var minProperties = 0
    public var maxProperties: Int?

    public var items: CompiledSchema?
    public var minItems = 0
    public var maxItems: Int?
    public var uniqueItems = false

    public var allOf: [CompiledSchema] = []
    public var anyOf: [CompiledSchema] = []
    public var oneOf: [CompiledSchema] = []
    public var not: CompiledSchema?
    /// The branches of a union: `oneOf`, else `anyOf` (a schema has one or the other).
    public var unionBranches: [CompiledSchema] { oneOf.isEmpty ? anyOf : oneOf }
    public var discriminator: Discriminator?

    public init() {}

    /// A schema that accepts anything.
    public static let anything = CompiledSchema()
}
