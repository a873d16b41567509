import ArgumentParser
import EvalmockKit

#if canImport(CMimalloc)
    import CMimalloc

    /// The allocator the process runs on, in `--version`. Naming `mi_version()` also keeps
    /// libmimalloc among the executable's libraries, where it replaces malloc (see Package.swift).
    let allocator = "mimalloc \(mi_version() / 100).\(mi_version() % 100 / 10).\(mi_version() % 10)"
#else
    let allocator = "the system's malloc"
#endif

@main
struct Evalmock: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evalmock",
        abstract: "A local emulator of LLM-evaluation platform APIs (Scorecard, W&B Weave, Scale GP).",
        version: "\(EvalmockVersion.current) (memory allocator: \(allocator))",
        subcommands: [Serve.self, Health.self, Export.self, Import.self],
        defaultSubcommand: Serve.self
    )
}
