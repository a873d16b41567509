import ArgumentParser
import EvalmockAPIs
import EvalmockKit
import Foundation

/// `evalmock export`: the whole state of a database as one JSON snapshot.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the stored state of a database as JSON (the format of GET /_evalmock/export).")

    @Option(name: .customLong("db"), help: "SQLite database file.")
    var databasePath: String = Environment.string("EVALMOCK_DB") ?? "evalmock.db"

    @Option(name: .customLong("openapi-dir"), help: "Directory of the OpenAPI documents.")
    var openAPIDirectory: String?

    @Option(name: [.short, .customLong("output")], help: "File to write; standard output when absent.")
    var output: String?

    @Option(
        name: .customLong("fixtures-dir"), help: "Write one snapshot per API as DIR/<api>/evalmock-state.json, for `serve --fixtures DIR`.")
    var fixturesDirectory: String?

    func validate() throws {
        if output != nil && fixturesDirectory != nil { throw ValidationError("--output and --fixtures-dir exclude each other") }
    }

    func run() throws {
        do {
            if let fixturesDirectory {
                let files = try StateSnapshotFile.exportFixtures(
                    databasePath: databasePath, openAPIDirectory: Environment.openAPIDirectory(openAPIDirectory), apis: EmulatedAPIs.all,
                    directory: fixturesDirectory)
                for file in files { print(file) }
                return
            }
            let bytes = try StateSnapshotFile.export(
                databasePath: databasePath, openAPIDirectory: Environment.openAPIDirectory(openAPIDirectory), apis: EmulatedAPIs.all)
            if let output {
                try Data(bytes).write(to: URL(fileURLWithPath: output))
            } else {
                FileHandle.standardOutput.write(Data(bytes))
            }
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// `evalmock import`: replaces a database's state with a snapshot from `export`.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replace the stored state of a database with a JSON snapshot from `evalmock export`.")

    @Option(name: .customLong("db"), help: "SQLite database file, created if missing.")
    var databasePath: String = Environment.string("EVALMOCK_DB") ?? "evalmock.db"

    @Option(name: .customLong("openapi-dir"), help: "Directory of the OpenAPI documents.")
    var openAPIDirectory: String?

    @Argument(help: "The snapshot file; '-' reads standard input.")
    var snapshot: String

    func run() throws {
        do {
            let data =
                snapshot == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: snapshot))
            try StateSnapshotFile.importSnapshot(
                Array(data), databasePath: databasePath, openAPIDirectory: Environment.openAPIDirectory(openAPIDirectory),
                apis: EmulatedAPIs.all)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
