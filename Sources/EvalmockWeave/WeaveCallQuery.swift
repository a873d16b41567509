import EvalmockKit
import Foundation

/// The trace server's query language (`weave/trace_server/interface/query.py`): a
/// `{"$expr": …}` tree of `$and $or $not $eq $gt $gte $lt $lte $in $contains` operations over
/// `$getField` (a dotted path into the row), `$literal`, `$convert` and `$size` operands, and
/// `$exists`. The server compiles it to SQL over its tables; evalmock evaluates it over one
/// decoded row at a time, with SQL's three-valued logic where it shows: a missing field is
/// NULL, and NULL compares as neither true nor false (a `$not` of it is still no match).
///
/// The same language filters calls (`calls/stream_query`, `calls/query_stats`) and feedback
/// (`feedback/query`, `feedback/purge`); only what a field path names differs.
indirect enum WeaveQueryExpression: Equatable {
    case and([WeaveQueryExpression])
    case or([WeaveQueryExpression])
    case not(WeaveQueryExpression)
    case compare(Comparison, WeaveQueryExpression, WeaveQueryExpression)
    case isIn(WeaveQueryExpression, [WeaveQueryExpression])
    case contains(input: WeaveQueryExpression, substring: WeaveQueryExpression, caseInsensitive: Bool)
    case exists(WeaveQueryExpression)
    case size(WeaveQueryExpression)
    case convert(WeaveQueryExpression, to: String)
    case field(String)
    case literal(JSONValue)

    enum Comparison: String {
        case eq = "$eq"
        case gt = "$gt"
        case gte = "$gte"
        case lt = "$lt"
        case lte = "$lte"
    }

    /// The `$expr` of a request's `query`; nil when the request has none.
    static func query(_ query: JSONValue?) throws(WeaveTraceServerError) -> WeaveQueryExpression? {
        guard let query = query?.nonNull else { return nil }
        guard let expression = query["$expr"] else { throw .invalidRequest("Query must hold $expr") }
        return try parse(expression)
    }

    static func parse(_ value: JSONValue) throws(WeaveTraceServerError) -> WeaveQueryExpression {
        guard case .object(let object) = value, object.count == 1, let (name, argument) = object.elements.first else {
            throw .invalidRequest("Unknown operand type: \(JSONWriter.encodeString(value))")
        }
        func operands(_ count: Int? = nil) throws(WeaveTraceServerError) -> [WeaveQueryExpression] {
            guard case .array(let items) = argument, count.map({ items.count == $0 }) ?? true else {
                throw .invalidRequest("\(name) takes a list of \(count.map(String.init) ?? "some") operands")
            }
            var parsed: [WeaveQueryExpression] = []
            for item in items { parsed.append(try parse(item)) }
            return parsed
        }
        switch name {
        case "$and", "$or":
            let parts = try operands()
            // The server's compilers refuse an empty conjunction or disjunction.
            if parts.isEmpty { throw .invalidRequest("Empty \(name == "$and" ? "AND" : "OR") operation") }
            return name == "$and" ? .and(parts) : .or(parts)
        case "$not":
            return .not(try operands(1)[0])
        case "$eq", "$gt", "$gte", "$lt", "$lte":
            let pair = try operands(2)
            return .compare(Comparison(rawValue: name)!, pair[0], pair[1])
        case "$in":
            guard case .array(let pair) = argument, pair.count == 2, case .array(let options) = pair[1] else {
                throw .invalidRequest("$in takes an operand and a list of operands")
            }
            var parsed: [WeaveQueryExpression] = []
            for option in options { parsed.append(try parse(option)) }
            return .isIn(try parse(pair[0]), parsed)
        case "$contains":
            guard let input = argument["input"], let substring = argument["substr"] else {
                throw .invalidRequest("$contains takes input and substr")
            }
            return .contains(
                input: try parse(input), substring: try parse(substring),
                caseInsensitive: argument["case_insensitive"] == .bool(true))
        case "$exists":
            return .exists(try parse(argument))
        case "$size":
            return .size(try parse(argument))
        case "$convert":
            guard let input = argument["input"], let target = argument["to"]?.stringValue else {
                throw .invalidRequest("$convert takes input and to")
            }
            guard ["int", "double", "bool", "string", "exists"].contains(target) else {
                throw .invalidRequest("Unknown cast: \(target)")
            }
            return .convert(try parse(input), to: target)
        case "$getField":
            guard let path = argument.stringValue else { throw .invalidRequest("$getField takes a string") }
            return .field(path)
        case "$literal":
            return .literal(unwrapLiteral(argument))
        default:
            throw .invalidRequest("Unknown operation type: \(name)")
        }
    }

    /// A literal list or object holds literals itself (`[{"$literal": 1}, …]`); their values.
    private static func unwrapLiteral(_ value: JSONValue) -> JSONValue {
        switch value {
        case .array(let items): return .array(items.map(unwrapLiteral))
        case .object(let object):
            if object.count == 1, let inner = object["$literal"] { return unwrapLiteral(inner) }
            return .object(object.mapValues(unwrapLiteral))
        default: return value
        }
    }

    /// Every `$getField` path in the tree, e.g. to know whether feedback must be joined.
    var fieldPaths: [String] {
        switch self {
        case .and(let parts), .or(let parts): return parts.flatMap(\.fieldPaths)
        case .not(let inner), .exists(let inner), .size(let inner), .convert(let inner, _): return inner.fieldPaths
        case .compare(_, let lhs, let rhs): return lhs.fieldPaths + rhs.fieldPaths
        case .isIn(let lhs, let options): return lhs.fieldPaths + options.flatMap(\.fieldPaths)
        case .contains(let input, let substring, _): return input.fieldPaths + substring.fieldPaths
        case .field(let path): return [path]
        case .literal: return []
        }
    }

    /// Whether the row matches: the expression's value is true (NULL is no match).
    func matches(_ resolve: (String) -> JSONValue?) -> Bool {
        truth(resolve) == true
    }

    /// Three-valued truth: nil is SQL's NULL.
    private func truth(_ resolve: (String) -> JSONValue?) -> Bool? {
        switch self {
        case .and(let parts):
            var sawNull = false
            for part in parts {
                switch part.truth(resolve) {
                case false?: return false
                case nil: sawNull = true
                case true?: break
                }
            }
            return sawNull ? nil : true
        case .or(let parts):
            var sawNull = false
            for part in parts {
                switch part.truth(resolve) {
                case true?: return true
                case nil: sawNull = true
                case false?: break
                }
            }
            return sawNull ? nil : false
        case .not(let inner):
            return inner.truth(resolve).map { !$0 }
        default:
            return Self.truthiness(value(resolve))
        }
    }

    /// The operand's value; nil is NULL (a missing field, a JSON null, a failed conversion).
    func value(_ resolve: (String) -> JSONValue?) -> JSONValue? {
        switch self {
        case .and, .or, .not:
            return truth(resolve).map(JSONValue.bool)
        case .compare(let comparison, let lhs, let rhs):
            // `{"$eq": [x, {"$literal": null}]}` is `x IS NULL` in the server's SQL.
            if comparison == .eq, case .literal(.null) = rhs { return .bool(lhs.value(resolve) == nil) }
            guard let left = lhs.value(resolve), let right = rhs.value(resolve) else { return nil }
            guard let order = Self.compare(left, right) else { return comparison == .eq ? .bool(false) : nil }
            switch comparison {
            case .eq: return .bool(order == .orderedSame)
            case .gt: return .bool(order == .orderedDescending)
            case .gte: return .bool(order != .orderedAscending)
            case .lt: return .bool(order == .orderedAscending)
            case .lte: return .bool(order != .orderedDescending)
            }
        case .isIn(let lhs, let options):
            guard let left = lhs.value(resolve) else { return nil }
            return .bool(options.contains { option in option.value(resolve).map { Self.compare(left, $0) == .orderedSame } ?? false })
        case .contains(let input, let substring, let caseInsensitive):
            guard let haystack = input.value(resolve).flatMap(Self.text), let needle = substring.value(resolve).flatMap(Self.text) else {
                return nil
            }
            if needle.isEmpty { return .bool(true) }
            return .bool(caseInsensitive ? haystack.lowercased().contains(needle.lowercased()) : haystack.contains(needle))
        case .exists(let inner):
            return .bool(inner.value(resolve) != nil)
        case .size(let inner):
            switch inner.value(resolve) {
            case .array(let items)?: return .int(items.count)
            case .string(let text)?: return .int(text.count)
            case .object(let object)?: return .int(object.count)
            default: return nil
            }
        case .convert(let inner, let target):
            return Self.convert(inner.value(resolve), to: target)
        case .field(let path):
            return resolve(path).flatMap(\.nonNull)
        case .literal(let literal):
            return literal.nonNull
        }
    }

    private static func truthiness(_ value: JSONValue?) -> Bool? {
        switch value {
        case nil, .null?: return nil
        case .bool(let flag)?: return flag
        case .number(let number)?: return number.doubleValue != 0
        case .string(let text)?: return !text.isEmpty && text != "false" && text != "0"
        case .array(let items)?: return !items.isEmpty
        case .object(let object)?: return !object.isEmpty
        }
    }

    /// A scalar as the server's JSON extraction reads it: strings as they are, numbers by
    /// their text, booleans as `true`/`false`; containers as their JSON.
    static func text(_ value: JSONValue) -> String? {
        switch value {
        case .null: return nil
        case .string(let text): return text
        case .number(let number): return number.lexeme
        case .bool(let flag): return flag ? "true" : "false"
        case .array, .object: return JSONWriter.encodeString(value)
        }
    }

    private static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .number(let number): return number.doubleValue
        case .bool(let flag): return flag ? 1 : 0
        case .string(let text):
            if let parsed = Double(text.trimmingCharacters(in: .whitespaces)) { return parsed }
            // A time compared with a number: seconds since the epoch.
            return WeaveTimestamp(text).map { Double($0.microseconds) / 1_000_000 }
        default: return nil
        }
    }

    private static func convert(_ value: JSONValue?, to target: String) -> JSONValue? {
        if target == "exists" { return .bool(value != nil) }
        guard let value else { return nil }
        switch target {
        case "int":
            guard let number = number(value), number.isFinite else { return nil }
            return .int(Int(number.rounded(.towardZero)))
        case "double":
            return number(value).map { .number(JSONNumber($0)) }
        case "bool":
            return truthiness(value).map(JSONValue.bool)
        default:
            return text(value).map(JSONValue.string)
        }
    }

    /// How two non-null values order, or nil when they do not compare (then only `$eq` has an
    /// answer, false). Numbers compare by value, with a string that reads as a number or a
    /// time; strings by their code points; booleans with booleans or their text.
    static func compare(_ left: JSONValue, _ right: JSONValue) -> ComparisonResult? {
        switch (left, right) {
        case (.number, .number), (.number, .string), (.string, .number), (.number, .bool), (.bool, .number):
            guard let lhs = number(left), let rhs = number(right) else { return nil }
            return lhs < rhs ? .orderedAscending : lhs > rhs ? .orderedDescending : .orderedSame
        case (.string(let lhs), .string(let rhs)):
            return lhs.unicodeScalars.lexicographicallyPrecedes(rhs.unicodeScalars)
                ? .orderedAscending
                : lhs == rhs ? .orderedSame : .orderedDescending
        case (.bool, .bool), (.bool, .string), (.string, .bool):
            guard let lhs = text(left), let rhs = text(right) else { return nil }
            return lhs == rhs ? .orderedSame : lhs < rhs ? .orderedAscending : .orderedDescending
        default:
            return left == right ? .orderedSame : nil
        }
    }
}

/// `sort_by`: fields with directions, applied in turn; NULLs last whichever the direction
/// (ClickHouse's default), values of different kinds by kind.
struct WeaveSortOrder {
    struct Key {
        let field: String
        let descending: Bool
    }

    let keys: [Key]

    /// The request's `sort_by` (already validated: `field` and `direction` `asc`/`desc`).
    init(_ sortBy: JSONValue?) {
        keys = (sortBy?.arrayValue ?? []).compactMap { item in
            item["field"]?.stringValue.map { Key(field: $0, descending: item["direction"]?.stringValue == "desc") }
        }
    }

    init(keys: [Key]) { self.keys = keys }

    /// The rows in this order; a stable sort, so equal rows keep their given order.
    func sorted<Row>(_ rows: [Row], _ resolve: (Row, String) -> JSONValue?) -> [Row] {
        guard !keys.isEmpty else { return rows }
        let values = rows.map { row in keys.map { resolve(row, $0.field)?.nonNull } }
        let order = rows.indices.sorted { a, b in
            for (index, key) in keys.enumerated() {
                switch (values[a][index], values[b][index]) {
                case (nil, nil): continue
                case (nil, _): return false
                case (_, nil): return true
                case (let lhs?, let rhs?):
                    let result = Self.order(lhs, rhs)
                    if result == .orderedSame { continue }
                    return (result == .orderedAscending) != key.descending
                }
            }
            return a < b
        }
        return order.map { rows[$0] }
    }

    private static func rank(_ value: JSONValue) -> Int {
        switch value {
        case .null: return 0
        case .bool: return 1
        case .number: return 2
        case .string: return 3
        case .array: return 4
        case .object: return 5
        }
    }

    private static func order(_ lhs: JSONValue, _ rhs: JSONValue) -> ComparisonResult {
        if rank(lhs) == rank(rhs), let result = WeaveQueryExpression.compare(lhs, rhs) { return result }
        if rank(lhs) != rank(rhs) { return rank(lhs) < rank(rhs) ? .orderedAscending : .orderedDescending }
        let (a, b) = (JSONWriter.encodeString(lhs), JSONWriter.encodeString(rhs))
        return a == b ? .orderedSame : a < b ? .orderedAscending : .orderedDescending
    }
}

extension JSONValue {
    /// The value at a dotted path (`a.b.0.c`): object keys, and array positions by number.
    func at(path: some Collection<Substring>) -> JSONValue? {
        var current: JSONValue? = self
        for key in path {
            switch current {
            case .object(let object)?: current = object[String(key)]
            case .array(let items)?:
                guard let index = Int(key), items.indices.contains(index) else { return nil }
                current = items[index]
            default: return nil
            }
        }
        return current
    }
}
