import Foundation
import XCTest

@testable import EvalmockKit

/// The Scorecard v2 Record endpoints over real HTTP: the contract, read like the spec.
final class ScorecardV2HTTPTests: XCTestCase {
    var server: TestServer!

    override func setUpWithError() throws { server = try TestServer() }
    override func tearDown() { server.stop() }

    private let createBody =
        #"{"testcaseId":"248","inputs":{"question":"What is the capital of France?"},"expected":{"idealAnswer":"Paris"},"outputs":{"response":"Paris."}}"#

    func testCreateRecordAnswers201WithTheRecordUnderBothMounts() {
        for prefix in ["/api/v2", ""] {
            let response = server.request("POST", "\(prefix)/runs/135/records", body: createBody)
            XCTAssertEqual(response.status, 201)
            XCTAssertEqual(response.headers["content-type"], "application/json")
            let record = response.json
            XCTAssertEqual(record["runId"], "135")
            XCTAssertEqual(record["testcaseId"], "248")
            XCTAssertEqual(record["inputs"], .object(["question": "What is the capital of France?"]))
            XCTAssertNotNil(record["id"]?.stringValue)
        }
    }

    func testRecordEchoesValuesFaithfully() {
        let body =
            #"{"inputs":{"z":1.50,"a":"日本\u00e9","n":null,"big":12345678901234567890},"expected":{},"outputs":{"list":[true,{"b":1,"a":2}]},"sessionId":"s-1","otelLinkId":"o-1"}"#
        let response = server.request("POST", "/runs/r1/records", body: body)
        XCTAssertEqual(response.status, 201)
        XCTAssertTrue(response.text.contains(#""inputs":{"z":1.50,"a":"日本é","n":null,"big":12345678901234567890}"#), response.text)
        XCTAssertTrue(response.text.contains(#""outputs":{"list":[true,{"b":1,"a":2}]}"#), response.text)
        XCTAssertEqual(response.json["sessionId"], "s-1")
        XCTAssertEqual(response.json["otelLinkId"], "o-1")
    }

    func testIdsAreUniqueAcrossRuns() {
        let first = server.request("POST", "/runs/a/records", body: createBody).json["id"]
        let second = server.request("POST", "/runs/b/records", body: createBody).json["id"]
        XCTAssertNotEqual(first, second)
    }

    func testEachMissingRequiredFieldIsReported() {
        for field in ["inputs", "expected", "outputs"] {
            var object = try! JSONParser.parse(createBody).objectValue!
            object.removeValue(forKey: field)
            let response = server.request("POST", "/runs/1/records", body: JSONWriter.encodeString(.object(object)))
            XCTAssertEqual(response.status, 400, field)
            XCTAssertEqual(response.json["code"], "BAD_REQUEST")
            XCTAssertEqual(
                response.json["details"]?["errors"], .array([.object(["path": .string(field), "in": "body", "message": "is required"])]))
        }
    }

    func testWrongTypesAreReportedTogether() {
        let response = server.request(
            "POST", "/runs/1/records", body: #"{"inputs":[],"expected":"x","outputs":{},"testcaseId":5,"sessionId":""}"#)
        XCTAssertEqual(response.status, 400)
        let paths = response.json["details"]?["errors"]?.arrayValue?.compactMap { $0["path"]?.stringValue }
        XCTAssertEqual(paths, ["inputs", "expected", "testcaseId", "sessionId"])
    }

    func testMalformedAndNonObjectBodies() {
        XCTAssertEqual(server.request("POST", "/runs/1/records", body: #"{"inputs":"#).status, 400)
        XCTAssertEqual(server.request("POST", "/runs/1/records", body: "[]").status, 400)
        XCTAssertEqual(server.request("POST", "/runs/1/records", body: "").json["details"]?["errors"]?.arrayValue?.first?["in"], "body")
    }

    func testAuthenticationIsRequired() {
        for headers in [[:], ["Authorization": "Bearer "], ["Authorization": "Basic abc"], ["authorization": "token"]] {
            let response = server.request("POST", "/runs/1/records", body: createBody, headers: headers)
            XCTAssertEqual(response.status, 401, "\(headers)")
            XCTAssertEqual(
                response.json,
                .object(["code": "UNAUTHORIZED", "message": "Invalid or missing authentication token", "details": .object([:])]))
        }
        XCTAssertEqual(
            server.request("POST", "/runs/1/records", body: createBody, headers: ["authorization": "bearer lower-case"]).status, 201)
    }

    func testConfiguredKeysAreEnforced() throws {
        server.stop()
        server = try TestServer { $0.apiKeys = ["ak_good"] }
        XCTAssertEqual(server.request("POST", "/runs/1/records", body: createBody, headers: ["Authorization": "Bearer ak_bad"]).status, 401)
        XCTAssertEqual(
            server.request("POST", "/runs/1/records", body: createBody, headers: ["Authorization": "Bearer ak_good"]).status, 201)
    }

    func testListPagesWithCursorAndLimit() {
        for i in 0..<25 {
            _ = server.request("POST", "/runs/p/records", body: #"{"inputs":{"i":\#(i)},"expected":{},"outputs":{}}"#)
        }
        _ = server.request("POST", "/runs/other/records", body: createBody)
        let first = server.request("GET", "/api/v2/runs/p/records").json
        XCTAssertEqual(first["data"]?.arrayValue?.count, 20, "default limit is 20")
        XCTAssertEqual(first["hasMore"], true)
        XCTAssertEqual(first["total"], 25)
        XCTAssertEqual(first["data"]?.arrayValue?.first?["scores"], .array([]))
        let cursor = first["nextCursor"]!.stringValue!
        let second = server.request("GET", "/api/v2/runs/p/records?limit=20&cursor=\(cursor)").json
        XCTAssertEqual(second["data"]?.arrayValue?.count, 5)
        XCTAssertEqual(second["hasMore"], false)
        XCTAssertEqual(second["nextCursor"], .null)
        let inputs = (first["data"]!.arrayValue! + second["data"]!.arrayValue!).map { $0["inputs"]!["i"]! }
        XCTAssertEqual(inputs, (0..<25).map { .int($0) })
    }

    func testListRejectsBadQueryParameters() {
        for query in ["limit=0", "limit=101", "limit=abc", "cursor=xyz"] {
            let response = server.request("GET", "/runs/p/records?\(query)")
            XCTAssertEqual(response.status, 400, query)
            XCTAssertEqual(response.json["details"]?["errors"]?.arrayValue?.first?["in"], "query", query)
        }
        XCTAssertEqual(server.request("GET", "/runs/p/records?limit=100").status, 200)
    }

    func testListOfAnUnknownRunIsEmpty() {
        let response = server.request("GET", "/runs/never/records")
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.json["data"], .array([]))
    }

    func testTagsFilterWithAndSemantics() {
        let a = server.request("POST", "/runs/t/records", body: createBody).json["id"]!.stringValue!
        let b = server.request("POST", "/runs/t/records", body: createBody).json["id"]!.stringValue!
        XCTAssertEqual(server.request("POST", "/records/\(a)/tags", body: #"{"text":"urgent"}"#).status, 201)
        XCTAssertEqual(server.request("POST", "/records/\(a)/tags", body: #"{"text":"env:prod"}"#).status, 201)
        XCTAssertEqual(server.request("POST", "/records/\(b)/tags", body: #"{"text":"urgent"}"#).status, 201)
        let repeated = server.request("POST", "/records/\(b)/tags", body: #"{"text":"urgent"}"#)
        XCTAssertEqual(repeated.json["recordId"]?.stringValue, b)
        func ids(_ query: String) -> [String] {
            server.request("GET", "/runs/t/records?\(query)").json["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        }
        XCTAssertEqual(ids("tags=urgent"), [a, b])
        XCTAssertEqual(ids("tags=urgent&tags=env:prod"), [a])
        XCTAssertEqual(ids("tags=missing"), [])
        XCTAssertEqual(server.request("GET", "/records/\(a)/tags").json["data"]?.arrayValue?.count, 2)
        XCTAssertEqual(server.request("DELETE", "/records/\(a)/tags/urgent").json, .object(["deleted": 1]))
        XCTAssertEqual(server.request("DELETE", "/records/\(a)/tags/urgent").json, .object(["deleted": 0]))
        XCTAssertEqual(server.request("POST", "/records/999999/tags", body: #"{"text":"x"}"#).status, 404)
    }

    func testDeleteIsIdempotent() {
        let id = server.request("POST", "/runs/d/records", body: createBody).json["id"]!.stringValue!
        for _ in 0..<2 {
            let response = server.request("DELETE", "/api/v2/records/\(id)")
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(response.json, .object(["success": true]))
        }
        XCTAssertEqual(server.request("DELETE", "/records/unknown").json, .object(["success": true]))
        XCTAssertEqual(server.request("GET", "/runs/d/records").json["data"], .array([]))
    }

    func testRoutingErrorsUseApiError() {
        let unknown = server.request("GET", "/api/v2/nope")
        XCTAssertEqual(unknown.status, 404)
        XCTAssertEqual(unknown.json["code"], "NOT_FOUND")
        let wrongMethod = server.request("PUT", "/runs/1/records")
        XCTAssertEqual(wrongMethod.status, 405)
        XCTAssertEqual(wrongMethod.headers["allow"], "GET, POST")
    }

    func testOversizedBodyGets413() throws {
        server.stop()
        server = try TestServer { $0.limits.maxBodyBytes = 1024 }
        let big = #"{"inputs":{"x":""# + String(repeating: "a", count: 2000) + #""},"expected":{},"outputs":{}}"#
        let response = server.request("POST", "/runs/1/records", body: big)
        XCTAssertEqual(response.status, 413)
        XCTAssertEqual(response.json["code"], "PAYLOAD_TOO_LARGE")
        XCTAssertEqual(server.request("GET", "/runs/1/records").json["data"], .array([]), "nothing stored")
    }

    func testRecordsSurviveARestartOnTheSameFile() throws {
        let path = NSTemporaryDirectory() + "evalmock-restart-\(UUID().uuidString).db"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        server.stop()
        server = try TestServer(databasePath: path)
        let id = server.request("POST", "/runs/keep/records", body: createBody).json["id"]
        server.stop()
        server = try TestServer(databasePath: path)
        XCTAssertEqual(server.request("GET", "/runs/keep/records").json["data"]?.arrayValue?.first?["id"], id)
    }
}
