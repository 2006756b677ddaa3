import ArgumentParser
import Foundation
import RunexpPlan
import RunexpExecution
import RunexpResults
import RunexpReport

/// `runexp status DIR`: how far the shards of a sharded run have come.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the progress of a sharded run from its shards' journals."
    )

    @Argument(help: "The shards folder (results/<name>/shards/<id>), or an experiment folder (results/<name>).")
    var folder: String

    func run() throws {
        var directories = [folder]
        let nested = PathText.join(folder, "shards")
        if FileManager.default.fileExists(atPath: nested) {
            directories = ((try? FileManager.default.contentsOfDirectory(atPath: nested)) ?? []).sorted()
                .map { PathText.join(nested, $0) }
        }
        var found = false
        var mixed: [String] = []
        for directory in directories {
            let status = ShardStatus.read(directory)
            guard !status.shards.isEmpty else { continue }
            found = true
            var text = ShardStatusTable.render(status)
            // The table's closing line asks for a merge; once done, it says where the merged folder is.
            let mergeLine = "All shards done: runexp merge \(status.directory)\n"
            if let merged = status.mergedInto, text.hasSuffix(mergeLine) {
                text = String(text.dropLast(mergeLine.count)) + "All shards done and merged: \(merged)\n"
            }
            Terminal.output(text)
            if status.splits.count > 1 { mixed.append(status.directory) }
        }
        if !found {
            Terminal.error("error: no shard folders (shard-I-of-N) under '\(folder)'")
            throw ExitCode(ExitStatus.invalidInput)
        }
        if !mixed.isEmpty {
            Terminal.error("error: shards of different splits in " + mixed.map { "'\($0)'" }.joined(separator: ", ")
                + "; they cannot be merged together")
            throw ExitCode(ExitStatus.invalidInput)
        }
    }
}
