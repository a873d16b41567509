// swift-tools-version: 6.1
import PackageDescription

// Dependencies, and why each earns its build time:
// - OpenAPIKit: reads the documents in openapi/ as typed models; an operation's schemas are
//   decoded and compiled on its first request, so the library costs nothing on the request
//   path after that, and start-up does not grow with the documents. The ExternalLoading
//   trait (Swift Concurrency machinery we do not use) is switched off to shorten the build.
// - swift-argument-parser: the CLI, its --help and environment-variable defaults.
// - swift-collections, two of its modules only: OrderedCollections (OrderedDictionary keeps
//   JSON objects in the client's key order) and DequeModule (the journal's in-memory queue).
// - swift-log: the logging API; evalmock adds one small handler for its text and JSON lines.
// - Not Yams: the documents are JSON, and decoding them through Yams took ~200 ms at start-up;
//   JSON/JSONValueDecoder.swift decodes them from our ordered JSONValue instead (Foundation's
//   JSONDecoder would hand OpenAPIKit keys in hash order and scramble property order).
// GRDB.swift is deliberately not used: the store needs a handful of prepared statements on
// the hot path, and a thin wrapper over the C API (Sources/EvalmockKit/Storage) keeps both the
// build and each insert cheaper. See README "Design choices".
let package = Package(
    name: "evalmock",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "evalmock", targets: ["evalmock"]),
        .library(name: "EvalmockKit", targets: ["EvalmockKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/mattpolzin/OpenAPIKit", from: "6.4.0", traits: []),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibevent",
            pkgConfig: "libevent",
            providers: [.apt(["libevent-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // mimalloc replaces glibc's malloc in the executable on Linux: a Scorecard create makes
        // ~100 allocations (Swift ~40, SQLite ~27, libevent ~11), and glibc's malloc and free
        // were 14 % of its instructions; with mimalloc the create throughput rose 18 % (bench/README).
        .systemLibrary(
            name: "CMimalloc",
            providers: [.apt(["libmimalloc-dev"])]
        ),
        // Answers the requests libevent 2.1 rejects by itself (see its source file).
        .target(
            name: "CEvhttpErrorPage",
            dependencies: ["CLibevent"],
            linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]
        ),
        .target(
            name: "EvalmockKit",
            dependencies: [
                "CLibevent",
                "CEvhttpErrorPage",
                "CSQLite",
                .product(name: "OpenAPIKit", package: "OpenAPIKit"),
                .product(name: "OrderedCollections", package: "swift-collections"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // Release builds leave out the runtime's exclusivity checks (a dynamic access record
            // for each read of a class's stored `var`, such as a compiled schema's rules): about
            // 4 % of the instructions of a Scorecard create. Debug builds, which the tests run,
            // keep them, so an overlapping access still fails there.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        // One target per emulated API, each on the core alone: the compiler rejects a
        // reference from one API to another, or from the core to an API.
        .target(name: "EvalmockScorecardV2", dependencies: ["EvalmockKit"]),
        .target(name: "EvalmockScorecardV1", dependencies: ["EvalmockKit"]),
        .target(name: "EvalmockWeave", dependencies: ["EvalmockKit"]),
        .target(name: "EvalmockScaleGP", dependencies: ["EvalmockKit"]),
        // The list of APIs the CLI serves (and the tests start).
        .target(
            name: "EvalmockAPIs",
            dependencies: ["EvalmockKit", "EvalmockScorecardV2", "EvalmockScorecardV1", "EvalmockWeave", "EvalmockScaleGP"]
        ),
        .executableTarget(
            name: "evalmock",
            dependencies: [
                "EvalmockKit",
                "EvalmockAPIs",
                .target(name: "CMimalloc", condition: .when(platforms: [.linux])),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "EvalmockKitTests",
            dependencies: [
                "EvalmockKit", "EvalmockAPIs", "EvalmockScorecardV2", "EvalmockScorecardV1", "EvalmockWeave", "EvalmockScaleGP",
                .product(name: "OpenAPIKit", package: "OpenAPIKit"),
            ]
        ),
    ]
)
