import XCTest
@testable import EvalmockKit

final class TimestampTests: XCTestCase {
    func testFormatsMatchTheServicesWritings() {
        XCTAssertNotNil(Timestamp.nowISO8601().wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/))
        XCTAssertNotNil(Timestamp.nowNaiveMicroseconds().wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}/))
        XCTAssertNotNil(Timestamp.nowPydanticUTC().wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?Z/))
    }

    func testTheDateIsToday() {
        let formatter = DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        XCTAssertTrue(Timestamp.nowISO8601().hasPrefix(formatter.string(from: Date())))
    }
}
