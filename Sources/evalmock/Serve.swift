import ArgumentParser
import EvalmockAPIs
import EvalmockKit
import Foundation
import Logging

/// `evalmock serve`: every flag also reads an environment variable, for Docker and CI.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the emulated APIs until SIGINT or SIGTERM.",
        discussion: """
            Every option can also be set by an environment variable (the flag wins): \
            EVALMOCK_HOST, EVALMOCK_PORT, EVALMOCK_DB, EVALMOCK_OPENAPI_DIR, \
            EVALMOCK_API_KEYS (comma-separated), EVALMOCK_MAX_BODY_BYTES, \
            EVALMOCK_MAX_JSON_DEPTH, EVALMOCK_MAX_HEADER_BYTES, EVALMOCK_MAX_URI_BYTES, \
            EVALMOCK_MAX_BATCH_ITEMS, EVALMOCK_MAX_CONNECTIONS, EVALMOCK_REQUEST_TIMEOUT, EVALMOCK_LOG_LEVEL, \
            EVALMOCK_LOG_FORMAT, EVALMOCK_FIXTURES, EVALMOCK_GROUP_COMMIT, \
            EVALMOCK_LENIENT (1 or true), EVALMOCK_NO_CONTROL (1 or true), \
            EVALMOCK_CONTROL_TOKEN, EVALMOCK_JOURNAL_LIMIT.
            """
    )

    @Option(help: "Address to listen on. A non-loopback address exposes the emulator to the network.")
    var host: String = Environment.string("EVALMOCK_HOST") ?? "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free port (the start-up line says which).")
    var port: Int = Environment.int("EVALMOCK_PORT") ?? 4010

    @Option(name: .customLong("db"), help: "SQLite database file, created if missing; ':memory:' keeps nothing after exit.")
    var databasePath: String = Environment.string("EVALMOCK_DB") ?? "evalmock.db"

    @Option(
        name: .customLong("openapi-dir"), help: "Directory of the OpenAPI documents (default: ./openapi, else the one beside the binary).")
    var openAPIDirectory: String?

    @Option(
        name: .customLong("api-key"), help: "Accept only this credential (repeatable). Without it any non-empty credential is accepted.")
    var apiKeys: [String] = Environment.list("EVALMOCK_API_KEYS")

    @Option(help: "Largest request body in bytes; larger bodies get 413 in the API's error format.")
    var maxBodyBytes: Int = Environment.int("EVALMOCK_MAX_BODY_BYTES") ?? TransportLimits().maxBodyBytes

    @Option(name: .customLong("max-json-depth"), help: "Deepest JSON nesting accepted in a body.")
    var maxJSONDepth: Int = Environment.int("EVALMOCK_MAX_JSON_DEPTH") ?? JSONParser.defaultMaxDepth

    @Option(help: "Largest total of request header fields in bytes; more gets 431 in the API's error format.")
    var maxHeaderBytes: Int = Environment.int("EVALMOCK_MAX_HEADER_BYTES") ?? TransportLimits().maxHeaderBytes

    @Option(name: .customLong("max-uri-bytes"), help: "Longest path plus query in bytes; longer gets 414 in the API's error format.")
    var maxURIBytes: Int = Environment.int("EVALMOCK_MAX_URI_BYTES") ?? TransportLimits().maxURIBytes

    @Option(help: "Most items in a batch (a JSON array body); more gets 413 in the API's error format.")
    var maxBatchItems: Int = Environment.int("EVALMOCK_MAX_BATCH_ITEMS") ?? ServerConfiguration.defaultMaxBatchItems

    @Option(help: "Most open client connections; requests on further connections get 503 and the connection is closed.")
    var maxConnections: Int = Environment.int("EVALMOCK_MAX_CONNECTIONS") ?? TransportLimits().maxConnections

    @Option(help: "Seconds a client may take to send a request or stay idle before it is disconnected.")
    var requestTimeout: Int = Environment.int("EVALMOCK_REQUEST_TIMEOUT") ?? Int(TransportLimits().timeoutSeconds)

    @Option(help: "trace, debug, info (one line per request), notice, warning, error or critical.")
    var logLevel: String = Environment.string("EVALMOCK_LOG_LEVEL") ?? "info"

    @Option(help: "text or json (one JSON object per line).")
    var logFormat: String = Environment.string("EVALMOCK_LOG_FORMAT") ?? "text"

    @Flag(
        inversion: .prefixedNo,
        help:
            "Commit the writes of the requests ready together in one transaction, answering each after that commit (EVALMOCK_GROUP_COMMIT=0 turns it off)."
    )
    var groupCommit: Bool = Environment.string("EVALMOCK_GROUP_COMMIT").map { $0 != "0" && $0 != "false" } ?? true

    @Option(
        name: .customLong("fixtures"),
        help: "Directory of seed data: DIR/<api>/*.json is loaded into that API at start-up; loading again does not duplicate.")
    var fixturesDirectory: String?

    @Flag(
        help:
            "Drop-in mode for SDKs' generated test suites: unknown path ids are created on first reference, bodies that fail only a deeper service rule are accepted and completed (see the README)."
    )
    var lenient = false

    @Flag(
        help:
            "Check every answer to an operation against the document's schema for its status; one that does not match is logged and answered as the API's 500 (EVALMOCK_CHECK_RESPONSES=1). For test suites."
    )
    var checkResponses = false

    @Flag(name: .customLong("no-control"), help: "Turn off the /_evalmock/ control endpoints (the health check stays).")
    var noControl = ["1", "true"].contains(Environment.string("EVALMOCK_NO_CONTROL")?.lowercased() ?? "")

    @Option(
        name: .customLong("control-token"),
        help: "Require this token in X-Evalmock-Control-Token on control endpoints (not the health check).")
    var controlToken: String?

    /// The flag, else `EVALMOCK_CONTROL_TOKEN`. Not an option default: `--help` would print it.
    private var effectiveControlToken: String? { controlToken ?? Environment.string("EVALMOCK_CONTROL_TOKEN") }

    @Option(name: .customLong("journal-limit"), help: "Most requests the request journal keeps, oldest dropped first; 0 keeps none.")
    var journalLimit: Int = Environment.int("EVALMOCK_JOURNAL_LIMIT") ?? ServerConfiguration().journalLimit

    func validate() throws {
        guard journalLimit >= 0 else { throw ValidationError("--journal-limit must be 0 or more") }
        if let controlToken, controlToken.isEmpty { throw ValidationError("--control-token must not be empty") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard LogFormat(rawValue: logFormat) != nil else { throw ValidationError("--log-format must be text or json") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard maxBodyBytes > 0 else { throw ValidationError("--max-body-bytes must be positive") }
        guard maxJSONDepth > 0 else { throw ValidationError("--max-json-depth must be positive") }
        guard maxHeaderBytes > 0 else { throw ValidationError("--max-header-bytes must be positive") }
        guard maxURIBytes > 0 else { throw ValidationError("--max-uri-bytes must be positive") }
        guard maxBatchItems > 0 else { throw ValidationError("--max-batch-items must be positive") }
        guard maxConnections > 0 else { throw ValidationError("--max-connections must be positive") }
        guard requestTimeout > 0 else { throw ValidationError("--request-timeout must be positive") }
    }

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LogLineHandler.bootstrap(format: LogFormat(rawValue: logFormat) ?? .text, level: level)
        var configuration = ServerConfiguration()
        configuration.apis = EmulatedAPIs.all
        configuration.logLevel = level
        configuration.logFormat = LogFormat(rawValue: logFormat) ?? .text
        configuration.groupCommit = groupCommit
        configuration.host = host
        configuration.port = port
        configuration.databasePath = databasePath
        configuration.openAPIDirectory = Environment.openAPIDirectory(openAPIDirectory)
        configuration.apiKeys = apiKeys
        configuration.limits.maxBodyBytes = maxBodyBytes
        configuration.limits.timeoutSeconds = Int32(clamping: requestTimeout)
        configuration.maxJSONDepth = maxJSONDepth
        configuration.limits.maxHeaderBytes = maxHeaderBytes
        configuration.limits.maxURIBytes = maxURIBytes
        configuration.limits.maxConnections = maxConnections
        configuration.maxBatchItems = maxBatchItems
        configuration.fixturesDirectory = fixturesDirectory ?? Environment.string("EVALMOCK_FIXTURES")
        configuration.lenient = lenient || Environment.flag("EVALMOCK_LENIENT")
        configuration.checkResponses = checkResponses || Environment.flag("EVALMOCK_CHECK_RESPONSES")

        configuration.controlAccess = ControlAccess(enabled: !noControl, token: effectiveControlToken)
        configuration.journalLimit = journalLimit

        // Before binding, so that the warning is there even when the bind then fails.
        if !Self.isLoopback(host) {
            ServerLog.warning("listening on \(host), reachable from other machines; evalmock is a test emulator, not a hardened service")
        }
        let server: EvalmockServer
        let boundPort: Int
        do {
            server = try EvalmockServer(configuration: configuration)
            boundPort = try server.bind()
        } catch {
            // A plain `error:` line, not a log line: the process is about to exit, and this is
            // what a person or a supervisor reads.
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
        server.stopOnSignals([SIGINT, SIGTERM])
        if !server.answersRequestsLibeventRejects {
            ServerLog.warning(
                "libevent answers malformed and oversize requests with its own HTML pages in this build (evhttp_send_error is not interposed)"
            )
        }
        for line in server.loadedFixtures { ServerLog.info("fixtures loaded: \(line)") }
        let database = server.databaseDescription
        let apis = server.apis.map(\.name).joined(separator: ", ")
        print(
            "evalmock \(EvalmockVersion.current) listening on http://\(host):\(boundPort) (database: \(database); APIs: \(apis)\(configuration.lenient ? "; lenient mode" : ""))"
        )
        fflush(nil)
        server.run()
        ServerLog.info("evalmock stopped")
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host.hasPrefix("127.") || host == "::1"
    }
}

enum Environment {
    /// getenv, not `ProcessInfo.environment`, which copies the whole environment into a new
    /// dictionary on every call: the two dozen defaults read through here cost ~2 ms of start-up.
    static func string(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        let text = String(cString: value)
        return text.isEmpty ? nil : text
    }

    static func int(_ name: String) -> Int? { string(name).flatMap { Int($0) } }

    /// `1`, `true` or `yes` (any case) turn a switch on.
    static func flag(_ name: String) -> Bool { ["1", "true", "yes"].contains(string(name)?.lowercased() ?? "") }

    /// `--openapi-dir` when given, else `EVALMOCK_OPENAPI_DIR` (nil: the default search).
    static func openAPIDirectory(_ flag: String?) -> String? { flag ?? string("EVALMOCK_OPENAPI_DIR") }

    static func list(_ name: String) -> [String] {
        string(name)?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } ?? []
    }
}
