import EvalmockAPIs
import XCTest

@testable import EvalmockKit

/// Reset, export, import and the inventory see exactly the tables each API declares; a table
/// a migration creates but no API declares would survive a reset and be missing from exports.
final class StoredTablesTests: XCTestCase {
    func testEveryTableInTheDatabaseIsDeclaredByExactlyOneAPI() throws {
        let database = try SQLiteDatabase(path: ":memory:")
        let environment = APIEnvironment(database: database, openAPIDirectory: TestServer.repositoryRoot + "/openapi", apiKeys: [])
        let apis = try APIRegistration.build(EmulatedAPIs.all, in: environment).map { api -> any StatefulAPI in
            guard let stateful = api as? any StatefulAPI else {
                XCTFail("\(api.name) stores data but declares no tables")
                fatalError()
            }
            return stateful
        }
        var declared: [String: String] = [:]
        for api in apis {
            for table in api.storedTables {
                XCTAssertNil(declared[table.name], "\(table.name) is declared by \(declared[table.name] ?? "") and \(api.name)")
                declared[table.name] = api.name
            }
        }
        try MigrationRunner.migrate(database, with: ControlMigrations.all)
        var inDatabase = Set<String>()
        // evalmock_* tables are the control layer's own (migrations, journal, fault rules), kept
        // across resets on purpose.
        try database.statement(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'evalmock_%'"
        )
        .query { row in inDatabase.insert(row.text(0) ?? "") }
        XCTAssertEqual(inDatabase, Set(declared.keys))
    }

    func testATableDeclaredBeforeItsParentWouldBreakImportSoParentsComeFirst() throws {
        let database = try SQLiteDatabase(path: ":memory:")
        let environment = APIEnvironment(database: database, openAPIDirectory: TestServer.repositoryRoot + "/openapi", apiKeys: [])
        for case let api as any StatefulAPI in try APIRegistration.build(EmulatedAPIs.all, in: environment) {
            let order = api.storedTables.map(\.name)
            for (index, table) in order.enumerated() {
                try database.statement("SELECT \"table\" FROM pragma_foreign_key_list(?)").query([.text(table)]) { row in
                    let parent = row.text(0) ?? ""
                    guard parent != table, let parentIndex = order.firstIndex(of: parent) else { return }
                    XCTAssertLessThan(parentIndex, index, "\(api.name): \(parent) must come before its child \(table)")
                }
            }
        }
    }
}
