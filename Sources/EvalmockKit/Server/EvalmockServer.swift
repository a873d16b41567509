import Foundation

/// The composition root: opens the database, loads every emulated API from `openapi/`,
/// builds the pipeline and binds the listener.
///
/// Unchecked Sendable: after `bind()` everything runs on the event-loop thread, except
/// `stop()`, which libevent makes safe from any thread.
public final class EvalmockServer: @unchecked Sendable {
    public let configuration: ServerConfiguration
    public let apis: [EmulatedAPI]
    /// What `--fixtures` loaded, one line per API.
    public let loadedFixtures: [String]
    private let transport: EventLoopHTTPServer
    private let journal: RequestJournal
    private var gate: GroupCommitGate?
    private let accessLog: AccessLog
    /// The database as the start-up line shows it: an absolute path, or `:memory:`.
    public let databaseDescription: String

    public init(configuration: ServerConfiguration) throws {
        self.configuration = configuration
        let openAPIDirectory = try SpecificationDirectory.locate(configured: configuration.openAPIDirectory)
        let database: SQLiteDatabase
        do {
            database = try SQLiteDatabase(path: configuration.databasePath)
        } catch {
            throw DatabaseOpenError(path: configuration.databasePath, reason: error.message)
        }
        databaseDescription =
            configuration.databasePath == ":memory:"
            ? ":memory:" : URL(fileURLWithPath: configuration.databasePath).standardizedFileURL.path
        let settings = EmulatorSettings(
            apis: configuration.apis, openAPIDirectory: openAPIDirectory, apiKeys: configuration.apiKeys,
            fixturesDirectory: configuration.fixturesDirectory, limits: configuration.limits,
            maxJSONDepth: configuration.maxJSONDepth, maxBatchItems: configuration.maxBatchItems,
            logLevel: configuration.logLevel,
            lenient: configuration.lenient, checkResponses: configuration.checkResponses,
            groupCommit: configuration.groupCommit)
        let main = try EmulatorInstance(database: database, settings: settings)
        apis = main.apis
        loadedFixtures = main.loadedFixtures
        try MigrationRunner.migrate(database, with: ControlMigrations.all)
        let namespaces = NamespaceRegistry(main: main, mainPath: configuration.databasePath, settings: settings)
        let journal = try RequestJournal(
            database: database, limit: configuration.journalLimit, redaction: CredentialRedaction(apis: main.apis))
        self.journal = journal
        let faults = try FaultRuleBook(database: database)
        let controlAPI = try ControlAPI(
            openAPIDirectory: openAPIDirectory, namespaces: namespaces, journal: journal, faults: faults,
            access: configuration.controlAccess, databasePath: databaseDescription)
        let control = RequestPipeline(
            apis: [controlAPI], limits: configuration.limits, maxJSONDepth: configuration.maxJSONDepth,
            logLevel: configuration.logLevel, checkResponses: configuration.checkResponses)
        let accessLog = AccessLog(isEnabled: configuration.logLevel <= .info, format: configuration.logFormat)
        self.accessLog = accessLog
        let front = ControlledEmulator(
            namespaces: namespaces, journal: journal, faults: faults, control: control,
            logLevel: configuration.logLevel, accessLog: accessLog)
        self.transport = try EventLoopHTTPServer(
            limits: configuration.limits, respond: front.respond(to:),
            answerUnreadable: front.respond(toUnreadable:))
        if accessLog.isEnabled { transport.afterRequests = accessLog.flush }
        if configuration.groupCommit {
            // After migrations, fixtures and the control tables, which commit on their own.
            database.groupsCommits = true
            let gate = GroupCommitGate { namespaces.databases }
            self.gate = gate
            transport.replyGate = gate
        }
    }

    /// Binds the listener; returns the port bound (the configured one, or the one picked for 0).
    @discardableResult
    public func bind() throws -> Int {
        try transport.bind(host: configuration.host, port: configuration.port)
    }

    public func stopOnSignals(_ signals: [Int32]) { transport.stopOnSignals(signals) }

    /// Whether requests libevent rejects by itself (malformed, past its size limits) are
    /// answered by evalmock in the APIs' dialects rather than by libevent's HTML pages.
    public var answersRequestsLibeventRejects: Bool { EventLoopHTTPServer.answersRequestsLibeventRejects }

    /// Serves until `stop()` or a registered signal.
    public func run() {
        transport.run()
        // The journal's last batch, written once the loop (the only user of the database) is done.
        do {
            try journal.flush()
        } catch {
            ServerLog.error("journal not written at stop: \(error)")
        }
        // Whatever the journal or the last requests left in an open group.
        _ = gate?.releaseHeldReplies()
        // The lines of the last iteration (a SIGTERM ends the loop before its flush runs).
        accessLog.flush()
    }

    /// Safe from any thread.
    public func stop() { transport.stop() }
}

/// The database named on the command line cannot be used (missing directory, not writable,
/// not a SQLite file).
public struct DatabaseOpenError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "cannot use database \(path): \(reason)" }
}

/// What an emulated API is built from.
public struct APIEnvironment {
    public let database: SQLiteDatabase
    public let openAPIDirectory: String
    public let apiKeys: [String]
    /// `--lenient`: APIs create objects on first reference and complete what they store.
    public var lenient = false

    public init(database: SQLiteDatabase, openAPIDirectory: String, apiKeys: [String], lenient: Bool = false) {
        self.database = database
        self.openAPIDirectory = openAPIDirectory
        self.apiKeys = apiKeys
        self.lenient = lenient
    }

    public func specification(_ fileName: String) throws -> OpenAPISpecification {
        try OpenAPISpecification.load(path: openAPIDirectory + "/" + fileName)
    }
}
