import Foundation
import XCTest

@testable import EvalmockKit

/// What libevent 2.1 would answer by itself with an HTML page: unknown methods, broken request
/// lines and headers, heads and bodies past the point where it stops reading. Each is answered
/// in the dialect of the API owning the path, or in the control API's `{error, message}`
/// without a path; sent as raw bytes, since no HTTP client sends them.
final class UnreadableRequestTests: XCTestCase {
    var server: TestServer!

    /// libevent stops reading a head at 4 x max(600, 200) = 2400 bytes, a body at 4 x 1000.
    override func setUpWithError() throws {
        server = try TestServer { configuration in
            configuration.limits.maxURIBytes = 200
            configuration.limits.maxHeaderBytes = 600
            configuration.limits.maxBodyBytes = 1000
        }
    }

    override func tearDown() {
        server.stop()
    }

    private func exchange(_ request: String) throws -> (RawConnection, RawConnection.Response) {
        let connection = try RawConnection(port: server.port)
        connection.send(request)
        let response = try XCTUnwrap(connection.readResponse(), "no answer to \(request.prefix(60))")
        XCTAssertEqual(response.headers["content-type"], "application/json")
        return (connection, response)
    }

    /// The answer closes the connection, and the server goes on serving others.
    private func assertClosedAndServing(
        _ connection: RawConnection, _ response: RawConnection.Response,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        XCTAssertEqual(response.headers["connection"], "close", file: file, line: line)
        XCTAssertTrue(connection.isClosedByServer(), file: file, line: line)
        let (_, health) = try exchange("GET /_evalmock/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        XCTAssertEqual(health.status, 200, file: file, line: line)
    }

    func testLibeventsErrorPagesReachEvalmock() {
        XCTAssertTrue(LibeventErrorPages.interposed, "the executable's evhttp_send_error must take the place of libevent's")
    }

    // MARK: Methods libevent does not know

    func testAnUnknownMethodOnAScorecardRouteIs405WithAllowInApiError() throws {
        let (_, response) = try exchange("QUERY /api/v2/runs/1/records HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(response.status, 405)
        XCTAssertEqual(response.headers["allow"], "GET, POST")
        XCTAssertEqual(
            response.json,
            .object([
                "code": "METHOD_NOT_ALLOWED", "message": "QUERY is not allowed on /api/v2/runs/1/records",
                "details": .object(["allowed": .array(["GET", "POST"])]),
            ]))
    }

    func testAnUnknownMethodOnAFastAPIRouteIs405WithTheAllowOfAnyOtherMethod() throws {
        for path in ["/v1/run/1", "/v2/team/proj/scores", "/v4/evaluations/e/test-case-results"] {
            let (_, trace) = try exchange("TRACE \(path) HTTP/1.1\r\nHost: x\r\n\r\n")
            let (_, response) = try exchange("PROPFIND \(path) HTTP/1.1\r\nHost: x\r\n\r\n")
            XCTAssertEqual(response.status, 405, path)
            XCTAssertEqual(response.headers["allow"], trace.headers["allow"], path)
            XCTAssertNotNil(response.headers["allow"], path)
            XCTAssertEqual(response.json, .object(["detail": "Method Not Allowed"]), path)
        }
    }

    func testAnUnknownMethodOnAControlEndpointIsTheControlAPIs405() throws {
        let (_, response) = try exchange("QUERY /_evalmock/health HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(response.status, 405)
        XCTAssertEqual(response.headers["allow"], "GET, HEAD")
        XCTAssertEqual(response.json, .object(["error": "method_not_allowed", "message": "QUERY is not allowed on /_evalmock/health"]))
    }

    func testAConnectionGoesOnAfterAnUnknownMethodPipelinedOrNot() throws {
        let (connection, first) = try exchange("QUERY /api/v2/runs/1/records HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(first.status, 405)
        XCTAssertNil(first.headers["connection"])
        connection.send(
            "GET /_evalmock/health HTTP/1.1\r\nHost: x\r\n\r\nSEARCH /v1/run/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /_evalmock/health HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        XCTAssertEqual(connection.readResponse()?.status, 200)
        let search = try XCTUnwrap(connection.readResponse())
        XCTAssertEqual(search.status, 405)
        XCTAssertEqual(search.json, .object(["detail": "Method Not Allowed"]))
        XCTAssertEqual(connection.readResponse()?.status, 200)
    }

    /// libevent reads no body for a method it does not know: the body must not become the
    /// next request line.
    func testAnUnknownMethodWithABodyIsAnsweredAndTheConnectionClosed() throws {
        let (connection, response) = try exchange(
            "QUERY /api/v2/runs/1/records HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET /_evalmock/health HTTP/1.1\r\n\r\n")
        XCTAssertEqual(response.status, 405)
        try assertClosedAndServing(connection, response)
    }

    // MARK: Request lines

    func testAMalformedRequestLineIsTheControlAPIs400() throws {
        for line in ["GARBAGE", "GET /only-two-parts", "", "GET /a\tHTTP/1.1"] {
            let (connection, response) = try exchange(line + "\r\nHost: x\r\n\r\n")
            XCTAssertEqual(response.status, 400, line)
            XCTAssertEqual(response.statusLine, "HTTP/1.1 400 Bad Request", line)
            XCTAssertEqual(response.json, .object(["error": "malformed_request_line", "message": "Malformed request line"]), line)
            try assertClosedAndServing(connection, response)
        }
    }

    /// libevent passes on any word as a method; one that is not a token is a malformed line.
    func testAMethodThatIsNotATokenIs400InTheDialectOfThePath() throws {
        let (connection, scorecard) = try exchange("GE(T /api/v2/runs/1/records HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(scorecard.status, 400)
        XCTAssertEqual(
            scorecard.json,
            .object([
                "code": "BAD_REQUEST", "message": "Malformed request line: the method is not a token",
                "details": .object([:]),
            ]))
        try assertClosedAndServing(connection, scorecard)
        let (_, weave) = try exchange("G\u{7f}T /v2/team/proj/scores HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(weave.json, .object(["detail": "Malformed request line: the method is not a token"]))
    }

    func testAnHTTPVersionAbove1Is400InTheDialectOfThePath() throws {
        let (connection, scorecard) = try exchange("GET /api/v2/runs/1/records HTTP/2.0\r\nHost: x\r\n\r\n")
        XCTAssertEqual(scorecard.status, 400)
        XCTAssertEqual(scorecard.statusLine, "HTTP/1.1 400 Bad Request")
        XCTAssertEqual(
            scorecard.json, .object(["code": "BAD_REQUEST", "message": "Unsupported HTTP version 'HTTP/2.0'", "details": .object([:])]))
        try assertClosedAndServing(connection, scorecard)
        let (_, scaleGP) = try exchange("POST /v4/evaluations/e/test-case-results HTTP/3 \r\nHost: x\r\n\r\n")
        XCTAssertEqual(scaleGP.json, .object(["detail": "Unsupported HTTP version 'HTTP/3'"]))
        let (_, control) = try exchange("GET /_evalmock/health HTTP/x.y\r\n\r\n")
        XCTAssertEqual(control.json, .object(["error": "malformed_request_line", "message": "Unsupported HTTP version 'HTTP/x.y'"]))
    }

    /// libevent takes HTTP/1.2 as a version 1 it can serve.
    func testHTTP12IsServed() throws {
        let (_, response) = try exchange("GET /_evalmock/health HTTP/1.2\r\nHost: x\r\nConnection: close\r\n\r\n")
        XCTAssertEqual(response.status, 200)
    }

    func testARequestLinePastLibeventsCeilingIs414InTheDialectOfItsPath() throws {
        let query = String(repeating: "q", count: 3000)
        let (connection, scorecard) = try exchange("GET /api/v2/runs/1/records?\(query) HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(scorecard.status, 414)
        XCTAssertEqual(
            scorecard.json,
            .object([
                "code": "URI_TOO_LONG", "message": "Request URI is longer than 200 bytes",
                "details": .object(["limitBytes": .int(200)]),
            ]))
        try assertClosedAndServing(connection, scorecard)
        // Never ended: libevent gives up once the ceiling is passed.
        let (_, weave) = try exchange("GET /v2/team/proj/scores/" + String(repeating: "w", count: 3000))
        XCTAssertEqual(weave.status, 414)
        XCTAssertEqual(weave.json, .object(["detail": "Request URI is longer than 200 bytes"]))
        let (_, noPath) = try exchange(String(repeating: "z", count: 3000))
        XCTAssertEqual(noPath.json, .object(["error": "uri_too_long", "message": "Request URI is longer than 200 bytes"]))
    }

    // MARK: Header fields

    func testAMalformedHeaderLineIs400InTheDialect() throws {
        let (connection, scorecard) = try exchange("GET /api/v2/runs/1/records HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n")
        XCTAssertEqual(scorecard.status, 400)
        XCTAssertEqual(scorecard.json, .object(["code": "BAD_REQUEST", "message": "Malformed header line", "details": .object([:])]))
        try assertClosedAndServing(connection, scorecard)
        let (_, scorecardV1) = try exchange("GET /v1/run/1 HTTP/1.1\r\nHost x\r\n\r\n")
        XCTAssertEqual(scorecardV1.json, .object(["detail": "Malformed header line"]))
        let (_, control) = try exchange("GET /_evalmock/health HTTP/1.1\r\nHost x\r\n\r\n")
        XCTAssertEqual(control.json, .object(["error": "malformed_header", "message": "Malformed header line"]))
    }

    func testAnInvalidContentLengthIs400InTheDialect() throws {
        let (connection, response) = try exchange(
            "POST /v4/evaluations/e/test-case-results HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n")
        XCTAssertEqual(response.status, 400)
        XCTAssertEqual(response.json, .object(["detail": "Content-Length '-1' is not a number of bytes"]))
        try assertClosedAndServing(connection, response)
    }

    func testHeaderFieldsPastLibeventsCeilingAre431InTheDialect() throws {
        let padding = String(repeating: "p", count: 3000)
        let (connection, scorecard) = try exchange("GET /api/v2/runs/1/records HTTP/1.1\r\nHost: x\r\nX-Pad: \(padding)\r\n\r\n")
        XCTAssertEqual(scorecard.status, 431)
        XCTAssertEqual(
            scorecard.json,
            .object([
                "code": "REQUEST_HEADER_FIELDS_TOO_LARGE", "message": "Request header fields are larger than 600 bytes",
                "details": .object(["limitBytes": .int(600)]),
            ]))
        try assertClosedAndServing(connection, scorecard)
        // Many small fields, the last one never ended.
        let fields = (0..<400).map { "X-F\($0): \($0)" }.joined(separator: "\r\n")
        let (_, scaleGP) = try exchange("GET /v4/evaluations/e/test-case-results HTTP/1.1\r\n\(fields)")
        XCTAssertEqual(scaleGP.status, 431)
        XCTAssertEqual(scaleGP.json, .object(["detail": "Request header fields are larger than 600 bytes"]))
    }

    func testAnExpectOtherThan100ContinueIs417InTheDialect() throws {
        let (connection, response) = try exchange(
            "POST /api/v2/runs/1/records HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\nContent-Length: 2\r\n\r\n{}")
        XCTAssertEqual(response.status, 417)
        XCTAssertEqual(response.json, .object(["code": "EXPECTATION_FAILED", "message": "Expectation Failed", "details": .object([:])]))
        try assertClosedAndServing(connection, response)
    }

    // MARK: Bodies

    func testABodyFarPastTheLimitIs413InTheDialectAndNothingIsStored() throws {
        let body = String(repeating: " ", count: 100)
        let (connection, scorecard) = try exchange(
            "POST /api/v2/runs/far/records HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nContent-Length: 1000000000\r\n\r\n\(body)")
        XCTAssertEqual(scorecard.status, 413)
        XCTAssertEqual(
            scorecard.json,
            .object([
                "code": "PAYLOAD_TOO_LARGE", "message": "Request body is larger than 1000 bytes",
                "details": .object(["limitBytes": .int(1000)]),
            ]))
        try assertClosedAndServing(connection, scorecard)
        let (_, weave) = try exchange("POST /v2/team/proj/scores HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n100000\r\n")
        XCTAssertEqual(weave.status, 413)
        XCTAssertEqual(weave.json, .object(["detail": "Request body is larger than 1000 bytes"]))
        let records = server.request("GET", "/api/v2/runs/far/records")
        XCTAssertEqual(records.json["data"], .array([]))
    }

    // MARK: What is read of the request line

    func testTheRequestLineGivesItsMethodAndPath() {
        let line = RequestLine(bytes: Array("QUERY http://h:1/api/v2/runs?x=1 HTTP/1.1".utf8), complete: true)
        XCTAssertEqual(line.method, "QUERY")
        XCTAssertEqual(line.path, "/api/v2/runs")
        XCTAssertNil(line.problem)
        let partial = RequestLine(bytes: Array("GET /v1/run/1?pad=ppp".utf8), complete: false)
        XCTAssertEqual(partial.path, "/v1/run/1")
        XCTAssertEqual(RequestLine(bytes: Array("GET /a HTTP/1.1x".utf8), complete: true).problem, "Unsupported HTTP version 'HTTP/1.1x'")
        XCTAssertEqual(RequestLine(bytes: Array("GET /a HTTP/0.9".utf8), complete: true).problem, nil)
        XCTAssertEqual(RequestLine(bytes: Array("GE(T /a HTTP/1.1".utf8), complete: true).method, nil)
    }
}
