import Foundation
import Testing

/// Experiment paths a user types: short, trailing slash, empty, a folder. Foundation's path
/// methods trapped on some of them (`runexp validate e` died of SIGILL), so each is tried on every
/// command that takes an experiment file.
@Suite struct HostilePathTests {
    /// A command line and what its refusal must say, as for flags.
    typealias Case = HostileFlagTests.Case

    static let refused: [Case] = [
        Case(name: "run x/ (no such folder)", arguments: ["run", "x/"], messages: ["x/: error: no such file"]),
        Case(name: "validate x/", arguments: ["validate", "x/"], messages: ["x/: error: no such file"]),
        Case(name: "run exp/ (a folder)", arguments: ["run", "exp/"], messages: ["exp/: error: is a directory, not a file"]),
        Case(name: "run / (the root)", arguments: ["run", "/"], messages: ["/: error: is a directory, not a file"]),
        Case(name: "run an empty path", arguments: ["run", ""], messages: ["error: no such file"]),
        Case(name: "plan -", arguments: ["plan", "-"], messages: ["-: error: no such file"]),
        Case(name: "submit y", arguments: ["submit", "y", "--slurm", "--array-size", "2", "--dry-run"], messages: ["y: error: no such file"]),
    ]

    @Test(arguments: refused)
    func pathIsRefused(_ path: Case) throws {
        let directory = try Hostile.workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outcome = try Hostile.run(path.arguments, in: directory)
        Hostile.expectRefusal(path.name, outcome, exit: 1, messages: path.messages, resultsUnder: directory + "/results")
    }

    /// An experiment file named with one character, beside the data, runs and reports like any other.
    @Test func oneCharacterFileNameRuns() throws {
        let directory = try Hostile.workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try CLITests.experiment.write(toFile: directory + "/exp/e", atomically: true, encoding: .utf8)
        for command in [["validate", "e"], ["plan", "e"], ["run", "e"]] {
            let outcome = try Hostile.run(command, in: directory + "/exp")
            Hostile.record("\(command[0]) e (one-character name)", outcome)
            #expect(outcome.signal == nil && outcome.exit == 0, "\(command): exit \(outcome.exit)\n\(outcome.stderr.prefix(2000))")
        }
        let report = try Hostile.run(["report", "results/tiny/latest"], in: directory + "/exp")
        #expect(report.exit == 0, "report: exit \(report.exit)\n\(report.stderr.prefix(2000))")
        #expect(FileManager.default.fileExists(atPath: directory + "/exp/results/tiny/latest/runs.csv"))
    }
}
