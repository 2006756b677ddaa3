import Foundation
import Testing
import RunexpTestSupport

/// `runexp diff` tells signal from noise between two result folders.
@Suite struct DiffTests {
    static let experiment = """
        name: diffs
        seed: 1
        data: {file: data.csv, target: label, split: {validation: 0.3}}
        model:
          - dense: {units: $units, activation: relu}
          - dense: {units: classes, activation: softmax}
        training: {epochs: 20, batch_size: 8, optimizer: {name: sgd, learning_rate: $lr}}
        search:
          grid: {units: [4, 8], lr: [0.01, 0.1]}
          repetitions: 6

        """

    func workspace() throws -> String {
        try TemporaryDirectory(prefix: "runexp-diff-", files: ["data.csv": ResumeTests.csv]).path
    }

    /// Runs `experiment` into `<directory>/<out>` and returns the result folder.
    func run(_ experiment: String, _ directory: String, out: String) throws -> String {
        try experiment.write(toFile: directory + "/exp.yaml", atomically: true, encoding: .utf8)
        let output = try RunexpBinary.run(["exp.yaml", "--out", out, "--quiet"], in: directory)
        #expect(output.status == 0, "\(output.stderr)")
        return out + "/diffs/latest"
    }

    @Test func anotherSeedIsWithinNoise() throws {
        let directory = try workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let a = try run(Self.experiment, directory, out: "a")
        let b = try run(Self.experiment.replacingOccurrences(of: "seed: 1", with: "seed: 2"), directory, out: "b")
        let output = try RunexpBinary.run(["diff", a, b, "--format", "json", "--fail-on-regression"], in: directory)
        #expect(output.status == 0, "\(output.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(json["plan_changes"] as? [String] == ["seed: 1 → 2"])
        let verdicts = (json["cells"] as? [[String: Any]] ?? []).compactMap { $0["verdict"] as? String }
        #expect(verdicts.count == 4)
        #expect(verdicts.filter { $0 == "within noise" }.count >= 3, "\(verdicts)")
        #expect(json["regression"] as? Bool == false)
    }

    @Test func aPlantedChangeShowsAsPlanChangeAndSignificantDeltas() throws {
        let directory = try workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let a = try run(Self.experiment, directory, out: "a")
        // The learning-rate axis replaced by rates too small to learn in 3 epochs.
        let planted = Self.experiment.replacingOccurrences(of: "lr: [0.01, 0.1]", with: "lr: [0.01, 0.00001]")
            .replacingOccurrences(of: "epochs: 20", with: "epochs: 3")
        let b = try run(planted, directory, out: "b")
        let output = try RunexpBinary.run(["diff", a, b, "--fail-on-regression"], in: directory)
        #expect(output.status == 4, "\(output.stdout)\(output.stderr)")
        #expect(output.stdout.contains("  - lr: values removed: 0.1\n"))
        #expect(output.stdout.contains("  - lr: values added: 1e-05\n"))
        #expect(output.stdout.contains("  - training.epochs: 20 → 3\n"))
        #expect(output.stdout.contains("only in A: 2 cells"))
        #expect(output.stdout.contains("only in B: 2 cells"))
        #expect(output.stdout.contains(" worse\n"))
        let summary = try #require(output.stdout.split(separator: "\n").last)
        #expect(summary.hasPrefix("best val_accuracy ") && summary.hasSuffix(", worse"), "\(summary)")
        let markdown = try RunexpBinary.run(["diff", a, b, "--format", "markdown"], in: directory)
        #expect(markdown.status == 0)
        #expect(markdown.stdout.contains("| cell | A | B | Δ | 95% CI | verdict |"))
    }

    @Test(arguments: [
        ("nowhere", "nowhere: error: neither a folder nor a git revision of the repository here"),
        ("notresult", "notresult: error: not a result folder: it has none of plan.json, runs.csv, curves.csv, summary.json, provenance.json"),
    ])
    func badArgumentsAreClearErrors(argument: String, message: String) throws {
        let directory = try workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let a = try run(Self.experiment, directory, out: "a")
        try FileManager.default.createDirectory(atPath: directory + "/notresult", withIntermediateDirectories: true)
        let output = try RunexpBinary.run(["diff", a, argument], in: directory)
        #expect(output.status == 1)
        #expect(output.stderr == message + "\n")
    }

    @Test func foldersOfDifferentExperimentsAreRefused() throws {
        let directory = try workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let a = try run(Self.experiment, directory, out: "a")
        _ = try run(Self.experiment.replacingOccurrences(of: "name: diffs", with: "name: other"), directory, out: "b")
        let output = try RunexpBinary.run(["diff", a, "b/other/latest"], in: directory)
        #expect(output.status == 1)
        #expect(output.stderr.contains("holds experiment 'other' but"), "\(output.stderr)")
    }

    @Test func revisionsResolveThroughProvenance() throws {
        let directory = try workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        func git(_ arguments: String...) throws {
            _ = try ChildProcess.run("/usr/bin/env", ["git", "-c", "user.name=t", "-c", "user.email=t@t"] + arguments,
                                     in: directory, timeout: 60)
        }
        try git("init", "-q")
        try "results/\n".write(toFile: directory + "/.gitignore", atomically: true, encoding: .utf8)
        try Self.experiment.write(toFile: directory + "/exp.yaml", atomically: true, encoding: .utf8)
        try git("add", ".")
        try git("commit", "-qm", "first")
        _ = try RunexpBinary.run(["exp.yaml", "--quiet"], in: directory)
        try Self.experiment.replacingOccurrences(of: "seed: 1", with: "seed: 5").write(toFile: directory + "/exp.yaml", atomically: true, encoding: .utf8)
        try git("commit", "-qam", "second")
        _ = try RunexpBinary.run(["exp.yaml", "--quiet"], in: directory)
        let output = try RunexpBinary.run(["diff", "HEAD~1", "HEAD"], in: directory)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("  - seed: 1 → 5\n"))
        let missing = try RunexpBinary.run(["diff", "HEAD~1", "HEAD", "--out", "elsewhere"], in: directory)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no result folder under 'elsewhere' was made at commit"))
    }
}
