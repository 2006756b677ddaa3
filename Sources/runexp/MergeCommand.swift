import ArgumentParser
import Foundation
import RunexpExecution
import RunexpPlan
import RunexpReport

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
    }

    func run() async throws {
        let started = Date()
        let merged: ShardMerger.Merged
        let shardFolders: [String]
        do {
            shardFolders = try ShardMerger.shardFolders(folders)
            merged = try ShardMerger.merge(shardFolders)
        } catch let error as ShardError {
            Terminal.error("error: \(error)")
            throw ExitCode(ExitStatus.invalidInput)
        }
        let results = ExperimentResults(plan: merged.plan, classes: merged.classes, records: merged.records)
        let git = await GitState.probe(experimentFile: "./merge")
        let tag = merged.commitTag ?? git.folderTag
        var provenance = Provenance(
            runexpVersion: RunexpVersion.current, git: git, experimentFile: "(merged shards)",
            experimentSHA256: SHA256Digest.hex(of: merged.experimentText), planSHA256: SHA256Digest.hex(of: merged.planJSON),
            dataSHA256: merged.dataSHA256, jobs: 0, commandLine: CommandLine.arguments, resumedRuns: 0, started: started, finished: Date())
        provenance.mergedFrom = shardFolders
        // The shards' code path decides the merged numbers' last bits, not this machine's.
        if let kernel = merged.kernel { provenance.kernel = kernel }
        let provenanceJSON = ResultTables.json(provenance)
        let files = ExperimentRunner.files(results, experimentText: merged.experimentText, planJSON: merged.planJSON)
            + [("provenance.json", provenanceJSON)]
            + ReportFiles.render(results: results, provenanceJSON: provenanceJSON)
        var made: ActiveResultFolder?
        do {
            let experimentDirectory = (out as NSString).appendingPathComponent(merged.plan.name)
            let name = ResultFolder.folderName(started: started, git: git).split(separator: "_").first.map { "\($0)_\(tag)" } ?? tag
            let folder = try ActiveResultFolder.create(in: experimentDirectory, name: name, planJSON: merged.planJSON,
                                                       dataSHA256: merged.dataSHA256, experimentText: merged.experimentText)
            made = folder
            try folder.finish(files: files)
        } catch {
            // A merged folder is made in one go: a half-written one is removed, the shards stay as they were.
            if let made { try? FileManager.default.removeItem(atPath: made.path) }
            if let error = error as? ResultFolderError {
                Terminal.error("error: \(error)")
                throw ExitCode(ExitStatus.invalidInput)
            }
            Terminal.error("error: cannot write the merged result folder under '\(out)': \(error.localizedDescription)")
            throw ExitCode(ExitStatus.runFailed)
        }
        guard let folder = made else { return }
        // For runexp status: these shards are merged (where to, while that folder exists).
        let absolute = folder.path.hasPrefix("/") ? folder.path
            : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(folder.path)
        for directory in Set(shardFolders.map { ($0 as NSString).deletingLastPathComponent }) {
            try? AtomicFile.write(ResultTables.json(ShardFolder.Merged(folder: (absolute as NSString).standardizingPath)),
                                  to: (directory as NSString).appendingPathComponent(ShardFolder.mergedName))
        }
        Terminal.output("Merged \(shardFolders.count) shards, \(merged.records.count) runs: \(folder.path)\n")
    }
}
