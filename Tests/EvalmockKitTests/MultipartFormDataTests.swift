import XCTest

@testable import EvalmockKit

/// `multipart/form-data` as httpx and requests write it (RFC 7578).
final class MultipartFormDataTests: XCTestCase {
    func testTheBoundaryComesFromAFormContentTypeOnly() {
        XCTAssertEqual(MultipartFormData.boundary(contentType: "multipart/form-data; boundary=abc123"), "abc123")
        XCTAssertEqual(MultipartFormData.boundary(contentType: #"Multipart/Form-Data; charset=utf-8; boundary="a b""#), "a b")
        XCTAssertNil(MultipartFormData.boundary(contentType: "application/json"))
        XCTAssertNil(MultipartFormData.boundary(contentType: "multipart/form-data"))
        XCTAssertNil(MultipartFormData.boundary(contentType: nil))
    }

    func testFieldsAndFilesKeepTheirBytes() throws {
        let file: [UInt8] = [0, 255, 13, 10, 45, 45, 120] + Array("tail".utf8)
        var body = Array("preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"project_id\"\r\n\r\nteam/proj\r\n".utf8)
        body += Array(
            "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"obj;1.py\"\r\nContent-Type: text/x-python\r\n\r\n".utf8)
        body += file + Array("\r\n--XyZ--\r\n".utf8)
        let parts = try XCTUnwrap(MultipartFormData.parse(body, boundary: "XyZ"))
        XCTAssertEqual(
            parts,
            [
                FormPart(name: "project_id", filename: nil, contentType: nil, content: Array("team/proj".utf8)),
                FormPart(name: "file", filename: "obj;1.py", contentType: "text/x-python", content: file),
            ])
    }

    func testMalformedBodiesAreRefused() {
        XCTAssertNil(MultipartFormData.parse(Array("no delimiter at all".utf8), boundary: "b"))
        XCTAssertNil(
            MultipartFormData.parse(Array("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated".utf8), boundary: "b"))
        XCTAssertNil(MultipartFormData.parse(Array("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--".utf8), boundary: "b"))
        XCTAssertEqual(MultipartFormData.parse(Array("--b--\r\n".utf8), boundary: "b"), [])
    }
}
