import ArgumentParser
import EvalmockKit

@main
struct Evalmock: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evalmock",
        abstract: "A local emulator of LLM-evaluation platform APIs (Scorecard, W&B Weave, Scale GP).",
        version: EvalmockVersion.current,
        subcommands: [Serve.self, Health.self],
        defaultSubcommand: Serve.self
    )
}
