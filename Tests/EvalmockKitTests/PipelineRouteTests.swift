import XCTest

@testable import EvalmockKit
@testable import EvalmockScorecardV2

/// What the pipeline routes to, with a small API of its own: the document's operations (501
/// without a handler) and the API's raw routes, which are routed under every mount prefix with
/// the body-size limit but without authentication or validation; bytes in, bytes out.
final class PipelineRouteTests: XCTestCase {
    private final class StorageAPI: EmulatedAPI {
        let name = "storage-test"
        let specification: OpenAPISpecification
        let mountPrefixes = ["/api", ""]
        let errorDialect: any ErrorDialect = ScorecardErrorDialect()
        let handlers: [String: OperationHandler] = [
            "getThing": { context in .json(200, .object(["prefix": .string(context.mountPrefix)])) }
        ]
        var stored: [String: [UInt8]] = [:]
        var rawRoutes: [RawRoute] {
            [
                RawRoute(method: "PUT", template: "/blobs/{token}") { [unowned self] context in
                    stored[context.pathParameters["token"]!] = context.request.body
                    return HTTPResponse(status: 200, body: Array(context.mountPrefix.utf8))
                },
                RawRoute(method: "GET", template: "/blobs/{token}") { [unowned self] context in
                    guard let bytes = stored[context.pathParameters["token"]!] else {
                        throw OperationError.notFound(resource: "Blob", id: context.pathParameters["token"]!)
                    }
                    var headers = HTTPHeaders()
                    headers.set("Content-Type", "image/png")
                    return HTTPResponse(status: 200, headers: headers, body: bytes)
                },
            ]
        }

        init() throws {
            specification = try OpenAPISpecification(
                json: Array(
                    """
                    {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/things/{id}": {"get": {
                     "operationId": "getThing", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                     "responses": {"200": {"description": "ok"}}}},
                     "/others": {"get": {"operationId": "listOthers", "responses": {"200": {"description": "ok"}}}}}}
                    """.utf8))
        }

        func authenticate(_ request: HTTPRequest) -> AuthenticationOutcome {
            request.headers["Authorization"] == nil ? .missing : .accepted
        }

        func inventory() throws -> JSONValue.JSONObject { [:] }
    }

    func testBytesGoInAndComeBackWithTheirContentTypeWithoutCredentials() throws {
        let api = try StorageAPI()
        let pipeline = RequestPipeline(apis: [api], logLevel: .warning)
        let bytes: [UInt8] = [0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]
        let put = pipeline.respond(to: HTTPRequest(method: "PUT", path: "/api/blobs/t1", body: bytes))
        XCTAssertEqual(put.status, 200)
        XCTAssertEqual(put.body, Array("/api".utf8), "the handler is told the prefix it was reached under")
        let get = pipeline.respond(to: HTTPRequest(method: "GET", path: "/blobs/t1"))
        XCTAssertEqual(get.status, 200)
        XCTAssertEqual(get.body, bytes)
        XCTAssertEqual(get.headers["Content-Type"], "image/png")
    }

    func testAThrownOperationErrorIsTheDialectsAnswer() throws {
        let response = RequestPipeline(apis: [try StorageAPI()], logLevel: .warning).respond(
            to: HTTPRequest(method: "GET", path: "/api/blobs/none"))
        XCTAssertEqual(response.status, 404)
        XCTAssertEqual(try JSONParser.parse(response.body)["message"], "Blob none not found")
    }

    func testTheBodySizeLimitHolds() throws {
        var limits = TransportLimits()
        limits.maxBodyBytes = 4
        let pipeline = RequestPipeline(apis: [try StorageAPI()], limits: limits, logLevel: .warning)
        let response = pipeline.respond(to: HTTPRequest(method: "PUT", path: "/blobs/t", body: [1, 2, 3, 4, 5]))
        XCTAssertEqual(response.status, 413)
    }

    func testOperationsStillAuthenticateAndSeeTheirMountPrefix() throws {
        let pipeline = RequestPipeline(apis: [try StorageAPI()], logLevel: .warning)
        XCTAssertEqual(pipeline.respond(to: HTTPRequest(method: "GET", path: "/api/things/1")).status, 401)
        let answered = pipeline.respond(
            to: HTTPRequest(method: "GET", path: "/api/things/1", headers: HTTPHeaders([("Authorization", "Bearer k")])))
        XCTAssertEqual(try JSONParser.parse(answered.body), .object(["prefix": "/api"]))
        let atRoot = pipeline.respond(
            to: HTTPRequest(method: "GET", path: "/things/1", headers: HTTPHeaders([("Authorization", "Bearer k")])))
        XCTAssertEqual(try JSONParser.parse(atRoot.body), .object(["prefix": ""]))
    }

    func testAnOperationWithoutAHandlerIs501InTheDialect() throws {
        let pipeline = RequestPipeline(apis: [try StorageAPI()], logLevel: .warning)
        let response = pipeline.respond(
            to: HTTPRequest(method: "GET", path: "/api/others", headers: HTTPHeaders([("Authorization", "Bearer k")])))
        XCTAssertEqual(response.status, 501)
        XCTAssertEqual(try JSONParser.parse(response.body)["code"], "NOT_IMPLEMENTED")
    }

    /// A reply waiting for a group commit that fails becomes a 500 in the dialect of the API that
    /// owns the path (here Scorecard's ApiError), whatever the reply was: a success, a 401, a 404.
    func testEveryReplyCarriesItsAPIs500ForAFailedCommit() throws {
        let pipeline = RequestPipeline(apis: [try StorageAPI()], logLevel: .warning)
        let replies = [
            pipeline.respond(to: HTTPRequest(method: "GET", path: "/api/things/1", headers: HTTPHeaders([("Authorization", "Bearer k")]))),
            pipeline.respond(to: HTTPRequest(method: "GET", path: "/api/things/1")),
            pipeline.respond(to: HTTPRequest(method: "GET", path: "/api/nowhere")),
            pipeline.respond(to: HTTPRequest(method: "PUT", path: "/blobs/t1", body: [1])),
        ]
        for reply in replies {
            let failure = try XCTUnwrap(reply.ifNotCommitted?(), "status \(reply.status)")
            XCTAssertEqual(failure.status, 500)
            XCTAssertEqual(try JSONParser.parse(failure.body)["code"], "INTERNAL_ERROR")
        }
    }

    func testSHA256KnownAnswers() {
        XCTAssertEqual(SHA256.hex([]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(
            SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }
}
