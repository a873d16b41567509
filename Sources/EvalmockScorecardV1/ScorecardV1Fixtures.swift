import EvalmockKit

/// Reads Scorecard v1 fixture files: `{"runs": [Run…], "testrecords": [Testrecord…]}`, each
/// item written as the API returns it (see the README). Items are checked against the
/// document's `Run` and `Testrecord` schemas, so a fixture can only hold what the service
/// could answer; keys left out are null.
struct ScorecardV1Fixtures {
    let specification: OpenAPISpecification
    let store: ScorecardV1Store

    func load(_ files: [FixtureFile]) throws -> String {
        var runs: [JSONValue.JSONObject] = []
        var testrecords: [(source: String, testrecord: JSONValue.JSONObject)] = []
        for file in files {
            guard case .object(let content) = file.content else {
                throw FixtureError(path: file.path, reason: "expected an object with \"runs\" and \"testrecords\" arrays")
            }
            for key in content.keys where key != "runs" && key != "testrecords" {
                throw FixtureError(path: file.path, reason: "unknown member \"\(key)\"; expected \"runs\" and \"testrecords\"")
            }
            runs += try items(content["runs"], named: "runs", table: .runs, schema: "Run", in: file)
            testrecords += try items(content["testrecords"], named: "testrecords", table: .testrecords, schema: "Testrecord", in: file)
                .enumerated().map { ("\(file.path): testrecords[\($0.offset)]", $0.element) }
        }
        do {
            try store.upsertFixtures(runs: runs, testrecords: testrecords)
        } catch let missing as ScorecardV1Store.MissingRun {
            throw FixtureError(
                path: missing.source,
                reason: "run_id \(JSONWriter.encodeString(missing.runId)) is not a run of the fixtures or the database")
        }
        return
            "\(runs.count) run\(runs.count == 1 ? "" : "s"), \(testrecords.count) testrecord\(testrecords.count == 1 ? "" : "s") from \(files.count) file\(files.count == 1 ? "" : "s")"
    }

    private func items(_ value: JSONValue?, named member: String, table: ScorecardV1Table, schema name: String, in file: FixtureFile) throws
        -> [JSONValue.JSONObject]
    {
        guard let value else { return [] }
        guard case .array(let elements) = value else {
            throw FixtureError(path: file.path, reason: "\"\(member)\" must be an array")
        }
        let schema = specification.componentSchema(name) ?? .anything
        let known = Set(table.exposedFields.map(\.name))
        return try elements.enumerated().map { index, element in
            let place = "\(member)[\(index)]"
            guard case .object(let given) = element else {
                throw FixtureError(path: file.path, reason: "\(place) must be an object")
            }
            if let unknown = given.keys.first(where: { !known.contains($0) }) {
                throw FixtureError(path: file.path, reason: "\(place) has no field \"\(unknown)\"")
            }
            var object = JSONValue.JSONObject()
            for field in table.exposedFields { object[field.name] = given[field.name] ?? .null }
            // Ids are how a fixture is found again and replaced rather than duplicated.
            for required in table.name == ScorecardV1Table.testrecords.name ? ["id", "run_id"] : ["id"] where object[required] == .null {
                throw FixtureError(path: file.path, reason: "\(place).\(required) is required")
            }
            if let issue = SchemaValidator.validate(.object(object), against: schema, at: [.key("fixture")]).first {
                throw FixtureError(path: file.path, reason: "\(place).\(issue.dottedField) \(issue.message)")
            }
            return object
        }
    }
}
