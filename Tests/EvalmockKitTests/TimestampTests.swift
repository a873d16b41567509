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
        let v4 = UUIDText.v4()
        XCTAssertNotNil(v4.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/), v4)
        let v7 = UUIDText.v7(milliseconds: 0x0192_e1a8_7b7c)
        XCTAssertTrue(v7.hasPrefix("0192e1a8-7b7c-7"), v7)
        XCTAssertNotEqual(UUIDText.v4(), UUIDText.v4())
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
