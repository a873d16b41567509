import EvalmockKit
/// Scale GP's 404s: FastAPI's `{"detail": "..."}` naming the missing entity.
enum ScaleGPNotFound {
    static func evaluation(_ id: String) -> HTTPResponse {
        FastAPIErrorDialect.detail(404, .string("Evaluation \(id) not found"))
    }

    static func testCaseResult(_ id: String) -> HTTPResponse {
        FastAPIErrorDialect.detail(404, .string("Test case result \(id) not found"))
    }

    static func testCaseResultVersion(_ id: String, num: String) -> HTTPResponse {
        FastAPIErrorDialect.detail(404, .string("Version \(num) of test case result \(id) not found"))
    }
}
