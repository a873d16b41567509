import EvalmockAPIs
import Foundation
import XCTest

@testable import EvalmockKit

/// The README's "Adding an API", done: a fifth API is its document (`Tests/ExampleAPI/notes.json`,
/// put into the served `openapi/` folder), the code below (what its target folder would hold:
/// the class, its resource declarations, its stored tables) and one more registration in the
/// list the server is handed. Nothing in the core changes, and the core's generic parts come
/// with it: routing, validation, its dialect's errors, the journal's redaction of its key,
/// reset, export and the health inventory.
final class NotesAPI: EmulatedAPI, StatefulAPI {
    let name = "notes"
    let specification: OpenAPISpecification
    let mountPrefixes = [""]
    let errorDialect: any ErrorDialect = FastAPIErrorDialect()
    let database: SQLiteDatabase
    let handlers: [String: OperationHandler]
    private let resources: ResourceCollection
    private let credentials: CredentialCheck

    static let table = "notes_resources"
    static let registration = APIRegistration(migrations: ResourceStore.migrations(name: "notes-001-resources", table: table)) {
        try NotesAPI(environment: $0)
    }

    init(environment: APIEnvironment) throws {
        specification = try environment.specification("notes.json")
        database = environment.database
        credentials = CredentialCheck(acceptedKeys: environment.apiKeys)
        resources = ResourceCollection(
            store: ResourceStore(database: database, table: Self.table), specification: specification,
            lenient: environment.lenient, paging: CursorPaging(lenient: environment.lenient),
            deleted: .object(["success": .bool(true)]))
        // One declaration: checked against the document at start-up, then create, list, get
        // and delete are the resource layer's.
        try resources.declare(
            ResourceKind(
                name: "note", label: "Note", schema: "Note", idParameter: "noteId", ids: .sequence,
                operations: .init(create: "createNote", list: "listNotes", get: "getNote", delete: "deleteNote")))
        handlers = resources.handlers
    }

    func authenticate(_ request: HTTPRequest) -> AuthenticationOutcome {
        credentials.verdict(specification.credentialSchemes.credential(in: request))
    }

    var storedTables: [StoredTable] { [StoredTable(Self.table, countedAs: nil)] }
    var resetScopes: [ResetScope] { [] }
    func inventory() throws -> JSONValue.JSONObject { try resources.inventory() }
}

final class ExampleAPITests: XCTestCase {
    private var server: TestServer!
    private var openAPIDirectory: URL!
    private let key = ["X-Notes-Key": "notes-secret-key"]

    override func setUpWithError() throws {
        // The served openapi/ folder: the repository's documents and the fifth API's.
        openAPIDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("evalmock-notes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: openAPIDirectory, withIntermediateDirectories: true)
        let repository = URL(fileURLWithPath: TestServer.repositoryRoot)
        for entry in try FileManager.default.contentsOfDirectory(atPath: repository.appendingPathComponent("openapi").path) {
            try FileManager.default.createSymbolicLink(
                at: openAPIDirectory.appendingPathComponent(entry),
                withDestinationURL: repository.appendingPathComponent("openapi/" + entry))
        }
        try FileManager.default.copyItem(
            at: repository.appendingPathComponent("Tests/ExampleAPI/notes.json"),
            to: openAPIDirectory.appendingPathComponent("notes.json"))
        let directory = openAPIDirectory.path
        server = try TestServer { configuration in
            configuration.apis = EmulatedAPIs.all + [NotesAPI.registration]
            configuration.openAPIDirectory = directory
            configuration.checkResponses = true
        }
    }

    override func tearDownWithError() throws {
        server.stop()
        try? FileManager.default.removeItem(at: openAPIDirectory)
    }

    func testAFifthAPIServesItsDocumentStatefullyThroughTheCoreAlone() throws {
        let created = server.request("POST", "/notes", body: #"{"text": "first", "tags": ["a"]}"#, headers: key)
        XCTAssertEqual(created.status, 201, created.text)
        let id = try XCTUnwrap(created.json["id"]?.stringValue)
        XCTAssertEqual(created.json["text"]?.stringValue, "first")

        let read = server.request("GET", "/notes/\(id)", headers: key)
        XCTAssertEqual(read.status, 200, read.text)
        XCTAssertEqual(read.json["tags"], .array([.string("a")]))

        XCTAssertEqual(server.request("POST", "/notes", body: #"{"text": "second"}"#, headers: key).status, 201)
        let page = server.request("GET", "/notes?limit=1", headers: key)
        XCTAssertEqual(page.status, 200, page.text)
        XCTAssertEqual(page.json["data"]?.arrayValue?.count, 1)
        XCTAssertEqual(page.json["hasMore"], .bool(true))
        XCTAssertEqual(page.json["total"], .int(2))

        // Its errors in its dialect, from the document alone.
        let unknown = server.request("GET", "/notes/999", headers: key)
        XCTAssertEqual(unknown.status, 404, unknown.text)
        XCTAssertEqual(unknown.json["detail"]?.stringValue, "Note 999 not found")
        let invalid = server.request("POST", "/notes", body: #"{"tags": [1]}"#, headers: key)
        XCTAssertEqual(invalid.status, 422, invalid.text)
        XCTAssertEqual(invalid.json["detail"]?.arrayValue?.count, 2, "text missing and a tag not a string")
        XCTAssertEqual(server.request("GET", "/notes", headers: [:]).status, 401)

        // The controls derive from its declarations: inventory, journal redaction, reset.
        let health = server.request("GET", "/_evalmock/health")
        XCTAssertEqual(health.json["apis"]?["notes"]?["notes"], .int(2), health.text)
        let journal = server.request("GET", "/_evalmock/journal?path=/notes")
        XCTAssertTrue(journal.text.contains("X-Notes-Key"), journal.text)
        XCTAssertFalse(journal.text.contains("notes-secret-key"), "the key its document declares is redacted")
        XCTAssertEqual(server.request("POST", "/_evalmock/reset", body: #"{"api": "notes"}"#).status, 200)
        XCTAssertEqual(server.request("GET", "/notes/\(id)", headers: key).status, 404)
    }
}
