import XCTest

@testable import EvalmockKit
@testable import EvalmockWeave

/// The trace server's query language as evalmock evaluates it over a row, its sort order, and
/// the times and derived summary fields of calls.
final class WeaveCallQueryTests: XCTestCase {
    private let row = json(
        """
        {"id": "b", "op_name": "weave:///e/p/op/Model.predict:abc",
         "inputs": {"x": 3, "name": "Alice", "tags": ["a", "b"], "nested": {"flag": true}},
         "output": {"score": 0.75}, "attributes": {"weave": {"prediction": "true"}},
         "started_at": "2025-03-01T12:00:00Z", "exception": null}
        """)

    private func matches(_ expression: String) throws -> Bool {
        let parsed = try XCTUnwrap(WeaveQueryExpression.query(json(#"{"$expr": \#(expression)}"#)))
        return parsed.matches { path in self.row.at(path: path.split(separator: ".", omittingEmptySubsequences: false)) }
    }

    func testComparisonsOverDottedFields() throws {
        XCTAssertTrue(try matches(#"{"$eq": [{"$getField": "inputs.x"}, {"$literal": 3}]}"#))
        XCTAssertTrue(try matches(#"{"$gt": [{"$getField": "output.score"}, {"$literal": 0.5}]}"#))
        XCTAssertFalse(try matches(#"{"$lt": [{"$getField": "output.score"}, {"$literal": 0.5}]}"#))
        XCTAssertTrue(try matches(#"{"$gte": [{"$getField": "inputs.x"}, {"$literal": 3}]}"#))
        XCTAssertTrue(try matches(#"{"$lte": [{"$getField": "inputs.name"}, {"$literal": "Bob"}]}"#))
        XCTAssertTrue(try matches(#"{"$eq": [{"$getField": "attributes.weave.prediction"}, {"$literal": "true"}]}"#))
        XCTAssertTrue(try matches(#"{"$eq": [{"$getField": "inputs.nested.flag"}, {"$literal": true}]}"#))
        XCTAssertTrue(try matches(#"{"$eq": [{"$getField": "inputs.tags.1"}, {"$literal": "b"}]}"#))
        // A string that reads as a number compares with a number.
        XCTAssertTrue(try matches(#"{"$eq": [{"$literal": "3"}, {"$getField": "inputs.x"}]}"#))
        // A time compares with seconds since the epoch.
        XCTAssertTrue(try matches(#"{"$gt": [{"$getField": "started_at"}, {"$literal": 1740830399}]}"#))
        XCTAssertFalse(try matches(#"{"$gt": [{"$getField": "started_at"}, {"$literal": 1740830400}]}"#))
    }

    func testNullIsNeitherTrueNorFalse() throws {
        XCTAssertTrue(try matches(#"{"$eq": [{"$getField": "exception"}, {"$literal": null}]}"#))
        XCTAssertTrue(try matches(#"{"$eq": [{"$getField": "inputs.missing"}, {"$literal": null}]}"#))
        XCTAssertFalse(try matches(#"{"$eq": [{"$getField": "inputs.missing"}, {"$literal": 3}]}"#))
        XCTAssertFalse(try matches(#"{"$not": [{"$eq": [{"$getField": "inputs.missing"}, {"$literal": 3}]}]}"#))
        XCTAssertFalse(try matches(#"{"$gt": [{"$getField": "inputs.missing"}, {"$literal": 0}]}"#))
        XCTAssertTrue(
            try matches(
                #"{"$or": [{"$gt": [{"$getField": "inputs.missing"}, {"$literal": 0}]}, {"$eq": [{"$getField": "id"}, {"$literal": "b"}]}]}"#
            ))
        XCTAssertFalse(
            try matches(
                #"{"$and": [{"$gt": [{"$getField": "inputs.missing"}, {"$literal": 0}]}, {"$eq": [{"$getField": "id"}, {"$literal": "b"}]}]}"#
            ))
    }

    func testInContainsSizeConvertExists() throws {
        XCTAssertTrue(try matches(#"{"$in": [{"$getField": "id"}, [{"$literal": "a"}, {"$literal": "b"}]]}"#))
        XCTAssertFalse(try matches(#"{"$in": [{"$getField": "id"}, [{"$literal": "a"}]]}"#))
        XCTAssertTrue(
            try matches(#"{"$contains": {"input": {"$getField": "inputs.name"}, "substr": {"$literal": "LIC"}, "case_insensitive": true}}"#)
        )
        XCTAssertFalse(try matches(#"{"$contains": {"input": {"$getField": "inputs.name"}, "substr": {"$literal": "LIC"}}}"#))
        XCTAssertTrue(try matches(#"{"$eq": [{"$size": {"$getField": "inputs.tags"}}, {"$literal": 2}]}"#))
        XCTAssertTrue(try matches(#"{"$eq": [{"$convert": {"input": {"$getField": "output.score"}, "to": "int"}}, {"$literal": 0}]}"#))
        XCTAssertTrue(try matches(#"{"$eq": [{"$convert": {"input": {"$getField": "inputs.x"}, "to": "string"}}, {"$literal": "3"}]}"#))
        XCTAssertTrue(try matches(#"{"$convert": {"input": {"$getField": "inputs.x"}, "to": "exists"}}"#))
        XCTAssertFalse(try matches(#"{"$convert": {"input": {"$getField": "inputs.none"}, "to": "exists"}}"#))
        XCTAssertTrue(try matches(#"{"$exists": {"$getField": "inputs.x"}}"#))
        XCTAssertTrue(try matches(#"{"$not": [{"$eq": [{"$getField": "id"}, {"$literal": "a"}]}]}"#))
        // A literal list holds literals.
        XCTAssertTrue(try matches(#"{"$eq": [{"$getField": "inputs.tags"}, {"$literal": [{"$literal": "a"}, {"$literal": "b"}]}]}"#))
    }

    func testMalformedQueriesAreTheServersErrors() {
        XCTAssertThrowsError(try WeaveQueryExpression.parse(json(#"{"$and": []}"#))) { error in
            XCTAssertEqual(error as? WeaveTraceServerError, .invalidRequest("Empty AND operation"))
        }
        XCTAssertThrowsError(try WeaveQueryExpression.parse(json(#"{"$convert": {"input": {"$literal": 1}, "to": "date"}}"#))) { error in
            XCTAssertEqual(error as? WeaveTraceServerError, .invalidRequest("Unknown cast: date"))
        }
        XCTAssertThrowsError(try WeaveQueryExpression.parse(json(#"{"$regex": []}"#)))
        XCTAssertEqual(try WeaveQueryExpression.parse(json(#"{"$and": [{"$getField": "a"}, {"$getField": "b"}]}"#)).fieldPaths, ["a", "b"])
    }

    func testSortPutsNullsLastAndIsStable() {
        let rows = json(#"[{"k": 2, "n": 1}, {"n": 2}, {"k": 1, "n": 3}, {"k": 2, "n": 4}]"#).arrayValue ?? []
        let resolve: (JSONValue, String) -> JSONValue? = { row, path in row[path] }
        let ascending = WeaveSortOrder(json(#"[{"field": "k", "direction": "asc"}]"#)).sorted(rows, resolve)
        XCTAssertEqual(ascending.map { $0["n"] }, [3, 1, 4, 2])
        let descending = WeaveSortOrder(json(#"[{"field": "k", "direction": "desc"}, {"field": "n", "direction": "desc"}]"#)).sorted(
            rows, resolve)
        XCTAssertEqual(descending.map { $0["n"] }, [4, 1, 3, 2])
    }

    func testTimestampsAreMillisecondsWrittenAsPydanticWritesThem() throws {
        let start = try XCTUnwrap(WeaveTimestamp("2025-03-01T12:00:00.123456+00:00"))
        XCTAssertEqual(start.text, "2025-03-01T12:00:00.123000Z")
        XCTAssertEqual(WeaveTimestamp("2025-03-01 13:30:00+01:30")?.text, "2025-03-01T12:00:00Z")
        XCTAssertEqual(WeaveTimestamp("2025-03-01T12:00:00")?.text, "2025-03-01T12:00:00Z")
        XCTAssertEqual(WeaveTimestamp("1969-12-31T23:59:59.5Z")?.text, "1969-12-31T23:59:59.500000Z")
        XCTAssertNil(WeaveTimestamp("2025-03-01"))
        XCTAssertNil(WeaveTimestamp("2025-13-01T00:00:00Z"))
        let end = try XCTUnwrap(WeaveTimestamp("2025-03-02T12:00:01.1Z"))
        XCTAssertEqual(WeaveTimestamp.milliseconds(from: start, to: end), 86_400_977)
        XCTAssertEqual(WeaveTimestamp.milliseconds(from: end, to: start), -86_400_977)
    }

    func testDerivedSummary() {
        var call = WeaveCall(
            projectId: "e/p", id: "c", traceId: "t", opName: "weave:///e/p/op/Evaluation.evaluate:abc",
            startedAt: WeaveTimestamp("2025-03-01T12:00:00Z"))
        call.summary = json(#"{"weave": {"status": "stale", "kept": 1}}"#)
        XCTAssertEqual(
            WeaveCallSchema.summary(call, feedback: nil)["weave"],
            json(#"{"kept": 1, "status": "running", "trace_name": "Evaluation.evaluate"}"#))
        call.endedAt = WeaveTimestamp("2025-03-01T12:00:01.25Z")
        call.summary = json(#"{"status_counts": {"error": 2}}"#)
        XCTAssertEqual(
            WeaveCallSchema.summary(call, feedback: nil)["weave"],
            json(#"{"status": "descendant_error", "latency_ms": 1250, "trace_name": "Evaluation.evaluate"}"#))
        call.exception = "boom"
        call.displayName = "mine"
        XCTAssertEqual(
            WeaveCallSchema.summary(call, feedback: nil)["weave"], json(#"{"status": "error", "latency_ms": 1250, "display_name": "mine"}"#)
        )
        // A ref that names no op or object gives no trace name.
        call.displayName = nil
        call.opName = "weave:///e/p/call/123"
        XCTAssertEqual(
            WeaveCallSchema.summary(call, feedback: [])["weave"], json(#"{"status": "error", "latency_ms": 1250, "feedback": []}"#))
        call.opName = "plain_op"
        XCTAssertEqual(WeaveCallSchema.summary(call, feedback: nil)["weave"]?["trace_name"], "plain_op")
    }
}

private func json(_ text: String) -> JSONValue {
    (try? JSONParser.parse(text)) ?? .null
}
