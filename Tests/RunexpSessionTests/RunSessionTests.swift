import Foundation
import RunexpExecution
@testable import RunexpResults
import RunexpPlan
import RunexpReport
import RunexpSession
import RunexpTestSupport
import Testing

/// Runs, resumes, shards and merges in-process, as the command line drives them: an interrupted
/// run resumed, and a run split in shards and merged, give the files of one uninterrupted run.
@Suite struct RunSessionTests {
    static let experiment = """
        name: session
        data:
          file: data.csv
          target: label
          split: {test: 0.2, validation: 0.25}
        model:
          - dense: {units: $units, activation: relu}
          - dense: {units: classes, activation: softmax}
        training:
          epochs: 3
          batch_size: 8
          optimizer: {name: adam, learning_rate: 0.01}
        search:
          grid:
            units: [2, 4, 8]
          repetitions: 2

        """

    static let csv: String = {
        var lines = ["a,b,label"]
        for row in 0..<60 {
            let label = row % 2
            lines.append("\(Double(label) * 2 + Double(row % 7) / 10),\(Double(row % 5) / 5),\(label == 1 ? "M" : "B")")
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    /// A workspace with the experiment and its data; removed by the caller.
    static func workspace(experiment: String = experiment) throws -> String {
        try TemporaryDirectory(prefix: "runexp-session-", files: ["data.csv": csv, "exp.yaml": experiment]).path
    }

    static func request(_ directory: String, jobs: Int = 2, resume: RunRequest.ResumeTarget? = nil, shard: Shard? = nil) -> RunRequest {
        RunRequest(experimentFile: directory + "/exp.yaml", jobs: jobs, out: directory + "/results", resume: resume, shard: shard,
                   commandLine: ["runexp", "run"], runexpVersion: "test")
    }

    /// The folder's files but provenance.json and report.html (which show the time and the command).
    static func files(_ folder: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.subpathsOfDirectory(atPath: folder) where !["provenance.json", "report.html"].contains(name) {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            files[name] = FileManager.default.contents(atPath: folder + "/" + name)
        }
        return files
    }

    static func finishedFolder(_ outcome: RunOutcome) -> String? {
        if case .finished(let run) = outcome { return run.folder }
        return nil
    }

    @Test func anInterruptedRunResumedGivesTheFilesOfOneRun() async throws {
        let whole = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: whole) }
        let reference = try #require(Self.finishedFolder(try await RunSession.run(Self.request(whole))))
        #expect(try Self.files(reference)["runs.csv"] != nil)

        let directory = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let done = Counter()
        var events = RunSession.Events()
        events.progress = { _ in done.increment() }
        let first = try await RunSession.run(Self.request(directory, jobs: 1), events: events, shouldStop: { done.value >= 2 })
        guard case .interrupted(let saved, let planned, let folder) = first else {
            Issue.record("expected an interruption, got \(first)")
            return
        }
        // The runner may have started one more run before the second finished.
        #expect((2...3).contains(saved) && planned == 6, "saved \(saved) of \(planned)")
        var resumedWith: (String, Int, Int)?
        var resumeEvents = RunSession.Events()
        resumeEvents.resumed = { resumedWith = ($0, $1, $2) }
        let second = try await RunSession.run(Self.request(directory, resume: .newest), events: resumeEvents)
        #expect(resumedWith?.0 == folder && resumedWith?.1 == saved && resumedWith?.2 == 6)
        let resumed = try #require(Self.finishedFolder(second))
        #expect(resumed == folder)
        #expect(try Self.files(resumed) == Self.files(reference))
    }

    /// Two classes, but the unshuffled validation part (the last rows) holds only one: ROC AUC is
    /// undefined there. The run is interrupted and resumed (its journal read back), finishes, and
    /// its folder is read back by report: `run` writes no folder the other commands refuse.
    @Test func aValidationPartOfOneClassResumesAndReadsBack() async throws {
        let experiment = Self.experiment.replacingOccurrences(of: "split: {test: 0.2, validation: 0.25}",
                                                              with: "split: {validation: 0.2, stratify: false, shuffle: false}")
        var csv = ["a,b,label"]
        for row in 0..<60 { csv.append("\(row % 7),\(row % 5),\(row < 48 && row % 2 == 0 ? "M" : "B")") }
        let directory = try TemporaryDirectory(prefix: "runexp-session-", files: ["data.csv": csv.joined(separator: "\n") + "\n",
                                                                                "exp.yaml": experiment]).path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let done = Counter()
        var events = RunSession.Events()
        events.progress = { _ in done.increment() }
        let first = try await RunSession.run(Self.request(directory, jobs: 1), events: events, shouldStop: { done.value >= 2 })
        guard case .interrupted = first else {
            Issue.record("expected an interruption, got \(first)")
            return
        }
        let folder = try #require(Self.finishedFolder(try await RunSession.run(Self.request(directory, resume: .newest))))
        let contents = try ResultFolderReader.read(folder)
        #expect(contents.results.records.count == 6)
        #expect(contents.results.records.allSatisfy { $0.diverged || ($0.validation?.value(.rocAUC) == nil && $0.validation?.value(.f1) != nil) })
    }

    @Test func shardsMergedGiveTheFilesOfOneRun() async throws {
        let whole = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: whole) }
        let reference = try #require(Self.finishedFolder(try await RunSession.run(Self.request(whole))))

        let directory = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var shardsDirectory = ""
        var runs = 0
        for index in 1...2 {
            let outcome = try await RunSession.run(Self.request(directory, shard: Shard(index: index, count: 2)))
            guard case .shardDone(_, _, let count, let shards) = outcome else {
                Issue.record("shard \(index): \(outcome)")
                return
            }
            runs += count
            shardsDirectory = shards
        }
        #expect(runs == 6)
        // Run again, a finished shard is not run twice.
        let again = try await RunSession.run(Self.request(directory, shard: Shard(index: 1, count: 2)))
        guard case .shardAlreadyDone = again else {
            Issue.record("expected the shard to be done already: \(again)")
            return
        }
        let merged = try await MergeSession.merge([shardsDirectory], out: directory + "/results", commandLine: ["runexp", "merge"],
                                                  runexpVersion: "test")
        #expect(merged.shards == 2 && merged.runs == 6)
        #expect(try Self.files(merged.folder) == Self.files(reference))
    }

    @Test func failuresSayWhatToFixAndWriteNothing() async throws {
        let directory = try Self.workspace(experiment: Self.experiment.replacingOccurrences(of: "epochs: 3", with: "epochs: 0"))
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            _ = try await RunSession.run(Self.request(directory))
            Issue.record("an invalid file ran")
        } catch {
            guard case .invalid(let diagnostics) = error else {
                Issue.record("expected diagnostics, got \(error)")
                return
            }
            #expect(error.isInvalidInput)
            #expect(diagnostics.diagnostics.first?.keyPath == "training.epochs")
        }
        try Data(Self.experiment.utf8).write(to: URL(fileURLWithPath: directory + "/exp.yaml"))
        do {
            _ = try await RunSession.run(Self.request(directory, resume: .newest))
            Issue.record("resumed a folder that does not exist")
        } catch {
            guard case .folder(.nothingToResume, nil) = error else {
                Issue.record("expected nothing to resume, got \(error)")
                return
            }
        }
        #expect(!FileManager.default.fileExists(atPath: directory + "/results/session"))
        do {
            _ = try await MergeSession.merge([directory + "/nowhere"], out: directory + "/results", commandLine: [], runexpVersion: "test")
            Issue.record("merged nothing")
        } catch {
            guard case .shard = error else {
                Issue.record("expected a shard error, got \(error)")
                return
            }
        }
    }
}

/// A count shared with a session's callbacks.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func increment() { lock.withLock { count += 1 } }
}
