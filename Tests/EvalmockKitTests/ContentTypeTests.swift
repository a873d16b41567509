import XCTest

@testable import EvalmockKit

/// FastAPI reads a body as JSON when its Content-Type is absent, `application/json` or
/// `application/*+json` (parameters and case ignored); any other media type validates the raw
/// body instead.
final class ContentTypeTests: XCTestCase {
    func testJSONMediaTypesAsFastAPIReadsThem() {
        let json: [String?] = [
            nil, "", "application/json", "Application/JSON; charset=utf-8", " application/json ", "application/json;",
            "application/vnd.api+json", "application/json-patch+json", "\u{00A0}application/json",
        ]
        for contentType in json {
            XCTAssertFalse(OperationInputValidator.declaresOtherThanJSON(contentType), String(describing: contentType))
        }
        let other = [
            "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx",
            "application/", "applicatio", "application/js\u{00F6}n", "application/json\u{0301}", "text/json",
        ]
        for contentType in other { XCTAssertTrue(OperationInputValidator.declaresOtherThanJSON(contentType), contentType) }
    }
}
