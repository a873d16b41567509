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

final class UUIDTextTests: XCTestCase {
    func testVersionsVariantAndShape() {
        let v7 = UUIDText.v7(milliseconds: 0x0192_e1a8_7b7c)
        XCTAssertNotNil(v7.wholeMatch(of: /0192e1a8-7b7c-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/), v7)
        XCTAssertNotEqual(UUIDText.v7(), UUIDText.v7())
    }

    /// Ids made later sort later (to the millisecond), which keeps inserts at the end of an index.
    func testLaterIdsSortLater() {
        XCTAssertLessThan(UUIDText.v7(milliseconds: 1_700_000_000_000), UUIDText.v7(milliseconds: 1_700_000_000_001))
        XCTAssertLessThan(UUIDText.v7(milliseconds: 1_700_000_000_000), UUIDText.v7())
    }
}

final class FixedPointTextTests: XCTestCase {
    func testMatchesPrintfRounding() {
        XCTAssertEqual(FixedPointText.text(0.4234, digits: 2), "0.42")
        XCTAssertEqual(FixedPointText.text(12.5, digits: 3), "12.500")
        XCTAssertEqual(FixedPointText.text(0.0009, digits: 3), "0.001")
        XCTAssertEqual(FixedPointText.text(0.05, digits: 2), "0.05")
        XCTAssertEqual(FixedPointText.text(7, digits: 0), "7")
        XCTAssertEqual(FixedPointText.text(1.999, digits: 2), "2.00")
    }
}
