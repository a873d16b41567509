import XCTest

@testable import EvalmockKit
@testable import EvalmockWeave

/// Python's `json.dumps(sort_keys=True)` and Weave's digests over it, against vectors Python
/// and weave 0.54.0's `digest.py` computed (`Tests/sdk/test_weave_objects.py` checks the same
/// against the live functions).
final class WeaveDigestTests: XCTestCase {
    private func canonical(_ json: String) throws -> String {
        WeaveDigest.canonicalJSON(try JSONParser.parse(json))
    }

    func testFloatsAreWrittenAsPythonReprAndIntegersExactly() throws {
        let input = #"{"b": 1, "a": [1.0, 1e-05, 1e100, 0.1, -0.0, 2.5e-7, 1E+3, 123456789012345678901234567890]}"#
        XCTAssertEqual(
            try canonical(input),
            #"{"a": [1.0, 1e-05, 1e+100, 0.1, -0.0, 2.5e-07, 1000.0, 123456789012345678901234567890], "b": 1}"#)
        XCTAssertEqual(WeaveDigest.value(try JSONParser.parse(input)), "j2WpM3MKvKNBSwh0gA25OiI5i9OOFkzY9oqrlbLlKl4")
    }

    func testFloatLayoutAtTheEdgesAndOverflowToInfinity() throws {
        let input =
            #"{"f": 3.0, "n": -1.5e-10, "big": 1.7976931348623157e308, "tiny": 5e-324, "i": -12, "e16": 1e16, "e15": 123456789012345.6, "over": 1e400}"#
        XCTAssertEqual(
            try canonical(input),
            #"{"big": 1.7976931348623157e+308, "e15": 123456789012345.6, "e16": 1e+16, "f": 3.0, "i": -12, "n": -1.5e-10, "over": Infinity, "tiny": 5e-324}"#
        )
        XCTAssertEqual(WeaveDigest.value(try JSONParser.parse(input)), "0ApIKQLsXHojY9KUb4fYPx6GojbeYImqxk1BhtpF0ho")
    }

    func testTextIsASCIIWithEscapesAndSurrogatePairsAndKeysSortByCodePoint() throws {
        let input =
            #"{"text": "na\u00efve \u2603 \ud83d\ude00 \u007f \u0000 \"q\" \\ \n\t\b\f/", "\u00e9": 1, "e": 2, "Z": 3, "\ud83d\ude00": 4, "\uffff": 5}"#
        XCTAssertEqual(
            try canonical(input),
            #"{"Z": 3, "e": 2, "text": "na\u00efve \u2603 \ud83d\ude00 \u007f \u0000 \"q\" \\ \n\t\b\f/", "\u00e9": 1, "\uffff": 5, "\ud83d\ude00": 4}"#
        )
        XCTAssertEqual(WeaveDigest.value(try JSONParser.parse(input)), "aD1ubHKStB2VdOjMXYTSVB7kOLO6H1fxCke9Js3XeTg")
    }

    func testNestingIsSortedAtEveryLevel() throws {
        let input = #"{"nested": {"z": [{"y": null, "x": true, "w": false}], "a": {}}, "list": []}"#
        XCTAssertEqual(try canonical(input), #"{"list": [], "nested": {"a": {}, "z": [{"w": false, "x": true, "y": null}]}}"#)
        XCTAssertEqual(WeaveDigest.value(try JSONParser.parse(input)), "G86Pw1FTKWtxoKaGIQSZ1pe8TIiVdvEX9aLa35d88qI")
    }

    func testUnsortedDumpsKeepsTheOrder() throws {
        XCTAssertEqual(PythonJSONDumps.dumps(try JSONParser.parse(#"{"b":1,"a":[2.50]}"#), sortKeys: false), #"{"b": 1, "a": [2.5]}"#)
    }

    func testTableAndFileDigests() {
        XCTAssertEqual(WeaveDigest.table(rowDigests: ["a", "b"]), "fb8e20fc2e4c3f248c60c39bd652f3c1347298bb977b8b4d5903b85055620603")
        XCTAssertEqual(WeaveDigest.table(rowDigests: []), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(WeaveDigest.bytes([]), "47DEQpj8HBSaXYTImWX5JCeuQeRkm5NMpJWZG3hSuFU")
        XCTAssertEqual(WeaveDigest.bytes((0...255).map(UInt8.init)), "QKYy6dLYki5Hr9RkjmlnSXFYeFX9Hahw5xECZrXUSIA")
    }
}
