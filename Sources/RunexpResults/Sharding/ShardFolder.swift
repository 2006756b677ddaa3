import Foundation
import RunexpPlan

/// Where the shards of one sharded run live, and what a finished shard records.
///
/// Shards of one plan at one commit share a folder,
/// `<root>/<name>/shards/<commit7>[-dirty]_<plan hash 12>/shard-I-of-N/`, so every task of a job
/// array finds its own shard folder without talking to the others, and a resubmitted task
/// resumes its shard from the journal. A finished shard keeps its journal's records as
/// `runs.jsonl` (checked lines, without the header) and writes `shard.json`; `runexp merge` leaves
/// `merged.json` beside the shard folders, naming the merged folder for `runexp status`.
public enum ShardFolder {
    /// Written when a shard's runs are all done.
    public struct Info: Codable, Equatable, Sendable {
        public var index: Int
        public var count: Int
        /// Run indices of the shard, in plan order.
        public var runs: [Int]
        /// Class labels of the data, in class order (merge needs them for the result tables).
        public var classes: [String]
        public var planSHA256: String
        public var dataSHA256: [String: String]
        /// The kernel code path that trained the shard's runs (nil in a shard.json of an older runexp).
        public var kernel: String?

        public init(index: Int, count: Int, runs: [Int], classes: [String], planSHA256: String, dataSHA256: [String: String],
                    kernel: String?) {
            self.index = index
            self.count = count
            self.runs = runs
            self.classes = classes
            self.planSHA256 = planSHA256
            self.dataSHA256 = dataSHA256
            self.kernel = kernel
        }

        enum CodingKeys: String, CodingKey {
            case index, count, runs, classes, planSHA256 = "plan_sha256", dataSHA256 = "data_sha256", kernel
        }
    }

    /// Written when a shard starts: which runs it will do, for `runexp status`.
    public struct Assignment: Codable, Equatable, Sendable {
        public var index: Int
        public var count: Int
        public var runs: [Int]

        public init(index: Int, count: Int, runs: [Int]) {
            self.index = index
            self.count = count
            self.runs = runs
        }
    }

    public static let assignmentName = "assignment.json"
    public static let infoName = "shard.json"
    public static let recordsName = "runs.jsonl"

    /// `<root>/<name>/shards/<commit7>[-dirty]_<plan hash 12>`.
    public static func shardsDirectory(root: String, plan: Plan, planJSON: String, git: GitState) -> String {
        let hash = SHA256Digest.hex(of: planJSON).prefix(12)
        return PathText.join(PathText.join(root, plan.name), "shards/\(git.folderTag)_\(hash)")
    }

    /// The shard folders under a shards directory, by shard index (from their names). Names
    /// outside `shard-I-of-N` with 1 ≤ I ≤ N ≤ ``ResourceLimits/shards`` are not shard folders.
    public static func shardFolders(in directory: String) -> [(shard: Shard, path: String)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { name -> (Shard, String)? in
            guard let shard = shard(named: name) else { return nil }
            return (shard, PathText.join(directory, name))
        }.sorted { ($0.0.count, $0.0.index) < ($1.0.count, $1.0.index) }
    }

    /// The shard a folder named `shard-I-of-N` holds, when 1 ≤ I ≤ N ≤ ``ResourceLimits/shards``.
    public static func shard(named name: String) -> Shard? {
        let parts = name.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "shard", parts[2] == "of", let index = Int(parts[1]), let count = Int(parts[3]),
              count >= 1, count <= ResourceLimits.shards, index >= 1, index <= count, String(index) == parts[1], String(count) == parts[3]
        else { return nil }
        return Shard(index: index, count: count)
    }

    /// Written into the shards directory by `runexp merge`: where the merged folder went.
    public struct Merged: Codable, Equatable, Sendable {
        /// The merged result folder (absolute).
        public var folder: String

        public init(folder: String) {
            self.folder = folder
        }
    }

    public static let mergedName = "merged.json"
}

extension ActiveResultFolder {
    /// Opens the folder of a shard at exactly `path`: resumes it when it exists (checking the
    /// plan, the data and the journal), creates it otherwise. A finished shard is reported as such.
    public static func openShard(at path: String, plan: Plan, planJSON: String, dataSHA256: [String: String], classCount: Int? = nil,
                                 experimentText: String, kernel: String) throws -> ActiveResultFolder {
        if FileManager.default.fileExists(atPath: PathText.join(path, ShardFolder.infoName)) {
            throw ResultFolderError.alreadyFinished(path: path)
        }
        if FileManager.default.fileExists(atPath: PathText.join(path, journalName)) {
            return try resume(path, plan: plan, planJSON: planJSON, dataSHA256: dataSHA256, classCount: classCount, kernel: kernel)
        }
        let parent = PathText.parent(of: path)
        try makeFolder(parent)
        // A folder killed before its journal existed holds nothing to keep; anything else at the
        // path (a file, a folder someone made) is not runexp's to delete.
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            let names = isDirectory.boolValue ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []) : ["?"]
            let own: Set<String> = [lockName, ResultFiles.experiment, ResultFiles.plan, ShardFolder.assignmentName]
            guard names.allSatisfy({ own.contains($0) || AtomicFile.isTemporaryName($0) }) else {
                throw ResultFolderError.occupied(path: path)
            }
            try FileManager.default.removeItem(atPath: path)
        }
        return try create(in: parent, name: PathText.lastComponent(of: path), planJSON: planJSON, dataSHA256: dataSHA256,
                          experimentText: experimentText, kernel: kernel)
    }

    /// Records which runs this shard will do (for `runexp status`).
    public func recordAssignment(_ assignment: ShardFolder.Assignment) throws {
        try Self.writeAtomically(path, ShardFolder.assignmentName, ResultTables.json(assignment))
    }

    /// Finishes a shard: the journal becomes `runs.jsonl` (checked lines, sorted by run index),
    /// `shard.json` records what the shard holds (its presence marks the shard done), then the lock
    /// and the journal go. No `latest` link: merge makes the folder.
    public func finishShard(_ info: ShardFolder.Info) throws {
        var records: [UInt8] = []
        for record in journaled.values.sorted(by: { $0.run.index < $1.run.index }) {
            RunJournal.appendChecked(record, fingerprint: fingerprintBytes, to: &records)
        }
        try Self.writeAtomically(path, ShardFolder.recordsName, String(decoding: records, as: UTF8.self))
        Self.removeStaleTemporaries(in: path)
        try afterFinishStep?(.filesWritten)
        try Self.writeAtomically(path, ShardFolder.infoName, ResultTables.json(info))
        try removeJournalAndLock()
    }
}
