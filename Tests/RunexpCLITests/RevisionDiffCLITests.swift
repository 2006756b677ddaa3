import Foundation
import Testing
import RunexpTestSupport

/// `runexp diff REV_A REV_B FILE` in a repository without result folders: each revision's file is
/// run through the run cache, cells whose runs did not change are `identical`, and an untracked
/// data file is used only when a result folder recorded its hash.
@Suite struct RevisionDiffCLITests {
    static func git(_ arguments: [String], in directory: String) throws {
        let output = try ChildProcess.run("/usr/bin/env", ["git", "-c", "user.email=t@example.com", "-c", "user.name=t"] + arguments,
                                          in: directory, timeout: 60)
        try #require(output.status == 0, "git \(arguments): \(output.stderr)")
    }

    /// A repository with the tiny experiment committed, then a second commit adding a units value.
    static func repository(trackData: Bool) throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory(prefix: "runexp-cli-revdiff-", files: ["exp/data.csv": CLITests.csv, "exp/tiny.yaml": CLITests.experiment,
                                                                                     ".gitignore": "results/\n" + (trackData ? "" : "exp/data.csv\n")])
        try git(["init", "-q"], in: directory.path)
        try git(["add", "."], in: directory.path)
        try git(["commit", "-q", "-m", "tiny"], in: directory.path)
        try CLITests.experiment.replacingOccurrences(of: "units: [2, 4]", with: "units: [2, 3, 4]")
            .write(toFile: directory.file("exp/tiny.yaml"), atomically: true, encoding: .utf8)
        try git(["commit", "-q", "-am", "one more width"], in: directory.path)
        return directory
    }

    @Test func aFreshCloneDiffsTwoRevisionsTrainingOnlyWhatChanged() throws {
        let directory = try Self.repository(trackData: true)
        defer { directory.remove() }
        let output = try RunexpBinary.run(["diff", "HEAD~1", "HEAD", "exp/tiny.yaml"], in: directory.path)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stderr.contains("A: HEAD~1 (") && output.stderr.contains(") has no result folder: ran exp/tiny.yaml as of it, 4 runs, 0 from the cache"),
                "\(output.stderr)")
        #expect(output.stderr.contains(") has no result folder: ran exp/tiny.yaml as of it, 6 runs, 4 from the cache"), "\(output.stderr)")
        #expect(output.stdout.contains("cells in both: 2 (2 identical, 0 better, 0 worse, 0 within noise, 0 untested)"), "\(output.stdout)")
        #expect(output.stdout.contains("units: values added: 3"))
        let again = try RunexpBinary.run(["diff", "HEAD~1", "HEAD", "exp/tiny.yaml", "--format", "markdown"], in: directory.path)
        #expect(again.stderr.contains("4 runs, 4 from the cache") && again.stderr.contains("6 runs, 6 from the cache"), "\(again.stderr)")
        #expect(again.stdout.contains("2 in both: 2 identical, "))
        // A revision's folder is replaced, not piled up, by the next diff.
        let revisions = try FileManager.default.contentsOfDirectory(atPath: directory.file("results/.revisions"))
        #expect(revisions.count == 2)
        for revision in revisions {
            let folders = try FileManager.default.contentsOfDirectory(atPath: directory.file("results/.revisions/\(revision)/results/tiny"))
            #expect(folders.filter { $0 != "latest" }.count == 1, "\(folders)")
        }
    }

    @Test func untrackedDataIsUsedOnlyWhenARunRecordedItsHash() throws {
        let directory = try Self.repository(trackData: false)
        defer { directory.remove() }
        let refused = try RunexpBinary.run(["diff", "HEAD~1", "HEAD", "exp/tiny.yaml"], in: directory.path)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("exp/data.csv: error: not tracked by git at ") && refused.stderr.contains(
            "and no result folder of 'tiny' under 'results' recorded this file's SHA-256"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.file("results/tiny")))
        let run = try RunexpBinary.run(["exp/tiny.yaml", "--quiet"], in: directory.path)
        try #require(run.status == 0)
        let output = try RunexpBinary.run(["diff", "HEAD~1", "HEAD", "exp/tiny.yaml"], in: directory.path)
        #expect(output.status == 0, "\(output.stderr)")
        // HEAD has a result folder now: only HEAD~1 is run, with the working copy's data.
        #expect(output.stderr.contains("; data from the working copy (its hash recorded): ") && !output.stderr.contains("B: "), "\(output.stderr)")
    }

    @Test func minEffectGoesWithFailOnRegression() throws {
        let directory = try TemporaryDirectory(prefix: "runexp-cli-revdiff-")
        defer { directory.remove() }
        let output = try RunexpBinary.run(["diff", "a", "b", "--min-effect", "0.01"], in: directory.path)
        #expect(output.status == 2 && output.stderr.contains("--min-effect goes with --fail-on-regression"), "\(output.stderr)")
    }
}
