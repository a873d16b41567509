import Foundation

/// The composition root: opens the database, loads every emulated API from `openapi/`,
/// builds the pipeline and binds the listener.
///
/// Unchecked Sendable: after `bind()` everything runs on the event-loop thread, except
/// `stop()`, which libevent makes safe from any thread.
public final class EvalmockServer: @unchecked Sendable {
    public let configuration: ServerConfiguration
    public let database: SQLiteDatabase
    public let apis: [EmulatedAPI]
    public let openAPIDirectory: String
    /// What `--fixtures` loaded, one line per API.
    public let loadedFixtures: [String]
    private let transport: EventLoopHTTPServer
    /// The database as the start-up line shows it: an absolute path, or `:memory:`.
    public let databaseDescription: String
    /// The port actually bound (differs from the configured one when that is 0).
    public private(set) var port = 0

    public init(configuration: ServerConfiguration) throws {
        self.configuration = configuration
        let openAPIDirectory = try SpecificationDirectory.locate(configured: configuration.openAPIDirectory)
        self.openAPIDirectory = openAPIDirectory
        let database: SQLiteDatabase
        do {
            database = try SQLiteDatabase(path: configuration.databasePath)
        } catch {
            throw DatabaseOpenError(path: configuration.databasePath, reason: error.message)
        }
        self.database = database
        databaseDescription = configuration.databasePath == ":memory:"
            ? ":memory:" : URL(fileURLWithPath: configuration.databasePath).standardizedFileURL.path
        let environment = APIEnvironment(database: database, openAPIDirectory: openAPIDirectory, apiKeys: configuration.apiKeys, lenient: configuration.lenient)
        let apis = try EmulatedAPIs.make(environment)
        self.apis = apis
        loadedFixtures = try configuration.fixturesDirectory.map {
            try FixtureDirectory.load($0, into: apis, maxJSONDepth: configuration.maxJSONDepth)
        } ?? []
        let pipeline = RequestPipeline(apis: apis, databasePath: databaseDescription, limits: configuration.limits, maxJSONDepth: configuration.maxJSONDepth,
                                       maxBatchItems: configuration.maxBatchItems, logLevel: configuration.logLevel, lenient: configuration.lenient)
        self.transport = try EventLoopHTTPServer(limits: configuration.limits, respond: pipeline.respond(to:))
        if configuration.groupCommit {
            // After migrations and fixtures, which commit on their own.
            database.groupsCommits = true
            transport.replyGate = GroupCommitGate(database: database)
        }
    }

    /// Binds the listener; returns the bound port.
    @discardableResult
    public func bind() throws -> Int {
        port = try transport.bind(host: configuration.host, port: configuration.port)
        return port
    }

    public func stopOnSignals(_ signals: [Int32]) { transport.stopOnSignals(signals) }

    /// Serves until `stop()` or a registered signal.
    public func run() { transport.run() }

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
