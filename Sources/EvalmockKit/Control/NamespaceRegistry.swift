import Foundation

/// Namespaces for parallel test workers: `X-Evalmock-Namespace: worker-3` selects a separate
/// emulator instance with its own SQLite database, opened on first use. Every store, read and
/// reset is then isolated by construction, and the APIs know nothing of namespaces.
///
/// The database of namespace `worker-3` beside `evalmock.db` is `evalmock.ns-worker-3.db`
/// (kept across restarts like the main one); with `:memory:` each namespace gets its own.
final class NamespaceRegistry {
    static let header = "X-Evalmock-Namespace"
    static let maxNameLength = 64

    let main: EmulatorInstance
    private let mainPath: String
    private let settings: EmulatorSettings
    private var opened: [String: EmulatorInstance] = [:]

    init(main: EmulatorInstance, mainPath: String, settings: EmulatorSettings) {
        self.main = main
        self.mainPath = mainPath
        self.settings = settings
    }

    enum Selection {
        case namespace(String)
        case invalid(String)
    }

    /// The request's namespace, "" for none. Names are letters, digits, `-` and `_` only, so
    /// they can name a file.
    static func select(_ request: HTTPRequest) -> Selection {
        guard let name = request.headers[header]?.trimmingCharacters(in: .whitespaces), !name.isEmpty else { return .namespace("") }
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 45 || byte == 95
        }
        guard allowed, name.utf8.count <= maxNameLength else { return .invalid(name) }
        return .namespace(name)
    }

    func instance(_ name: String) throws -> EmulatorInstance {
        if name.isEmpty { return main }
        if let instance = opened[name] { return instance }
        let database = try SQLiteDatabase(path: Self.databasePath(main: mainPath, namespace: name))
        let instance = try EmulatorInstance(database: database, settings: settings)
        database.groupsCommits = settings.groupCommit
        opened[name] = instance
        return instance
    }

    /// The main database and every namespace's: what a group commit must commit.
    var databases: [SQLiteDatabase] { [main.database] + opened.values.map(\.database) }

    /// Namespaces used since start-up, sorted.
    var names: [String] { opened.keys.sorted() }

    static func databasePath(main: String, namespace: String) -> String {
        if main == ":memory:" { return ":memory:" }
        let url = URL(fileURLWithPath: main)
        let ext = url.pathExtension
        let stem = url.deletingPathExtension().lastPathComponent
        let file = ext.isEmpty ? "\(stem).ns-\(namespace)" : "\(stem).ns-\(namespace).\(ext)"
        return url.deletingLastPathComponent().appendingPathComponent(file).path
    }
}
