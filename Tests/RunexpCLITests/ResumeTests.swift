import Foundation
import Testing
import RunexpTestSupport

/// A run killed with SIGKILL at any point resumes to exactly the folder an uninterrupted run writes.
@Suite struct ResumeTests {
    static let csv: String = {
        var state: UInt64 = 5
        func noise() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53) * 2 - 1
        }
        var lines = [(0..<8).map { "f\($0)" }.joined(separator: ",") + ",label"]
        // Rows enough that the 100 runs take a third of a second: a run must still be training when
        // the journal, which waits for git to name the folder, reaches a kill point.
        for row in 0..<900 {
            let label = row % 3
            let features = [Double(label) + noise()] + (0..<7).map { _ in noise() }
            lines.append(features.map { String(format: "%.4f", $0) }.joined(separator: ",") + ",\(["a", "b", "c"][label])")
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    static let experiment = """
        name: resume
        seed: 1
        data: {file: data.csv, target: label, split: {test: 0.2, validation: 0.25}}
        model:
          - dropout: $dropout
          - dense: {units: 128, activation: relu}
          - dense: {units: classes, activation: softmax}
        training: {epochs: 20, batch_size: 8, optimizer: {name: adam, learning_rate: $lr}}
        search:
          grid: {dropout: [0, 0.2, 0.4, 0.6, 0.8], lr: [0.001, 0.003, 0.01, 0.03, 0.1]}
          repetitions: 4

        """

    let cli = CLITests()

    func workspace() throws -> String {
        try TemporaryDirectory(prefix: "runexp-resume-", files: ["data.csv": Self.csv, "exp.yaml": Self.experiment]).path
    }

    /// The one result folder under `out/resume`.
    func folder(_ out: String) -> String? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: out + "/resume")) ?? []
        return names.first { !$0.hasPrefix(".") && $0 != "latest" }.map { out + "/resume/" + $0 }
    }

    func journalLines(_ folder: String) -> Int {
        guard let data = FileManager.default.contents(atPath: folder + "/.journal") else { return -1 }
        return data.reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
    }

    @Test func killedRunsResumeToTheSameBytesTwentyTimes() throws {
        let directory = try workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let reference = try RunexpBinary.run(["exp.yaml", "--out", "reference", "--quiet"], in: directory)
        #expect(reference.status == 0, "\(reference.stderr)")
        let expected = try cli.resultFiles(directory + "/reference/resume/latest")
        #expect(expected.count == 12)  // 7 tables and 5 plots (a default heatmap, effects, parallel, curves, predictions)

        for attempt in 0..<20 {
            let out = "killed\(attempt)"
            // Kill points from "folder just created" to well into the run.
            let killAfter = attempt * 4
            let process = try RunexpBinary.start(["exp.yaml", "--out", out, "--quiet", "--jobs", attempt % 2 == 0 ? "1" : "2"],
                                                 in: directory)
            let deadline = Date().addingTimeInterval(60)
            while process.isRunning, Date() < deadline {
                if let folder = folder(directory + "/" + out), journalLines(folder) >= killAfter { break }
                usleep(500)
            }
            process.kill(SIGKILL)
            let killed = try #require(folder(directory + "/" + out))
            let saved = journalLines(killed)
            #expect(saved >= 0 && saved < 100, "attempt \(attempt): the run finished before it was killed")

            let resumed = try RunexpBinary.run(["exp.yaml", "--out", out, "--resume", "--quiet"], in: directory)
            #expect(resumed.status == 0, "attempt \(attempt): \(resumed.stderr)")
            #expect(try cli.resultFiles(killed) == expected, "attempt \(attempt) killed after \(saved) runs")
            #expect(!FileManager.default.fileExists(atPath: killed + "/.journal"))
        }
    }

    @Test func resumeRefusesAChangedPlanAndListsTheChanges() throws {
        let directory = try workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try RunexpBinary.run(["exp.yaml", "--out", "o", "--quiet"], in: directory)
        #expect(first.status == 0)
        let done = try #require(folder(directory + "/o"))
        // A finished folder has nothing to resume.
        let finished = try RunexpBinary.run(["exp.yaml", "--out", "o", "--resume", done, "--quiet"], in: directory)
        #expect(finished.status == 1)
        #expect(finished.stderr.contains("is already complete; nothing to resume"))
        // A finished folder of another plan says so, not that it is complete.
        try Self.experiment.replacingOccurrences(of: "epochs: 20", with: "epochs: 22")
            .write(toFile: directory + "/other.yaml", atomically: true, encoding: .utf8)
        let foreign = try RunexpBinary.run(["other.yaml", "--out", "o", "--resume", done, "--quiet"], in: directory)
        #expect(foreign.status == 1)
        #expect(foreign.stderr.contains("the plan changed since") && foreign.stderr.contains("  - training.epochs: 20 → 22"),
                "\(foreign.stderr)")
        // Make it look unfinished, then change the plan.
        FileManager.default.createFile(atPath: done + "/.journal", contents: Data("{torn".utf8))
        let changed = Self.experiment.replacingOccurrences(of: "epochs: 20", with: "epochs: 21")
            .replacingOccurrences(of: "lr: [0.001,", with: "lr: [0.0001, 0.001,")
        try changed.write(toFile: directory + "/exp.yaml", atomically: true, encoding: .utf8)
        let refused = try RunexpBinary.run(["exp.yaml", "--out", "o", "--resume", "--quiet"], in: directory)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("the plan changed since"), "\(refused.stderr)")
        #expect(refused.stderr.contains("  - lr: values added: 0.0001"))
        #expect(refused.stderr.contains("  - training.epochs: 20 → 21"))
    }

    @Test func resumeNeedsAnUnfinishedResultFolder() throws {
        let directory = try workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let nothing = try RunexpBinary.run(["exp.yaml", "--resume"], in: directory)
        #expect(nothing.status == 1)
        #expect(nothing.stderr.hasPrefix("error: no unfinished result folder under 'results/resume'"), "\(nothing.stderr)")
        try FileManager.default.createDirectory(atPath: directory + "/not-a-folder", withIntermediateDirectories: true)
        let wrong = try RunexpBinary.run(["exp.yaml", "--resume", "not-a-folder"], in: directory)
        #expect(wrong.status == 1)
        #expect(wrong.stderr.hasPrefix("error: 'not-a-folder' is not a runexp result folder: plan.json is missing"))
    }

    @Test func aLockedFolderIsRefused() throws {
        let directory = try workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let process = try RunexpBinary.start(["exp.yaml", "--out", "o", "--quiet", "--jobs", "1"], in: directory)
        var running: String?
        let deadline = Date().addingTimeInterval(30)
        while running == nil, Date() < deadline {
            running = folder(directory + "/o").flatMap { journalLines($0) >= 1 ? $0 : nil }
            usleep(500)
        }
        let path = try #require(running)
        let second = try RunexpBinary.run(["exp.yaml", "--out", "o", "--resume", path, "--quiet"], in: directory)
        process.kill(SIGKILL)
        #expect(second.status == 1)
        #expect(second.stderr.contains("is being written by another runexp process (pid \(process.pid)"), "\(second.stderr)")
    }

    /// Ctrl-C prints the command that resumes the run; pasted into a shell as printed (a folder with
    /// a space, a flag that changes the plan) it finishes the run.
    @Test func thePrintedResumeCommandResumes() throws {
        let directory = try workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let stderr = directory + "/stderr.txt"
        let process = try RunexpBinary.start(["exp.yaml", "--out", "k 3", "--repetitions", "40", "--quiet", "--jobs", "1"],
                                             in: directory, stderr: stderr)
        var running: String?
        let deadline = Date().addingTimeInterval(30)
        while running == nil, Date() < deadline {
            running = folder(directory + "/k 3").flatMap { journalLines($0) >= 1 ? $0 : nil }
            usleep(500)
        }
        _ = try #require(running)
        process.kill(SIGINT)
        let printed = String(decoding: FileManager.default.contents(atPath: stderr) ?? Data(), as: UTF8.self)
        let line = try #require(printed.split(separator: "\n").first { $0.hasPrefix("Resume with: runexp run ") }, "\(printed)")
        #expect(line.contains("--repetitions 40") && line.contains("'k 3"), "\(line)")
        let command = RunexpBinary.path + " " + line.dropFirst("Resume with: runexp ".count) + " --quiet"
        let resumed = try ChildProcess.run("/bin/sh", ["-c", command], in: directory, timeout: 600)
        #expect(resumed.status == 0, "\(command)\n\(resumed.stderr)")
    }
}
