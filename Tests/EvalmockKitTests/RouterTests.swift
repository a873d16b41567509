import XCTest

@testable import EvalmockKit

final class RouterTests: XCTestCase {
    private func router() -> Router<String> {
        var router = Router<String>()
        router.add(method: "GET", template: PathTemplate("/systems/{systemId}"), target: "system")
        router.add(method: "GET", template: PathTemplate("/systems/versions/{systemVersionId}"), target: "version")
        router.add(method: "POST", template: PathTemplate("/runs/{runId}/records"), target: "create")
        router.add(method: "GET", template: PathTemplate("/runs/{runId}/records"), target: "list")
        router.add(method: "GET", template: PathTemplate("/runs/{runId}"), target: "run")
        return router
    }

    func testLiteralSegmentsWinOverParameters() {
        guard case .found(let target, let parameters) = router().match(method: "GET", path: "/systems/versions/7") else {
            return XCTFail("no match")
        }
        XCTAssertEqual(target, "version")
        XCTAssertEqual(parameters, ["systemVersionId": "7"])
    }

    func testParameterBranchIsUsedWhenTheLiteralBranchLeadsNowhere() {
        guard case .found(let target, let parameters) = router().match(method: "GET", path: "/systems/versions") else {
            return XCTFail("no match")
        }
        XCTAssertEqual(target, "system")
        XCTAssertEqual(parameters, ["systemId": "versions"])
    }

    func testPercentEncodedSegmentsAreDecodedAfterSplitting() {
        guard case .found(_, let parameters) = router().match(method: "POST", path: "/runs/a%2Fb%20c/records") else {
            return XCTFail("no match")
        }
        XCTAssertEqual(parameters, ["runId": "a/b c"])
    }

    func testMethodNotAllowedListsAllowedMethods() {
        guard case .methodNotAllowed(let allowed) = router().match(method: "DELETE", path: "/runs/1/records") else {
            return XCTFail("expected 405")
        }
        XCTAssertEqual(allowed, ["GET", "POST"])
    }

    func testUnknownPathsAndEmptyParameters() {
        guard case .notFound = router().match(method: "GET", path: "/nope") else { return XCTFail("expected 404") }
        guard case .notFound = router().match(method: "GET", path: "/runs//records") else { return XCTFail("expected 404") }
    }

    func testTrailingSlashAndMountedTemplates() {
        var router = Router<String>()
        router.add(method: "GET", template: PathTemplate("/runs/{runId}").mounted(under: "/api/v2"), target: "run")
        guard case .found(_, let parameters) = router.match(method: "GET", path: "/api/v2/runs/9/") else {
            return XCTFail("no match")
        }
        XCTAssertEqual(parameters, ["runId": "9"])
    }

    /// A leading slash starts no segment and one trailing slash is ignored; `/` alone is one
    /// empty segment, and an empty segment in between is kept (it matches no parameter).
    func testSplittingPaths() {
        XCTAssertEqual(PathTemplate.split(""), [])
        XCTAssertEqual(PathTemplate.split("/"), [""])
        XCTAssertEqual(PathTemplate.split("//"), [""])
        XCTAssertEqual(PathTemplate.split("a"), ["a"])
        XCTAssertEqual(PathTemplate.split("a/"), ["a"])
        XCTAssertEqual(PathTemplate.split("/a//"), ["a", ""])
        XCTAssertEqual(PathTemplate.split("/api/v2/runs/7/records"), ["api", "v2", "runs", "7", "records"])
        XCTAssertEqual(PathTemplate.split("/runs//records"), ["runs", "", "records"])
    }
}
