/// The registry of emulated APIs. Adding an API means adding its folder and one line here.
enum EmulatedAPIs {
    static func make(_ environment: APIEnvironment) throws -> [EmulatedAPI] {
        OpenAPISpecification.preload(directory: environment.openAPIDirectory)
        try MigrationRunner.migrate(environment.database, with: ScorecardV2Migrations.all + ScorecardV1Migrations.all + WeaveMigrations.all + ScaleGPMigrations.all)
        return [
            try ScorecardV2API(environment: environment),
            try ScorecardV1API(environment: environment),
            try WeaveAPI(environment: environment),
            try ScaleGPAPI(environment: environment),
        ]
    }
}
