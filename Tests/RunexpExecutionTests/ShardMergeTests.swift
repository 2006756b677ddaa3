import Foundation
import RunexpKernel
import Testing
@testable import RunexpExecution
@testable import RunexpResults
@testable import RunexpPlan
import RunexpTestSupport

/// Merge reads shard folders it did not write: every file is checked before use, and each refusal
/// names the folder, file (and line) at fault.
@Suite struct ShardMergeTests {
    static let plan = PlanRecords.plan(cells: 3, repetitions: 2)
    static let planJSON = ResultTables.planJSON(plan)
    static let planSHA256 = SHA256Digest.hex(of: planJSON)
    static let data = ["d.csv": String(repeating: "a", count: 64)]
    static let classes = ["B", "M"]

    /// Shards 1...`count` of the plan under `directory/shards`, finished; shard `otherData` (if any)
    /// ran on other data, shard `otherClasses` saw other classes.
    static func shards(in directory: TemporaryDirectory, count: Int = 2, otherData: Int? = nil, otherClasses: Int? = nil) throws -> [String] {
        var paths: [String] = []
        for index in 1...count {
            let shard = Shard(index: index, count: count)
            let path = directory.file("shards/" + shard.folderName)
            let data = index == otherData ? ["d.csv": String(repeating: "b", count: 64)] : Self.data
            let classes = index == otherClasses ? ["B", "X"] : Self.classes
            let folder = try ActiveResultFolder.openShard(at: path, plan: plan, planJSON: planJSON, dataSHA256: data, classCount: 2,
                                                          experimentText: "yaml", kernel: kernelCodePath)
            let runs = plan.runs.filter { $0.index % count == index - 1 }.map(\.index)
            for run in runs { try folder.append(PlanRecords.record(plan, index: run, classCount: 2)) }
            try folder.finishShard(ShardFolder.Info(index: index, count: count, runs: runs, classes: classes, planSHA256: planSHA256,
                                                    dataSHA256: data, kernel: kernelCodePath))
            paths.append(path)
        }
        return paths
    }

    static func editInfo(_ path: String, _ change: (inout ShardFolder.Info) -> Void) throws {
        let file = path + "/shard.json"
        var info = try JSONDecoder().decode(ShardFolder.Info.self, from: try Data(contentsOf: URL(fileURLWithPath: file)))
        change(&info)
        try ResultTables.json(info).write(toFile: file, atomically: true, encoding: .utf8)
    }

    @Test func finishedShardsMergeToEveryRunInPlanOrder() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let paths = try Self.shards(in: directory, count: 3)
        let merged = try ShardMerger.merge(paths.reversed(), kernel: kernelCodePath)
        #expect(merged.records.map { RunJournal.line($0) } == (0..<Self.plan.runCount).map {
            RunJournal.line(PlanRecords.record(Self.plan, index: $0, classCount: 2))
        })
        #expect(merged.dataSHA256 == Self.data && merged.classes == Self.classes)
        // Finished shards keep no journal, lock or temporary file.
        #expect(PlanRecords.snapshot(paths[0]).keys.sorted() == ["experiment.yaml", "plan.json", "runs.jsonl", "shard.json"])
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        /// Damages the shards (shard 1's and shard 2's folder); returns the folders to merge.
        var damage: @Sendable ([String]) throws -> [String]
        /// The message, with `S1`/`S2` standing for the shard folders.
        var message: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "absurd shard count", damage: { paths in
            try editInfo(paths[0]) { $0.count = 100_000_000_000 }
            return paths
        }, message: "'S1/shard.json': shard 1 of 100000000000; a shard is I of N with 1 ≤ I ≤ N ≤ 100000 (ResourceLimits.shards)"),
        Case(name: "shard 0 of 0", damage: { paths in
            try editInfo(paths[0]) { $0.index = 0; $0.count = 0 }
            return paths
        }, message: "'S1/shard.json': shard 0 of 0; a shard is I of N with 1 ≤ I ≤ N ≤ 100000 (ResourceLimits.shards)"),
        Case(name: "shard.json of another shard", damage: { paths in
            try editInfo(paths[0]) { $0.index = 2 }
            return paths
        }, message: "'S1/shard.json': says shard 2 of 2, but the folder is shard 1 of 2"),
        Case(name: "shard.json of another plan", damage: { paths in
            try editInfo(paths[1]) { $0.planSHA256 = "0f" }
            return paths
        }, message: "'S2/shard.json': records plan SHA-256 0f, but the shard's plan.json has \(planSHA256)"),
        Case(name: "run indices out of range", damage: { paths in
            try editInfo(paths[1]) { $0.runs = [1, 3, 99] }
            return paths
        }, message: "'S2/shard.json': runs must be distinct run indices in 0...5, in increasing order"),
        Case(name: "one class", damage: { paths in
            try editInfo(paths[1]) { $0.classes = ["B"] }
            return paths
        }, message: "'S2/shard.json': classes [\"B\"]; a shard records two or more distinct class labels"),
        Case(name: "shard.json not JSON", damage: { paths in
            try "{\"index\": 1,".write(toFile: paths[0] + "/shard.json", atomically: true, encoding: .utf8)
            return paths
        }, message: "'S1/shard.json' is not a runexp shard.json: invalid JSON"),
        Case(name: "shard.json of 300 MB", damage: { paths in
            _ = truncate(paths[0] + "/shard.json", 300 << 20)
            return paths
        }, message: "'S1/shard.json' is 314572800 bytes; at most 16777216 (ResourceLimits.shardFileBytes)"),
        Case(name: "plan.json of 300 MB", damage: { paths in
            _ = truncate(paths[0] + "/plan.json", 300 << 20)
            return paths
        }, message: "'S1/plan.json' is 314572800 bytes; at most 268435456 (ResourceLimits.folderFileBytes)"),
        Case(name: "plan.json with 10^18 repetitions", damage: { paths in
            for path in paths {
                let text = try String(contentsOfFile: path + "/plan.json", encoding: .utf8)
                    .replacingOccurrences(of: "\"repetitions\" : 2", with: "\"repetitions\" : 1000000000000000000")
                try text.write(toFile: path + "/plan.json", atomically: true, encoding: .utf8)
            }
            return paths
        }, message: "'S1/plan.json': repetitions 1000000000000000000; 1...10000 (ResourceLimits.repetitions)"),
        Case(name: "plan.json whose name leaves --out", damage: { paths in
            for path in paths {
                let text = try String(contentsOfFile: path + "/plan.json", encoding: .utf8)
                    .replacingOccurrences(of: "\"name\" : \"exp\"", with: "\"name\" : \"../../etc\"")
                try text.write(toFile: path + "/plan.json", atomically: true, encoding: .utf8)
            }
            return paths
        }, message: "'S1/plan.json': name '../../etc' is not [a-z0-9_-]+ of at most 100 characters"),
        Case(name: "cell out of range in runs.jsonl", damage: { paths in
            var record = PlanRecords.record(plan, index: 2, classCount: 2)
            record.run.cell = 1_000_000
            let fingerprint = JournalFingerprint(planSHA256: planSHA256, dataSHA256: data, kernel: kernelCodePath)
            let lines = try String(contentsOfFile: paths[0] + "/runs.jsonl", encoding: .utf8).split(separator: "\n")
            let text = lines[0] + "\n" + RunJournal.checkedLine(record, fingerprint: fingerprint) + lines[2...].joined(separator: "\n") + "\n"
            try text.write(toFile: paths[0] + "/runs.jsonl", atomically: true, encoding: .utf8)
            return paths
        }, message: "S1/runs.jsonl:2: run 2 says cell 1000000, repetition 0, fold 0; this plan numbers run 2 cell 1, repetition 0, "
            + "fold 0; rerun that shard (delete its folder first)"),
        Case(name: "runs.jsonl cut short", damage: { paths in
            let text = try String(contentsOfFile: paths[1] + "/runs.jsonl", encoding: .utf8)
            try String(text.dropLast(5)).write(toFile: paths[1] + "/runs.jsonl", atomically: true, encoding: .utf8)
            return paths
        }, message: "S2/runs.jsonl:3: the last line has no newline: the file was cut short; rerun that shard (delete its folder first)"),
        Case(name: "runs.jsonl a folder", damage: { paths in
            try FileManager.default.removeItem(atPath: paths[1] + "/runs.jsonl")
            try FileManager.default.createDirectory(atPath: paths[1] + "/runs.jsonl", withIntermediateDirectories: false)
            return paths
        }, message: "S2/runs.jsonl: is not a regular file; rerun that shard (delete its folder first)"),
        Case(name: "runs.jsonl lacks a run", damage: { paths in
            let lines = try String(contentsOfFile: paths[1] + "/runs.jsonl", encoding: .utf8).split(separator: "\n")
            try (lines.dropLast().joined(separator: "\n") + "\n").write(toFile: paths[1] + "/runs.jsonl", atomically: true, encoding: .utf8)
            return paths
        }, message: "'S2/runs.jsonl' lacks runs 5 that its shard.json lists"),
        Case(name: "runs.jsonl holds another shard's run", damage: { paths in
            let other = try String(contentsOfFile: paths[0] + "/runs.jsonl", encoding: .utf8).split(separator: "\n")[0]
            let text = try String(contentsOfFile: paths[1] + "/runs.jsonl", encoding: .utf8) + other + "\n"
            try text.write(toFile: paths[1] + "/runs.jsonl", atomically: true, encoding: .utf8)
            return paths
        }, message: "'S2/runs.jsonl' holds run 0, which its shard.json does not list"),
        Case(name: "a finished result folder", damage: { paths in
            try FileManager.default.removeItem(atPath: paths[1] + "/shard.json")
            try "r\n".write(toFile: paths[1] + "/runs.csv", atomically: true, encoding: .utf8)
            return paths
        }, message: "'S2' is a finished result folder, not a shard; merge joins the shard folders of a sharded run "
            + "(results/<name>/shards/<id>, made by runexp run FILE --shard I/N)"),
        Case(name: "an unfinished shard", damage: { paths in
            try FileManager.default.removeItem(atPath: paths[1] + "/shard.json")
            let header = JournalHeader(JournalFingerprint(planSHA256: planSHA256, dataSHA256: data, kernel: kernelCodePath)).line
            try (header + "x\n").write(toFile: paths[1] + "/.journal", atomically: true, encoding: .utf8)
            return paths
        }, message: "'S2' is unfinished (1 runs journaled); resume those shards (resubmit their tasks) before merging"),
    ]

    @Test(arguments: cases)
    func damagedShardsAreRefusedByFileAndLine(_ bad: Case) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let paths = try bad.damage(try Self.shards(in: directory))
        let before = PlanRecords.snapshot(directory.path)
        let error = try #require(throws: ShardError.self) { try ShardMerger.merge(paths, kernel: kernelCodePath) }
        let expected = bad.message.replacingOccurrences(of: "S1", with: paths[0]).replacingOccurrences(of: "S2", with: paths[1])
        #expect(error.description == expected)
        #expect(PlanRecords.snapshot(directory.path) == before)
    }

    @Test func shardsOfDifferentDataOrClassesAreRefusedNamingBoth() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let paths = try Self.shards(in: directory, otherData: 2)
        let error = try #require(throws: ShardError.self) { try ShardMerger.merge(paths, kernel: kernelCodePath) }
        #expect(error.description == "'\(paths[1])' and '\(paths[0])' were run on different data; rerun the shards on one data file: "
            + "'d.csv' has SHA-256 \(String(repeating: "a", count: 64)) in '\(paths[0])' and \(String(repeating: "b", count: 64)) in '\(paths[1])'")
        let other = try TemporaryDirectory()
        defer { other.remove() }
        let classes = try Self.shards(in: other, otherClasses: 2)
        let mixed = try #require(throws: ShardError.self) { try ShardMerger.merge(classes, kernel: kernelCodePath) }
        #expect(mixed.description == "'\(classes[1])' has classes [\"B\", \"X\"] and '\(classes[0])' has [\"B\", \"M\"]; "
            + "the shards were run on different data")
    }

    /// Shards trained on different kernel code paths would merge into a folder no single run can
    /// reproduce; merge refuses and the merged folder records the shards' code path, not its own.
    @Test func shardsOfDifferentKernelCodePathsAreRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let paths = try Self.shards(in: directory)
        #expect(try ShardMerger.merge(paths, kernel: kernelCodePath).kernel == kernelCodePath)
        try Self.editInfo(paths[1]) { $0.kernel = "other-path" }
        let error = try #require(throws: ShardError.self) { try ShardMerger.merge(paths, kernel: kernelCodePath) }
        #expect(error.description.hasPrefix("'\(paths[1])' was trained on the kernel code path 'other-path' and '\(paths[0])' on "
            + "'\(kernelCodePath)', whose last bits differ"), "\(error)")
    }

    /// A shard folder runexp did not make (a folder of someone's files at the shard's path) is left alone.
    @Test func aShardPathHoldingOtherFilesIsLeftAlone() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("shards/shard-1-of-2")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try "mine".write(toFile: path + "/notes.txt", atomically: true, encoding: .utf8)
        let error = try #require(throws: ResultFolderError.self) {
            try ActiveResultFolder.openShard(at: path, plan: Self.plan, planJSON: Self.planJSON, dataSHA256: Self.data, experimentText: "y", kernel: kernelCodePath)
        }
        #expect(error.description == "'\(path)' holds files runexp did not write there; move it away and run again")
        #expect(try String(contentsOfFile: path + "/notes.txt", encoding: .utf8) == "mine")
    }

    /// Shard folder names are input too: only `shard-I-of-N` within the limits count, and status
    /// fills in the shards not started without building a list of a hundred billion.
    @Test func statusIgnoresAbsurdShardFolderNames() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for name in ["shard-0-of-0", "shard-1-of-100000000000", "shard-3-of-2", "shard-01-of-2", "shard--1-of-2", "shard-1-of-2"] {
            try FileManager.default.createDirectory(atPath: directory.file(name), withIntermediateDirectories: true)
        }
        let status = ShardStatus.read(directory.path)
        #expect(status.shards.map(\.shard) == [Shard(index: 1, count: 2), Shard(index: 2, count: 2)])
        #expect(status.shards.map(\.state) == [.stopped, .notStarted])
        #expect(status.mergedInto == nil)
        #expect(status.splits == [2])
    }
}
