/// An emulated API whose stored state the control endpoints can wipe, export and import.
///
/// It is declarative on purpose: the API names its tables and the SQL of its narrower resets,
/// and the control layer runs them against whichever database (namespace) a request selects.
public protocol StatefulAPI: EmulatedAPI {
    /// Every table the API writes, parents before children: import inserts in this order and a
    /// wipe deletes in the reverse one.
    var storedTables: [String] { get }
    /// The parts of its state a test can wipe alone, e.g. one Scorecard run.
    var resetScopes: [ResetScope] { get }
}

/// One kind of partial reset: its name in `POST /_evalmock/reset` and the statements that
/// delete it, each taking the scope's value as its only parameter.
public struct ResetScope: Sendable {
    public let name: String
    public let statements: [String]

    public init(name: String, statements: [String]) {
        self.name = name
        self.statements = statements
    }
}
