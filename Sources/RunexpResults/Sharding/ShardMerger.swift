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
        /// The kernel code path every shard was trained on (nil for shards of an older runexp).
        public var kernel: String?
    }

    /// Shard folders named by `arguments`: each a shard folder, or a folder of shard folders.
    public static func shardFolders(_ arguments: [String]) throws -> [String] {
        var folders: [String] = []
        for argument in arguments {
            func has(_ name: String) -> Bool { FileManager.default.fileExists(atPath: PathText.join(argument, name)) }
            if has(ResultFiles.plan) || has(ShardFolder.infoName) || has(ActiveResultFolder.journalName) {
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

    /// Reads and checks the shards: one plan, one data, every shard finished, each shard and each
    /// run exactly once, every record of `runs.jsonl` checked against the plan (``JournalReader``).
    /// Errors name the folders, files and lines at fault; nothing is written. `kernel` is this
    /// process's kernel code path, which a shard.json of an older runexp (none recorded) stands for.
    public static func merge(_ folders: [String], kernel: String) throws -> Merged {
        guard !folders.isEmpty else { throw ShardError.merge("no shard folders given") }
        var planJSON: String?
        var planFolder = ""
        var infos: [(info: ShardFolder.Info, path: String)] = []
        var unfinished: [String] = []
        for folder in folders {
            func file(_ name: String) -> String { PathText.join(folder, name) }
            func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: file(name)) }
            let hasInfo = exists(ShardFolder.infoName)
            if !hasInfo, !exists(ActiveResultFolder.journalName), exists(ResultFiles.runs) {
                throw ShardError.merge("'\(folder)' is a finished result folder, not a shard; merge joins the shard folders of a "
                    + "sharded run (results/<name>/shards/<id>, made by runexp run FILE --shard I/N)")
            }
            if !hasInfo, exists(ActiveResultFolder.journalName) || exists(ActiveResultFolder.lockName) {
                let done = JournalReader.recordCount(ofJournal: file(ActiveResultFolder.journalName))
                unfinished.append("'\(folder)' is unfinished (\(done) runs journaled)")
                continue
            }
            guard exists(ResultFiles.plan) else { throw ShardError.merge("'\(folder)' is not a shard folder: plan.json is missing") }
            let text = String(decoding: try read(file(ResultFiles.plan)), as: UTF8.self)
            if let planJSON, planJSON != text {
                throw ShardError.merge("'\(folder)' and '\(planFolder)' are shards of different plans; merge shards of one run")
            }
            if planJSON == nil { planFolder = folder }
            planJSON = text
            guard hasInfo else {
                throw ShardError.merge("'\(folder)' is not a shard folder: \(ShardFolder.infoName) is missing")
            }
            let info: ShardFolder.Info
            do {
                info = try JSONDecoder().decode(ShardFolder.Info.self, from: try read(file(ShardFolder.infoName)))
            } catch let error as ShardError {
                throw error
            } catch {
                throw ShardError.merge("'\(file(ShardFolder.infoName))' is not a runexp shard.json: \(JournalReader.summary(of: error))")
            }
            infos.append((info, folder))
        }
        if !unfinished.isEmpty {
            throw ShardError.merge(unfinished.joined(separator: "; ") + "; resume those shards (resubmit their tasks) before merging")
        }
        guard let planJSON else { throw ShardError.merge("'\(planFolder)/plan.json' is not a runexp plan") }
        let plan: Plan
        switch StoredPlan.read(Data(planJSON.utf8)) {
        case .success(let read): plan = read
        case .failure(.notAPlan): throw ShardError.merge("'\(planFolder)/plan.json' is not a runexp plan")
        case .failure(.invalid(let problem)): throw ShardError.merge("'\(planFolder)/plan.json': \(problem)")
        }
        let planSHA256 = SHA256Digest.hex(of: planJSON)
        let runCount = plan.runCount
        for (info, path) in infos {
            if let problem = infoProblem(info, folder: path, runCount: runCount, planSHA256: planSHA256, task: plan.task) {
                throw ShardError.merge("'\(PathText.join(path, ShardFolder.infoName))': \(problem)")
            }
        }
        let first = infos[0]
        for (info, path) in infos.dropFirst() {
            if info.dataSHA256 != first.info.dataSHA256 {
                let changes = Set(info.dataSHA256.keys).union(first.info.dataSHA256.keys).sorted().compactMap { file -> String? in
                    let (one, other) = (first.info.dataSHA256[file], info.dataSHA256[file])
                    return one == other ? nil : "'\(file)' has SHA-256 \(one ?? "(none)") in '\(first.path)' and \(other ?? "(none)") in '\(path)'"
                }
                throw ShardError.merge("'\(path)' and '\(first.path)' were run on different data; rerun the shards on one data file: "
                    + changes.joined(separator: "; "))
            }
            if info.kernel != first.info.kernel {
                throw ShardError.merge("'\(path)' was trained on the kernel code path '\(info.kernel ?? "unrecorded")' and '\(first.path)' "
                    + "on '\(first.info.kernel ?? "unrecorded")', whose last bits differ, so the merged folder would match no single run: "
                    + "rerun the shards on one kind of node, or with RUNEXP_KERNEL=simd8 exported before sbatch (every node runs it)")
            }
            if info.classes != first.info.classes {
                throw ShardError.merge("'\(path)' has classes \(info.classes) and '\(first.path)' has \(first.info.classes); "
                    + "the shards were run on different data")
            }
        }
        let count = first.info.count
        if let other = infos.first(where: { $0.info.count != count }) {
            throw ShardError.merge("'\(other.path)' is one of \(other.info.count) shards, '\(first.path)' one of \(count); merge the shards of one split")
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
            throw ShardError.merge("shard\(missingShards.count == 1 ? "" : "s") \(list(missingShards)) of \(count) "
                + "\(missingShards.count == 1 ? "is" : "are") missing; run or name \(missingShards.count == 1 ? "it" : "them")")
        }

        var records: [Int: RunRecord] = [:]
        var owner: [Int: String] = [:]
        for (info, path) in infos.sorted(by: { $0.info.index < $1.info.index }) {
            let recordsPath = PathText.join(path, ShardFolder.recordsName)
            let shardRecords: [Int: RunRecord]
            do {
                shardRecords = try JournalReader(plan: plan, classCount: info.classes.count, file: recordsPath)
                    .readRecords(at: recordsPath, fingerprint: JournalFingerprint(planSHA256: planSHA256, dataSHA256: info.dataSHA256,
                                                                   kernel: info.kernel ?? kernel))
            } catch let error as JournalError {
                throw ShardError.merge("\(error); rerun that shard (delete its folder first)")
            }
            let assigned = Set(info.runs)
            if let stranger = shardRecords.keys.sorted().first(where: { !assigned.contains($0) }) {
                throw ShardError.merge("'\(recordsPath)' holds run \(stranger), which its \(ShardFolder.infoName) does not list")
            }
            let missing = info.runs.filter { shardRecords[$0] == nil }
            if !missing.isEmpty {
                throw ShardError.merge("'\(recordsPath)' lacks runs \(list(missing)) that its \(ShardFolder.infoName) lists")
            }
            for (index, record) in shardRecords {
                if let other = owner[index] {
                    throw ShardError.merge("run \(index) is in '\(other)' and in '\(path)'; the shards overlap")
                }
                owner[index] = path
                records[index] = record
            }
        }
        let missingRuns = (0..<runCount).filter { records[$0] == nil }
        if !missingRuns.isEmpty {
            throw ShardError.merge("runs \(list(missingRuns)) are in no shard (\(missingRuns.count) of \(runCount) missing)")
        }
        let experimentText = (try? read(PathText.join(first.path, ResultFiles.experiment)))
            .map { String(decoding: $0, as: UTF8.self) } ?? ""
        let shardsDirectory = PathText.lastComponent(of: PathText.parent(of: first.path))
        let tag = shardsDirectory.split(separator: "_").dropLast().joined(separator: "_")
        return Merged(plan: plan, planJSON: planJSON, experimentText: experimentText, classes: first.info.classes,
                      dataSHA256: first.info.dataSHA256, records: (0..<runCount).compactMap { records[$0] },
                      commitTag: tag.isEmpty || !tag.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) ? nil : tag,
                      kernel: first.info.kernel)
    }

    /// A file of a shard folder, read whole when it is a regular file of at most
    /// ``ResourceLimits/folderFileBytes`` (plan.json, experiment.yaml) or
    /// ``ResourceLimits/shardFileBytes`` (shard.json).
    static func read(_ path: String) throws -> Data {
        let small = PathText.lastComponent(of: path) == ShardFolder.infoName
        do {
            return try LineReader.contents(of: path, file: path, limit: small ? ResourceLimits.shardFileBytes : ResourceLimits.folderFileBytes,
                                           limitName: small ? "shardFileBytes" : "folderFileBytes")
        } catch let error as JournalError {
            throw ShardError.merge("'\(error.file)' \(error.problem)")
        }
    }


    /// What is wrong with a shard's shard.json against its folder name and the plan, or nil.
    static func infoProblem(_ info: ShardFolder.Info, folder: String, runCount: Int, planSHA256: String, task: TaskKind) -> String? {
        guard info.count >= 1, info.count <= ResourceLimits.shards, info.index >= 1, info.index <= info.count else {
            return "shard \(info.index) of \(info.count); a shard is I of N with 1 ≤ I ≤ N ≤ \(ResourceLimits.shards) (ResourceLimits.shards)"
        }
        if let named = ShardFolder.shard(named: PathText.lastComponent(of: folder)), named != Shard(index: info.index, count: info.count) {
            return "says shard \(info.index) of \(info.count), but the folder is shard \(named.index) of \(named.count)"
        }
        guard info.planSHA256 == planSHA256 else {
            return "records plan SHA-256 \(info.planSHA256), but the shard's plan.json has \(planSHA256)"
        }
        guard !info.dataSHA256.isEmpty else { return "records no data SHA-256" }
        switch task {
        case .classification:
            guard info.classes.count >= 2, Set(info.classes).count == info.classes.count else {
                return "classes \(info.classes.prefix(10)); a shard records two or more distinct class labels"
            }
        case .regression:
            guard info.classes.isEmpty else { return "classes \(info.classes.prefix(10)); a regression shard records none" }
        }
        guard info.runs.count <= runCount, zip(info.runs, info.runs.dropFirst()).allSatisfy({ $0 < $1 }),
              info.runs.allSatisfy({ $0 >= 0 && $0 < runCount }) else {
            return "runs must be distinct run indices in 0...\(runCount - 1), in increasing order"
        }
        return nil
    }

    /// `3, 9, 17` (at most ten, then how many more).
    static func list(_ indices: [Int]) -> String {
        let shown = indices.prefix(10).map(String.init).joined(separator: ", ")
        return indices.count > 10 ? "\(shown) and \(indices.count - 10) more" : shown
    }
}
