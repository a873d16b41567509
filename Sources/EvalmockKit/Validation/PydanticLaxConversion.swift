/// The value pydantic hands the service after lax validation: a boolean or numeric string sent
/// for a number becomes that number, `"yes"`/`1` sent for a boolean becomes `true`, a whole
/// float sent for an integer becomes the integer. The service stores and returns the converted
/// value, so an emulator that echoed the raw input would answer `"time_spent_labeling_s": false`
/// where the real one answers `0` (and break its own response schema).
///
/// Only called on input that validated. Unions follow pydantic's smart mode: the first member
/// the value matches without any conversion (`3.0` is not an exact `int`) keeps it as it is;
/// otherwise the first member that accepts it in lax mode converts it.
struct PydanticLaxConversion {
    private let strict = SchemaValidator(coercion: .jsonSchema)
    private let lax = SchemaValidator(coercion: .pydanticLax)

    func convert(_ value: JSONValue, _ schema: CompiledSchema) -> JSONValue {
        if case .null = value { return value }
        var result = value
        switch (schema.type, value) {
        case (.integer?, .bool), (.integer?, .string), (.number?, .bool), (.number?, .string):
            if let number = PydanticLaxCoercion.number(from: value) {
                result = .number(schema.type == .integer ? Self.integer(number) : number)
            }
        case (.integer?, .number(let number)):
            result = .number(Self.integer(number))
        case (.boolean?, .number(let number)):
            result = .bool(number.lexeme == "1")
        case (.boolean?, .string(let text)):
            result = .bool(PydanticLaxCoercion.trueStrings.contains(text.lowercased()))
        case (_, .object(var object)):
            for key in object.keys {
                guard let member = object[key] else { continue }
                if let property = schema.propertyIndex[key] {
                    object[key] = convert(member, property.schema)
                } else if case .schema(let extra) = schema.additionalProperties {
                    object[key] = convert(member, extra)
                }
            }
            result = .object(object)
        case (_, .array(let items)):
            if let itemSchema = schema.items { result = .array(items.map { convert($0, itemSchema) }) }
        default:
            break
        }
        for part in schema.allOf { result = convert(result, part) }
        let members = schema.oneOf + schema.anyOf
        if !members.isEmpty {
            // Exact: valid with no coercion at all (a whole float is not an exact integer).
            if members.contains(where: { isExact(result, $0) }) { return result }
            if let member = members.first(where: { lax.isValid(result, against: $0) }) { result = convert(result, member) }
        }
        return result
    }

    private func isExact(_ value: JSONValue, _ member: CompiledSchema) -> Bool {
        let checked = strict.validateNotingCoercion(value, against: member, at: [])
        return checked.issues.isEmpty && !checked.coerced
    }

    /// pydantic's int of a whole float (`1.0` → `1`); other lexemes are already integers.
    private static func integer(_ number: JSONNumber) -> JSONNumber {
        guard number.hasFractionOrExponent, let whole = number.intValue else { return number }
        return JSONNumber(whole)
    }
}
