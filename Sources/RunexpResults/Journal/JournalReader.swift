import Foundation
import RunexpPlan

/// A journal or `runs.jsonl` that cannot be used: the file, the 1-based line (nil for the whole
/// file) and what is wrong.
public struct JournalError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var problem: String

    public init(file: String, line: Int?, problem: String) {
        self.file = file
        self.line = line
        self.problem = problem
    }

    public var description: String {
        "\(file)\(line.map { ":\($0)" } ?? ""): \(problem)"
    }
}

/// Reads the records of a journal (`.journal`) or of a finished shard (`runs.jsonl`) and checks
/// each against the plan before anything uses it.
///
/// A line is accepted only when its checksum matches (``RunJournal``) and its record is one this
/// plan can produce: run index in range, cell, repetition and fold as the plan numbers that run,
/// the seed the plan derives for it, no more epochs than its cell trains and one curve point per
/// epoch, metrics for exactly the parts the split has (binary metrics for two classes only).
/// The same run on two lines is accepted when the lines are identical, refused otherwise.
///
/// Only a journal's last line may lack its newline (a process killed while appending): it is
/// dropped without a word and its run is trained again. Every other bad line is a refusal naming
/// the file and the line. The file is read in chunks and no line may exceed what the plan's
/// longest record needs, so a damaged file cannot exhaust memory.
struct JournalReader {
    let plan: Plan
    /// Classes of the data, when known: decides whether binary metrics must be present.
    let classCount: Int?
    /// The path shown in messages.
    let file: String

    /// The records of the journal at `path`, after its header (line 1) matched `expected`
    /// (a mismatch of the data is ``ResultFolderError/dataChanged(path:changes:)`` for `folder`).
    func readJournal(at path: String, folder: String, expected: JournalFingerprint) throws -> [Int: RunRecord] {
        try read(at: path, header: (folder, expected), fingerprint: expected, tornTailAllowed: true)
    }

    /// The records of a finished shard's `runs.jsonl` at `path` (every line complete, no header).
    func readRecords(at path: String, fingerprint: JournalFingerprint) throws -> [Int: RunRecord] {
        try read(at: path, header: nil, fingerprint: fingerprint, tornTailAllowed: false)
    }

    /// The records a journal holds, for progress reports: its complete lines, less the header
    /// (0 when the file cannot be read). Nothing is checked.
    static func recordCount(ofJournal path: String) -> Int {
        let lines = LineReader.count(of: path)
        guard lines > 0, let descriptor = try? LineReader.openRegularFile(path, file: path) else { return lines }
        defer { close(descriptor) }
        var start = [UInt8](repeating: 0, count: 4096)
        let count = start.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { return lines }
        // The header's keys are sorted: it opens with data_sha256, a record with curve.
        return start[..<count].starts(with: Array("{\"data_sha256\":".utf8)) ? lines - 1 : lines
    }

    /// Bytes a line of this plan's records can take at most: the fixed keys and metrics, and one
    /// curve point per epoch of the longest-training cell (every number printed at its longest).
    var maximumLineBytes: Int {
        let epochs = plan.cells.reduce(0) { max($0, $1.training.epochs) }
        let (perEpoch, overflow) = min(epochs, ResourceLimits.epochs).multipliedReportingOverflow(by: 256)
        return overflow ? Int.max : 4096 + perEpoch
    }

    private func read(at path: String, header: (folder: String, expected: JournalFingerprint)?, fingerprint: JournalFingerprint,
                      tornTailAllowed: Bool) throws -> [Int: RunRecord] {
        let fingerprintBytes = fingerprint.canonicalBytes
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        var records: [Int: RunRecord] = [:]
        // The checksum stands for the verified line: equal checksums of one run are equal lines.
        var lineOf: [Int: (line: Int, check: [UInt8])] = [:]
        let checker = RunRecordCheck(plan: plan, classCount: classCount)
        var sawHeader = false
        // A run is journaled once (a repeated identical line is tolerated): more lines than twice
        // the plan's runs is no journal of it, and reading on would take as long as the file is big.
        let maximumLines = 2 * plan.runCount + 1
        try LineReader.lines(of: path, file: file, maximumLineBytes: maximumLineBytes) { number, bytes, terminated in
            func refuse(_ problem: String) -> JournalError { JournalError(file: file, line: number, problem: problem) }
            guard number <= maximumLines else {
                throw refuse("more lines than twice the plan's \(plan.runCount) runs; not a journal runexp wrote for this plan")
            }
            guard terminated else {
                if tornTailAllowed { return }
                throw refuse("the last line has no newline: the file was cut short")
            }
            if let header, !sawHeader {
                sawHeader = true
                try checkHeader(bytes, folder: header.folder, expected: header.expected, refuse: refuse)
                return
            }
            guard !bytes.isEmpty else { throw refuse("empty line; each line is one run's record") }
            guard let canonical = Self.canonical(bytes) else {
                throw refuse("no checksum at the end of the line (\"check\":\"<16 hex digits>\"}): not a line runexp wrote, or cut")
            }
            let record: RunRecord
            do {
                record = try decoder.decode(RunRecord.self, from: Data(canonical.record))
            } catch {
                throw refuse("not a run record: \(Self.summary(of: error))")
            }
            if let problem = checker.problem(with: record) { throw refuse(problem) }
            guard RunJournal.checksum(fingerprint: fingerprintBytes, record: canonical.record[...]) == canonical.check else {
                throw refuse("run \(record.run.index): the checksum does not match the line: it was altered, "
                    + "or written for another plan or other data")
            }
            if let first = lineOf[record.run.index] {
                guard first.check == canonical.check else {
                    throw refuse("run \(record.run.index) is also on line \(first.line), with other values")
                }
                return
            }
            lineOf[record.run.index] = (number, canonical.check)
            records[record.run.index] = record
        }
        if let header, !sawHeader {
            // An empty journal: the header is written with the file, so it was emptied afterwards.
            throw JournalError(file: file, line: 1, problem: "the journal is empty; it starts with a header line that records "
                + "the plan's and the data's SHA-256 (\(header.expected.planSHA256.prefix(12))...)")
        }
        return records
    }

    /// Checks line 1 of a journal: the plan's and the data's hashes it was started with.
    private func checkHeader(_ bytes: [UInt8], folder: String, expected: JournalFingerprint,
                             refuse: (String) -> JournalError) throws {
        guard let header = try? JSONDecoder().decode(JournalHeader.self, from: Data(bytes)) else {
            throw refuse("not a journal header (a runexp_journal line with the plan's and the data's SHA-256): "
                + "the journal was damaged, or written by a runexp older than this one")
        }
        guard header.runexpJournal == JournalHeader.currentVersion else {
            throw refuse("journal format \(header.runexpJournal); this runexp reads format \(JournalHeader.currentVersion)")
        }
        guard header.planSHA256 == expected.planSHA256 else {
            throw refuse("the journal was started for a plan with SHA-256 \(header.planSHA256), this plan has \(expected.planSHA256)")
        }
        let changes = Self.dataChanges(recorded: header.dataSHA256, current: expected.dataSHA256)
        if !changes.isEmpty { throw ResultFolderError.dataChanged(path: folder, changes: changes) }
        guard JournalHeader.kernelCodePaths.contains(header.kernel) else {
            throw refuse("the kernel code path '\(Diagnostic.excerpt(header.kernel))' is none of runexp's "
                + "(\(JournalHeader.kernelCodePaths.joined(separator: ", "))): the journal was damaged")
        }
        if header.kernel != expected.kernel {
            throw ResultFolderError.kernelChanged(path: folder, started: header.kernel, now: expected.kernel)
        }
    }

    /// One line per data file whose hash differs between `recorded` and `current`, naming both.
    static func dataChanges(recorded: [String: String], current: [String: String]) -> [String] {
        var changes: [String] = []
        for path in Set(recorded.keys).union(current.keys).sorted() {
            switch (recorded[path], current[path]) {
            case let (old?, new?) where old != new:
                changes.append("'\(path)' had SHA-256 \(old) when it started, and has \(new) now")
            case let (old?, nil):
                changes.append("'\(path)' (SHA-256 \(old)) was the data when it started; it is not the data now")
            case let (nil, new?):
                changes.append("'\(path)' (SHA-256 \(new)) is the data now; it was not when it started")
            default:
                break
            }
        }
        return changes
    }

    /// The record's JSON (the line without its check key, closing brace restored) and the 16 hex
    /// digits of its checksum; nil when the line does not end as a checked line does.
    static func canonical(_ line: [UInt8]) -> (record: [UInt8], check: [UInt8])? {
        let key = RunJournal.checkKey
        let tail = key.count + 16 + 2
        guard line.count > tail, line.last == UInt8(ascii: "}"), line[line.count - 2] == UInt8(ascii: "\"") else { return nil }
        let keyStart = line.count - tail
        guard Array(line[keyStart..<(keyStart + key.count)]) == key else { return nil }
        let check = Array(line[(keyStart + key.count)..<(line.count - 2)])
        guard check.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) })
        else { return nil }
        return (Array(line[..<keyStart]) + [UInt8(ascii: "}")], check)
    }

    /// A decoding error in a few words: the key path and what was wrong.
    static func summary(of error: Error) -> String {
        guard let error = error as? DecodingError else { return "invalid JSON" }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return keys.isEmpty ? "" : "\(keys): "
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context))missing key '\(key.stringValue)'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "\(path(context))wrong type"
        case .dataCorrupted(let context): return context.codingPath.isEmpty ? "invalid JSON" : "\(path(context))invalid value"
        @unknown default: return "invalid JSON"
        }
    }
}

/// Whether a run record is one the plan can produce (``JournalReader``, and `runexp report`'s
/// reader of runs.csv and curves.csv). The plan must have passed ``StoredPlan/problem(_:)``.
public struct RunRecordCheck: Sendable {
    let plan: Plan
    let classCount: Int?
    /// The rungs' epochs under a halving strategy.
    let rungEpochs: [Int]?

    /// A check against `plan`; with `classCount`, binary metrics must be present exactly for two classes.
    public init(plan: Plan, classCount: Int?) {
        self.plan = plan
        self.classCount = classCount
        rungEpochs = plan.rungEpochs
    }

    /// What is wrong with `record` for this plan, or nil. Checks ranges before using any value as
    /// an index, so no record can trap.
    public func problem(with record: RunRecord) -> String? {
        let run = record.run
        guard plan.repetitions * plan.foldsPerRepetition > 0, !plan.cells.isEmpty else { return "this plan has no runs" }
        guard let expected = plan.run(at: run.index) else {
            return "run index \(run.index) is outside this plan's runs 0...\(plan.runCount - 1)"
        }
        guard run == expected else {
            return "run \(run.index) says cell \(run.cell), repetition \(run.repetition), fold \(run.fold); this plan numbers run "
                + "\(run.index) cell \(expected.cell), repetition \(expected.repetition), fold \(expected.fold)"
        }
        let cell = plan.cells[expected.cell]
        let seed = RunSeed.of(expected, in: plan)
        guard record.seed == seed else {
            return "run \(run.index) has seed \(record.seed); this plan derives seed \(seed) for it (the line is from another plan or seed)"
        }
        let epochs = cell.training.epochs
        guard record.epochsRun >= 0, record.epochsRun <= epochs else {
            return "run \(run.index) ran \(record.epochsRun) epochs; its cell trains 0...\(epochs)"
        }
        switch (record.rungs, rungEpochs) {
        case (nil, nil): break
        case (let rungs?, let rungEpochs?):
            guard !rungs.isEmpty else { return "run \(run.index) has an empty list of rungs; a halving run reaches rung 0 at least" }
            guard rungs.count <= rungEpochs.count else {
                return "run \(run.index) reached rung \(rungs.count - 1); this plan's rungs are 0...\(rungEpochs.count - 1)"
            }
            guard record.epochsRun <= rungEpochs[rungs.count - 1] else {
                return "run \(run.index) ran \(record.epochsRun) epochs; its last rung trains \(rungEpochs[rungs.count - 1])"
            }
        case (nil, _?): return "run \(run.index) has no rungs; this plan halves its cells"
        case (_?, nil): return "run \(run.index) has rungs; this plan has no halving strategy"
        }
        guard record.curve.count == record.epochsRun else {
            return "run \(run.index) has \(record.curve.count) curve points for \(record.epochsRun) epochs run"
        }
        let split = plan.data.split
        let classifies = plan.task == .classification
        for (position, point) in record.curve.enumerated() {
            guard point.epoch == position + 1 else {
                return "run \(run.index): curve point \(position + 1) is numbered epoch \(point.epoch)"
            }
            guard (point.validationLoss != nil) == split.hasValidation, (point.validationAccuracy != nil) == (split.hasValidation && classifies) else {
                if !classifies, point.validationAccuracy != nil {
                    return "run \(run.index): epoch \(point.epoch) has validation accuracy, which a regression task does not measure"
                }
                return "run \(run.index): epoch \(point.epoch) " + (split.hasValidation
                    ? "lacks validation loss or accuracy, but the split has a validation part"
                    : "has validation loss or accuracy, but the split has no validation part")
            }
            guard (point.validationRMSE != nil) == (split.hasValidation && !classifies) else {
                return "run \(run.index): epoch \(point.epoch) " + (classifies
                    ? "has a validation RMSE, which a classification does not measure"
                    : "lacks the validation RMSE a regression with a validation part measures")
            }
            guard (point.trainAccuracy != nil) == classifies else {
                return "run \(run.index): epoch \(point.epoch) " + (classifies
                    ? "lacks the training accuracy a classification task measures"
                    : "has training accuracy, which a regression task does not measure")
            }
            // A diverged run's last point may hold inf or nan; every other point is a real measure.
            if !record.diverged, let problem = Self.rangeProblem([("train_loss", point.trainLoss, .nonNegative),
                                                                   ("train_accuracy", point.trainAccuracy, .fraction),
                                                                   ("val_loss", point.validationLoss, .nonNegative),
                                                                   ("val_accuracy", point.validationAccuracy, .fraction),
                                                                   ("val_rmse", point.validationRMSE, .nonNegative)]) {
                return "run \(run.index), epoch \(point.epoch): \(problem)"
            }
        }
        if let problem = partProblem("validation", record.validation, exists: split.hasValidation, diverged: record.diverged, run: run.index) {
            return problem
        }
        return partProblem("test", record.test, exists: plan.data.hasTestPart, diverged: record.diverged, run: run.index)
    }

    /// The first value outside its range, as "<name> is <value>, …", or nil.
    static func rangeProblem(_ values: [(name: String, value: Double?, range: MetricRange)]) -> String? {
        for (name, value, range) in values {
            guard let value, !range.contains(value) else { continue }
            switch range {
            case .nonNegative: return "\(name) is \(value); a loss is a finite number ≥ 0"
            case .fraction: return "\(name) is \(value); it is a fraction from 0 to 1"
            case .atMostOne: return "\(name) is \(value); it is a finite number ≤ 1"
            }
        }
        return nil
    }

    private func partProblem(_ name: String, _ metrics: PartMetrics?, exists: Bool, diverged: Bool, run: Int) -> String? {
        if diverged {
            return metrics == nil ? nil : "run \(run) diverged but has \(name) metrics"
        }
        guard let metrics else {
            return exists ? "run \(run) has no \(name) metrics, but the split has a \(name) part" : nil
        }
        guard exists else { return "run \(run) has \(name) metrics, but the split has no \(name) part" }
        if let problem = Self.rangeProblem(MetricKind.allCases.map { ($0.rawValue, metrics.value($0), $0.range) }) {
            return "run \(run), \(name) \(problem)"
        }
        // The metrics of the task, no fewer and no more (a classification without the class count:
        // those of every classification).
        let present = Set(metrics.values.keys)
        let task = plan.task == .regression ? Task.regression : classCount.map { plan.task(classCount: $0) }
        let required = task.map { Set(MetricKind.of($0)) }
            ?? Set(MetricKind.allCases.filter { $0.tasks.isSuperset(of: [.binaryClassification, .multiclassClassification]) })
        let missing = MetricKind.allCases.filter { required.contains($0) && !present.contains($0) && !$0.mayBeUndefined }
        let extra = MetricKind.allCases.filter { task != nil && present.contains($0) && !required.contains($0) }
        if !missing.isEmpty {
            return "run \(run): \(name) metrics lack " + missing.map(\.rawValue).joined(separator: ", ")
                + (task.map { ", which \($0.phrase) measures" } ?? "")
        }
        if !extra.isEmpty, let task {
            return "run \(run): \(name) metrics have " + extra.map(\.rawValue).joined(separator: ", ")
                + ", which \(task.phrase) does not measure" + (classCount.map { task.kind == .classification ? " (the data has \($0) classes)" : "" } ?? "")
        }
        return nil
    }
}

/// Reads a file line by line in chunks, refusing what is not a regular file and any line longer
/// than a limit, so that no file can make the reader allocate more than that limit.
enum LineReader {
    /// Calls `body` with each line's 1-based number, its bytes (no newline) and whether a newline
    /// ended it (only the last line can lack one).
    static func lines(of path: String, file: String, maximumLineBytes: Int,
                      _ body: (Int, [UInt8], Bool) throws -> Void) throws {
        let descriptor = try openRegularFile(path, file: file)
        defer { close(descriptor) }
        var line: [UInt8] = []
        var number = 1
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw JournalError(file: file, line: nil, problem: "cannot be read: \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            var start = 0
            while start < count {
                let newline = chunk[start..<count].firstIndex(of: UInt8(ascii: "\n"))
                let end = newline ?? count
                guard line.count + (end - start) <= maximumLineBytes else {
                    throw JournalError(file: file, line: number, problem: "the line is longer than \(maximumLineBytes) bytes, "
                        + "more than any record of this plan needs")
                }
                line.append(contentsOf: chunk[start..<end])
                guard newline != nil else { break }
                try body(number, line, true)
                line.removeAll(keepingCapacity: true)
                number += 1
                start = end + 1
            }
        }
        if !line.isEmpty { try body(number, line, false) }
    }

    /// Counts the newline-terminated lines of `path` (0 when it cannot be read), in chunks.
    static func count(of path: String) -> Int {
        guard let descriptor = try? openRegularFile(path, file: path) else { return 0 }
        defer { close(descriptor) }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var lines = 0
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 { return lines }
            lines += chunk[..<count].reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        }
    }

    /// Opens `path` for reading when it is a regular file.
    static func openRegularFile(_ path: String, file: String) throws -> Int32 {
        // Non-blocking, so that a FIFO put in place of a file is refused instead of waited on.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            throw JournalError(file: file, line: nil, problem: "cannot be opened: \(String(cString: strerror(errno)))")
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw JournalError(file: file, line: nil, problem: "is not a regular file")
        }
        return descriptor
    }

    /// The contents of the regular file at `path` when it holds at most `limit` bytes; a message
    /// naming the file and the limit (`limitName`, in ``ResourceLimits``) otherwise.
    static func contents(of path: String, file: String, limit: Int, limitName: String = "folderFileBytes") throws -> Data {
        switch BoundedFile.read(path, limit: limit) {
        case .success(let data):
            return data
        case .failure(.tooLarge(let bytes, whileRead: false)):
            throw JournalError(file: file, line: nil, problem: "is \(bytes) bytes; at most \(limit) (ResourceLimits.\(limitName))")
        case .failure(.tooLarge(_, whileRead: true)):
            throw JournalError(file: file, line: nil, problem: "grew past \(limit) bytes while read (ResourceLimits.\(limitName))")
        case .failure(.cannotOpen(let code)):
            throw JournalError(file: file, line: nil, problem: "cannot be opened: \(BoundedFile.Failure.reason(code))")
        case .failure(.directory), .failure(.notRegular):
            throw JournalError(file: file, line: nil, problem: "is not a regular file")
        case .failure(.cannotRead(let code)):
            throw JournalError(file: file, line: nil, problem: "cannot be read: \(BoundedFile.Failure.reason(code))")
        }
    }
}
