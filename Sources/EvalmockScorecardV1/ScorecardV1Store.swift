import EvalmockKit

/// Runs and testrecords of Scorecard v1 in SQLite. Every write is one transaction (with group
/// commit, a savepoint in the iteration's shared transaction, whose commit the response waits
/// for), and what a method returns is read back from the database, so a response only ever
/// shows stored data.
final class ScorecardV1Store {
    typealias Resource = JSONValue.JSONObject

    private let database: SQLiteDatabase
    private let clock: () -> String
    private let runs = ScorecardV1Table.runs
    private let testrecords = ScorecardV1Table.testrecords
    private let selectRun = ScorecardV1Table.runs.selectSQL(where: "id = ?")
    private let selectTestrecord = ScorecardV1Table.testrecords.selectSQL(where: "run_id = ? AND id = ?")

    init(database: SQLiteDatabase, clock: @escaping () -> String = Timestamp.nowNaiveMicroseconds) {
        self.database = database
        self.clock = clock
    }

    /// Stores a new run from the fields of a create call; `created_at` and `updated_at` are now.
    func createRun(_ fields: Resource) throws -> Resource {
        var row = fields
        let now = JSONValue.string(clock())
        row["created_at"] = now
        row["updated_at"] = now
        return try database.transaction {
            try database.statement(runs.insertSQL).execute(try runs.insertBindings(row))
            return try run(id: database.lastInsertRowID)!
        }
    }

    func run(id: Int64) throws -> Resource? {
        var found: Resource?
        try database.statement(selectRun).query([.integer(id)]) { row in
            found = try runs.object(from: row)
        }
        return found
    }

    private func runExists(id: Int64) throws -> Bool {
        try database.statement("SELECT 1 FROM scorecard_v1_runs WHERE id = ?").scalarInt([.integer(id)]) != nil
    }

    /// Sets a run's status; nil when there is no such run.
    ///
    /// The service keeps when each phase ran: a run entering `running_execution` or
    /// `running_scoring` gets that phase's start time, and leaving it its end time.
    func updateRunStatus(id: Int64, to status: String) throws -> Resource? {
        try database.transaction {
            guard var current = try run(id: id) else { return nil }
            let previous = current["status"]?.stringValue
            let now = JSONValue.string(clock())
            for (phase, start, end) in [
                ("running_execution", "execution_start_time", "execution_end_time"),
                ("running_scoring", "scoring_start_time", "scoring_end_time"),
            ] where previous != status {
                if status == phase { current[start] = now }
                if previous == phase { current[end] = now }
            }
            try database.statement(
                """
                UPDATE scorecard_v1_runs SET status = ?, updated_at = ?, execution_start_time = ?, execution_end_time = ?,
                    scoring_start_time = ?, scoring_end_time = ? WHERE id = ?
                """
            ).execute([
                .text(status), .text(now.stringValue ?? ""),
                Self.text(current["execution_start_time"]), Self.text(current["execution_end_time"]),
                Self.text(current["scoring_start_time"]), Self.text(current["scoring_end_time"]),
                .integer(id),
            ])
            return try run(id: id)
        }
    }

    /// Stores a testrecord in a run; nil when there is no such run. `created_at` is now.
    func createTestrecord(runId: Int64, _ fields: Resource) throws -> Resource? {
        var row = fields
        row["created_at"] = .string(clock())
        row["run_id"] = .number(JSONNumber(lexeme: String(runId)))
        return try database.transaction {
            guard try runExists(id: runId) else { return nil }
            try database.statement(testrecords.insertSQL).execute(try testrecords.insertBindings(row))
            return try testrecord(runId: runId, id: database.lastInsertRowID)
        }
    }

    /// A testrecord is found only under the run it belongs to.
    func testrecord(runId: Int64, id: Int64) throws -> Resource? {
        var found: Resource?
        try database.statement(selectTestrecord).query([.integer(runId), .integer(id)]) { row in
            found = try testrecords.object(from: row)
        }
        return found
    }

    /// Stores fixture runs and testrecords with their own ids, replacing rows with the same ids,
    /// all in one transaction. Throws `MissingRun` (and stores nothing) when a testrecord's run
    /// is neither among the runs nor already stored.
    func upsertFixtures(runs fixtureRuns: [Resource], testrecords fixtureTestrecords: [(source: String, testrecord: Resource)]) throws {
        try database.transaction {
            for run in fixtureRuns {
                try database.statement(runs.upsertSQL).execute(try runs.upsertBindings(run))
            }
            for (source, testrecord) in fixtureTestrecords {
                let runId = testrecord["run_id"].flatMap(PydanticLaxCoercion.integer).map(Int64.init)
                guard let runId, try runExists(id: runId) else {
                    throw MissingRun(source: source, runId: testrecord["run_id"] ?? .null)
                }
                try database.statement(testrecords.upsertSQL).execute(try testrecords.upsertBindings(testrecord))
            }
        }
    }

    struct MissingRun: Error {
        let source: String
        let runId: JSONValue
    }

    private static func text(_ value: JSONValue?) -> SQLiteValue {
        value?.stringValue.map(SQLiteValue.text) ?? .null
    }
}
