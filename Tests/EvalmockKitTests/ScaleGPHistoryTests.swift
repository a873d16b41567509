import Foundation
import XCTest

@testable import EvalmockKit
@testable import EvalmockScaleGP

/// Scale GP's result history over real HTTP, and the migration that gives results stored by an
/// older evalmock their first version.
final class ScaleGPHistoryTests: XCTestCase {
    private let key = ["x-api-key": "sgp_test"]

    func testResultsStoredBeforeTheHistoryExistedAreAtVersionOne() throws {
        let path = NSTemporaryDirectory() + "evalmock-history-\(UUID().uuidString).db"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let document = #"{"label_status":"PENDING","id":"r-old","evaluation_id":"e-old","test_case_id":"tc"}"#
        do {
            let database = try SQLiteDatabase(path: path)
            try MigrationRunner.migrate(database, with: Array(ScaleGPMigrations.all.prefix(1)))
            try database.execute("INSERT INTO scale_gp_evaluations VALUES ('e-old', 'd-old', '2026-01-01T00:00:00Z')")
            try database.statement(
                "INSERT INTO scale_gp_test_case_results (id, evaluation_id, account_id, document) VALUES ('r-old', 'e-old', 'a', ?)"
            )
            .execute([.text(document)])
        }
        let server = try TestServer(databasePath: path)
        defer { server.stop() }
        let version = server.request("GET", "/v4/evaluations/e-old/test-case-results/r-old/history/1", headers: key)
        XCTAssertEqual(version.status, 200, version.text)
        XCTAssertEqual(version.text, document)
        XCTAssertEqual(server.request("GET", "/v4/evaluations/e-old/test-case-results/r-old/history/2", headers: key).status, 404)
    }

    /// Found by schemathesis: `page` × `limit` overflowed and stopped the server.
    func testAPageFarBeyondTheHistoryIsEmptyNotACrash() throws {
        let server = try TestServer()
        defer { server.stop() }
        let created = server.request(
            "POST", "/v4/evaluations/e/test-case-results",
            body:
                #"{"application_spec_id":"s","evaluation_dataset_version_num":"1","test_case_id":"t","test_case_evaluation_data":{"generation_output":"x"}}"#,
            headers: key)
        XCTAssertEqual(created.status, 200, created.text)
        for path in ["/v4/evaluations/e/test-case-results/history/1", "/v4/evaluations/e/test-case-results"] {
            let page = server.request("GET", path + "?page=60750227558916096&limit=429", headers: key)
            XCTAssertEqual(page.status, 200, page.text)
            XCTAssertEqual(page.json["items"], .array([]))
        }
    }

    func testLenientModeCompletesAndKeepsAResultFirstReadUnderAMadeUpId() throws {
        let server = try TestServer { $0.lenient = true }
        defer { server.stop() }
        let first = server.request("GET", "/v4/evaluations/e/test-case-results/made-up", headers: key)
        XCTAssertEqual(first.status, 200, first.text)
        let api = try XCTUnwrap(server.server.apis.first { $0.name == "scale-gp" })
        let schema = try XCTUnwrap(api.specification.componentSchema("TestCaseResultResponseWithViews"))
        XCTAssertEqual(SchemaValidator.validate(first.json, against: schema, at: []), [])
        XCTAssertEqual(server.request("GET", "/v4/evaluations/e/test-case-results/made-up", headers: key).text, first.text)
        XCTAssertEqual(server.request("GET", "/v4/evaluations/e/test-case-results/made-up/history/1", headers: key).text, first.text)
    }
}
