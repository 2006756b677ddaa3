import Foundation
import RunexpPlan

/// A result folder while its runs are being written: experiment.yaml and plan.json first, then
/// one journal line per finished run, then the final files.
///
/// A run may start training before plan.json is written (``create(in:name:experimentText:)``):
/// runs that finish earlier wait in memory, and ``openJournal(planJSON:)`` writes plan.json, then
/// the journal with them. A journal line therefore never exists without its plan.json, and a folder
/// whose process died before that has no runs to lose; `--resume` starts it afresh.
///
/// The journal (`.journal`) holds one compact JSON ``RunRecord`` per line, appended as runs
/// finish (each line is a single write, so a killed process leaves at most one torn last line,
/// which reading ignores). A `.lock` held with `flock` keeps a second process out; the kernel
/// releases it when the process dies. ``finish(files:)`` writes every final file under a
/// temporary name, renames it into place, then removes the journal and the lock.
public final class ActiveResultFolder {
    /// The folder's path.
    public let path: String
    /// Records already in the journal (from an earlier, interrupted process), by run index.
    public private(set) var journaled: [Int: RunRecord] = [:]
    /// The open journal; nil until ``openJournal(planJSON:)`` for a folder made without its plan.
    private var journal: FileHandle?
    /// Runs finished before the journal was opened, in finishing order.
    private var pending: [RunRecord] = []
    private let lockDescriptor: Int32
    private let experimentDirectory: String

    static let journalName = ".journal"
    static let lockName = ".lock"

    /// Creates `<experimentDirectory>/<name>` (with a `-2`, `-3`... suffix if taken), writes
    /// experiment.yaml and plan.json, and opens an empty journal.
    public static func create(in experimentDirectory: String, name: String, planJSON: String, experimentText: String) throws -> ActiveResultFolder {
        let folder = try create(in: experimentDirectory, name: name, experimentText: experimentText)
        try folder.openJournal(planJSON: planJSON)
        return folder
    }

    /// Creates `<experimentDirectory>/<name>` (with a `-2`, `-3`... suffix if taken) and writes
    /// experiment.yaml; plan.json and the journal wait for ``openJournal(planJSON:)``.
    public static func create(in experimentDirectory: String, name: String, experimentText: String) throws -> ActiveResultFolder {
        let manager = FileManager.default
        try manager.createDirectory(atPath: experimentDirectory, withIntermediateDirectories: true)
        var finalName = name
        var suffix = 2
        var path = (experimentDirectory as NSString).appendingPathComponent(finalName)
        // mkdir fails if the folder exists, so two processes never get the same folder.
        while mkdir(path, 0o755) != 0 {
            guard errno == EEXIST else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
            finalName = "\(name)-\(suffix)"
            suffix += 1
            path = (experimentDirectory as NSString).appendingPathComponent(finalName)
        }
        let lock = try acquireLock(path)
        try Self.writeAtomically(path, "experiment.yaml", experimentText)
        return ActiveResultFolder(path: path, experimentDirectory: experimentDirectory, lock: lock, journaled: [:])
    }

    /// Whether plan.json and the journal are written (appends go to the file).
    public var isJournalOpen: Bool { journal != nil }

    /// Writes plan.json, then the journal with the runs that finished so far, and appends to it
    /// from then on. Does nothing when the journal is already open.
    public func openJournal(planJSON: String) throws {
        guard journal == nil else { return }
        try Self.writeAtomically(path, "plan.json", planJSON)
        try Self.writeAtomically(path, Self.journalName, pending.map(RunJournal.line).joined())
        pending = []
        let journalPath = (path as NSString).appendingPathComponent(Self.journalName)
        guard let handle = FileHandle(forWritingAtPath: journalPath) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: journalPath])
        }
        handle.seekToEndOfFile()
        journal = handle
    }

    /// Reopens an unfinished folder for `plan`: checks it is a result folder, unfinished, made
    /// from the same plan, and not being written; reads its journal. A folder whose process died
    /// before its journal was written (it has only its lock) starts afresh.
    /// `planJSON` is `plan` as plan.json holds it, when the caller has it encoded already.
    public static func resume(_ path: String, plan: Plan, planJSON: String? = nil) throws -> ActiveResultFolder {
        let manager = FileManager.default
        let planPath = (path as NSString).appendingPathComponent("plan.json")
        let journalPath = (path as NSString).appendingPathComponent(journalName)
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ResultFolderError.notAResultFolder(path: path, missing: "the folder")
        }
        let hasJournal = manager.fileExists(atPath: journalPath)
        let finished = manager.fileExists(atPath: (path as NSString).appendingPathComponent("runs.csv"))
        // Only the lock (and perhaps experiment.yaml, plan.json): the process died before its first
        // journal line, so nothing was recorded and the run starts afresh here.
        let diedBeforeJournal = !hasJournal && !finished
            && manager.fileExists(atPath: (path as NSString).appendingPathComponent(lockName))
        let current = planJSON ?? ResultTables.planJSON(plan)
        let planData = manager.contents(atPath: planPath)
        guard planData != nil || diedBeforeJournal else {
            throw ResultFolderError.notAResultFolder(path: path, missing: "plan.json")
        }
        guard hasJournal || diedBeforeJournal else {
            if finished { throw ResultFolderError.alreadyFinished(path: path) }
            throw ResultFolderError.notAResultFolder(path: path, missing: ".journal")
        }
        if let planData, String(decoding: planData, as: UTF8.self) != current {
            var differences = ["plan.json differs"]
            if let old = try? JSONDecoder().decode(Plan.self, from: planData) {
                let found = PlanDifferences.between(old, plan)
                if !found.isEmpty { differences = found }
            }
            throw ResultFolderError.planChanged(path: path, differences: differences)
        }
        let lock = try acquireLock(path)
        let records = RunJournal.read(FileManager.default.contents(atPath: journalPath) ?? Data(), runCount: plan.runCount)
        let folder = ActiveResultFolder(path: path, experimentDirectory: (path as NSString).deletingLastPathComponent,
                                        lock: lock, journaled: records)
        // Rewrite the journal without a torn tail (with plan.json first, if it never got written).
        folder.pending = records.values.sorted { $0.run.index < $1.run.index }
        try folder.openJournal(planJSON: current)
        return folder
    }

    /// Unfinished folders (with a journal, or only the lock of a process that died before its
    /// journal) under `experimentDirectory`, oldest first.
    public static func unfinished(in experimentDirectory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: experimentDirectory)) ?? []
        return names.filter { !$0.hasPrefix(".") && $0 != "latest" }.sorted().map {
            (experimentDirectory as NSString).appendingPathComponent($0)
        }.filter {
            FileManager.default.fileExists(atPath: ($0 as NSString).appendingPathComponent(journalName))
                || (FileManager.default.fileExists(atPath: ($0 as NSString).appendingPathComponent(lockName))
                    && !FileManager.default.fileExists(atPath: ($0 as NSString).appendingPathComponent("runs.csv")))
        }
    }

    private init(path: String, experimentDirectory: String, lock: Int32, journaled: [Int: RunRecord]) {
        self.path = path
        self.experimentDirectory = experimentDirectory
        self.lockDescriptor = lock
        self.journaled = journaled
    }

    deinit {
        if !journalClosed { try? journal?.close() }
        close(lockDescriptor)
    }

    private var journalClosed = false

    func closeJournal() throws {
        guard !journalClosed else { return }
        journalClosed = true
        try journal?.close()
    }

    /// Appends one finished run to the journal (one write of one line), or keeps it until
    /// ``openJournal(planJSON:)``.
    public func append(_ record: RunRecord) throws {
        if let journal {
            var line: [UInt8] = []
            RunJournal.append(record, to: &line)
            let failed = line.withUnsafeBytes { AtomicFile.writeAll($0, to: journal.fileDescriptor) }
            if failed != 0 { throw POSIXError(POSIXErrorCode(rawValue: failed) ?? .EIO) }
        } else {
            pending.append(record)
        }
        journaled[record.run.index] = record
    }

    /// Writes the final files (each under a temporary name, then renamed), removes the journal
    /// and the lock, and points `latest` at this folder.
    public func finish(files: [(name: String, text: String)]) throws {
        guard journal != nil else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: (path as NSString).appendingPathComponent(Self.journalName),
                                                            NSLocalizedDescriptionKey: "the journal was never opened"])
        }
        for file in files {
            try Self.writeAtomically(path, file.name, file.text)
        }
        try closeJournal()
        try FileManager.default.removeItem(atPath: (path as NSString).appendingPathComponent(Self.journalName))
        try? FileManager.default.removeItem(atPath: (path as NSString).appendingPathComponent(Self.lockName))
        try ResultFolder.pointLatest(in: experimentDirectory, to: (path as NSString).lastPathComponent)
    }

    /// Writes final files into the folder at `path` (each under a temporary name, then renamed),
    /// for a caller that writes some of them while it draws the rest; ``finish(files:)`` completes
    /// the folder. Safe to call from any thread: it touches only the named files.
    public static func writeFiles(_ files: [(name: String, text: String)], in path: String) throws {
        for file in files {
            try writeAtomically(path, file.name, file.text)
        }
    }

    /// Takes the folder's lock or explains who holds it.
    private static func acquireLock(_ path: String) throws -> Int32 {
        let lockPath = (path as NSString).appendingPathComponent(lockName)
        let descriptor = open(lockPath, O_RDWR | O_CREAT, 0o644)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: lockPath]) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (FileManager.default.contents(atPath: lockPath)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            close(descriptor)
            throw ResultFolderError.locked(path: path, holder: holder.isEmpty ? "unknown process" : holder)
        }
        let text = "pid \(getpid()) on \(ProcessInfo.processInfo.hostName)"
        _ = ftruncate(descriptor, 0)
        _ = text.withCString { write(descriptor, $0, strlen($0)) }
        return descriptor
    }

    /// Writes `text` to `<folder>/<name>` (``AtomicFile``).
    static func writeAtomically(_ folder: String, _ name: String, _ text: String) throws {
        try AtomicFile.write(text, to: (folder as NSString).appendingPathComponent(name))
    }
}

/// The journal's line format: one compact JSON run record per line.
enum RunJournal {
    /// One journal line: the record as JSON with `JSONEncoder`'s keys and shape (nil metrics left
    /// out, non-finite numbers as the strings "inf", "-inf", "nan"), then a newline.
    ///
    /// Written by hand because every finished run writes one while the others train: `JSONEncoder`
    /// took a quarter of a millisecond for a 25-epoch record, 6 % of the reference grid's CPU time.
    /// Numbers print in Swift's shortest round-trip form, so ``read(_:runCount:)`` gives back the
    /// same record bit for bit.
    static func line(_ record: RunRecord) -> String {
        var bytes: [UInt8] = []
        append(record, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``line(_:)``'s bytes to `out`.
    static func append(_ record: RunRecord, to out: inout [UInt8]) {
        out.reserveCapacity(out.count + 160 + 130 * record.curve.count)
        text("{\"curve\":[", to: &out)
        for (index, point) in record.curve.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            text("{\"epoch\":", to: &out)
            integer(point.epoch, to: &out)
            text(",\"trainAccuracy\":", to: &out)
            number(point.trainAccuracy, to: &out)
            text(",\"trainLoss\":", to: &out)
            number(point.trainLoss, to: &out)
            field(",\"validationAccuracy\":", point.validationAccuracy, to: &out)
            field(",\"validationLoss\":", point.validationLoss, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        let run = record.run
        text(record.diverged ? "],\"diverged\":true,\"epochsRun\":" : "],\"diverged\":false,\"epochsRun\":", to: &out)
        integer(record.epochsRun, to: &out)
        text(",\"run\":{\"cell\":", to: &out)
        integer(run.cell, to: &out)
        text(",\"fold\":", to: &out)
        integer(run.fold, to: &out)
        text(",\"index\":", to: &out)
        integer(run.index, to: &out)
        text(",\"repetition\":", to: &out)
        integer(run.repetition, to: &out)
        text("},\"seed\":", to: &out)
        text(String(record.seed), to: &out)
        metrics(",\"test\":{\"accuracy\":", record.test, to: &out)
        metrics(",\"validation\":{\"accuracy\":", record.validation, to: &out)
        text("}\n", to: &out)
    }

    private static func metrics(_ opening: StaticString, _ part: PartMetrics?, to out: inout [UInt8]) {
        guard let part else { return }
        text(opening, to: &out)
        number(part.accuracy, to: &out)
        field(",\"f1\":", part.f1, to: &out)
        text(",\"loss\":", to: &out)
        number(part.loss, to: &out)
        field(",\"precision\":", part.precision, to: &out)
        field(",\"recall\":", part.recall, to: &out)
        field(",\"rocAUC\":", part.rocAUC, to: &out)
        out.append(UInt8(ascii: "}"))
    }

    private static func field(_ key: StaticString, _ value: Double?, to out: inout [UInt8]) {
        guard let value else { return }
        text(key, to: &out)
        number(value, to: &out)
    }

    private static func text(_ text: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private static func text(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { out.append(contentsOf: $0) }
    }

    private static func integer(_ value: Int, to out: inout [UInt8]) {
        if value >= 0 && value < 10 {
            out.append(UInt8(ascii: "0") + UInt8(value))
        } else {
            text(String(value), to: &out)
        }
    }

    private static func number(_ value: Double, to out: inout [UInt8]) {
        if value.isNaN {
            text("\"nan\"", to: &out)
        } else if value.isInfinite {
            text(value < 0 ? "\"-inf\"" : "\"inf\"", to: &out)
        } else {
            text(value.description, to: &out)
        }
    }

    /// Records by run index; lines that do not parse (a torn last line), indices outside the
    /// plan and repeats are skipped.
    static func read(_ data: Data, runCount: Int) -> [Int: RunRecord] {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        var records: [Int: RunRecord] = [:]
        for line in data.split(separator: UInt8(ascii: "\n")) {
            guard let record = try? decoder.decode(RunRecord.self, from: Data(line)),
                  record.run.index >= 0, record.run.index < runCount, records[record.run.index] == nil
            else { continue }
            records[record.run.index] = record
        }
        return records
    }
}
