import XCTest

@testable import EvalmockKit
@testable import EvalmockScaleGP

/// A result's members are written in the layout's order, then any member it does not list,
/// and the JSON text is the text of the same object.
final class TestCaseResultMembersTests: XCTestCase {
    private let layout = TestCaseResultMembers.Layout(names: ["label_status", "id", "result", "completed_at"])

    func testListedMembersTakeTheLayoutsOrderAndOthersFollowInTheirOwn() throws {
        var members = TestCaseResultMembers(layout: layout)
        members["zeta"] = 1
        members["result"] = .object(["q1": "yes"])
        members["id"] = "r-1"
        members["alpha"] = "a \"quoted\" word"
        members["label_status"] = "COMPLETED"
        XCTAssertEqual(Array(members.object.keys), ["label_status", "id", "result", "zeta", "alpha"])
        XCTAssertEqual(members.jsonText, JSONWriter.encodeString(.object(members.object)))
        XCTAssertEqual(try JSONParser.parse(members.jsonText), .object(members.object))
    }

    func testSettingNilRemovesAMember() {
        var members = TestCaseResultMembers(layout: layout, object: ["completed_at": "t", "extra": true, "id": "r-2"])
        members["completed_at"] = nil
        members["extra"] = nil
        XCTAssertNil(members["completed_at"])
        XCTAssertEqual(members.jsonText, #"{"id":"r-2"}"#)
    }
}
