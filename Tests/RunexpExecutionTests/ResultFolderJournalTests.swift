import Foundation
import Testing
@testable import RunexpExecution
@testable import RunexpResults
@testable import RunexpPlan
import RunexpKernel
import RunexpTestSupport

/// Every journal line is checked against the plan before resuming uses it; a bad line is refused
/// with the file, the line and what is wrong, and the refused folder is left as it was.
@Suite struct ResultFolderJournalTests {
    static let plan = PlanRecords.plan(cells: 3, repetitions: 2)
    static let planJSON = ResultTables.planJSON(plan)
    static let data = ["exp/d.csv": String(repeating: "1", count: 64)]
    static let fingerprint = JournalFingerprint(planSHA256: SHA256Digest.hex(of: planJSON), dataSHA256: data, kernel: kernelCodePath)
    static let header = JournalHeader(fingerprint).line

    static func line(_ record: RunRecord, _ fingerprint: JournalFingerprint = Self.fingerprint) -> String {
        RunJournal.checkedLine(record, fingerprint: fingerprint)
    }

    static func record(_ index: Int) -> RunRecord { PlanRecords.record(plan, index: index) }

    static func edited(_ index: Int, _ change: (inout RunRecord) -> Void) -> String {
        var record = record(index)
        change(&record)
        return line(record)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        /// The journal after the header ("" for none), and the message after "<file>:".
        var journal: String
        var message: String
        var withHeader = true
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        let foreignPlan = PlanRecords.plan(cells: 3, repetitions: 2, seed: 9)
        let good = line(record(0))
        let seed = record(1).seed
        return [
            Case(name: "cell out of range", journal: good + edited(1) { $0.run.cell = 1000 },
                 message: "3: run 1 says cell 1000, repetition 1, fold 0; this plan numbers run 1 cell 0, repetition 1, fold 0"),
            Case(name: "negative run index", journal: edited(1) { $0.run.index = -1 },
                 message: "2: run index -1 is outside this plan's runs 0...5"),
            Case(name: "run index Int.max", journal: edited(1) { $0.run.index = Int.max },
                 message: "2: run index 9223372036854775807 is outside this plan's runs 0...5"),
            Case(name: "repetition changed", journal: edited(2) { $0.run.repetition = 1 },
                 message: "2: run 2 says cell 1, repetition 1, fold 0; this plan numbers run 2 cell 1, repetition 0, fold 0"),
            Case(name: "record of a plan with another seed", journal: good + line(PlanRecords.record(foreignPlan, index: 1)),
                 message: "3: run 1 has seed \(PlanRecords.record(foreignPlan, index: 1).seed); this plan derives seed \(seed) for it "
                    + "(the line is from another plan or seed)"),
            Case(name: "line written for other data",
                 journal: line(record(1), JournalFingerprint(planSHA256: fingerprint.planSHA256, dataSHA256: ["exp/d.csv": "2"], kernel: kernelCodePath)),
                 message: "2: run 1: the checksum does not match the line: it was altered, or written for another plan or other data"),
            Case(name: "a digit changed", journal: good.replacingOccurrences(of: "\"trainAccuracy\":0.5", with: "\"trainAccuracy\":0.6"),
                 message: "2: run 0: the checksum does not match the line: it was altered, or written for another plan or other data"),
            Case(name: "more epochs than the cell trains", journal: edited(3) {
                $0.epochsRun = 4
                $0.curve.append($0.curve[0])
            }, message: "2: run 3 ran 4 epochs; its cell trains 0...3"),
            Case(name: "curve shorter than the epochs", journal: edited(3) { $0.curve.removeLast() },
                 message: "2: run 3 has 2 curve points for 3 epochs run"),
            Case(name: "curve numbered wrong", journal: edited(3) { $0.curve[1] = $0.curve[0] },
                 message: "2: run 3: curve point 2 is numbered epoch 1"),
            Case(name: "validation metrics missing", journal: edited(0) { $0.validation = nil },
                 message: "2: run 0 has no validation metrics, but the split has a validation part"),
            Case(name: "accuracy missing from a part", journal: edited(0) { $0.validation?.values[.accuracy] = nil },
                 message: "2: run 0: validation metrics lack accuracy, which multiclass classification measures"),
            Case(name: "a curve's validation RMSE in a classification", journal: edited(0) { $0.curve[0].validationRMSE = 1 },
                 message: "2: run 0: epoch 1 has a validation RMSE, which a classification does not measure"),
            Case(name: "a regression metric in a classification", journal: edited(0) { $0.validation?.values[.rmse] = 3 },
                 message: "2: run 0: validation metrics have rmse, which multiclass classification does not measure (the data has 3 classes)"),
            Case(name: "accuracy above 1", journal: edited(0) { $0.test?.values[.accuracy] = 1.5 },
                 message: "2: run 0, test accuracy is 1.5; it is a fraction from 0 to 1"),
            Case(name: "metrics of a diverged run", journal: edited(0) { $0.diverged = true },
                 message: "2: run 0 diverged but has validation metrics"),
            Case(name: "binary metrics for three classes", journal: line(PlanRecords.record(plan, index: 4, classCount: 2)),
                 message: "2: run 4: validation metrics have roc_auc, which multiclass classification does not measure (the data has 3 classes)"),
            Case(name: "a line without checksum", journal: good + RunJournal.line(record(1)),
                 message: "3: no checksum at the end of the line (\"check\":\"<16 hex digits>\"}): not a line runexp wrote, or cut"),
            Case(name: "a torn line before the last", journal: String(good.dropLast(30)) + "\n" + good,
                 message: "2: no checksum at the end of the line (\"check\":\"<16 hex digits>\"}): not a line runexp wrote, or cut"),
            Case(name: "a JSON object that is no record", journal: "{\"check\":\"0123456789abcdef\"}\n".replacingOccurrences(of: "{", with: "{\"x\":1,"),
                 message: "2: not a run record: missing key 'run'"),
            Case(name: "one line repeated past twice the runs", journal: String(repeating: good, count: 13),
                 message: "14: more lines than twice the plan's 6 runs; not a journal runexp wrote for this plan"),
            Case(name: "an empty line", journal: good + "\n" + line(record(1)), message: "3: empty line; each line is one run's record"),
            Case(name: "a line of a megabyte", journal: good + String(repeating: "9", count: 1 << 20) + "\n",
                 message: "3: the line is longer than 4864 bytes, more than any record of this plan needs"),
            Case(name: "no header", journal: good, message: "1: not a journal header (a runexp_journal line with the plan's and the "
                    + "data's SHA-256): the journal was damaged, or written by a runexp older than this one", withHeader: false),
            Case(name: "header of another plan", journal: JournalHeader(JournalFingerprint(planSHA256: "0f", dataSHA256: data, kernel: kernelCodePath)).line + good,
                 message: "1: the journal was started for a plan with SHA-256 0f, this plan has \(fingerprint.planSHA256)", withHeader: false),
            Case(name: "an empty journal", journal: "", message: "1: the journal is empty; it starts with a header line that records "
                    + "the plan's and the data's SHA-256 (\(fingerprint.planSHA256.prefix(12))...)", withHeader: false),
        ]
    }()

    /// A folder of `plan` (made and released, as a killed process leaves it) with `journal` as its journal.
    static func folder(in directory: TemporaryDirectory, journal: String) throws -> String {
        let path: String
        do {
            let folder = try ActiveResultFolder.create(in: directory.file("exp"), name: "f", planJSON: planJSON, dataSHA256: data,
                                                       experimentText: "yaml", kernel: kernelCodePath)
            path = folder.path
        }
        try journal.write(toFile: path + "/.journal", atomically: true, encoding: .utf8)
        return path
    }

    @Test(arguments: cases)
    func aBadLineIsRefusedByLineAndTheFolderIsLeftAsItWas(_ bad: Case) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try Self.folder(in: directory, journal: (bad.withHeader ? Self.header : "") + bad.journal)
        let before = PlanRecords.snapshot(directory.path)
        let error = try #require(throws: ResultFolderError.self) {
            try ActiveResultFolder.resume(path, plan: Self.plan, planJSON: Self.planJSON, dataSHA256: Self.data, classCount: 3, kernel: kernelCodePath)
        }
        #expect(error.description.hasPrefix(path + "/.journal:" + bad.message + "; the journal was damaged, edited or copied from "
            + "another folder: delete that line to train its run again, or start a new run without --resume"), "\(error)")
        #expect(PlanRecords.snapshot(directory.path) == before)
    }

    @Test func otherDataIsRefusedWithBothHashesBeforeAnyLineIsRead() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try Self.folder(in: directory, journal: Self.header + "garbage\n")
        let before = PlanRecords.snapshot(directory.path)
        let now = String(repeating: "2", count: 64)
        let error = try #require(throws: ResultFolderError.self) {
            try ActiveResultFolder.resume(path, plan: Self.plan, planJSON: Self.planJSON, dataSHA256: ["exp/d.csv": now], classCount: 3, kernel: kernelCodePath)
        }
        #expect(error.description == "the data changed since '\(path)' was started, so it cannot be resumed; restore that data, or "
            + "start a new run without --resume. Changes:\n  - 'exp/d.csv' had SHA-256 \(Self.data["exp/d.csv"]!) when it started, "
            + "and has \(now) now")
        #expect(PlanRecords.snapshot(directory.path) == before)
    }

    /// A folder started on one kernel code path is not finished on another: the last bits would differ
    /// between its runs.
    @Test func anotherKernelCodePathIsRefusedBeforeAnyLineIsRead() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let other = Self.fingerprint.kernel == "simd8" ? "avx2-fma" : "simd8"
        var started = Self.fingerprint
        started.kernel = other
        let path = try Self.folder(in: directory, journal: JournalHeader(started).line + "garbage\n")
        let before = PlanRecords.snapshot(directory.path)
        let error = try #require(throws: ResultFolderError.self) {
            try ActiveResultFolder.resume(path, plan: Self.plan, planJSON: Self.planJSON, dataSHA256: Self.data, classCount: 3, kernel: kernelCodePath)
        }
        #expect(error.description.hasPrefix("'\(path)' was started on the kernel code path '\(other)' and this process runs "
            + "'\(Self.fingerprint.kernel)', whose last bits differ, so it cannot be resumed here"), "\(error)")
        #expect(PlanRecords.snapshot(directory.path) == before)
    }

    @Test func aJournalThatIsAFolderIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try Self.folder(in: directory, journal: "")
        try FileManager.default.removeItem(atPath: path + "/.journal")
        try FileManager.default.createDirectory(atPath: path + "/.journal", withIntermediateDirectories: false)
        let error = try #require(throws: ResultFolderError.self) {
            try ActiveResultFolder.resume(path, plan: Self.plan, planJSON: Self.planJSON, dataSHA256: Self.data, kernel: kernelCodePath)
        }
        #expect(error.description == "\(path)/.journal: is not a regular file; start a new run without --resume")
    }

    /// A FIFO in place of the journal or the lock is refused at once, not waited on.
    @Test func aJournalOrLockThatIsAFIFOIsRefusedWithoutWaiting() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try Self.folder(in: directory, journal: "")
        try FileManager.default.removeItem(atPath: path + "/.journal")
        #expect(mkfifo(path + "/.journal", 0o644) == 0)
        let journal = try #require(throws: ResultFolderError.self) {
            try ActiveResultFolder.resume(path, plan: Self.plan, planJSON: Self.planJSON, dataSHA256: Self.data, kernel: kernelCodePath)
        }
        #expect(journal.description == "\(path)/.journal: is not a regular file; start a new run without --resume")
        try FileManager.default.removeItem(atPath: path + "/.lock")
        #expect(mkfifo(path + "/.lock", 0o644) == 0)
        let lock = try #require(throws: ResultFolderError.self) {
            try ActiveResultFolder.resume(path, plan: Self.plan, planJSON: Self.planJSON, dataSHA256: Self.data, kernel: kernelCodePath)
        }
        #expect(lock.description == "\(path)/.lock: is not a regular file, so it cannot be the folder's lock; start a new run without --resume")
    }

    /// The one check's seed formula is the executor's, and records of real runs pass every check.
    @Test(arguments: [
        ("binary, validation fraction, early stopping", ["no", "yes"], "{test: 0.2, validation: 0.25}",
         "early_stopping: {monitor: val_loss, patience: 1}"),
        ("three classes, k-fold, no test part", ["a", "b", "c"], "{folds: 3}", ""),
        ("binary, test part only", ["no", "yes"], "{test: 0.3}", ""),
    ])
    func realRecordsPassTheChecks(_ name: String, classes: [String], split: String, extra: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("data.csv", SyntheticData.csv(rows: 60, classes: classes))
        let yaml = SyntheticData.experiment.replacingOccurrences(of: "split: {test: 0.2, validation: 0.25}", with: "split: \(split)")
            .replacingOccurrences(of: "class_weight: balanced", with: "class_weight: balanced\n  \(extra)")
        let file = try directory.write("e.yaml", yaml)
        let plan = try PlanParser.parse(contentsOf: file)
        let prepared = try PreparedExperiment.prepare(plan, experimentFile: file)
        let executor = RunExecutor(experiment: prepared)
        let check = RunRecordCheck(plan: plan, classCount: classes.count)
        for run in plan.runs {
            let record = executor.execute(run)
            #expect(check.problem(with: record) == nil, "\(name), run \(run.index)")
            #expect(executor.seed(for: run) == PlanRecords.record(plan, index: run.index).seed)
        }
    }

    /// Random damage to a journal: resume either accepts records that are each the uninterrupted
    /// run's own (so the folder finishes byte-identical), or refuses naming the journal and a line,
    /// leaving the folder as it was. Never a trap, never a foreign record.
    @Test func fuzzedJournalsResumeToTheSameRecordsOrAreRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let plan = Self.plan
        let reference = (0..<plan.runCount).map { Self.line(Self.record($0)) }
        let foreignPlan = PlanRecords.plan(cells: 3, repetitions: 2, seed: 9)
        let otherData = JournalFingerprint(planSHA256: Self.fingerprint.planSHA256, dataSHA256: ["exp/d.csv": "2"], kernel: kernelCodePath)
        var rng = SplitMix64(seed: 14)
        func below(_ bound: Int) -> Int { Int(rng.next() % UInt64(max(bound, 1))) }
        var accepted = 0, refused = 0
        for attempt in 0..<400 {
            // An interrupted run: some runs, in finishing order.
            var lines = Array(reference.shuffled(using: &rng).prefix(below(plan.runCount + 1)))
            var bytes: [UInt8] = []
            for _ in 0..<(1 + below(3)) {
                switch below(6) {
                case 0:  // a foreign line: another plan's seed, other data, or an edited identity
                    let index = below(plan.runCount)
                    let foreign = [Self.line(PlanRecords.record(foreignPlan, index: index)), Self.line(Self.record(index), otherData),
                                   Self.edited(index) { $0.run.cell = (index / 2 + 1) % 3 }][below(3)]
                    lines.insert(foreign, at: below(lines.count + 1))
                case 1 where !lines.isEmpty:  // a duplicated line
                    lines.insert(lines[below(lines.count)], at: below(lines.count + 1))
                case 2 where !lines.isEmpty:  // a line moved
                    let line = lines.remove(at: below(lines.count))
                    lines.insert(line, at: below(lines.count + 1))
                default:
                    break
                }
            }
            bytes = Array((Self.header + lines.joined()).utf8)
            for _ in 0..<below(3) {
                switch below(3) {
                case 0: bytes = Array(bytes.prefix(below(bytes.count + 1)))  // truncated
                case 1 where !bytes.isEmpty: bytes[below(bytes.count)] = UInt8(truncatingIfNeeded: rng.next())  // a byte flipped
                default: if !bytes.isEmpty { bytes.remove(at: below(bytes.count)) }  // a byte lost
                }
            }
            let path: String
            do {
                let folder = try ActiveResultFolder.create(in: directory.file("exp"), name: "f\(attempt)", planJSON: Self.planJSON,
                                                           dataSHA256: Self.data, experimentText: "yaml", kernel: kernelCodePath)
                path = folder.path
            }
            try Data(bytes).write(to: URL(fileURLWithPath: path + "/.journal"))
            let before = PlanRecords.snapshot(path)
            do {
                let folder = try ActiveResultFolder.resume(path, plan: plan, planJSON: Self.planJSON, dataSHA256: Self.data, classCount: 3, kernel: kernelCodePath)
                for (index, record) in folder.journaled {
                    #expect(Self.line(record) == reference[index], "attempt \(attempt): run \(index) is not the uninterrupted run's")
                }
                accepted += 1
            } catch let error as ResultFolderError {
                switch error {
                case .badJournal(let journal):
                    #expect(journal.file == path + "/.journal" && journal.line != nil, "attempt \(attempt): \(error)")
                case .dataChanged:
                    #expect(error.description.contains(Self.data["exp/d.csv"]!), "attempt \(attempt): \(error)")
                default:
                    Issue.record("attempt \(attempt): \(error)")
                }
                #expect(PlanRecords.snapshot(path) == before, "attempt \(attempt): a refused resume changed the folder")
                refused += 1
            }
        }
        #expect(accepted > 50 && refused > 50, "accepted \(accepted), refused \(refused)")
    }
}
