import Foundation
import Testing

/// Command-line flags a hostile or careless user passes: each is a usage error (exit 2) that names
/// the flag and the accepted range, in well under a second and without allocating what it asks for.
@Suite struct HostileFlagTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var arguments: [String]
        var messages: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "shard of 10^11", arguments: ["run", "exp/tiny.yaml", "--shard", "1/100000000000"],
             messages: ["--shard", "at most"]),
        Case(name: "shard past Int", arguments: ["run", "exp/tiny.yaml", "--shard", "1/99999999999999999999999"],
             messages: ["--shard"]),
        Case(name: "repetitions of 10^12", arguments: ["run", "exp/tiny.yaml", "--repetitions", "1000000000000"],
             messages: ["--repetitions", "at most"]),
        Case(name: "jobs of 10^9", arguments: ["run", "exp/tiny.yaml", "--jobs", "1000000000"],
             messages: ["--jobs", "at most"]),
        Case(name: "negative jobs", arguments: ["run", "exp/tiny.yaml", "--jobs", "-3"], messages: ["--jobs"]),
        Case(name: "plan with jobs of 10^9", arguments: ["plan", "exp/tiny.yaml", "--jobs", "1000000000"],
             messages: ["--jobs must be from 1 to 4096 (at most 4096), got 1000000000"]),
        Case(name: "shard count of 10^11 from the environment",
             arguments: ["run", "exp/tiny.yaml", "--shard-from-env", "--shard-count", "100000000000"],
             messages: ["--shard-count", "at most"]),
        Case(name: "run with an empty --out", arguments: ["run", "exp/tiny.yaml", "--out", ""],
             messages: ["--out is empty; name the folder that holds result folders"]),
        Case(name: "merge with an empty --out", arguments: ["merge", "results", "--out", ""], messages: ["--out is empty"]),
        Case(name: "diff with an empty --out", arguments: ["diff", "HEAD~1", "HEAD", "--out", ""], messages: ["--out is empty"]),
        Case(name: "submit with an empty --out", arguments: ["submit", "exp/tiny.yaml", "--slurm", "--array-size", "2", "--out", "", "--dry-run"],
             messages: ["--out is empty"]),
        Case(name: "partition with a newline",
             arguments: ["submit", "exp/tiny.yaml", "--slurm", "--array-size", "2", "--partition", "x\ncmd", "--dry-run"],
             messages: ["--partition"]),
        Case(name: "time with a shell command",
             arguments: ["submit", "exp/tiny.yaml", "--slurm", "--array-size", "2", "--time", "1:00; rm -rf ~", "--dry-run"],
             messages: ["--time"]),
        Case(name: "array size of 10^11",
             arguments: ["submit", "exp/tiny.yaml", "--slurm", "--array-size", "100000000000", "--dry-run"],
             messages: ["--array-size", "at most"]),
    ]

    @Test(arguments: cases)
    func flagIsAUsageError(_ flag: Case) throws {
        let directory = try Hostile.workspace(experiments: ["tiny": CLITests.experiment])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outcome = try Hostile.run(flag.arguments, in: directory)
        Hostile.expectRefusal(flag.name, outcome, exit: 2, messages: flag.messages, resultsUnder: directory + "/results")
    }
}

/// An invalid run exits while git may still be answering the probe started beside the parse; it
/// must wait for it (an exit in flight printed "SWIFT TASK CONTINUATION MISUSE" about one time in
/// eight). 32 tries miss a one-in-eight fault with probability (7/8)^32 ≈ 1.4 %.
@Suite struct ExitWhileGitRunsTests {
    @Test func anInvalidRunNeverReportsALeakedContinuation() throws {
        let experiment = Hostile.experiment(replacing: "epochs: 4", with: "epochs: many")
        let directory = try Hostile.workspace(experiments: ["tiny": experiment])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for attempt in 0..<32 {
            let outcome = try Hostile.run(["run", "exp/tiny.yaml"], in: directory)
            #expect(outcome.exit == 1, "attempt \(attempt): exit \(outcome.exit)")
            #expect(!outcome.stderr.contains("CONTINUATION MISUSE"), "attempt \(attempt):\n\(outcome.stderr)")
        }
    }
}
