import Foundation
import Testing
import RunexpTestSupport

/// The run cache from the command line: a second run says what it reused, `--no-cache` and
/// `--cache` and `RUNEXP_CACHE` choose it, `runexp cache` shows it and `prune` shrinks it.
@Suite struct CacheCLITests {
    func workspace() throws -> TemporaryDirectory {
        try TemporaryDirectory(prefix: "runexp-cli-cache-", files: ["exp/data.csv": CLITests.csv, "exp/tiny.yaml": CLITests.experiment])
    }

    @Test func aSecondRunReusesEveryRunAndTheCacheShowsIt() throws {
        let directory = try workspace()
        defer { directory.remove() }
        let first = try RunexpBinary.run(["exp/tiny.yaml", "--quiet"], in: directory.path)
        #expect(first.status == 0 && !first.stdout.contains("from the cache"), "\(first.stderr)")
        let second = try RunexpBinary.run(["exp/tiny.yaml", "--quiet"], in: directory.path)
        #expect(second.stdout.contains("4 runs of 2 cells in ") && second.stdout.contains(" (reused 4 of 4 runs from the cache)\n"), "\(second.stdout)")
        let off = try RunexpBinary.run(["exp/tiny.yaml", "--quiet", "--no-cache"], in: directory.path)
        #expect(off.status == 0 && !off.stdout.contains("from the cache"))
        let shown = try RunexpBinary.run(["cache"], in: directory.path)
        #expect(shown.stdout.hasPrefix("results/.cache: 4 runs, ") && shown.stdout.contains("\nreused 4 runs instead of training them; stored 4\n"),
                "\(shown.stdout)")
        let pruned = try RunexpBinary.run(["cache", "prune", "--max-size", "0"], in: directory.path)
        #expect(pruned.stdout.hasPrefix("removed 4 runs ") && pruned.stdout.contains("; 0 left (0 B) in results/.cache"), "\(pruned.stdout)")
        let third = try RunexpBinary.run(["exp/tiny.yaml", "--quiet"], in: directory.path)
        #expect(!third.stdout.contains("from the cache"))
        let aged = try RunexpBinary.run(["cache", "prune", "--older-than", "0s"], in: directory.path)
        #expect(aged.stdout.hasPrefix("removed 4 runs "), "\(aged.stdout)")
    }

    @Test func theCacheFolderIsChosenByFlagOrEnvironment() throws {
        let directory = try workspace()
        defer { directory.remove() }
        _ = try RunexpBinary.run(["exp/tiny.yaml", "--quiet", "--cache", "mine"], in: directory.path)
        #expect(FileManager.default.fileExists(atPath: directory.file("mine")) && !FileManager.default.fileExists(atPath: directory.file("results/.cache")))
        let environment = ProcessInfo.processInfo.environment.merging(["RUNEXP_CACHE": directory.file("mine")]) { $1 }
        let reused = try RunexpBinary.run(["exp/tiny.yaml", "--quiet"], in: directory.path, environment: environment)
        #expect(reused.stdout.contains("(reused 4 of 4 runs from the cache)"), "\(reused.stdout)")
    }

    @Test(arguments: [
        (["exp/tiny.yaml", "--cache", "c", "--no-cache"], "--cache and --no-cache cannot be used together"),
        (["exp/tiny.yaml", "--cache", ""], "--cache is empty; name the run cache's folder, or use --no-cache"),
        (["cache", "prune"], "say what to remove: --older-than AGE, --max-size SIZE, or both"),
        (["cache", "prune", "--older-than", "soon"], "--older-than takes a number and a unit (d, h, m or s), e.g. 30d; got 'soon'"),
        (["cache", "prune", "--max-size", "1X"], "--max-size takes a number of bytes with K, M, G or T, e.g. 1G; got '1X'"),
    ])
    func usageErrorsExit2(_ arguments: [String], _ message: String) throws {
        let directory = try workspace()
        defer { directory.remove() }
        let output = try RunexpBinary.run(arguments, in: directory.path)
        #expect(output.status == 2 && output.stderr.contains(message), "\(output.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.file("results")))
    }
}
