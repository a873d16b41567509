/// Scorecard v2 (`openapi/scorecard-v2.json`), served under the document's `/api/v2` and also
/// without a prefix, where the SDK's own test suite sends its requests.
final class ScorecardV2API: EmulatedAPI {
    let name = "scorecard-v2"
    let specification: OpenAPISpecification
    let mountPrefixes: [String]
    let errorDialect: any ErrorDialect = ScorecardErrorDialect()
    private let credentials: CredentialCheck
    private let records: ScorecardRecordHandlers
    let database: SQLiteDatabase

    init(environment: APIEnvironment) throws {
        specification = try environment.specification("scorecard-v2.json")
        mountPrefixes = Array(Set(specification.serverPathPrefixes + [""])).sorted().reversed()
        credentials = CredentialCheck(acceptedKeys: environment.apiKeys)
        database = environment.database
        records = ScorecardRecordHandlers(store: ScorecardRecordStore(database: environment.database))
    }

    /// `Authorization: Bearer <token>` (the document's `ApiKeyAuth` scheme).
    func authenticate(_ request: HTTPRequest) -> AuthenticationOutcome {
        credentials.verdict(AuthorizationHeader.bearerToken(request))
    }

    var handlers: [String: OperationHandler] {
        [
            "createRecord": records.create,
            "listRecords": records.list,
            "deleteRecord": records.delete,
            "listRecordTags": records.listTags,
            "createRecordTag": records.createTag,
            "deleteRecordTag": records.deleteTag,
        ]
    }
}
