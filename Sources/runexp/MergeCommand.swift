import ArgumentParser
import Foundation
import RunexpExecution
import RunexpResults
import RunexpPlan
import RunexpSession

/// `runexp merge DIR...`: joins the shard folders of a sharded run into one result folder.
struct MergeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the shard folders of a sharded run into one result folder.",
        discussion: "The merged folder is byte-identical (but for provenance.json) to a single-machine run of the same file."
    )

    @Argument(help: "Shard folders, or the folder holding them (results/<name>/shards/<id>).")
    var folders: [String]

    @Option(help: "Folder that holds result folders.")
    var out: String = "results"

    func validate() throws {
        if folders.isEmpty { throw ValidationError("name the shard folders, or the folder that holds them") }
        if out.isEmpty { throw ValidationError(Terminal.emptyOutMessage) }
    }

    func run() async throws {
        let merged: MergeSession.Merged
        do {
            merged = try await MergeSession.merge(folders, out: out, commandLine: CommandLine.arguments, runexpVersion: RunexpVersion.current)
        } catch {
            switch error {
            case .shard(let error): Terminal.error("error: \(error)")
            case .folder(let error, _): Terminal.error("error: \(error)")
            case .invalid(let diagnostics): throw Terminal.report(diagnostics)
            case .cannotCreate(_, let reason), .journal(_, let reason), .finish(_, _, let reason):
                Terminal.error("error: cannot write the merged result folder under '\(out)': \(reason)")
            }
            throw ExitCode(error.isInvalidInput ? ExitStatus.invalidInput : ExitStatus.runFailed)
        }
        Terminal.output("Merged \(merged.shards) shards, \(merged.runs) runs: \(merged.folder)\n")
    }
}
