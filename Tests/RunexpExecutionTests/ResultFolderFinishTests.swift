import Foundation
import RunexpKernel
import Testing
@testable import RunexpExecution
@testable import RunexpResults
@testable import RunexpPlan
import RunexpTestSupport

/// Finishing a folder is crash-safe: stopped after any step, the folder is resumable or complete,
/// and resuming completes it with `latest` pointing at it and no temporary file left.
@Suite struct ResultFolderFinishTests {
    static let plan = PlanRecords.plan(cells: 2, repetitions: 2)
    static let planJSON = ResultTables.planJSON(plan)
    static let data = ["d.csv": String(repeating: "a", count: 64)]
    static let files: [(name: String, text: String)] = [("runs.csv", "r\n"), ("cells.csv", "c\n"), ("plots/effects.svg", "<svg/>")]

    struct Stop: Error {}

    /// Hidden entries of the folder and its subfolders.
    static func hidden(_ path: String) -> [String] {
        PlanRecords.snapshot(path).keys.filter { $0.split(separator: "/").contains { $0.hasPrefix(".") } }.sorted()
    }

    @Test(arguments: ActiveResultFolder.FinishStep.allCases)
    func stoppedAfterAnyStepTheFolderIsResumableOrCompleteAndResumeCompletesIt(_ step: ActiveResultFolder.FinishStep) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let experiments = directory.file("exp")
        // An older complete folder that latest points at.
        let older = try ActiveResultFolder.create(in: experiments, name: "a", planJSON: Self.planJSON, dataSHA256: Self.data, experimentText: "y", kernel: kernelCodePath)
        try older.finish(files: Self.files)
        let path: String
        do {
            let folder = try ActiveResultFolder.create(in: experiments, name: "b", planJSON: Self.planJSON, dataSHA256: Self.data,
                                                       experimentText: "y", kernel: kernelCodePath)
            path = folder.path
            for index in 0..<Self.plan.runCount { try folder.append(PlanRecords.record(Self.plan, index: index)) }
            // Leftovers of a process killed while writing, in the folder and beside latest.
            try "x".write(toFile: path + "/.runs.csv.tmp-999999", atomically: false, encoding: .utf8)
            try FileManager.default.createDirectory(atPath: path + "/plots", withIntermediateDirectories: true)
            try "x".write(toFile: path + "/plots/.curves.svg.tmp-999998", atomically: false, encoding: .utf8)
            try FileManager.default.createSymbolicLink(atPath: experiments + "/.latest.999997", withDestinationPath: "a")
            folder.afterFinishStep = { if $0 == step { throw Stop() } }
            #expect(throws: Stop.self) { try folder.finish(files: Self.files) }
        }
        let latest = { try? FileManager.default.destinationOfSymbolicLink(atPath: experiments + "/latest") }
        let resumable = FileManager.default.fileExists(atPath: path + "/.journal")
        // Either resumable (and offered for --resume), or complete and pointed at.
        #expect(resumable ? ActiveResultFolder.unfinished(in: experiments) == [path] : latest() == "b")
        #expect(resumable, "the journal goes last; every step before it leaves the folder resumable")
        if resumable {
            let resumed = try ActiveResultFolder.resume(path, plan: Self.plan, planJSON: Self.planJSON, dataSHA256: Self.data, kernel: kernelCodePath)
            #expect(resumed.journaled.count == Self.plan.runCount)
            try resumed.finish(files: Self.files)
        }
        #expect(latest() == "b")
        #expect(ActiveResultFolder.unfinished(in: experiments).isEmpty)
        #expect(Self.hidden(path).isEmpty, "\(Self.hidden(path))")
        #expect(!FileManager.default.fileExists(atPath: experiments + "/.latest.999997"))
        #expect(try String(contentsOfFile: path + "/plots/effects.svg", encoding: .utf8) == "<svg/>")
    }

    /// Resuming removes the temporary files a killed process left, before any run is trained.
    @Test func resumeRemovesStaleTemporaryFiles() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path: String
        do {
            let folder = try ActiveResultFolder.create(in: directory.file("exp"), name: "f", planJSON: Self.planJSON, dataSHA256: Self.data,
                                                       experimentText: "y", kernel: kernelCodePath)
            try folder.append(PlanRecords.record(Self.plan, index: 1))
            path = folder.path
        }
        try "x".write(toFile: path + "/.runs.csv.tmp-999999", atomically: false, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: path + "/plots", withIntermediateDirectories: true)
        try "x".write(toFile: path + "/plots/.effects.svg.tmp-999998", atomically: false, encoding: .utf8)
        let resumed = try ActiveResultFolder.resume(path, plan: Self.plan, planJSON: Self.planJSON, dataSHA256: Self.data, kernel: kernelCodePath)
        #expect(resumed.journaled.keys.sorted() == [1])
        #expect(Self.hidden(path) == [".journal", ".lock"])
    }

    @Test func aLatestThatIsNoLinkIsRefusedBeforeAFolderIsMade() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try FileManager.default.createDirectory(atPath: directory.file("exp/latest"), withIntermediateDirectories: true)
        let error = try #require(throws: ResultFolderError.self) {
            try ActiveResultFolder.create(in: directory.file("exp"), name: "f", experimentText: "y")
        }
        #expect(error.description == "'\(directory.file("exp/latest"))' is not a symbolic link; runexp points it at the newest result "
            + "folder: move it away and run again")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.file("exp")) == ["latest"])
    }

    @Test func aResultsPathThatIsAFileIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("results", "not a folder")
        let error = try #require(throws: CocoaError.self) {
            try ActiveResultFolder.create(in: directory.file("results/exp"), name: "f", experimentText: "y")
        }
        #expect(error.localizedDescription == "'\(directory.file("results"))' is a file, not a folder")
        #expect(try String(contentsOfFile: directory.file("results"), encoding: .utf8) == "not a folder")
    }

    /// A latest link pointing outside the experiment folder is replaced like any other.
    @Test func aLatestPointingOutsideIsReplaced() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let experiments = directory.file("exp")
        try FileManager.default.createDirectory(atPath: experiments, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: experiments + "/latest", withDestinationPath: "/etc")
        let folder = try ActiveResultFolder.create(in: experiments, name: "f", planJSON: Self.planJSON, dataSHA256: Self.data, experimentText: "y", kernel: kernelCodePath)
        try folder.finish(files: Self.files)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: experiments + "/latest") == "f")
    }

    @Test func aLockHeldByAnotherOpenFolderIsRefusedAndTheLockStaysAsItWas() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let folder = try ActiveResultFolder.create(in: directory.file("exp"), name: "f", planJSON: Self.planJSON, dataSHA256: Self.data,
                                                   experimentText: "y", kernel: kernelCodePath)
        let before = PlanRecords.snapshot(folder.path)
        let error = try #require(throws: ResultFolderError.self) {
            try ActiveResultFolder.resume(folder.path, plan: Self.plan, planJSON: Self.planJSON, dataSHA256: Self.data, kernel: kernelCodePath)
        }
        #expect(error.description.hasPrefix("'\(folder.path)' is being written by another runexp process (pid \(getpid()) on "))
        #expect(PlanRecords.snapshot(folder.path) == before)
    }
}
