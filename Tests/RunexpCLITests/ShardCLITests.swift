import Foundation
import Testing
import RunexpTestSupport

/// Sharded runs merge into exactly the folder a single machine writes; merge refuses bad input.
@Suite struct ShardCLITests {
    let cli = CLITests()

    func workspace() throws -> String {
        try TemporaryDirectory(prefix: "runexp-shard-", files: ["data.csv": ResumeTests.csv, "exp.yaml": DiffTests.experiment]).path
    }

    func shardsDirectory(_ directory: String, out: String) throws -> String {
        let root = directory + "/" + out + "/diffs/shards"
        let names = try FileManager.default.contentsOfDirectory(atPath: root)
        #expect(names.count == 1)
        return out + "/diffs/shards/" + names[0]
    }

    @Test func threeShardsMergeToTheSingleMachineFolder() throws {
        let directory = try workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let single = try RunexpBinary.run(["exp.yaml", "--out", "single", "--quiet"], in: directory)
        #expect(single.status == 0)
        for index in [3, 1, 2] {
            let shard = try RunexpBinary.run(["exp.yaml", "--out", "sharded", "--shard", "\(index)/3", "--quiet"], in: directory)
            #expect(shard.status == 0, "\(shard.stderr)")
            #expect(shard.stdout.hasPrefix("Shard \(index)/3 done: "))
        }
        let shards = try shardsDirectory(directory, out: "sharded")
        let status = try RunexpBinary.run(["status", shards], in: directory)
        #expect(status.stdout.contains("3 of 3 shards done, 24 of 24 runs\n"), "\(status.stdout)")
        let merge = try RunexpBinary.run(["merge", shards, "--out", "sharded"], in: directory)
        #expect(merge.status == 0, "\(merge.stderr)")
        let merged = try cli.resultFiles(directory + "/sharded/diffs/latest")
        #expect(merged == (try cli.resultFiles(directory + "/single/diffs/latest")))
        let provenance = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: directory + "/sharded/diffs/latest/provenance.json"))) as? [String: Any])
        #expect(provenance["merged_from"] as? [String] == ["shard-1-of-3", "shard-2-of-3", "shard-3-of-3"].map { shards + "/" + $0 })
        // Once merged, status says where to, not to merge.
        let after = try RunexpBinary.run(["status", shards], in: directory)
        let mergedInto = try FileManager.default.destinationOfSymbolicLink(atPath: directory + "/sharded/diffs/latest")
        #expect(after.stdout.hasSuffix("All shards done and merged: \(directory)/sharded/diffs/\(mergedInto)\n"), "\(after.stdout)")
        // A shard run again is already done.
        let again = try RunexpBinary.run(["exp.yaml", "--out", "sharded", "--shard", "2/3", "--quiet"], in: directory)
        #expect(again.status == 0)
        #expect(again.stdout.hasPrefix("Shard 2/3 is already done"))
    }

    @Test func mergeRefusesMissingUnfinishedAndMixedShards() throws {
        let directory = try workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try RunexpBinary.run(["exp.yaml", "--out", "o", "--shard", "1/3", "--quiet"], in: directory)
        let shards = try shardsDirectory(directory, out: "o")
        let missing = try RunexpBinary.run(["merge", shards, "--out", "o"], in: directory)
        #expect(missing.status == 1)
        #expect(missing.stderr == "error: shards 2, 3 of 3 are missing; run or name them\n")

        // Shard 2 killed midway: a journal, no shard.json.
        let shard2 = directory + "/" + shards + "/shard-2-of-3"
        try FileManager.default.copyItem(atPath: directory + "/" + shards + "/shard-1-of-3", toPath: shard2)
        try FileManager.default.removeItem(atPath: shard2 + "/shard.json")
        try Data("{}\n".utf8).write(to: URL(fileURLWithPath: shard2 + "/.journal"))
        let unfinished = try RunexpBinary.run(["merge", shards, "--out", "o"], in: directory)
        #expect(unfinished.status == 1)
        #expect(unfinished.stderr.contains("shard-2-of-3' is unfinished (1 runs journaled); resume those shards"), "\(unfinished.stderr)")
        let status = try RunexpBinary.run(["status", "o/diffs"], in: directory)
        #expect(status.stdout.contains("2/3    stopped"), "\(status.stdout)")
        #expect(status.stdout.contains("To finish: rerun shard 2/3, shard 3/3"))

        // A shard of another split of the same run beside them: status says so and exits 1.
        try FileManager.default.copyItem(atPath: directory + "/" + shards + "/shard-1-of-3", toPath: directory + "/" + shards + "/shard-1-of-2")
        let split = try RunexpBinary.run(["status", "o/diffs"], in: directory)
        #expect(split.status == 1)
        #expect(split.stdout.contains("These folders split the run in different ways (2 shards, 3 shards)"), "\(split.stdout)")
        #expect(split.stderr.contains("error: shards of different splits in"), "\(split.stderr)")
        try FileManager.default.removeItem(atPath: directory + "/" + shards + "/shard-1-of-2")

        // The same shard given twice.
        let twice = try RunexpBinary.run(["merge", shards + "/shard-1-of-3", shards + "/shard-1-of-3", "--out", "o"], in: directory)
        #expect(twice.status == 1)
        #expect(twice.stderr.contains("shard 1 of 3 is given twice"))

        // Shards of another plan.
        try DiffTests.experiment.replacingOccurrences(of: "seed: 1", with: "seed: 9").write(toFile: directory + "/exp.yaml", atomically: true, encoding: .utf8)
        _ = try RunexpBinary.run(["exp.yaml", "--out", "p", "--shard", "1/3", "--quiet"], in: directory)
        let other = try shardsDirectory(directory, out: "p")
        let mixed = try RunexpBinary.run(["merge", shards + "/shard-1-of-3", other + "/shard-1-of-3", "--out", "o"], in: directory)
        #expect(mixed.status == 1)
        #expect(mixed.stderr.contains("are shards of different plans"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/o/diffs/latest"))
    }

    @Test func submitDryRunWritesTheJobScripts() throws {
        let directory = try workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let output = try RunexpBinary.run(["submit", "exp.yaml", "--slurm", "--array-size", "4", "--partition", "debug", "--time", "00:10:00",
                                     "--cpus-per-task", "2", "--dry-run"], in: directory)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("Would run: sbatch --parsable --array=0-3 "))
        let shards = try shardsDirectory(directory, out: "results")
        let script = try String(contentsOfFile: directory + "/" + shards + "/run.sbatch", encoding: .utf8)
        #expect(script.contains("#SBATCH --partition=debug\n#SBATCH --time=00:10:00\n#SBATCH --cpus-per-task=2\n"))
        #expect(script.contains(" run exp.yaml --out results --shard-from-env --shard-count 4 --jobs \"${SLURM_CPUS_PER_TASK:-2}\" --quiet\n"))
        let merge = try String(contentsOfFile: directory + "/" + shards + "/merge.sbatch", encoding: .utf8)
        #expect(merge.contains(" merge \(shards) --out results\n"))
        let usage = try RunexpBinary.run(["submit", "exp.yaml", "--array-size", "4"], in: directory)
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("say which scheduler: --slurm"))
    }
}
