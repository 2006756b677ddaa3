import ArgumentParser
import Foundation
import RunexpExecution
import RunexpResults
import RunexpReport

/// `runexp diff A B`: what changed between two result folders or git revisions.
struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two result folders (or git revisions) of one experiment.",
        discussion: """
            A and B are result folders, experiment folders (their latest result), or git revisions \
            (the newest result folder whose provenance names that commit). Cells are aligned by axis \
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

    func validate() throws {
        if out.isEmpty { throw ValidationError(Terminal.emptyOutMessage) }
    }

    func run() async throws {
        let diff: ResultDiff
        do {
            let folderA = try await ResultLocator.locate(a, root: out, experiment: experiment)
            let folderB = try await ResultLocator.locate(b, root: out, experiment: experiment)
            diff = try ResultDiff.compare(try ResultFolderReader.read(folderA), try ResultFolderReader.read(folderB))
        } catch let error as ResultFolderReadError {
            Terminal.error(error.description)
            throw ExitCode(ExitStatus.invalidInput)
        }
        switch format {
        case .text: Terminal.output(DiffRenderer.text(diff, showAll: all))
        case .markdown: Terminal.output(DiffRenderer.markdown(diff))
        case .json: Terminal.output(DiffRenderer.json(diff))
        }
        if failOnRegression, diff.isRegression { throw ExitCode(ExitStatus.regression) }
    }
}
