/// One reason a request does not satisfy its operation's schema.
///
/// The validator only reports facts (where, what rule, which input); each emulated API renders
/// a list of issues in its own error dialect (Scorecard's ApiError, FastAPI's `detail` list).
public struct ValidationIssue: Equatable, Sendable {
    public enum LocationComponent: Equatable, Sendable, CustomStringConvertible {
        case key(String)
        case index(Int)

        public var description: String {
            switch self {
            case .key(let key): return key
            case .index(let index): return String(index)
            }
        }

        public var jsonValue: JSONValue {
            switch self {
            case .key(let key): return .string(key)
            case .index(let index): return .int(index)
            }
        }
    }

    public enum Kind: Equatable, Sendable {
        case missing
        /// The value is not of `expected` (a JSON Schema type name).
        case wrongType(expected: String)
        /// The value is not one of `allowed`. `enumName` is the component that declares the
        /// list (an `Enum` class in a FastAPI service), nil for a list written in place (a
        /// `Literal`): pydantic words the two errors differently.
        case notInEnum(allowed: [JSONValue], enumName: String?)
        case stringTooShort(min: Int)
        case stringTooLong(max: Int)
        case patternMismatch(pattern: String)
        case formatMismatch(format: String)
        case numberTooSmall(min: Double, exclusive: Bool)
        case numberTooLarge(max: Double, exclusive: Bool)
        case notMultipleOf(Double)
        case tooFewItems(min: Int)
        case tooManyItems(max: Int)
        case duplicateItems
        case tooFewProperties(min: Int)
        case tooManyProperties(max: Int)
        case unexpectedProperty
        case noUnionBranchMatched
        case severalUnionBranchesMatched
        case unionTagMissing(property: String, expected: [String])
        /// The discriminator's value is none of the tags; `tag` is the value as sent.
        case unionTagInvalid(property: String, tag: JSONValue, expected: [String])
        case matchesForbiddenSchema
        /// Input the document accepts but one of the service's own rules refuses, in the rule's
        /// words (`is not a Metric of Project 7`): references between resources, uniqueness.
        case brokenRule(String)
        /// A body that is not JSON: the parser's account of where and why.
        case invalidJSON(JSONParseError)
        /// A body that does not parse as the form the operation declares (`multipart/form-data`):
        /// why not.
        case unreadableForm(String)
    }

    /// Where the problem is: first `body`, `query`, `path` or `header`, then keys and indexes.
    public var location: [LocationComponent]
    public var kind: Kind
    /// The offending value; nil when the value is absent.
    public var input: JSONValue?
    /// For a value that should have been an object: what kind of object the schema describes.
    /// pydantic words this error differently for a model and for a tagged union of models.
    public var expectedObject: ExpectedObject?

    public enum ExpectedObject: Equatable, Sendable {
        /// A named object schema (`ResultSchemaGeneration`), a model class in pydantic.
        case model(String)
        /// A discriminated union of object schemas.
        case taggedUnion
    }

    public init(location: [LocationComponent], kind: Kind, input: JSONValue?, expectedObject: ExpectedObject? = nil) {
        self.location = location
        self.kind = kind
        self.input = input
        self.expectedObject = expectedObject
    }

    /// `inputs.question` or `items.3.name`: the location after its first component.
    public var dottedField: String {
        location.dropFirst().map(\.description).joined(separator: ".")
    }

    /// A plain-English description, used by dialects that have no wording of their own.
    public var message: String {
        switch kind {
        case .missing: return "is required"
        case .wrongType(let expected): return "must be of type \(expected)"
        case .notInEnum(let allowed, _): return "must be one of \(allowed.map { JSONWriter.encodeString($0) }.joined(separator: ", "))"
        case .stringTooShort(let min): return "must have at least \(min) character\(min == 1 ? "" : "s")"
        case .stringTooLong(let max): return "must have at most \(max) character\(max == 1 ? "" : "s")"
        case .patternMismatch(let pattern): return "must match pattern \(pattern)"
        case .formatMismatch(let format): return "must be a valid \(format)"
        case .numberTooSmall(let min, let exclusive): return "must be \(exclusive ? "greater than" : "at least") \(Self.format(min))"
        case .numberTooLarge(let max, let exclusive): return "must be \(exclusive ? "less than" : "at most") \(Self.format(max))"
        case .notMultipleOf(let factor): return "must be a multiple of \(Self.format(factor))"
        case .tooFewItems(let min): return "must have at least \(min) item\(min == 1 ? "" : "s")"
        case .tooManyItems(let max): return "must have at most \(max) item\(max == 1 ? "" : "s")"
        case .duplicateItems: return "must not contain duplicate items"
        case .tooFewProperties(let min): return "must have at least \(min) propert\(min == 1 ? "y" : "ies")"
        case .tooManyProperties(let max): return "must have at most \(max) propert\(max == 1 ? "y" : "ies")"
        case .unexpectedProperty: return "is not an allowed property"
        case .noUnionBranchMatched: return "does not match any of the allowed schemas"
        case .severalUnionBranchesMatched: return "matches more than one of the allowed schemas"
        case .unionTagMissing(let property, let expected): return "must have a '\(property)' of \(expected.joined(separator: ", "))"
        case .unionTagInvalid(let property, let tag, let expected):
            return
                "has '\(property)' '\(tag.stringValue ?? JSONWriter.encodeString(tag))', expected one of \(expected.joined(separator: ", "))"
        case .matchesForbiddenSchema: return "matches a schema it must not match"
        case .brokenRule(let words): return words
        case .invalidJSON(let error): return "is not valid JSON: \(error.description)"
        case .unreadableForm(let reason): return "is not a readable form: \(reason)"
        }
    }

    /// A body the framework could not read at all (not JSON, not the declared form): services
    /// answer it before validation, in a shape no operation's error schema describes.
    public var isUnreadableBody: Bool {
        switch kind {
        case .invalidJSON, .unreadableForm: return true
        default: return false
        }
    }

    static func format(_ number: Double) -> String { JSONNumber(number).lexeme }
}
