import RunexpSession
import Testing

/// The job scripts `runexp submit` writes: every value that goes into them is checked or quoted,
/// so no flag or path can add a line to a script.
@Suite struct SlurmScriptsTests {
    static let scripts = SlurmScripts(runexp: "/opt/run exp/runexp", workingDirectory: "/home/a b", file: "experiments/it's.yaml",
                                      out: "results", shardsDirectory: "results/x/shards/abc", name: "x", arraySize: 4,
                                      partition: "gpu,cpu", time: "1-02:00:00", cpusPerTask: 8)

    @Test func theRunScriptIsAnArrayTaskThatResumesItsShard() {
        let lines = Self.scripts.runScript.split(separator: "\n").map(String.init)
        #expect(lines.first == "#!/bin/bash")
        #expect(lines.contains("#SBATCH --chdir='/home/a b'"))
        #expect(lines.contains("#SBATCH --partition=gpu,cpu"))
        #expect(lines.contains("#SBATCH --time=1-02:00:00"))
        #expect(lines.contains("#SBATCH --cpus-per-task=8"))
        #expect(lines.last == "exec '/opt/run exp/runexp' run 'experiments/it'\\''s.yaml' --out results --shard-from-env --shard-count 4 "
                    + "--jobs \"${SLURM_CPUS_PER_TASK:-8}\" --quiet")
        #expect(Self.scripts.mergeScript.hasSuffix("exec '/opt/run exp/runexp' merge results/x/shards/abc --out results\n"))
        #expect(Self.scripts.runPath == "results/x/shards/abc/run.sbatch")
    }

    @Test(arguments: ["x\ncmd", "a b", "", String(repeating: "p", count: 129), "gpu;rm"])
    func aPartitionThatCouldEndTheLineIsRefused(_ partition: String) {
        #expect(SlurmScripts.partitionProblem(partition) != nil)
    }

    @Test func timesAreSlurmTimeLimits() {
        for valid in ["30", "30:00", "1:00:00", "2-0", "2-01:30", "2-01:30:00", "UNLIMITED", "INFINITE"] {
            #expect(SlurmScripts.timeProblem(valid) == nil, "\(valid)")
        }
        for invalid in ["", "1h", "1:2:3:4", "1-2-3", "$(reboot)", "1\n#SBATCH --x", "-1", "1::2"] {
            #expect(SlurmScripts.timeProblem(invalid) != nil, "\(invalid)")
        }
        #expect(SlurmScripts.pathProblem("results\nrm -rf /")?.contains("'results\\nrm -rf /'") == true)
        #expect(SlurmScripts.pathProblem("results/é x") == nil)
    }
}
