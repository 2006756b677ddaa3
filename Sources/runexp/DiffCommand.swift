import ArgumentParser
import Foundation
import RunexpExecution
import RunexpResults
import RunexpReport
import RunexpPlan
import RunexpSession

/// `runexp diff A B`: what changed between two result folders or git revisions.
struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two result folders (or git revisions) of one experiment.",
        discussion: """
            A and B are result folders, experiment folders (their latest result), or git revisions \
            (the newest result folder whose provenance names that commit). With FILE, a revision that has \
            no result folder is run: FILE (and its data, when git tracks it) as of that revision, with this \
            binary, through the run cache, so only the runs that changed train. Cells are aligned by axis \
            values; each Δ of the objective comes with a 95% Welch interval and a verdict.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, markdown, json
    }

    @Argument(help: "Before: a result folder or a git revision.")
    var a: String

    @Argument(help: "After: a result folder or a git revision.")
    var b: String

    @Argument(help: "The experiment file to run for a revision without a result folder.")
    var file: String?

    @Option(help: "Runs trained at once when a revision is run (default: all cores).")
    var jobs: Int?

    @Option(help: "text, markdown (for a pull-request comment) or json.")
    var format: Format = .text

    @Option(help: "Folder that holds result folders, where revisions are looked up.")
    var out: String = "results"

    @Option(help: "The experiment whose folders a revision stands for, when a commit has several.")
    var experiment: String?

    @Flag(help: "List every common cell, not only the significant changes (text format).")
    var all = false

    @Flag(help: "Exit 4 when the best objective got significantly worse.")
    var failOnRegression = false

    @Option(help: "With --fail-on-regression: only a drop of at least this much in the objective fails.")
    var minEffect: Double?

    func validate() throws {
        if out.isEmpty { throw ValidationError(Terminal.emptyOutMessage) }
        if let minEffect {
            guard minEffect.isFinite, minEffect >= 0 else { throw ValidationError("--min-effect must be a number ≥ 0, got \(minEffect)") }
            guard failOnRegression else { throw ValidationError("--min-effect goes with --fail-on-regression") }
        }
        if let jobs, !(1...ResourceLimits.jobs).contains(jobs) {
            throw ValidationError("--jobs must be from 1 to \(ResourceLimits.jobs) (at most \(ResourceLimits.jobs)), got \(jobs)")
        }
    }

    func run() async throws {
        let diff: ResultDiff
        do {
            // FILE names the experiment whose folders a revision stands for.
            let name = experiment ?? file.flatMap { try? PlanParser.parse(contentsOf: $0).name }
            let folderA = try await contents(a, side: "A", experiment: name)
            let folderB = try await contents(b, side: "B", experiment: name)
            diff = try ResultDiff.compare(folderA, folderB)
        } catch let error as ResultFolderReadError {
            Terminal.error(error.description)
            throw ExitCode(ExitStatus.invalidInput)
        } catch let error as RevisionRun.Refusal {
            Terminal.error(error.description)
            throw ExitCode(ExitStatus.invalidInput)
        }
        switch format {
        case .text: Terminal.output(DiffRenderer.text(diff, showAll: all))
        case .markdown: Terminal.output(DiffRenderer.markdown(diff))
        case .json: Terminal.output(DiffRenderer.json(diff))
        }
        if failOnRegression, diff.isRegression(minEffect: minEffect ?? 0) { throw ExitCode(ExitStatus.regression) }
    }

    /// The result folder `argument` names, read; with FILE, a revision without one is run (and said
    /// so on stderr), its results taken as the run made them.
    private func contents(_ argument: String, side: String, experiment name: String?) async throws -> ResultFolderReader.Contents {
        let located: String
        do {
            located = try await ResultLocator.locate(argument, root: out, experiment: name)
        } catch let error as ResultFolderReadError {
            guard let file, !FileManager.default.fileExists(atPath: argument) else { throw error }
            let made = try await RevisionRun.run(file: file, revision: argument, out: out,
                                                 cache: RunCommand.cacheChoice(flag: nil, off: false, environment: ProcessInfo.processInfo.environment),
                                                 jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount, runexpVersion: RunexpVersion.current)
            Terminal.error("\(side): \(argument) (\(made.commit.prefix(7))) has no result folder: ran \(file) as of it, "
                           + "\(made.runs) runs, \(made.reused) from the cache"
                           + (made.workingCopyData.isEmpty ? "" : "; data from the working copy (its hash recorded): "
                              + made.workingCopyData.joined(separator: ", ")))
            return made.contents
        }
        return try ResultFolderReader.read(located)
    }
}
