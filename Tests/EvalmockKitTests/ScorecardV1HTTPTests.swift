import Foundation
import XCTest

@testable import EvalmockKit

/// Scorecard v1 runs and testrecords over real HTTP, with the repository's fixtures loaded.
/// (The real v1 client is exercised in Tests/sdk/test_scorecard_v1.py.)
final class ScorecardV1HTTPTests: XCTestCase {
    var server: TestServer!
    private let key = ["X-API-Key": "ak_test"]
    private static let fixtures = TestServer.repositoryRoot + "/fixtures"

    override func setUpWithError() throws {
        server = try TestServer { $0.fixturesDirectory = Self.fixtures }
    }
    override func tearDown() { server.stop() }

    func testTheSeedExampleComesBackByteForByte() {
        let response = server.request("GET", "/v1/run/334/testrecord/15", headers: key)
        XCTAssertEqual(response.status, 200)
        XCTAssertTrue(response.text.hasPrefix(#"{"id":15,"created_at":"2025-02-06T00:05:50.146678","run_id":334,"#), response.text)
        XCTAssertTrue(
            response.text.contains(#""model_debug_info":{"completion_token_count":92,"latency_seconds":3.23607873916626,"#), response.text)
    }

    func testCreatedValuesKeepTheirTextAndResponseBecomesModelResponse() {
        let run = server.request("POST", "/v1/run", body: #"{"testset_id":13}"#, headers: key).json
        guard case .number(let runId)? = run["id"] else { return XCTFail("no run id: \(run)") }
        let body =
            #"{"response":"日本","model_debug_info":{"total_cost":1.50,"latency_seconds":2e-3},"custom_inputs":{"b":"1","a":{"value":[1,2]}}}"#
        let created = server.request("POST", "/v1/run/\(runId)/testrecord", body: body, headers: key)
        XCTAssertEqual(created.status, 200)
        XCTAssertTrue(created.text.contains(#""model_response":"日本""#), created.text)
        XCTAssertTrue(created.text.contains(#""custom_inputs":{"b":"1","a":{"value":[1,2]}}"#), created.text)
        XCTAssertTrue(created.text.contains(#""model_debug_info":{"total_cost":1.50,"latency_seconds":2e-3}"#), created.text)
        XCTAssertNil(created.json["response"])
        let createdAt = created.json["created_at"]?.stringValue ?? ""
        XCTAssertNotNil(createdAt.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$"#, options: .regularExpression), createdAt)
    }

    func testIdsBeyondSixtyFourBits() {
        let path = server.request("GET", "/v1/run/99999999999999999999/testrecord/15", headers: key)
        XCTAssertEqual(path.status, 404)
        XCTAssertEqual(path.json["error"], "not found")
        // Valid JSON Schema, but no column holds it: a fault, as in the service's database, and nothing stored.
        let body = server.request("POST", "/v1/run", body: #"{"testset_id":12345678901234567890}"#, headers: key)
        XCTAssertEqual(body.status, 500)
        XCTAssertEqual(body.json, .object(["detail": "Internal Server Error"]))
        XCTAssertEqual(server.request("GET", "/v1/run/336", headers: key).status, 404)
    }

    func testUnknownRoutesGetTheDialectOfThePrefixTheyFallUnder() {
        XCTAssertEqual(server.request("GET", "/v1/testset/1", headers: key).json, .object(["detail": "Not Found"]))
        XCTAssertEqual(server.request("GET", "/nowhere/1", headers: key).json["code"], "NOT_FOUND")
    }
}

/// Keys, fixtures and restarts: what needs its own server configuration.
final class ScorecardV1ConfigurationTests: XCTestCase {
    func testARefusedKeyIsA403ForV1AndStillA401ForV2() throws {
        let server = try TestServer { $0.apiKeys = ["ak_good"] }
        defer { server.stop() }
        let v1 = server.request("GET", "/v1/run/1", headers: ["X-API-Key": "ak_bad"])
        XCTAssertEqual(v1.status, 403)
        XCTAssertEqual(
            v1.text,
            #"{"error":"unauthorized","error_description":"The user is not authorized to view the requsted resource","status_code":403}"#)
        XCTAssertEqual(server.request("GET", "/v1/run/1", headers: [:]).status, 401)
        XCTAssertEqual(server.request("GET", "/v1/run/1", headers: ["X-API-Key": "ak_good"]).status, 404)
        XCTAssertEqual(server.request("GET", "/runs/1/records", headers: ["Authorization": "Bearer ak_bad"]).status, 401)
    }

    func testLoadingTheFixturesTwiceKeepsOneCopy() throws {
        let database = NSTemporaryDirectory() + "evalmock-v1-fixtures-\(UUID().uuidString).db"
        defer { try? FileManager.default.removeItem(atPath: database) }
        for _ in 0..<2 {
            let server = try TestServer(databasePath: database) { $0.fixturesDirectory = TestServer.repositoryRoot + "/fixtures" }
            XCTAssertEqual(server.server.loadedFixtures, ["scorecard-v1: 2 runs, 6 testrecords from 2 files"])
            server.stop()
        }
        let check = try SQLiteDatabase(path: database)
        XCTAssertEqual(try check.statement("SELECT COUNT(*) FROM scorecard_v1_testrecords").scalarInt(), 6)
        XCTAssertEqual(try check.statement("SELECT COUNT(*) FROM scorecard_v1_runs").scalarInt(), 2)
    }

    func testAMissingFixturesDirectoryStopsStartUp() {
        XCTAssertThrowsError(try TestServer { $0.fixturesDirectory = "/nonexistent/fixtures" }) { error in
            XCTAssertEqual(String(describing: error), "fixture /nonexistent/fixtures: not a directory")
        }
    }
}
