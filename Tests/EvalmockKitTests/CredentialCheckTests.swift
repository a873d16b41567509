import XCTest

@testable import EvalmockKit

/// Configured keys: exact match only, compared in constant time (every byte of the longer of the
/// two is looked at, whatever differs first), missing and refused told apart.
final class CredentialCheckTests: XCTestCase {
    func testConstantTimeComparisonIsExactEquality() {
        let key = Array("sk-good-5f1d0c2e9a7b".utf8)
        XCTAssertTrue(CredentialCheck.constantTimeEquals(key, key))
        XCTAssertFalse(CredentialCheck.constantTimeEquals(key, Array(key.dropLast())), "a prefix is not the key")
        XCTAssertFalse(CredentialCheck.constantTimeEquals(key, key + [0]), "a trailing NUL is not the key")
        XCTAssertFalse(CredentialCheck.constantTimeEquals(key, [0] + key))
        XCTAssertFalse(CredentialCheck.constantTimeEquals([], key))
        XCTAssertTrue(CredentialCheck.constantTimeEquals([], []))
        var lastByteDiffers = key
        lastByteDiffers[key.count - 1] ^= 1
        XCTAssertFalse(CredentialCheck.constantTimeEquals(key, lastByteDiffers))
    }

    func testVerdicts() {
        let configured = CredentialCheck(acceptedKeys: ["k1", "k2"])
        XCTAssertEqual(configured.verdict(nil), .missing)
        XCTAssertEqual(configured.verdict(""), .missing)
        XCTAssertEqual(configured.verdict("k2"), .accepted)
        XCTAssertEqual(configured.verdict("k"), .rejected)
        XCTAssertEqual(configured.verdict("K1"), .rejected)
        XCTAssertEqual(CredentialCheck(acceptedKeys: []).verdict("anything"), .accepted, "no keys configured: any non-empty credential")
    }

    /// Split as `split(separator: " ", maxSplits: 1)` splits it (the parse is over the bytes):
    /// leading spaces skipped, the scheme lower-cased, the credential trimmed; spaces alone
    /// after the scheme are an empty credential, nothing after it is no header at all.
    func testAuthorizationHeaderSplitsSchemeAndCredential() {
        func parsed(_ value: String) -> String? {
            AuthorizationHeader(HTTPRequest(method: "GET", path: "/", headers: HTTPHeaders([("authorization", value)])))
                .map { "\($0.scheme)|\($0.credential)" }
        }
        XCTAssertEqual(parsed("Bearer ak_1"), "bearer|ak_1")
        XCTAssertEqual(parsed("BEARER ak_1"), "bearer|ak_1")
        XCTAssertEqual(parsed("  Bearer   ak_1 x  "), "bearer|ak_1 x")
        XCTAssertEqual(parsed("Basic YXBpOmtleQ=="), "basic|YXBpOmtleQ==")
        XCTAssertEqual(parsed("Bearer   "), "bearer|")
        XCTAssertNil(parsed("Bearer "))
        XCTAssertNil(parsed("Bearer"))
        XCTAssertNil(parsed(""))
        XCTAssertNil(parsed("   "))
        XCTAssertEqual(parsed("Bearer \u{00A0}k\u{00A0}"), "bearer|k", "Unicode whitespace is trimmed too")
        XCTAssertNil(AuthorizationHeader(HTTPRequest(method: "GET", path: "/")))
    }
}
