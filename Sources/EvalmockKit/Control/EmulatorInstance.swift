import Foundation
import Logging

/// One complete emulator over one database: the APIs, their pipeline and their state. The
/// main database has one; each namespace has its own, so isolation needs no API to know about
/// namespaces.
final class EmulatorInstance {
    let database: SQLiteDatabase
    let apis: [EmulatedAPI]
    let pipeline: RequestPipeline
    let state: EmulatorStateStore
    /// What `--fixtures` loaded into it, one line per API.
    let loadedFixtures: [String]

    init(database: SQLiteDatabase, settings: EmulatorSettings) throws {
        self.database = database
        let environment = APIEnvironment(
            database: database, openAPIDirectory: settings.openAPIDirectory, apiKeys: settings.apiKeys, lenient: settings.lenient)
        let apis = try APIRegistration.build(settings.apis, in: environment)
        self.apis = apis
        let state = EmulatorStateStore(database: database, apis: apis)
        self.state = state
        loadedFixtures =
            try settings.fixturesDirectory.map {
                try FixtureDirectory.load($0, into: apis, maxJSONDepth: settings.maxJSONDepth, snapshots: state.mergeFixtures)
            } ?? []
        pipeline = RequestPipeline(
            apis: apis, limits: settings.limits, maxJSONDepth: settings.maxJSONDepth,
            maxBatchItems: settings.maxBatchItems, logLevel: settings.logLevel, lenient: settings.lenient,
            checkResponses: settings.checkResponses)
    }
}

/// What every emulator instance is built with (the server's configuration, resolved).
struct EmulatorSettings {
    let apis: [APIRegistration]
    let openAPIDirectory: String
    let apiKeys: [String]
    let fixturesDirectory: String?
    let limits: TransportLimits
    let maxJSONDepth: Int
    let maxBatchItems: Int
    let logLevel: Logger.Level
    let lenient: Bool
    let checkResponses: Bool
    /// Switched on for a database once its start-up writes (migrations, fixtures) are committed.
    let groupCommit: Bool
}
