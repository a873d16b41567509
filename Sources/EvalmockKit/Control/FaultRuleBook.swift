/// The fault rules, kept in the main database (they survive a restart, as everything set
/// through the API does) and mirrored in memory, so a request costs one scan of a usually
/// empty list rather than a query.
final class FaultRuleBook {
    private let database: SQLiteDatabase
    private var rules: [FaultRule] = []

    init(database: SQLiteDatabase) throws {
        self.database = database
        try database.statement(
            """
            SELECT id, namespace, method, path, remaining, status, delay_ms, drop_connection, retry_after, created_at
            FROM evalmock_fault_rules ORDER BY id
            """
        ).query { row in
            rules.append(
                FaultRule(
                    id: row.int(0), namespace: row.text(1) ?? "", method: row.text(2), path: PathPattern(row.text(3) ?? ""),
                    remaining: row.isNull(4) ? nil : Int(row.int(4)), status: row.isNull(5) ? nil : Int(row.int(5)),
                    delayMilliseconds: Int(row.int(6)), dropsConnection: row.int(7) != 0, retryAfter: row.text(8),
                    createdAt: row.text(9) ?? ""))
        }
    }

    func add(namespace: String, body: JSONValue) throws -> FaultRule {
        let spec = try FaultRule.parse(body)
        let createdAt = Timestamp.nowISO8601()
        try database.statement(
            """
            INSERT INTO evalmock_fault_rules (namespace, method, path, remaining, status, delay_ms, drop_connection, retry_after, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        ).execute([
            .text(namespace), spec.method.map(SQLiteValue.text) ?? .null, .text(spec.path),
            spec.times.map { .integer(Int64($0)) } ?? .null, spec.status.map { .integer(Int64($0)) } ?? .null,
            .integer(Int64(spec.delay)), .integer(spec.drop ? 1 : 0), spec.retryAfter.map(SQLiteValue.text) ?? .null,
            .text(createdAt),
        ])
        let rule = FaultRule(
            id: database.lastInsertRowID, namespace: namespace, method: spec.method, path: PathPattern(spec.path),
            remaining: spec.times, status: spec.status, delayMilliseconds: spec.delay,
            dropsConnection: spec.drop, retryAfter: spec.retryAfter, createdAt: createdAt)
        rules.append(rule)
        return rule
    }

    func list(namespace: String) -> [FaultRule] { rules.filter { $0.namespace == namespace } }

    /// Returns whether a rule with that id existed in the namespace.
    func remove(id: Int64, namespace: String) throws -> Bool {
        guard rules.contains(where: { $0.id == id && $0.namespace == namespace }) else { return false }
        try database.statement("DELETE FROM evalmock_fault_rules WHERE id = ?").execute([.integer(id)])
        rules.removeAll { $0.id == id }
        return true
    }

    func removeAll(namespace: String) throws {
        try database.statement("DELETE FROM evalmock_fault_rules WHERE namespace = ?").execute([.text(namespace)])
        rules.removeAll { $0.namespace == namespace }
    }

    /// The first live rule matching the request, with one use consumed. A used-up rule stays
    /// listed (remaining 0) so a test can see that it fired.
    func consume(namespace: String, method: String, path: String) throws -> FaultRule? {
        guard !rules.isEmpty,
            let index = rules.firstIndex(where: { $0.matches(namespace: namespace, method: method, path: path) })
        else { return nil }
        if let remaining = rules[index].remaining {
            rules[index].remaining = remaining - 1
            try database.statement("UPDATE evalmock_fault_rules SET remaining = ? WHERE id = ?")
                .execute([.integer(Int64(remaining - 1)), .integer(rules[index].id)])
        }
        return rules[index]
    }
}
