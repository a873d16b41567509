import XCTest

@testable import EvalmockKit
@testable import EvalmockWeave

/// The trace server's rules that evalmock re-implements: ids, id checks and scorer refs.
final class WeaveRulesTests: XCTestCase {
    func testUUIDv7CarriesTheTimeVersionAndVariant() {
        let id = WeaveIds.uuidV7(milliseconds: 0x0192_abcd_ef01)
        XCTAssertTrue(id.hasPrefix("0192abcd-ef01-7"), id)
        XCTAssertEqual(id.count, 36)
        XCTAssertTrue("89ab".contains(Array(id)[19]), id)
        XCTAssertNil(WeaveIds.uuidProblem(id))
        XCTAssertNotEqual(WeaveIds.uuidV7(), WeaveIds.uuidV7())
    }

    func testIdChecksWordTheirProblemsAsTheServerDoes() {
        XCTAssertNil(WeaveIds.traceIdProblem(String(repeating: "a", count: 32)), "an OTel trace id")
        XCTAssertNil(WeaveIds.callIdProblem(String(repeating: "b", count: 16)), "an OTel span id")
        XCTAssertEqual(WeaveIds.traceIdProblem("x"), "Invalid UUID: x. Unable to parse")
        XCTAssertEqual(WeaveIds.callIdProblem("A"), "Invalid UUID: A. UUID must be lowercase")
        XCTAssertEqual(
            WeaveIds.uuidProblem("{0192abcd-0000-7000-8000-000000000000}"),
            "Invalid UUID: {0192abcd-0000-7000-8000-000000000000}. UUID did not round-trip")
    }

    func testScorerRefs() {
        XCTAssertNoThrow(try WeaveRefs.checkScorer("weave:///e/p/object/Acc:1"))
        XCTAssertNoThrow(try WeaveRefs.checkScorer("weave:///e/p/op/acc:1/key/a%2Fb"))
        XCTAssertThrowsError(try WeaveRefs.checkScorer("weave:///e/p/object/Acc")) { error in
            XCTAssertEqual(error as? WeaveTraceServerError, .invalidRequest("not enough values to unpack (expected 2, got 1)"))
        }
        for unregistered in ["acc", "weave:///e/p/call/1", "weave:///e/p/object/A:1/index/one", "weave:///e/p/object"] {
            XCTAssertThrowsError(try WeaveRefs.checkScorer(unregistered)) { error in
                XCTAssertEqual(error as? WeaveTraceServerError, .unregistered, unregistered)
            }
        }
        XCTAssertThrowsError(try WeaveRefs.checkRequestStrings(.object(["a": .array(["weave:///e/p"])]))) { error in
            XCTAssertEqual(error as? WeaveTraceServerError, .invalidRequest("Invalid URI: weave:///e/p"))
        }
    }
}
