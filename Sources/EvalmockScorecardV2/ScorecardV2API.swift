import EvalmockKit

/// Scorecard v2 (`openapi/scorecard-v2.json`), served under the document's `/api/v2` and also
/// without a prefix, where the SDK's own test suite sends its requests.
///
/// Every resource is stored by the resource layer (`Resources/`): each area of the API
/// declares its kinds and adds handlers only for what is more than create, list, get, update
/// and delete (`ScorecardRuns`, …).
public final class ScorecardV2API: EmulatedAPI {
    public let name = "scorecard-v2"
    public let specification: OpenAPISpecification
    public let mountPrefixes: [String]
    public let errorDialect: any ErrorDialect = ScorecardErrorDialect()
    public let database: SQLiteDatabase
    let resources: ResourceCollection
    public let handlers: [String: OperationHandler]
    /// The object storage that attachments' signed URLs point at (`ScorecardAttachments`).
    public let rawRoutes: [RawRoute]
    private let credentials: CredentialCheck

    init(environment: APIEnvironment) throws {
        specification = try environment.specification("scorecard-v2.json")
        mountPrefixes = Array(Set(specification.serverPathPrefixes + [""])).sorted().reversed()
        credentials = CredentialCheck(acceptedKeys: environment.apiKeys)
        database = environment.database
        resources = ResourceCollection(
            store: ResourceStore(database: database, table: ScorecardV2Migrations.resourceTable),
            specification: specification, lenient: environment.lenient,
            paging: CursorPaging(lenient: environment.lenient), deleted: .object(["success": .bool(true)]))
        var specific: [String: OperationHandler] = [:]
        for area in [
            ScorecardRuns.declare, ScorecardTestsets.declare, ScorecardMetrics.declare, ScorecardSystems.declare,
            ScorecardRecordReview.declare, ScorecardAttachments.declare,
        ] {
            specific.merge(try area(resources)) { _, _ in preconditionFailure("two areas handle one operation") }
        }
        handlers = resources.handlers.merging(specific) { _, specific in specific }
        rawRoutes = ScorecardAttachments.storageRoutes(resources)
    }

    /// `Authorization: Bearer <token>` (the document's `ApiKeyAuth` scheme).
    public func authenticate(_ request: HTTPRequest) -> AuthenticationOutcome {
        credentials.verdict(AuthorizationHeader.bearerToken(request))
    }
}

extension ScorecardV2API {
    /// What the CLI's API list holds: this API's migrations and how to build it.
    public static let registration = APIRegistration(migrations: ScorecardV2Migrations.all) { try ScorecardV2API(environment: $0) }
}
