import Foundation
import RunexpPlan

/// A result folder while its runs are being written: experiment.yaml and plan.json first, then
/// one journal line per finished run, then the final files.
///
/// A run may start training before plan.json is written (``create(in:name:experimentText:)``):
/// runs that finish earlier wait in memory, and ``openJournal(planJSON:dataSHA256:kernel:)`` writes
/// plan.json, then the journal with them. A journal line therefore never exists without its
/// plan.json, and a folder whose process died before that has no runs to lose; `--resume` starts
/// it afresh.
///
/// The journal (`.journal`) starts with a header line recording the plan's and the data's SHA-256,
/// then holds one checked record per line (``RunJournal``), appended as runs finish (each line is
/// a single write, so a killed process leaves at most one torn last line, which reading drops).
/// ``resume(_:plan:planJSON:dataSHA256:classCount:kernel:)`` refuses other data and checks every line
/// (``JournalReader``) before it changes anything in the folder. A `.lock` held with `flock` keeps
/// a second process out; the kernel releases it when the process dies.
///
/// At every instant the folder is resumable (it has its journal) or complete (it has not):
/// ``finish(files:)`` writes every final file under a temporary name and renames it into place,
/// removes stale temporary files, points `latest` at the folder, removes the lock, and removes the
/// journal last. A process killed anywhere before that last step leaves a folder that `--resume`
/// finishes.
public final class ActiveResultFolder {
    /// The folder's path.
    public let path: String
    /// Records already in the journal (from an earlier, interrupted process), by run index.
    public private(set) var journaled: [Int: RunRecord] = [:]
    /// The open journal; nil until ``openJournal(planJSON:dataSHA256:kernel:)`` for a folder made without its plan.
    private var journal: FileHandle?
    /// What every journal line's checksum binds it to (``JournalFingerprint/canonicalBytes``); set with the journal.
    private(set) var fingerprintBytes: [UInt8] = []
    /// Runs finished before the journal was opened, in finishing order.
    private var pending: [RunRecord] = []
    private let lockDescriptor: Int32
    private let experimentDirectory: String

    static let journalName = ResultFiles.journal
    static let lockName = ResultFiles.lock

    /// The steps of ``finish(files:)`` after which a test can make it fail, as a killed process would.
    enum FinishStep: CaseIterable, Sendable {
        case filesWritten, latestPointed, lockRemoved
    }

    /// Called after each step of finishing; a test throws from it to stop there.
    var afterFinishStep: ((FinishStep) throws -> Void)?

    /// Creates `<experimentDirectory>/<name>` (with a `-2`, `-3`... suffix if taken), writes
    /// experiment.yaml and plan.json, and opens a journal recording `dataSHA256` (by path).
    public static func create(in experimentDirectory: String, name: String, planJSON: String, dataSHA256: [String: String],
                              experimentText: String, kernel: String) throws -> ActiveResultFolder {
        let folder = try create(in: experimentDirectory, name: name, experimentText: experimentText)
        try folder.openJournal(planJSON: planJSON, dataSHA256: dataSHA256, kernel: kernel)
        return folder
    }

    /// Creates `<experimentDirectory>/<name>` (with a `-2`, `-3`... suffix if taken) and writes
    /// experiment.yaml; plan.json and the journal wait for ``openJournal(planJSON:dataSHA256:kernel:)``.
    /// Refuses a `latest` that is not a symbolic link before anything is made.
    public static func create(in experimentDirectory: String, name: String, experimentText: String) throws -> ActiveResultFolder {
        let manager = FileManager.default
        try makeFolder(experimentDirectory)
        try ResultFolder.checkLatest(in: experimentDirectory)
        var finalName = name
        var suffix = 2
        var path = PathText.join(experimentDirectory, finalName)
        // mkdir fails if the folder exists, so two processes never get the same folder.
        while mkdir(path, 0o755) != 0 {
            guard errno == EEXIST else { throw AtomicFile.failure(errno, path) }
            finalName = "\(name)-\(suffix)"
            suffix += 1
            path = PathText.join(experimentDirectory, finalName)
        }
        do {
            let lock = try acquireLock(path)
            stampLock(lock)
            try Self.writeAtomically(path, ResultFiles.experiment, experimentText)
            return ActiveResultFolder(path: path, experimentDirectory: experimentDirectory, lock: lock, journaled: [:])
        } catch {
            try? manager.removeItem(atPath: path)
            throw error
        }
    }

    /// Creates `path` and its parents; the error names the first of them that is a file rather than a folder.
    static func makeFolder(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix = PathText.join(prefix, String(component))
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: prefix, isDirectory: &isDirectory), !isDirectory.boolValue {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: prefix,
                                                               NSLocalizedDescriptionKey: "'\(prefix)' is a file, not a folder"])
            }
        }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Whether plan.json and the journal are written (appends go to the file).
    public var isJournalOpen: Bool { journal != nil }

    /// Writes plan.json, then the journal (its header with the plan's hash and `dataSHA256`, by
    /// path, then the runs that finished so far), and appends to it from then on. Does nothing
    /// when the journal is already open.
    public func openJournal(planJSON: String, dataSHA256: [String: String], kernel: String) throws {
        guard journal == nil else { return }
        let fingerprint = JournalFingerprint(planSHA256: SHA256Digest.hex(of: planJSON), dataSHA256: dataSHA256, kernel: kernel)
        let bytes = fingerprint.canonicalBytes
        try Self.writeAtomically(path, ResultFiles.plan, planJSON)
        var text = Array(JournalHeader(fingerprint).line.utf8)
        for record in pending { RunJournal.appendChecked(record, fingerprint: bytes, to: &text) }
        try Self.writeAtomically(path, Self.journalName, String(decoding: text, as: UTF8.self))
        pending = []
        let journalPath = PathText.join(path, Self.journalName)
        guard let handle = FileHandle(forWritingAtPath: journalPath) else {
            throw AtomicFile.failure(errno, journalPath)
        }
        handle.seekToEndOfFile()
        journal = handle
        fingerprintBytes = bytes
    }

    /// Reopens an unfinished folder for `plan`: checks it is a result folder, unfinished, made
    /// from the same plan and the same data (`dataSHA256`, by path), and not being written; reads
    /// its journal and checks every line against the plan (binary metrics against `classCount`,
    /// when given). A folder whose process died before its journal was written (it has only its
    /// lock) starts afresh. `planJSON` is `plan` as plan.json holds it, when the caller has it
    /// encoded already.
    ///
    /// A refusal leaves the folder as it was (a lock file it had to create is removed again);
    /// only after every check passed are stale temporary files removed and the journal rewritten
    /// without a torn tail.
    public static func resume(_ path: String, plan: Plan, planJSON: String? = nil, dataSHA256: [String: String],
                              classCount: Int? = nil, kernel: String) throws -> ActiveResultFolder {
        let manager = FileManager.default
        let planPath = PathText.join(path, ResultFiles.plan)
        let journalPath = PathText.join(path, journalName)
        let lockPath = PathText.join(path, lockName)
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ResultFolderError.notAResultFolder(path: path, missing: "the folder")
        }
        let hasJournal = manager.fileExists(atPath: journalPath)
        let finished = manager.fileExists(atPath: PathText.join(path, ResultFiles.runs))
        let hadLock = manager.fileExists(atPath: lockPath)
        // Only the lock (and perhaps experiment.yaml, plan.json): the process died before its first
        // journal line, so nothing was recorded and the run starts afresh here.
        let diedBeforeJournal = !hasJournal && !finished && hadLock
        let current = planJSON ?? ResultTables.planJSON(plan)
        let planData: Data?
        do {
            planData = manager.fileExists(atPath: planPath)
                ? try LineReader.contents(of: planPath, file: planPath, limit: ResourceLimits.folderFileBytes) : nil
        } catch let error as JournalError {
            throw ResultFolderError.badJournal(error)
        }
        guard planData != nil || diedBeforeJournal else {
            throw ResultFolderError.notAResultFolder(path: path, missing: ResultFiles.plan)
        }
        // The plan first: a finished folder of another experiment is that, not "already complete".
        if let planData, String(decoding: planData, as: UTF8.self) != current {
            var differences = ["plan.json differs"]
            if case .success(let old) = StoredPlan.read(planData) {
                let found = PlanDifferences.between(old, plan)
                if !found.isEmpty { differences = found }
            }
            throw ResultFolderError.planChanged(path: path, differences: differences)
        }
        guard hasJournal || diedBeforeJournal else {
            if finished { throw ResultFolderError.alreadyFinished(path: path) }
            throw ResultFolderError.notAResultFolder(path: path, missing: ".journal")
        }
        let fingerprint = JournalFingerprint(planSHA256: SHA256Digest.hex(of: current), dataSHA256: dataSHA256, kernel: kernel)
        let lock = try acquireLock(path)
        let records: [Int: RunRecord]
        do {
            records = hasJournal
                ? try JournalReader(plan: plan, classCount: classCount, file: journalPath)
                    .readJournal(at: journalPath, folder: path, expected: fingerprint)
                : [:]
        } catch {
            close(lock)
            if !hadLock { unlink(lockPath) }
            if let error = error as? JournalError { throw ResultFolderError.badJournal(error) }
            throw error
        }
        stampLock(lock)
        removeStaleTemporaries(in: path)
        let folder = ActiveResultFolder(path: path, experimentDirectory: PathText.parent(of: path),
                                        lock: lock, journaled: records)
        // Rewrite the journal without a torn tail (with plan.json first, if it never got written).
        folder.pending = records.values.sorted { $0.run.index < $1.run.index }
        try folder.openJournal(planJSON: current, dataSHA256: dataSHA256, kernel: kernel)
        return folder
    }

    /// Unfinished folders (with a journal, or only the lock of a process that died before its
    /// journal) under `experimentDirectory`, oldest first.
    public static func unfinished(in experimentDirectory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: experimentDirectory)) ?? []
        return names.filter { !$0.hasPrefix(".") && $0 != ResultFiles.latest }.sorted().map {
            PathText.join(experimentDirectory, $0)
        }.filter {
            FileManager.default.fileExists(atPath: PathText.join($0, journalName))
                || (FileManager.default.fileExists(atPath: PathText.join($0, lockName))
                    && !FileManager.default.fileExists(atPath: PathText.join($0, ResultFiles.runs)))
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
    /// ``openJournal(planJSON:dataSHA256:kernel:)``.
    public func append(_ record: RunRecord) throws {
        if let journal {
            var line: [UInt8] = []
            RunJournal.appendChecked(record, fingerprint: fingerprintBytes, to: &line)
            let failed = line.withUnsafeBytes { AtomicFile.writeAll($0, to: journal.fileDescriptor) }
            if failed != 0 { throw POSIXError(POSIXErrorCode(rawValue: failed) ?? .EIO) }
        } else {
            pending.append(record)
        }
        journaled[record.run.index] = record
    }

    /// Completes the folder: writes the final files (each under a temporary name, then renamed),
    /// removes stale temporary files, points `latest` at this folder, removes the lock, and removes
    /// the journal last, so that the folder stays resumable until it is complete.
    public func finish(files: [(name: String, text: String)]) throws {
        guard journal != nil else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: PathText.join(path, Self.journalName),
                                                            NSLocalizedDescriptionKey: "the journal was never opened"])
        }
        for file in files {
            try Self.writeAtomically(path, file.name, file.text)
        }
        Self.removeStaleTemporaries(in: path)
        try afterFinishStep?(.filesWritten)
        try ResultFolder.pointLatest(in: experimentDirectory, to: PathText.lastComponent(of: path))
        try afterFinishStep?(.latestPointed)
        try removeJournalAndLock()
    }

    /// Removes the lock, then the journal: the last steps of finishing a folder or a shard.
    func removeJournalAndLock() throws {
        unlink(PathText.join(path, Self.lockName))
        try afterFinishStep?(.lockRemoved)
        try closeJournal()
        try FileManager.default.removeItem(atPath: PathText.join(path, Self.journalName))
    }

    /// Writes final files into the folder at `path` (each under a temporary name, then renamed),
    /// for a caller that writes some of them while it draws the rest; ``finish(files:)`` completes
    /// the folder. Safe to call from any thread: it touches only the named files.
    public static func writeFiles(_ files: [(name: String, text: String)], in path: String) throws {
        for file in files {
            try writeAtomically(path, file.name, file.text)
        }
    }

    /// Removes ``AtomicFile``'s temporary files (`.<name>.tmp-<pid>`) of other processes from the
    /// folder and its subfolders: the leftovers of a process killed while writing. The caller holds
    /// the folder's lock, so no other process is writing there.
    static func removeStaleTemporaries(in path: String) {
        let manager = FileManager.default
        let own = ".tmp-\(getpid())"
        var folders = [path]
        for name in (try? manager.contentsOfDirectory(atPath: path)) ?? [] where !name.hasPrefix(".") {
            var isDirectory: ObjCBool = false
            let inside = PathText.join(path, name)
            if manager.fileExists(atPath: inside, isDirectory: &isDirectory), isDirectory.boolValue { folders.append(inside) }
        }
        for folder in folders {
            for name in (try? manager.contentsOfDirectory(atPath: folder)) ?? [] where AtomicFile.isTemporaryName(name) && !name.hasSuffix(own) {
                unlink(PathText.join(folder, name))
            }
        }
    }

    /// Opens the folder's lock file and takes the lock, or explains who holds it.
    private static func acquireLock(_ path: String) throws -> Int32 {
        let lockPath = PathText.join(path, lockName)
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NONBLOCK, 0o644)
        guard descriptor >= 0 else {
            throw ResultFolderError.badJournal(JournalError(file: lockPath, line: nil,
                                                            problem: "cannot be opened as the folder's lock: \(String(cString: strerror(errno)))"))
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw ResultFolderError.badJournal(JournalError(file: lockPath, line: nil, problem: "is not a regular file, so it cannot be the folder's lock"))
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            var holder = [UInt8](repeating: 0, count: 200)
            let count = holder.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
            close(descriptor)
            let text = count > 0 ? String(decoding: holder[..<count], as: UTF8.self) : ""
            throw ResultFolderError.locked(path: path, holder: text.isEmpty ? "unknown process" : text)
        }
        return descriptor
    }

    /// Writes who holds the lock into the lock file, for a second process to name.
    private static func stampLock(_ descriptor: Int32) {
        let text = "pid \(getpid()) on \(ProcessInfo.processInfo.hostName)"
        _ = ftruncate(descriptor, 0)
        _ = text.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    }

    /// Writes `text` to `<folder>/<name>` (``AtomicFile``).
    static func writeAtomically(_ folder: String, _ name: String, _ text: String) throws {
        try AtomicFile.write(text, to: PathText.join(folder, name))
    }
}
