import Foundation
import XCTest

@testable import EvalmockKit

/// The limits of `TransportLimits` and the batch limit, answered by the pipeline in the dialect
/// of the API that owns the route (Scorecard's ApiError, FastAPI's `{"detail"}`).
final class LimitAnswersTests: XCTestCase {
    var server: TestServer!
    var pipeline: RequestPipeline!

    override func setUpWithError() throws {
        server = try TestServer { configuration in
            configuration.limits.maxURIBytes = 200
            configuration.limits.maxHeaderBytes = 600
        }
        var limits = TransportLimits()
        limits.maxURIBytes = 200
        limits.maxHeaderBytes = 600
        pipeline = RequestPipeline(apis: server.server.apis, limits: limits, maxBatchItems: 2, logLevel: .warning)
    }

    override func tearDown() {
        server.stop()
    }

    func testLongURIIs414InScorecardsApiError() {
        let response = server.request("GET", "/api/v2/runs/1/records?pad=" + String(repeating: "x", count: 200))
        XCTAssertEqual(response.status, 414)
        XCTAssertEqual(response.json["code"], "URI_TOO_LONG")
        XCTAssertEqual(response.json["details"], .object(["limitBytes": .int(200)]))
    }

    func testLargeHeadersAre431InFastAPIsDetail() {
        let response = server.request(
            "GET", "/v4/evaluations/e/test-case-results", headers: ["x-api-key": "k", "X-Pad": String(repeating: "p", count: 700)])
        XCTAssertEqual(response.status, 431)
        XCTAssertEqual(response.json, .object(["detail": "Request header fields are larger than 600 bytes"]))
    }

    func testAConnectionOverTheLimitIs503InTheRoutesDialect() {
        var request = HTTPRequest(method: "GET", path: "/v1/run/1", headers: HTTPHeaders([("X-API-Key", "k")]))
        request.exceededLimit = .connections(limit: 7)
        let response = pipeline.respond(to: request)
        XCTAssertEqual(response.status, 503)
        XCTAssertEqual(response.headers["Connection"], "close")
        XCTAssertEqual(try JSONParser.parse(response.body), .object(["detail": "Too many open connections (limit 7); retry later"]))
    }

    func testABatchOverTheItemLimitIs413AfterValidation() throws {
        let item =
            #"{"application_spec_id":"s","evaluation_dataset_version_num":"1","test_case_id":"t","test_case_evaluation_data":{"generation_output":"x"}}"#
        let request = { (count: Int) in
            HTTPRequest(
                method: "POST", path: "/v4/evaluations/e/test-case-results/batch", headers: HTTPHeaders([("x-api-key", "k")]),
                body: Array(("[" + Array(repeating: item, count: count).joined(separator: ",") + "]").utf8))
        }
        let tooMany = pipeline.respond(to: request(3))
        XCTAssertEqual(tooMany.status, 413)
        XCTAssertEqual(try JSONParser.parse(tooMany.body), .object(["detail": "Batch of 3 items is larger than the limit of 2 items"]))
        XCTAssertEqual(pipeline.respond(to: request(2)).status, 200)
        let invalid = HTTPRequest(
            method: "POST", path: "/v4/evaluations/e/test-case-results/batch", headers: HTTPHeaders([("x-api-key", "k")]),
            body: Array("[{},{},{}]".utf8))
        XCTAssertEqual(
            pipeline.respond(to: invalid).status, 422, "invalid items are reported first, as FastAPI validates before the handler")
    }

    func testEachLimitHasItsStatus() {
        XCTAssertEqual(ExceededLimit.headerBytes(limit: 1).status, 431)
        XCTAssertEqual(ExceededLimit.uriBytes(limit: 1).status, 414)
        XCTAssertEqual(ExceededLimit.batchItems(count: 2, limit: 1).status, 413)
        XCTAssertEqual(ExceededLimit.connections(limit: 1).status, 503)
    }
}
