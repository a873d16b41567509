import XCTest

@testable import EvalmockKit

/// The small parsers behind the control endpoints: fault-rule path patterns, Prism's `Prefer`
/// header and the journal's credential redaction.
final class ControlRulesTests: XCTestCase {
    func testPathPatternStarMatchesWithinOneSegmentAndDoubleStarAcrossSegments() {
        let batch = PathPattern("/v4/evaluations/*/test-case-results/batch")
        XCTAssertTrue(batch.matches("/v4/evaluations/e1/test-case-results/batch"))
        XCTAssertFalse(batch.matches("/v4/evaluations/e1/x/test-case-results/batch"))
        XCTAssertFalse(batch.matches("/v4/evaluations/e1/test-case-results"))
        let anything = PathPattern("/api/v2/**")
        XCTAssertTrue(anything.matches("/api/v2/runs/1/records"))
        XCTAssertTrue(anything.matches("/api/v2"))
        XCTAssertFalse(anything.matches("/v1/run"))
        XCTAssertTrue(PathPattern("/v1/run/*/testrecord/**").matches("/v1/run/3/testrecord/15"))
        XCTAssertTrue(PathPattern("/records/rec-*").matches("/records/rec-42"))
        XCTAssertFalse(PathPattern("/records/rec-*").matches("/records/r-42"))
        XCTAssertTrue(PathPattern("/a/*x*y/b").matches("/a/1x2y/b"))
        XCTAssertFalse(PathPattern("/a/x*x").matches("/a/x"))
        XCTAssertTrue(PathPattern("/exact").matches("/exact"))
        XCTAssertFalse(PathPattern("/exact").matches("/exact/more"))
    }

    func testPreferReadsCodeAndDelayAndIgnoresTheRest() {
        func prefer(_ values: String...) -> PreferHeader? {
            PreferHeader(HTTPHeaders(values.map { ("Prefer", $0) }))
        }
        XCTAssertEqual(prefer("code=429")?.code, 429)
        XCTAssertEqual(prefer("code=503, delay=250")?.delayMilliseconds, 250)
        XCTAssertEqual(prefer("return=minimal", "code=\"500\"")?.code, 500)
        XCTAssertEqual(prefer("delay=999999")?.delayMilliseconds, PreferHeader.maxDelayMilliseconds)
        XCTAssertNil(prefer("code=200"), "Prism selects a 2xx example; evalmock's real handler already answers 2xx")
        XCTAssertNil(prefer("return=minimal"))
        XCTAssertNil(prefer("delay=-5, code=abc"))
        XCTAssertNil(PreferHeader(HTTPHeaders()))
    }

    func testRedactionHidesEveryCredentialTheDocumentsDeclareButKeepsTheScheme() throws {
        let schemes = try ["scorecard-v2.json", "scorecard-v1.json", "weave.json", "scale-gp.json"].flatMap { file in
            try OpenAPISpecification.load(path: TestServer.repositoryRoot + "/openapi/" + file).credentialSchemes
        }
        XCTAssertEqual(Set(schemes.map(\.headerName)), ["Authorization", "X-API-Key", "x-api-key"])
        let headers = HTTPHeaders([
            ("Authorization", "Bearer ak_live"), ("x-api-key", "sgp"), ("X-API-Key", "v1"),
            ("authorization", "Basic YXBpOmtleQ=="), ("Accept", "application/json"), ("Proxy-Authorization", "secret"),
        ])
        let redacted = JSONWriter.encodeString(CredentialRedaction(schemes: schemes).headers(headers))
        XCTAssertEqual(
            redacted,
            #"{"Authorization":"Bearer [redacted]","x-api-key":"[redacted]","X-API-Key":"[redacted]","authorization":"Basic [redacted]","Accept":"application/json","Proxy-Authorization":"[redacted]"}"#
        )
    }

    /// A fifth API declares its key in its document only; the journal never holds it in clear.
    func testAFifthAPIsKeyIsRedactedInTheJournalFromItsDocumentAlone() throws {
        let document = #"""
            {"openapi": "3.1.0", "info": {"title": "Fifth", "version": "1"}, "paths": {},
             "components": {"securitySchemes": {"FifthKey": {"type": "apiKey", "in": "header", "name": "X-Fifth-Key"},
                                                "Session": {"type": "http", "scheme": "bearer"}}}}
            """#
        let fifth = try OpenAPISpecification(json: Array(document.utf8))
        XCTAssertEqual(fifth.credentialSchemes, [.header("X-Fifth-Key"), .bearer])
        let database = try SQLiteDatabase(path: ":memory:")
        try MigrationRunner.migrate(database, with: ControlMigrations.all)
        let journal = try RequestJournal(database: database, limit: 10, redaction: CredentialRedaction(schemes: fifth.credentialSchemes))
        let request = HTTPRequest(
            method: "GET", path: "/fifth/things",
            headers: HTTPHeaders([
                ("x-fifth-key", "fifth-secret"), ("Authorization", "Bearer session-secret"), ("Cookie", "sid=cookie-secret"),
                (ControlAccess.tokenHeader, "token-secret"), ("X-Trace", "kept"),
            ]))
        try journal.record(
            RequestJournal.Entry(
                namespace: "", api: "fifth", request: request, response: HTTPResponse(status: 200),
                durationMilliseconds: 1, forcedBy: nil))
        let entries = try journal.entries(RequestJournal.Filter(namespace: ""))
        XCTAssertEqual(entries.count, 1)
        let stored = JSONWriter.encodeString(entries[0]["requestHeaders"] ?? .null)
        XCTAssertFalse(stored.contains("secret"), stored)
        XCTAssertEqual(
            stored,
            #"{"x-fifth-key":"[redacted]","Authorization":"Bearer [redacted]","Cookie":"[redacted]","X-Evalmock-Control-Token":"[redacted]","X-Trace":"kept"}"#
        )
    }

    func testNamespaceDatabasesSitBesideTheMainOne() {
        XCTAssertEqual(NamespaceRegistry.databasePath(main: "/tmp/x/evalmock.db", namespace: "w-3"), "/tmp/x/evalmock.ns-w-3.db")
        XCTAssertEqual(NamespaceRegistry.databasePath(main: "/tmp/x/state", namespace: "a"), "/tmp/x/state.ns-a")
        XCTAssertEqual(NamespaceRegistry.databasePath(main: ":memory:", namespace: "a"), ":memory:")
    }
}
