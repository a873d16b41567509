import EvalmockKit

/// A v1 resource as stored: its table and its fields in the order the service writes the JSON
/// keys. Rows go in and come out as JSON objects, so create calls, fixtures and reads share one
/// mapping and every field is always present (null when unset), as in the service's answers.
///
/// The SQL is built from these constant names only; values are always bound.
struct ScorecardV1Table {
    enum Kind {
        case integer
        case text
        /// A JSON value kept as its text.
        case json
    }

    struct Field {
        let name: String
        let kind: Kind
        /// False for what is stored but not part of the resource's JSON (a run's `metrics`).
        var exposed = true
    }

    let name: String
    let fields: [Field]
    let exposedFields: [Field]
    /// `INSERT` of every field but `id`, which AUTOINCREMENT assigns.
    let insertSQL: String
    /// `INSERT` with the given id, replacing the exposed fields of an existing row with that id:
    /// loading the same fixture twice leaves one row.
    let upsertSQL: String

    /// The SQL is written once here, not per request.
    init(name: String, fields: [Field]) {
        self.name = name
        self.fields = fields
        exposedFields = fields.filter(\.exposed)
        let inserted = fields.dropFirst().map(\.name)
        insertSQL =
            "INSERT INTO \(name) (\(inserted.joined(separator: ", "))) VALUES (\(inserted.map { _ in "?" }.joined(separator: ", ")))"
        let exposed = exposedFields.map(\.name)
        let updates = exposed.dropFirst().map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        upsertSQL =
            "INSERT INTO \(name) (\(exposed.joined(separator: ", "))) VALUES (\(exposed.map { _ in "?" }.joined(separator: ", "))) ON CONFLICT(id) DO UPDATE SET \(updates)"
    }

    static let runs = ScorecardV1Table(
        name: "scorecard_v1_runs",
        fields: [
            Field(name: "id", kind: .integer),
            Field(name: "created_at", kind: .text),
            Field(name: "updated_at", kind: .text),
            Field(name: "execution_start_time", kind: .text),
            Field(name: "execution_end_time", kind: .text),
            Field(name: "testset_id", kind: .integer),
            Field(name: "status", kind: .text),
            Field(name: "limit_testcases", kind: .integer),
            Field(name: "source", kind: .text),
            Field(name: "model_params", kind: .json),
            Field(name: "notes", kind: .text),
            Field(name: "scoring_config_id", kind: .integer),
            Field(name: "prompt_template", kind: .text),
            Field(name: "scoring_start_time", kind: .text),
            Field(name: "scoring_end_time", kind: .text),
            Field(name: "metrics", kind: .json, exposed: false),
        ])

    static let testrecords = ScorecardV1Table(
        name: "scorecard_v1_testrecords",
        fields: [
            Field(name: "id", kind: .integer),
            Field(name: "created_at", kind: .text),
            Field(name: "run_id", kind: .integer),
            Field(name: "testset_id", kind: .integer),
            Field(name: "testcase_id", kind: .integer),
            Field(name: "user_query", kind: .text),
            Field(name: "context", kind: .text),
            Field(name: "model_response", kind: .text),
            Field(name: "ideal", kind: .text),
            Field(name: "custom_inputs", kind: .json),
            Field(name: "custom_labels", kind: .json),
            Field(name: "custom_outputs", kind: .json),
            Field(name: "status", kind: .text),
            Field(name: "prompt", kind: .text),
            Field(name: "model_params", kind: .json),
            Field(name: "model_debug_info", kind: .json),
            Field(name: "error_message", kind: .text),
        ])

    /// `SELECT` of the exposed fields by id (and, for testrecords, by run).
    func selectSQL(where condition: String) -> String {
        "SELECT \(exposedFields.map(\.name).joined(separator: ", ")) FROM \(name) WHERE \(condition)"
    }

    /// Values for `insertSQL` (every field but `id`).
    func insertBindings(_ object: JSONValue.JSONObject) throws -> [SQLiteValue] {
        try fields.dropFirst().map { try bind(object[$0.name], as: $0.kind, field: $0.name) }
    }

    /// Values for `upsertSQL` (the exposed fields, `id` first).
    func upsertBindings(_ object: JSONValue.JSONObject) throws -> [SQLiteValue] {
        try exposedFields.map { try bind(object[$0.name], as: $0.kind, field: $0.name) }
    }

    /// A row of `selectSQL` as the resource's JSON object.
    func object(from row: Row) throws -> JSONValue.JSONObject {
        var object = JSONValue.JSONObject()
        for (index, field) in exposedFields.enumerated() {
            let column = Int32(index)
            guard !row.isNull(column) else {
                object[field.name] = .null
                continue
            }
            switch field.kind {
            case .integer: object[field.name] = .number(JSONNumber(lexeme: String(row.int(column))))
            case .text: object[field.name] = .string(row.text(column) ?? "")
            case .json: object[field.name] = try JSONParser.parse(row.text(column) ?? "null")
            }
        }
        return object
    }

    /// A whole number beyond 64 bits: valid JSON Schema, but no database column holds it, so the
    /// request fails as it would in the service's database (500), instead of storing something else.
    struct IntegerOutOfRange: Error, CustomStringConvertible {
        let field: String
        let value: JSONValue
        var description: String { "\(field) = \(JSONWriter.encodeString(value)) does not fit a 64-bit integer" }
    }

    private func bind(_ value: JSONValue?, as kind: Kind, field: String) throws -> SQLiteValue {
        guard let value, value != .null else { return .null }
        switch kind {
        case .integer:
            guard let integer = PydanticLaxCoercion.integer(value) else { throw IntegerOutOfRange(field: field, value: value) }
            return .integer(Int64(integer))
        case .text:
            return value.stringValue.map(SQLiteValue.text) ?? .text(JSONWriter.encodeString(value))
        case .json:
            return .text(JSONWriter.encodeString(value))
        }
    }
}
