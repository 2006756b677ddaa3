import Foundation
import RunexpPlan

/// The state of every shard of one sharded run, read from their folders.
public struct ShardStatus: Sendable {
    /// One shard's state.
    public enum State: String, Sendable {
        /// `shard.json` exists.
        case done
        /// A process holds the shard's lock.
        case running
        /// A journal but no process: the task died or was stopped; resubmit it.
        case stopped
        /// No folder yet.
        case notStarted = "not started"
    }

    public struct Entry: Sendable {
        public var shard: Shard
        public var state: State
        /// Runs finished (journal lines, or the finished shard's runs).
        public var done: Int
        /// Runs assigned, when the shard has started.
        public var total: Int?
        public var path: String
    }

    public var directory: String
    public var shards: [Entry]
    /// Runs of the whole plan, from plan.json.
    public var planRuns: Int?
    /// The result folder `runexp merge` made of these shards, while it exists.
    public var mergedInto: String?

    /// The shard counts of the folders present, ascending: more than one means the folder holds
    /// shards of different splits (`--shard 1/2` and `--shard 1/3`), which no merge takes together.
    public var splits: [Int] { Array(Set(shards.map(\.shard.count))).sorted() }

    /// Reads every shard folder under `directory` and adds the shards of the split not started.
    public static func read(_ directory: String) -> ShardStatus {
        let folders = ShardFolder.shardFolders(in: directory)
        var entries: [Entry] = []
        var planRuns: Int?
        for (shard, path) in folders {
            func file(_ name: String) -> Data? {
                let limit = name == ResultFiles.plan ? ResourceLimits.folderFileBytes : ResourceLimits.shardFileBytes
                return try? LineReader.contents(of: PathText.join(path, name), file: name, limit: limit)
            }
            if planRuns == nil, let data = file(ResultFiles.plan), case .success(let plan) = StoredPlan.read(data) {
                planRuns = plan.runCount
            }
            let assignment = file(ShardFolder.assignmentName).flatMap { try? JSONDecoder().decode(ShardFolder.Assignment.self, from: $0) }
            if let info = file(ShardFolder.infoName).flatMap({ try? JSONDecoder().decode(ShardFolder.Info.self, from: $0) }) {
                entries.append(Entry(shard: shard, state: .done, done: info.runs.count, total: info.runs.count, path: path))
                continue
            }
            let lines = JournalReader.recordCount(ofJournal: PathText.join(path, ActiveResultFolder.journalName))
            let state: State = isLocked(path) ? .running : .stopped
            entries.append(Entry(shard: shard, state: state, done: lines, total: assignment?.runs.count, path: path))
        }
        // Every name passed ShardFolder.shard(named:), so the count is within ResourceLimits.shards.
        if let count = entries.first?.shard.count {
            let present = Set(entries.filter { $0.shard.count == count }.map(\.shard.index))
            for index in 1...count where !present.contains(index) {
                let shard = Shard(index: index, count: count)
                entries.append(Entry(shard: shard, state: .notStarted, done: 0, total: nil,
                                     path: PathText.join(directory, shard.folderName)))
            }
        }
        entries.sort { ($0.shard.count, $0.shard.index) < ($1.shard.count, $1.shard.index) }
        let merged = (try? LineReader.contents(of: PathText.join(directory, ShardFolder.mergedName),
                                               file: ShardFolder.mergedName, limit: ResourceLimits.shardFileBytes))
            .flatMap { try? JSONDecoder().decode(ShardFolder.Merged.self, from: $0) }
            .map(\.folder)
            .flatMap { FileManager.default.fileExists(atPath: PathText.join($0, ResultFiles.runs)) ? $0 : nil }
        return ShardStatus(directory: directory, shards: entries, planRuns: planRuns, mergedInto: merged)
    }

    /// True when another process holds the folder's lock.
    static func isLocked(_ path: String) -> Bool {
        let descriptor = open(PathText.join(path, ActiveResultFolder.lockName), O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        if flock(descriptor, LOCK_EX | LOCK_NB) == 0 {
            flock(descriptor, LOCK_UN)
            return false
        }
        return true
    }
}
