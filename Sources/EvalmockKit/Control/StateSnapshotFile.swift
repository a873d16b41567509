import Foundation

/// `evalmock export` and `evalmock import`: the same snapshot as `GET /_evalmock/export` and
/// `POST /_evalmock/import`, read from or written to a database directly (no server running).
public enum StateSnapshotFile {
    public static func export(databasePath: String, openAPIDirectory: String?, apis: [APIRegistration]) throws -> [UInt8] {
        let instance = try open(databasePath, openAPIDirectory, apis)
        var bytes = JSONWriter.encode(try instance.state.export())
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// Writes one snapshot per API as a `--fixtures` directory, `DIR/<api>/evalmock-state.json`;
    /// returns the files written.
    public static func exportFixtures(databasePath: String, openAPIDirectory: String?, apis: [APIRegistration], directory: String) throws
        -> [String]
    {
        let instance = try open(databasePath, openAPIDirectory, apis)
        var written: [String] = []
        for (api, snapshot) in try instance.state.exportFixtures() {
            let folder = directory + "/" + api
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            var bytes = JSONWriter.encode(snapshot)
            bytes.append(UInt8(ascii: "\n"))
            let path = folder + "/evalmock-state.json"
            guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
                throw SnapshotError("cannot write \(path)")
            }
            written.append(path)
        }
        return written
    }

    /// Replaces the database's whole state with the snapshot; a bad snapshot changes nothing.
    public static func importSnapshot(_ bytes: [UInt8], databasePath: String, openAPIDirectory: String?, apis: [APIRegistration]) throws {
        let snapshot: JSONValue
        do {
            snapshot = try JSONParser.parse(bytes, maxDepth: JSONParser.defaultMaxDepth)
        } catch {
            throw SnapshotError("the snapshot is not JSON: \(error)")
        }
        try open(databasePath, openAPIDirectory, apis).state.importSnapshot(snapshot)
    }

    private static func open(_ databasePath: String, _ openAPIDirectory: String?, _ apis: [APIRegistration]) throws -> EmulatorInstance {
        let directory = try SpecificationDirectory.locate(configured: openAPIDirectory)
        let database: SQLiteDatabase
        do {
            database = try SQLiteDatabase(path: databasePath)
        } catch {
            throw DatabaseOpenError(path: databasePath, reason: error.message)
        }
        let settings = EmulatorSettings(
            apis: apis, openAPIDirectory: directory, apiKeys: [], fixturesDirectory: nil,
            limits: TransportLimits(), maxJSONDepth: JSONParser.defaultMaxDepth,
            maxBatchItems: ServerConfiguration.defaultMaxBatchItems, logLevel: .warning,
            lenient: false, checkResponses: false, groupCommit: false)
        return try EmulatorInstance(database: database, settings: settings)
    }
}
