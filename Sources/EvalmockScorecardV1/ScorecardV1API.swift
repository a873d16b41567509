import EvalmockKit

/// Scorecard's v1 API (`openapi/scorecard-v1.json`): runs and their testrecords, served at the
/// document's own paths (`/v1/...`) as the `scorecard-ai` 1.x client calls them.
public final class ScorecardV1API: EmulatedAPI, FixtureLoading {
    public let name = "scorecard-v1"
    public let specification: OpenAPISpecification
    public let mountPrefixes = [""]
    /// The v1 paths share `/v1`: unknown routes there get FastAPI's 404, not another API's.
    public let ownedPathPrefixes = ["/v1"]
    public let errorDialect: any ErrorDialect = ScorecardV1ErrorDialect()
    /// The service is FastAPI: pydantic's lax mode decides what a body value may be.
    public let typeCoercion = TypeCoercion.pydanticLax
    private let credentials: CredentialCheck
    private let operations: ScorecardV1Handlers
    private let fixtures: ScorecardV1Fixtures
    public let database: SQLiteDatabase

    init(environment: APIEnvironment) throws {
        specification = try environment.specification("scorecard-v1.json")
        credentials = CredentialCheck(acceptedKeys: environment.apiKeys)
        database = environment.database
        let store = ScorecardV1Store(database: environment.database)
        operations = ScorecardV1Handlers(store: store)
        fixtures = ScorecardV1Fixtures(specification: specification, store: store)
    }

    /// `X-API-Key` (the document's `APIKeyHeader` scheme): none is a 401, a key that is not
    /// configured a 403.
    public func authenticate(_ request: HTTPRequest) -> AuthenticationOutcome {
        credentials.verdict(request.headers["X-API-Key"])
    }

    public var handlers: [String: OperationHandler] {
        [
            "create_run_v1_run_post": operations.createRun,
            "read_run_v1_run__run_id__get": operations.readRun,
            "update_run_status_v1_run__run_id__status_patch": operations.updateRunStatus,
            "create_testrecord_v1_run__run_id__testrecord_post": operations.createTestrecord,
            "read_testrecord_v1_run__run_id__testrecord__testrecord_id__get": operations.readTestrecord,
        ]
    }

    public func loadFixtures(_ files: [FixtureFile]) throws -> String {
        try fixtures.load(files)
    }
}

extension ScorecardV1API {
    /// What the CLI's API list holds: this API's migrations and how to build it.
    public static let registration = APIRegistration(migrations: ScorecardV1Migrations.all) { try ScorecardV1API(environment: $0) }
}
