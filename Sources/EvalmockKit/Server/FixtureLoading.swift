import Foundation

/// One fixture file: its path and its parsed JSON (key order and number text kept).
public struct FixtureFile {
    public let path: String
    public let content: JSONValue
}

/// Something wrong in a fixture file; start-up stops with this message.
public struct FixtureError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "fixture \(path): \(reason)" }
}

/// An emulated API that can be seeded from JSON files (`evalmock serve --fixtures DIR`).
///
/// Each API reads only its own subdirectory, `DIR/<name>/*.json`, in file-name order, so one
/// fixtures directory can seed every API and each API owns its file format.
public protocol FixtureLoading: EmulatedAPI {
    /// Stores the fixtures of all files at once (they may refer to each other) and describes
    /// what was loaded. Loading the same files again must not duplicate anything.
    func loadFixtures(_ files: [FixtureFile]) throws -> String
}

/// Reads a fixtures directory and hands each API its files.
public enum FixtureDirectory {
    /// Returns one line per API that found fixtures, e.g. `scorecard-v1: 2 runs, 6 testrecords`.
    ///
    /// `snapshots`, when given, loads the files that are state snapshots (`"format":
    /// "evalmock-state"`, what `evalmock export --fixtures-dir` writes) for any API; the other
    /// files go to the API's own `FixtureLoading`.
    public static func load(
        _ directory: String, into apis: [EmulatedAPI], maxJSONDepth: Int = JSONParser.defaultMaxDepth,
        snapshots: ((EmulatedAPI, [FixtureFile]) throws -> String)? = nil
    ) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw FixtureError(path: directory, reason: "not a directory")
        }
        var summaries: [String] = []
        for api in apis {
            let loader = api as? any FixtureLoading
            guard loader != nil || snapshots != nil else { continue }
            let apiDirectory = directory + "/" + api.name
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: apiDirectory) else { continue }
            let files = try names.filter { $0.hasSuffix(".json") }.sorted().map { name in
                try read(apiDirectory + "/" + name, maxJSONDepth: maxJSONDepth)
            }
            let snapshotFiles = snapshots == nil ? [] : files.filter { $0.content["format"]?.stringValue == "evalmock-state" }
            let ownFiles = snapshots == nil ? files : files.filter { $0.content["format"]?.stringValue != "evalmock-state" }
            var loaded: [String] = []
            if let loader, !ownFiles.isEmpty { loaded.append(try loader.loadFixtures(ownFiles)) }
            if let snapshots, !snapshotFiles.isEmpty { loaded.append(try snapshots(api, snapshotFiles)) }
            if !loaded.isEmpty { summaries.append("\(api.name): " + loaded.joined(separator: "; ")) }
        }
        return summaries
    }

    private static func read(_ path: String, maxJSONDepth: Int) throws -> FixtureFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FixtureError(path: path, reason: "unreadable")
        }
        do {
            return FixtureFile(path: path, content: try JSONParser.parse(Array(data), maxDepth: maxJSONDepth))
        } catch {
            throw FixtureError(path: path, reason: "invalid JSON: \(error)")
        }
    }
}
