import ArgumentParser
import Foundation
import RunexpSession

/// The `runexp` command: declarative, reproducible neural-network hyperparameter search.
@main
struct Runexp: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runexp",
        abstract: "Run a neural-network hyperparameter search declared in an experiment file.",
        discussion: "`runexp FILE.yaml` is the same as `runexp run FILE.yaml`.",
        version: RunexpVersion.current,
        subcommands: [RunCommand.self, ValidateCommand.self, PlanCommand.self, ReportCommand.self, DiffCommand.self,
                      MergeCommand.self, StatusCommand.self, SubmitCommand.self, FitCommand.self, PredictCommand.self,
                      CacheCommand.self],
        defaultSubcommand: RunCommand.self
    )

    /// When this process started (near enough: main reads it first).
    static let started = Date()

    /// Parses, runs, and maps errors to runexp's exit codes: usage errors exit 2, not 64.
    static func main() async {
        _ = started
        MemoryTuning.returnLargeBlocks()
        do {
            var command = try parseAsRoot(RunCommand.preprocess(Array(CommandLine.arguments.dropFirst())))
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            await BackgroundWork.settle()
        } catch {
            await BackgroundWork.settle()
            if exitCode(for: error) == .validationFailure {
                Terminal.error(fullMessage(for: error))
                Terminal.error("Run 'runexp --help' for usage.")
                Foundation.exit(ExitStatus.usage)
            }
            exit(withError: error)
        }
    }
}

/// runexp's exit codes (the README's "The command line" lists them).
enum ExitStatus {
    static let success: Int32 = 0
    static let invalidInput: Int32 = 1
    static let usage: Int32 = 2
    static let runFailed: Int32 = 3
    /// `diff --fail-on-regression`: the best objective got significantly worse.
    static let regression: Int32 = 4
}
