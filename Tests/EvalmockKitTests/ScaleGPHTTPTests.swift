import Foundation
import XCTest

@testable import EvalmockKit

/// Scale GP test case results over real HTTP: the contract of the batch endpoint and its
/// neighbours, read like the spec.
final class ScaleGPHTTPTests: XCTestCase {
    var server: TestServer!
    private let key = ["x-api-key": "sgp_test"]
    private let batchPath = "/v4/evaluations/eval-1/test-case-results/batch"

    override func setUpWithError() throws { server = try TestServer() }
    override func tearDown() { server.stop() }

    private func item(_ testCaseId: String, output: String = #""Paris.""#) -> String {
        #"{"application_spec_id":"spec-1","evaluation_dataset_version_num":"1","test_case_id":"\#(testCaseId)","test_case_evaluation_data":{"generation_output":\#(output)}}"#
    }

    private func responseSchema(_ operationId: String) throws -> CompiledSchema {
        let api = try XCTUnwrap(server.server.apis.first { $0.name == "scale-gp" })
        return try XCTUnwrap(api.specification.operation(operationId)?.responseSchemas["200"])
    }

    func testBatchAnswersOneResultPerItemInOrderWithTheVariantOfItsData() throws {
        let flexible = #"{"answer":"Paris","messages":[{"role":"user","content":"Capital?"}],"file":{"file_id":"f1","file_type":"pdf"}}"#
        let response = server.request("POST", batchPath, body: "[\(item("tc-1")),\(item("tc-2", output: flexible))]", headers: key)
        XCTAssertEqual(response.status, 200, response.text)
        let results = try XCTUnwrap(response.json.arrayValue)
        XCTAssertEqual(results.map { $0["test_case_id"] }, ["tc-1", "tc-2"])
        XCTAssertEqual(results.map { $0["test_case_evaluation_data_schema"] }, ["GENERATION", "FLEXIBLE"])
        XCTAssertEqual(results[0]["evaluation_dataset_id"], results[1]["evaluation_dataset_id"])
        XCTAssertNotEqual(results[0]["id"], results[1]["id"])
        // pydantic writes a model's fields in declaration order; the document lists them so.
        let api = try XCTUnwrap(server.server.apis.first { $0.name == "scale-gp" })
        let declared = try XCTUnwrap(api.specification.componentSchema("GenerationTestCaseResultResponse")).properties.map(\.name)
        for result in results {
            let keys = Array(try XCTUnwrap(result.objectValue).keys)
            XCTAssertEqual(keys, declared.filter(keys.contains))
        }
        XCTAssertEqual(results[0].objectValue?.keys.first, "label_status")
        let createdAt = try XCTUnwrap(results[0]["created_at"]?.stringValue)
        XCTAssertNotNil(createdAt.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z/), "pydantic's datetime: \(createdAt)")
        let schema = try responseSchema("POST-V4-/evaluations/{evaluation_id}/test-case-results/batch")
        XCTAssertEqual(SchemaValidator.validate(response.json, against: schema, at: []), [])
    }

    func testABadItemStoresNothingAndEveryProblemCarriesItsIndex() {
        let bad =
            #"{"application_spec_id":"s","evaluation_dataset_version_num":"1","test_case_evaluation_data":{"generation_output":"x","generation_extra_info":{"schema_type":"CHUNKS"}}}"#
        let response = server.request("POST", batchPath, body: "[\(item("a")),\(item("b")),\(item("c")),\(bad)]", headers: key)
        XCTAssertEqual(response.status, 422)
        let locations = response.json["detail"]?.arrayValue?.compactMap { $0["loc"] } ?? []
        XCTAssertEqual(
            locations,
            [
                ["body", 3, "test_case_id"],
                ["body", 3, "test_case_evaluation_data", "ResultSchemaGeneration", "generation_extra_info", "CHUNKS", "chunks"],
                ["body", 3, "test_case_evaluation_data", "ResultSchemaFlexible", "generation_extra_info", "CHUNKS", "chunks"],
            ])
        XCTAssertEqual(server.request("GET", "/v4/evaluations/eval-1/test-case-results", headers: key).status, 404, "nothing stored")
    }

    func testSelectedAccountBecomesTheAccountId() {
        var headers = key
        headers["x-selected-account-id"] = "acct-7"
        let response = server.request("POST", "/v4/evaluations/e/test-case-results", body: item("x"), headers: headers)
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.json["account_id"], "acct-7")
        let listed = server.request("GET", "/v4/evaluations/e/test-case-results?account_id=acct-7&limit=5", headers: key).json
        XCTAssertEqual(listed["total_item_count"], 1)
        XCTAssertEqual(listed["items_per_page"], 5)
    }

    func testMissingKeyIs401AndUnknownResultIs404() {
        let unauthorized = server.request("POST", batchPath, body: "[\(item("x"))]", headers: [:])
        XCTAssertEqual(unauthorized.status, 401)
        XCTAssertEqual(unauthorized.json, .object(["detail": "Not authenticated"]))
        _ = server.request("POST", batchPath, body: "[\(item("x"))]", headers: key)
        let missing = server.request("GET", "/v4/evaluations/eval-1/test-case-results/nope", headers: key)
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual(missing.json, .object(["detail": "Test case result nope not found"]))
    }

    func testPatchReplacesTheMembersSent() throws {
        let created = server.request("POST", batchPath, body: "[\(item("x"))]", headers: key).json.arrayValue?.first
        let id = try XCTUnwrap(created?["id"]?.stringValue)
        let patched = server.request(
            "PATCH", "/v4/evaluations/eval-1/test-case-results/\(id)", body: #"{"audit_comment":"ok","time_spent_labeling_s":"12"}"#,
            headers: key)
        XCTAssertEqual(patched.status, 200, patched.text)
        XCTAssertEqual(patched.json["audit_comment"], "ok")
        XCTAssertEqual(patched.json["created_at"], created?["created_at"])
        let read = server.request("GET", "/v4/evaluations/eval-1/test-case-results/\(id)", headers: key).json
        XCTAssertEqual(read["audit_comment"], "ok")
    }

    func testOversizedBatchGets413AndStoresNothing() throws {
        server.stop()
        server = try TestServer { $0.limits.maxBodyBytes = 4096 }
        let body = "[" + (0..<100).map { item("tc-\($0)") }.joined(separator: ",") + "]"
        let response = server.request("POST", batchPath, body: body, headers: key)
        XCTAssertEqual(response.status, 413)
        XCTAssertEqual(response.json, .object(["detail": "Request body is larger than 4096 bytes"]))
        XCTAssertEqual(server.request("GET", "/v4/evaluations/eval-1/test-case-results", headers: key).status, 404)
    }

    func testResultsSurviveARestartOnTheSameFile() throws {
        let path = NSTemporaryDirectory() + "evalmock-scale-gp-\(UUID().uuidString).db"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        server.stop()
        server = try TestServer(databasePath: path)
        let created = server.request("POST", batchPath, body: "[\(item("a")),\(item("b"))]", headers: key).json
        server.stop()
        server = try TestServer(databasePath: path)
        let listed = server.request("GET", "/v4/evaluations/eval-1/test-case-results", headers: key).json
        XCTAssertEqual(listed["items"], created)
        XCTAssertEqual(listed["current_page"], 1)
    }
}

/// Errors for requests that reach no Scale GP operation are still in FastAPI's shape.
final class ScaleGPRoutingErrorTests: XCTestCase {
    func testUnknownPathsAndMethodsUnderV4AnswerInFastAPIShape() throws {
        let server = try TestServer()
        defer { server.stop() }
        let key = ["x-api-key": "k"]
        let wrongMethod = server.request("DELETE", "/v4/evaluations/e/test-case-results", headers: key)
        XCTAssertEqual(wrongMethod.status, 405)
        XCTAssertEqual(wrongMethod.json, .object(["detail": "Method Not Allowed"]))
        let unknown = server.request("GET", "/v4/applications", headers: key)
        XCTAssertEqual(unknown.status, 404)
        XCTAssertEqual(unknown.json, .object(["detail": "Not Found"]))
        XCTAssertEqual(server.request("GET", "/nothing/here").json["code"], "NOT_FOUND", "elsewhere the first API's dialect, as before")
    }
}
