import Foundation
import Testing
import RunexpTestSupport

/// The reference experiment on a real single-node Slurm cluster (ci/slurm): submitted as a
/// 4-task job array plus a merge job, it ends in the folder a local run writes; a task killed
/// midway shows in `runexp status` and completes when resubmitted alone.
///
/// They run where a cluster answers (`sinfo`) or where `RUNEXP_REQUIRE_TOOLS=1` (`.ci/run`, which
/// starts the cluster and stops it when done); elsewhere they skip, so a contributor's `swift test`
/// neither installs Slurm nor leaves its daemons running.
@Suite(.serialized, .enabled(if: SlurmCluster.available,
                             "no Slurm cluster answers here (bash ci/slurm/start.sh starts one, as root); RUNEXP_REQUIRE_TOOLS=1 makes this a failure"))
struct SlurmTests {
    let cli = CLITests()
    static let repository = RepositoryFiles.url

    struct Command {
        var status: Int32
        var output: String
    }

    /// Runs a bash command, its stderr and stdout together (ChildProcess captures them in a file).
    /// Every other descriptor is closed first: daemons that start.sh launches inherit what bash has
    /// open, and Foundation's Process waits for its own inherited descriptor to close before it sees
    /// the child exit.
    @discardableResult
    static func shell(_ command: String, in directory: String = "/", timeout: TimeInterval = 1800) throws -> Command {
        let closeOthers = #"for fd in /proc/$$/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-" 2>/dev/null; done"#
        let output = try ChildProcess.run("/bin/bash", ["-c", "exec 2>&1 </dev/null; \(closeOthers); \(command)"],
                                          in: directory, timeout: timeout)
        return Command(status: output.status, output: output.stdout)
    }

    /// Starts the cluster (installing it when missing; idempotent) and a workspace holding the
    /// reference experiment and its data in the repository's layout.
    func setUp() throws -> String {
        let start = try Self.shell("bash '\(Self.repository.path)/ci/slurm/start.sh'")
        try #require(start.status == 0, "ci/slurm/start.sh failed:\n\(start.output)")
        let directory = try TemporaryDirectory(prefix: "runexp-slurm-").path
        for folder in ["experiments", "Data"] {
            try FileManager.default.createDirectory(atPath: directory + "/" + folder, withIntermediateDirectories: true)
        }
        try FileManager.default.copyItem(atPath: Self.repository.path + "/experiments/wisconsin.yaml", toPath: directory + "/experiments/wisconsin.yaml")
        try FileManager.default.copyItem(atPath: Self.repository.path + "/Data/wisconsin.csv", toPath: directory + "/Data/wisconsin.csv")
        return directory
    }

    /// Waits until none of `jobs` is pending or running.
    func waitFor(_ jobs: [String], timeout: TimeInterval = 600) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let queue = try Self.shell("squeue -h -j \(jobs.joined(separator: ",")) -o '%i %T'")
            if queue.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return }
            usleep(200_000)
        }
        Issue.record("jobs \(jobs) still queued after \(Int(timeout)) s")
    }

    /// "Submitted array job 12 (4 tasks) and merge job 13." → ["12", "13"].
    func jobIDs(_ output: String) throws -> (array: String, merge: String) {
        let line = try #require(output.split(separator: "\n").first { $0.hasPrefix("Submitted array job ") }, "\(output)")
        let words = line.split(separator: " ")
        return (String(words[3]), String(words.last!.dropLast()))
    }

    @Test func fourShardsOnSlurmMergeToTheLocalFolder() throws {
        let directory = try setUp()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let local = try RunexpBinary.run(["experiments/wisconsin.yaml", "--out", "local", "--quiet"], in: directory)
        #expect(local.status == 0, "\(local.stderr)")

        let submit = try RunexpBinary.run(["submit", "experiments/wisconsin.yaml", "--slurm", "--array-size", "4", "--out", "cluster"], in: directory)
        #expect(submit.status == 0, "\(submit.stderr)")
        let jobs = try jobIDs(submit.stdout)
        try waitFor([jobs.array, jobs.merge])
        let merged = FileManager.default.fileExists(atPath: directory + "/cluster/wisconsin/latest/runs.csv")
        if !merged {
            let logs = try Self.shell("tail -n 20 cluster/wisconsin/shards/*/slurm-*.out", in: directory)
            Issue.record("no merged folder; job logs:\n\(logs.output)")
        }
        let clusterFiles = try cli.resultFiles(directory + "/cluster/wisconsin/latest")
        #expect(clusterFiles == (try cli.resultFiles(directory + "/local/wisconsin/latest")))
        let status = try RunexpBinary.run(["status", "cluster/wisconsin"], in: directory)
        #expect(status.stdout.contains("4 of 4 shards done, 648 of 648 runs"), "\(status.stdout)")
    }

    @Test func aKilledTaskIsReportedAndCompletesWhenResubmitted() throws {
        let directory = try setUp()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let local = try RunexpBinary.run(["experiments/wisconsin.yaml", "--out", "local", "--quiet"], in: directory)
        #expect(local.status == 0)
        let submit = try RunexpBinary.run(["submit", "experiments/wisconsin.yaml", "--slurm", "--array-size", "4", "--out", "cluster"], in: directory)
        #expect(submit.status == 0, "\(submit.stderr)")
        let jobs = try jobIDs(submit.stdout)
        let shards = try #require(try FileManager.default.contentsOfDirectory(atPath: directory + "/cluster/wisconsin/shards").first)
        let shardsDirectory = "cluster/wisconsin/shards/" + shards

        // Kill task 2 (shard 3/4) as soon as its journal has a run (the line after its header).
        let journal = directory + "/" + shardsDirectory + "/shard-3-of-4/.journal"
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            if let data = FileManager.default.contents(atPath: journal), data.filter({ $0 == UInt8(ascii: "\n") }).count >= 2 { break }
            usleep(20_000)
        }
        try Self.shell("scancel --signal=KILL --full \(jobs.array)_2")
        try waitFor([jobs.array, jobs.merge])

        let status = try RunexpBinary.run(["status", shardsDirectory], in: directory)
        #expect(status.stdout.contains("3/4    stopped"), "\(status.stdout)")
        #expect(status.stdout.contains("To finish: rerun shard 3/4"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/cluster/wisconsin/latest"), "the merge ran despite a failed task")

        let resubmit = try Self.shell("sbatch --parsable --array=2 \(shardsDirectory)/run.sbatch", in: directory)
        #expect(resubmit.status == 0, "\(resubmit.output)")
        try waitFor([resubmit.output.trimmingCharacters(in: .whitespacesAndNewlines)])
        let log = try Self.shell("cat \(shardsDirectory)/slurm-*_2.out", in: directory)
        #expect(log.output.contains("Resuming "), "the resubmitted task did not resume:\n\(log.output)")
        let merge = try RunexpBinary.run(["merge", shardsDirectory, "--out", "cluster"], in: directory)
        #expect(merge.status == 0, "\(merge.stderr)")
        let clusterFiles = try cli.resultFiles(directory + "/cluster/wisconsin/latest")
        #expect(clusterFiles == (try cli.resultFiles(directory + "/local/wisconsin/latest")))
    }
}

/// Whether the Slurm tests run here.
enum SlurmCluster {
    /// True when tools are required (CI), or when `sinfo` reaches a cluster within 10 s.
    static let available: Bool = {
        if ProcessInfo.processInfo.environment["RUNEXP_REQUIRE_TOOLS"] == "1" { return true }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sinfo") else { return false }
        return (try? SlurmTests.shell("timeout 10 sinfo -h -o %T"))?.status == 0
    }()
}
