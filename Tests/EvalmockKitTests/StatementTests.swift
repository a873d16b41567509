import XCTest

@testable import EvalmockKit

/// Text is bound as its UTF-8 bytes, whatever the string's size or storage.
final class StatementTests: XCTestCase {
    func testTextOfEverySizeRoundTrips() throws {
        let database = try SQLiteDatabase(path: ":memory:")
        try database.execute("CREATE TABLE t (n INTEGER PRIMARY KEY, text TEXT NOT NULL)")
        let texts = ["", "é", "short", String(repeating: "long text ✓ ", count: 1000), "a\u{0}b"]
        for (n, text) in texts.enumerated() {
            try database.statement("INSERT INTO t (n, text) VALUES (?, ?)").execute([.integer(Int64(n)), .text(text)])
        }
        var read: [String] = []
        try database.statement("SELECT text FROM t ORDER BY n").query { row in read.append(row.text(0) ?? "NULL") }
        XCTAssertEqual(read, texts)
    }
}
