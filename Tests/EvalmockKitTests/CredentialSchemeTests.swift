import XCTest

@testable import EvalmockKit

/// Where a request carries its credential, read from the documents' security schemes: the
/// caller handlers see (`OperationContext.caller`) and the headers the journal redacts.
final class CredentialSchemeTests: XCTestCase {
    private func request(_ headers: [(String, String)]) -> HTTPRequest {
        HTTPRequest(method: "GET", path: "/", headers: HTTPHeaders(headers))
    }

    func testEachDocumentDeclaresWhereItsKeyTravels() throws {
        let schemes = try Dictionary(
            uniqueKeysWithValues: ["scorecard-v2", "scorecard-v1", "weave", "scale-gp"].map { api in
                (api, try OpenAPISpecification.load(path: TestServer.repositoryRoot + "/openapi/\(api).json").credentialSchemes)
            })
        XCTAssertEqual(schemes["scorecard-v2"], [.bearer])
        XCTAssertEqual(schemes["scorecard-v1"], [.header("X-API-Key")])
        XCTAssertEqual(schemes["weave"], [.basic, .bearer])
        XCTAssertEqual(schemes["scale-gp"], [.header("x-api-key")])
    }

    func testTheCredentialIsTheKeyWhateverTheScheme() {
        XCTAssertEqual(CredentialScheme.header("X-API-Key").credential(in: request([("x-api-key", "k1")])), "k1")
        XCTAssertEqual(CredentialScheme.bearer.credential(in: request([("Authorization", "bearer  k2 ")])), "k2")
        XCTAssertNil(CredentialScheme.bearer.credential(in: request([("Authorization", "Basic YXBpOms=")])))
        // W&B's client sends user `api` and the key as the password.
        XCTAssertEqual(CredentialScheme.basic.credential(in: request([("Authorization", "Basic YXBpOms6Mw==")])), "k:3")
        XCTAssertNil(CredentialScheme.basic.credential(in: request([("Authorization", "Basic bm9jb2xvbg==")])), "no colon, no password")
        XCTAssertEqual([CredentialScheme.basic, .bearer].credential(in: request([("Authorization", "Bearer k4")])), "k4")
        XCTAssertNil([CredentialScheme.basic, .bearer].credential(in: request([])))
    }

    /// A tiny API whose key travels in `X-Test-Key`, and whose `/open` the document exempts.
    private final class EchoAPI: EmulatedAPI {
        let name = "echo-test"
        let specification: OpenAPISpecification
        let mountPrefixes = [""]
        let errorDialect: any ErrorDialect = FastAPIErrorDialect()
        let handlers: [String: OperationHandler] = [
            "whoAmI": { .json(200, .object(["credential": .string($0.caller.credential)])) },
            "open": { .json(200, .object(["credential": .string($0.caller.credential)])) },
        ]

        init() throws {
            specification = try OpenAPISpecification(
                json: Array(
                    """
                    {"openapi": "3.1.0", "info": {"title": "echo", "version": "1"}, "security": [{"Key": []}],
                     "components": {"securitySchemes": {"Key": {"type": "apiKey", "in": "header", "name": "X-Test-Key"}}},
                     "paths": {"/me": {"get": {"operationId": "whoAmI", "responses": {"200": {"description": "ok"}}}},
                               "/open": {"get": {"operationId": "open", "security": [], "responses": {"200": {"description": "ok"}}}}}}
                    """.utf8))
        }

        func authenticate(_ request: HTTPRequest) -> AuthenticationOutcome {
            request.headers["X-Test-Key"] == nil ? .missing : .accepted
        }

        func inventory() throws -> JSONValue.JSONObject { [:] }
    }

    func testTheCallerIsTheCredentialTheAuthStepAcceptedAndAnOpenOperationNeedsNone() throws {
        let pipeline = RequestPipeline(apis: [try EchoAPI()], logLevel: .warning)
        let me = pipeline.respond(to: request([("x-test-key", "k5")]).at("/me"))
        XCTAssertEqual(try JSONParser.parse(me.body), .object(["credential": "k5"]))
        XCTAssertEqual(pipeline.respond(to: request([]).at("/me")).status, 401)
        let open = pipeline.respond(to: request([]).at("/open"))
        XCTAssertEqual(open.status, 200)
        XCTAssertEqual(try JSONParser.parse(open.body), .object(["credential": ""]))
    }
}

extension HTTPRequest {
    fileprivate func at(_ path: String) -> HTTPRequest {
        var request = self
        request.path = path
        return request
    }
}
