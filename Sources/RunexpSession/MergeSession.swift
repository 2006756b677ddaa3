import Foundation
import RunexpExecution
import RunexpResults
import RunexpPlan
import RunexpReport

/// Joins the finished shard folders of a sharded run into one result folder, byte-identical (but
/// for provenance.json and report.html) to a single-machine run of the same file.
public enum MergeSession {
    /// A merged folder: where it is, and what went into it.
    public struct Merged: Sendable {
        public let folder: String
        public let shards: Int
        public let runs: Int
    }

    /// Merges the shard folders `folders` name (or the folder holding them) under `out`. The
    /// merged folder is made in one go: when it cannot be finished it is removed, and the shards
    /// stay as they were. Each shards directory then records where it was merged to (for `status`).
    public static func merge(_ folders: [String], out: String, commandLine: [String], runexpVersion: String)
        async throws(SessionError) -> Merged {
        let started = Date()
        let shardFolders: [String]
        let merged: ShardMerger.Merged
        do {
            shardFolders = try ShardMerger.shardFolders(folders)
            merged = try ShardMerger.merge(shardFolders, kernel: TrainingKernel.codePath)
        } catch let error as ShardError {
            throw .shard(error)
        } catch {
            throw .cannotCreate(directory: out, reason: ErrorText.describe(error))
        }
        let summarized = ExperimentResults(plan: merged.plan, classes: merged.classes, records: merged.records)
        let results = summarized.with(predictions: predictions(merged, results: summarized))
        let git = await GitState.probe(experimentFile: "./merge")
        var provenance = Provenance(
            runexpVersion: runexpVersion, git: git, experimentFile: "(merged shards)",
            experimentSHA256: SHA256Digest.hex(of: merged.experimentText), planSHA256: SHA256Digest.hex(of: merged.planJSON),
            dataSHA256: merged.dataSHA256, kernel: TrainingKernel.codePath, kernelInstructions: TrainingKernel.instructions, jobs: 0, commandLine: commandLine, resumedRuns: 0, started: started, finished: Date())
        provenance.mergedFrom = shardFolders
        // The shards' code path decides the merged numbers' last bits, not this machine's.
        if let kernel = merged.kernel { provenance.kernel = kernel }
        let provenanceJSON = ResultTables.json(provenance)
        let files = ExperimentRunner.files(results, experimentText: merged.experimentText, planJSON: merged.planJSON)
            + [(ResultFiles.provenance, provenanceJSON)]
            + ReportFiles.render(results: results, provenanceJSON: provenanceJSON)
        // Named for the shards' commit (they ran it), at this time.
        let name = ResultFolder.folderName(started: started, tag: merged.commitTag ?? git.folderTag)
        let experimentDirectory = PathText.join(out, merged.plan.name)
        var made: ActiveResultFolder?
        do {
            let folder = try ActiveResultFolder.create(in: experimentDirectory, name: name, planJSON: merged.planJSON,
                                                       dataSHA256: merged.dataSHA256, experimentText: merged.experimentText, kernel: TrainingKernel.codePath)
            made = folder
            try folder.finish(files: files)
        } catch {
            if let made { try? FileManager.default.removeItem(atPath: made.path) }
            if let error = error as? ResultFolderError { throw .folder(error, shardFolder: nil) }
            throw .cannotCreate(directory: out, reason: ErrorText.describe(error))
        }
        guard let folder = made else { throw .cannotCreate(directory: out, reason: "no folder was made") }
        recordMerge(of: shardFolders, into: folder.path)
        return Merged(folder: folder.path, shards: shardFolders.count, runs: merged.records.count)
    }

    /// The best cell's predictions, as a single-machine run makes them, when the data file the
    /// shards recorded is here with the same SHA-256 and training here reproduces their runs
    /// (same kernel code path); otherwise none (the report then has no predictions figure).
    private static func predictions(_ merged: ShardMerger.Merged, results: ExperimentResults) -> Predictions? {
        guard merged.dataSHA256.count == 1, let (path, sha256) = merged.dataSHA256.first else { return nil }
        var plan = merged.plan
        plan.data.path = path
        guard let data = try? DataLoader.load(plan.data, task: plan.task, experimentFile: path), data.sha256 == sha256,
              let prepared = try? PreparedExperiment.prepare(plan, data: data, experimentFile: path) else { return nil }
        return Predictions.ofBestCell(prepared, results: results)
    }

    /// Writes merged.json beside the shard folders: these shards are merged, and where to.
    private static func recordMerge(of shardFolders: [String], into path: String) {
        let absolute = path.hasPrefix("/") ? path : PathText.join(FileManager.default.currentDirectoryPath, path)
        for directory in Set(shardFolders.map { PathText.parent(of: $0) }) {
            try? AtomicFile.write(ResultTables.json(ShardFolder.Merged(folder: URL(fileURLWithPath: absolute).standardized.path)),
                                  to: PathText.join(directory, ShardFolder.mergedName))
        }
    }
}
