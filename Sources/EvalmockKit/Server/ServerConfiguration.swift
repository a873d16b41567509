import Logging

/// Everything `evalmock serve` can be told, with the defaults a laptop user expects.
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 4010
    /// The emulated APIs, in the order their migrations run and unknown paths fall back to
    /// (the first one). The CLI passes `EmulatedAPIs.all`; the core knows none of them.
    public var apis: [APIRegistration] = []
    /// A file path, or `:memory:` for a database that lives as long as the process.
    public var databasePath = "evalmock.db"
    /// Where the OpenAPI documents are; nil searches the usual places (see `SpecificationDirectory`).
    public var openAPIDirectory: String?
    /// Accepted credentials; empty accepts any non-empty credential, as a mock should.
    public var apiKeys: [String] = []
    public var limits = TransportLimits()
    public var maxJSONDepth = JSONParser.defaultMaxDepth
    /// Most items in a batch (a body that is a JSON array); more is a 413 in the API's dialect.
    public var maxBatchItems = ServerConfiguration.defaultMaxBatchItems
    /// Lets any batch that fits the default body limit through (about 37,000 Scale GP items).
    public static let defaultMaxBatchItems = 50_000
    /// `info` logs one line per request; `warning` and above keep only problems.
    public var logLevel: Logger.Level = .info
    /// How the access log's lines look (`LogLineHandler` writes the others in the same format).
    public var logFormat: LogFormat = .text
    /// Commit the writes of all requests ready in one event-loop iteration together, answering
    /// each only after that commit; off commits every request on its own.
    public var groupCommit = true
    /// Seed data loaded at start-up into the APIs that support it (see `FixtureLoading`).
    public var fixturesDirectory: String?
    /// `--lenient`: the drop-in mode for SDKs' generated test suites (see the README). Unknown
    /// path ids are created on first reference and bodies that fail only a deeper rule are
    /// accepted and completed. Off by default: the default mode stays faithful.
    public var lenient = false
    /// `--check-responses`: every answer to an operation is checked against the document's
    /// schema for its status; one that does not match is logged and answered as the API's 500.
    /// For test suites: a response that breaks the document is a bug they must see.
    public var checkResponses = false
    /// Whether `/_evalmock/…` control endpoints answer, and with which token.
    public var controlAccess = ControlAccess()
    /// Most requests the journal keeps (the oldest go first); 0 keeps none.
    public var journalLimit = 10_000

    public init() {}
}
