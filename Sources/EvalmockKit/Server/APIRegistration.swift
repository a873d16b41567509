/// How the core builds one emulated API it does not know: the API's migrations and its
/// constructor. The CLI (through `EvalmockAPIs`) hands the core its list of registrations, so
/// the core depends on no API and an API on no other (each is its own SwiftPM target).
public struct APIRegistration: Sendable {
    /// Run once per database, before any API of it is built; named, so each runs only once.
    public let migrations: [Migration]
    public let make: @Sendable (APIEnvironment) throws -> EmulatedAPI

    public init(migrations: [Migration], make: @escaping @Sendable (APIEnvironment) throws -> EmulatedAPI) {
        self.migrations = migrations
        self.make = make
    }

    /// The APIs of one database: every registration's migrations in list order, then each API.
    static func build(_ registrations: [APIRegistration], in environment: APIEnvironment) throws -> [EmulatedAPI] {
        OpenAPISpecification.preload(directory: environment.openAPIDirectory)
        try MigrationRunner.migrate(environment.database, with: registrations.flatMap(\.migrations))
        return try registrations.map { try $0.make(environment) }
    }
}
