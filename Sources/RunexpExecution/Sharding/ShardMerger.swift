import Foundation
import RunexpPlan

/// Joins the finished shards of one plan into the records a single run would have produced.
public enum ShardMerger {
    /// What the shards hold together.
    public struct Merged: Sendable {
        public var plan: Plan
        public var planJSON: String
        public var experimentText: String
        public var classes: [String]
        public var dataSHA256: [String: String]
        /// Every run of the plan, in plan order.
        public var records: [RunRecord]
        /// The `<commit7>[-dirty]` the shards were run at (from their folder), or nil.
        public var commitTag: String?
    }

    /// Shard folders named by `arguments`: each a shard folder, or a folder of shard folders.
    public static func shardFolders(_ arguments: [String]) throws -> [String] {
        var folders: [String] = []
        for argument in arguments {
            if FileManager.default.fileExists(atPath: (argument as NSString).appendingPathComponent("plan.json")) {
                folders.append(argument)
                continue
            }
            let inside = ShardFolder.shardFolders(in: argument).map(\.path)
            guard !inside.isEmpty else {
                throw ShardError.merge("'\(argument)' is neither a shard folder nor a folder of shard folders (shard-I-of-N)")
            }
            folders += inside
        }
        return folders
    }

    /// Reads and checks the shards: one plan, every shard finished, each shard and each run
    /// exactly once. Errors name the shards or runs at fault.
    public static func merge(_ folders: [String]) throws -> Merged {
        guard !folders.isEmpty else { throw ShardError.merge("no shard folders given") }
        var planJSON: String?
        var planFolder = ""
        var infos: [(info: ShardFolder.Info, path: String)] = []
        var unfinished: [String] = []
        for folder in folders {
            guard let data = FileManager.default.contents(atPath: (folder as NSString).appendingPathComponent("plan.json")) else {
                throw ShardError.merge("'\(folder)' is not a shard folder: plan.json is missing")
            }
            let text = String(decoding: data, as: UTF8.self)
            if let planJSON, planJSON != text {
                throw ShardError.merge("'\(folder)' and '\(planFolder)' are shards of different plans; merge shards of one run")
            }
            planJSON = text
            planFolder = folder
            guard let infoData = FileManager.default.contents(atPath: (folder as NSString).appendingPathComponent(ShardFolder.infoName)),
                  let info = try? JSONDecoder().decode(ShardFolder.Info.self, from: infoData)
            else {
                let journal = FileManager.default.contents(atPath: (folder as NSString).appendingPathComponent(ActiveResultFolder.journalName))
                let done = journal.map { $0.reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 } }
                unfinished.append("'\(folder)' is unfinished" + (done.map { " (\($0) runs journaled)" } ?? ""))
                continue
            }
            infos.append((info, folder))
        }
        if !unfinished.isEmpty {
            throw ShardError.merge(unfinished.joined(separator: "; ") + "; resume those shards (resubmit their tasks) before merging")
        }
        guard let planJSON, let plan = try? JSONDecoder().decode(Plan.self, from: Data(planJSON.utf8)) else {
            throw ShardError.merge("'\(planFolder)/plan.json' is not a runexp plan")
        }
        let count = infos[0].info.count
        if let other = infos.first(where: { $0.info.count != count }) {
            throw ShardError.merge("'\(other.path)' is one of \(other.info.count) shards, '\(infos[0].path)' one of \(count); merge the shards of one split")
        }
        var seenShards: [Int: String] = [:]
        for (info, path) in infos {
            if let first = seenShards[info.index] {
                throw ShardError.merge("shard \(info.index) of \(count) is given twice: '\(first)' and '\(path)'")
            }
            seenShards[info.index] = path
        }
        let missingShards = (1...count).filter { seenShards[$0] == nil }
        if !missingShards.isEmpty {
            throw ShardError.merge("shard\(missingShards.count == 1 ? "" : "s") \(missingShards.map(String.init).joined(separator: ", ")) of \(count) "
                + "\(missingShards.count == 1 ? "is" : "are") missing; run or name \(missingShards.count == 1 ? "it" : "them")")
        }

        var records: [Int: RunRecord] = [:]
        var owner: [Int: Int] = [:]
        for (info, path) in infos.sorted(by: { $0.info.index < $1.info.index }) {
            let data = FileManager.default.contents(atPath: (path as NSString).appendingPathComponent(ShardFolder.recordsName)) ?? Data()
            let shardRecords = RunJournal.read(data, runCount: plan.runCount)
            let missing = info.runs.filter { shardRecords[$0] == nil }
            if !missing.isEmpty {
                throw ShardError.merge("'\(path)' lacks runs \(list(missing)) that its shard.json lists")
            }
            for (index, record) in shardRecords {
                if let first = owner[index] {
                    throw ShardError.merge("run \(index) is in shard \(first) and shard \(info.index); the shards overlap")
                }
                owner[index] = info.index
                records[index] = record
            }
        }
        let missingRuns = (0..<plan.runCount).filter { records[$0] == nil }
        if !missingRuns.isEmpty {
            throw ShardError.merge("runs \(list(missingRuns)) are in no shard (\(missingRuns.count) of \(plan.runCount) missing)")
        }
        let experimentText = FileManager.default.contents(atPath: (infos[0].path as NSString).appendingPathComponent("experiment.yaml"))
            .map { String(decoding: $0, as: UTF8.self) } ?? ""
        let shardsDirectory = ((infos[0].path as NSString).deletingLastPathComponent as NSString).lastPathComponent
        let tag = shardsDirectory.split(separator: "_").dropLast().joined(separator: "_")
        return Merged(plan: plan, planJSON: planJSON, experimentText: experimentText, classes: infos[0].info.classes,
                      dataSHA256: infos[0].info.dataSHA256, records: (0..<plan.runCount).map { records[$0]! },
                      commitTag: tag.isEmpty ? nil : tag)
    }

    /// `3, 9, 17` (at most ten, then how many more).
    static func list(_ indices: [Int]) -> String {
        let shown = indices.prefix(10).map(String.init).joined(separator: ", ")
        return indices.count > 10 ? "\(shown) and \(indices.count - 10) more" : shown
    }
}
