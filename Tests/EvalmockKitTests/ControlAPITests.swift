import XCTest

@testable import EvalmockKit

/// The control API (`/_evalmock/`) as its document `openapi/control/evalmock-control.json`
/// describes it: every operation routed to its handler, every answer checked against the
/// document (`--check-responses`), the health check open whatever the token.
final class ControlAPITests: XCTestCase {
    private var server: TestServer!

    override func setUpWithError() throws {
        server = try TestServer {
            $0.checkResponses = true; $0.controlAccess = ControlAccess(token: "t0ken")
        }
    }

    override func tearDown() {
        server.stop()
    }

    private var controlDocument: OpenAPISpecification {
        get throws { try OpenAPISpecification.load(path: TestServer.repositoryRoot + "/openapi/" + ControlAPI.documentPath) }
    }

    /// One valid call per operation, in an order that leaves each something to act on; the
    /// operations of the document and of this list must be the same.
    func testEveryOperationOfTheDocumentIsRoutedToItsHandlerAndAnswersWithinItsSchema() throws {
        let token = [ControlAccess.tokenHeader: "t0ken"]
        let snapshot = server.request("GET", "/_evalmock/export", headers: token).text
        let calls: [(operationId: String, method: String, path: String, body: String?, status: Int)] = [
            ("getHealth", "GET", "/health", nil, 200),
            ("headHealth", "HEAD", "/health", nil, 200),
            ("resetState", "POST", "/reset", #"{"api": "scorecard-v2", "run": 135}"#, 200),
            ("listJournalEntries", "GET", "/journal?limit=5&status=201", nil, 200),
            ("clearJournal", "DELETE", "/journal", nil, 200),
            ("createFaultRule", "POST", "/faults", #"{"path": "/x/**", "status": 503, "retryAfter": 2, "times": null}"#, 201),
            ("listFaultRules", "GET", "/faults", nil, 200),
            ("deleteFaultRule", "DELETE", "/faults/{ruleId}", nil, 200),
            ("clearFaultRules", "DELETE", "/faults", nil, 200),
            ("exportState", "GET", "/export", nil, 200),
            ("importState", "POST", "/import", snapshot, 200),
            ("listNamespaces", "GET", "/namespaces", nil, 200),
        ]
        let operations = try controlDocument.operations
        XCTAssertEqual(Set(operations.map(\.operationId)), Set(calls.map(\.operationId)))
        var ruleId = ""
        for call in calls {
            let operation = try XCTUnwrap(operations.first { $0.operationId == call.operationId })
            XCTAssertEqual(operation.method, call.method, call.operationId)
            XCTAssertEqual(
                operation.template.mounted(under: "/_evalmock").description, "/_evalmock" + call.path.split(separator: "?")[0],
                call.operationId)
            let path = "/_evalmock" + call.path.replacingOccurrences(of: "{ruleId}", with: ruleId)
            let response = server.request(call.method, path, body: call.body, headers: token)
            XCTAssertEqual(response.status, call.status, "\(call.operationId): \(response.text)")
            if call.operationId == "createFaultRule" { ruleId = response.json["id"]?.numberText ?? "" }
        }
    }

    func testTheHealthCheckNeedsNoTokenAndTheOtherEndpointsDo() {
        XCTAssertEqual(server.request("GET", "/_evalmock/health", headers: [:]).status, 200)
        let missing = server.request("GET", "/_evalmock/namespaces", headers: [:])
        XCTAssertEqual(missing.status, 401)
        XCTAssertEqual(missing.json["error"], "unauthorized")
        XCTAssertEqual(server.request("GET", "/_evalmock/namespaces", headers: [ControlAccess.tokenHeader: "other"]).status, 401)
    }

    func testUnknownEndpointsAndMethodsAreTheControlAPIs404And405() {
        let unknown = server.request("GET", "/_evalmock/nothing", headers: [:])
        XCTAssertEqual(unknown.status, 404)
        XCTAssertEqual(unknown.json, .object(["error": "not_found", "message": "No evalmock control endpoint GET /_evalmock/nothing"]))
        let wrongMethod = server.request("PUT", "/_evalmock/journal", headers: [:])
        XCTAssertEqual(wrongMethod.status, 405)
        XCTAssertEqual(wrongMethod.headers["allow"], "DELETE, GET")
    }
}

extension JSONValue {
    fileprivate var numberText: String? {
        if case .number(let number) = self { return number.lexeme }
        return nil
    }
}
