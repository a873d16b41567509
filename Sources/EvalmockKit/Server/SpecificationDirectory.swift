import Foundation

/// Finds the `openapi/` directory: the configured one, else `./openapi`, else the nearest
/// `openapi/` above the executable (a build inside the repository), else the installed copy.
/// A directory qualifies when it holds an OpenAPI document (`*.json`): which documents there must
/// be is each API's business, and a missing one fails as that API loads it, naming the file.
enum SpecificationDirectory {
    static func locate(configured: String?) throws -> String {
        if let configured {
            guard exists(configured) else {
                throw SpecificationError(path: configured, reason: "no OpenAPI document (*.json) in this directory")
            }
            return configured
        }
        var candidates = [FileManager.default.currentDirectoryPath + "/openapi"]
        var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(directory.appendingPathComponent("openapi").path)
            directory.deleteLastPathComponent()
        }
        candidates.append("/usr/share/evalmock/openapi")
        guard let found = candidates.first(where: exists) else {
            throw SpecificationError(path: candidates[0], reason: "openapi/ not found; pass --openapi-dir")
        }
        return found
    }

    private static func exists(_ directory: String) -> Bool {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.contains { $0.hasSuffix(".json") }
    }
}
