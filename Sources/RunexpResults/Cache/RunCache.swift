import Crypto
import Foundation
import RunexpPlan

/// What decides one run's bits, as text, and its SHA-256: the cache's key.
///
/// The data (each file's SHA-256) and how it is read, split and prepared (`data:` but its paths), the
/// task and the plan's seed, the cell's resolved model and training, the run's repetition, fold and
/// seed, and the kernel that trains it: its code path and ``KernelArithmetic``'s version (passed in
/// as `kernel`). Axis names, cell order, other cells and the repetitions count do not enter: adding
/// an axis value leaves the other cells' keys as they were.
public struct RunCacheKey: Sendable, Hashable {
    /// The canonical text, which the entry's checksum also covers.
    public let canonical: String
    /// SHA-256 of ``canonical``, 64 hex digits: the entry's file name.
    public let hex: String

    public init(plan: Plan, run: RunID, seed: UInt64, dataSHA256: [String], kernel: String) {
        var data = plan.data
        data.file = ""
        data.testFile = nil
        let cell = plan.cells[run.cell]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func json(_ value: some Encodable) -> String {
            (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "?"
        }
        var text = "runexp-run-cache 1\nkernel \(kernel)\n"
        for hash in dataSHA256 { text += "data \(hash)\n" }
        text += "preparation \(json(data))\ntask \(plan.task.rawValue)\nseed \(plan.seed)\n"
        text += "model \(json(cell.model))\ntraining \(json(cell.training))\n"
        text += "repetition \(run.repetition)\nfold \(run.fold)\nrun-seed \(seed)\n"
        canonical = text
        hex = SHA256Digest.hex(of: Data(text.utf8))
    }
}

/// Finished runs stored by their ``RunCacheKey``, one small file each (`<dir>/<2 hex>/<64 hex>.run`,
/// a journal line whose checksum covers the key), so that a run whose bits are already known is
/// never trained again: across experiments, commits and processes.
///
/// Entries are written to a temporary file and renamed into place: concurrent writers (local runs,
/// Slurm array tasks on a shared file system) leave either no entry or a whole one. A file that is
/// torn, damaged or for another key is a miss, never a wrong record. A hit refreshes the file's
/// modification time, which `prune` reads as its last use.
public struct RunCache: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// The default place: `.cache` inside the folder that holds the result folders.
    public static func directory(out: String) -> String {
        PathText.join(out, ".cache")
    }

    static let entryExtension = "run"
    /// The largest entry read: a record of a million epochs is far below it.
    static let entryBytes = 64 << 20

    func path(_ key: RunCacheKey) -> String {
        PathText.join(PathText.join(directory, String(key.hex.prefix(2))), key.hex + "." + Self.entryExtension)
    }

    /// The record stored for `key`, given `run`'s place in the current plan; nil on a miss.
    public func record(for key: RunCacheKey, run: RunID, check: RunRecordCheck) -> RunRecord? {
        let path = path(key)
        guard case .success(let bytes) = BoundedFile.read(path, limit: Self.entryBytes),
              let canonical = JournalReader.canonical(Array(bytes.dropLast(bytes.last == UInt8(ascii: "\n") ? 1 : 0))),
              RunJournal.checksum(fingerprint: Array(key.canonical.utf8), record: canonical.record[...]) == canonical.check else {
            return nil
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        guard var record = try? decoder.decode(RunRecord.self, from: Data(canonical.record)),
              record.run.repetition == run.repetition, record.run.fold == run.fold else { return nil }
        record.run = run
        guard check.problem(with: record) == nil else { return nil }
        try? FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: path)
        return record
    }

    /// Stores `record` under `key` (best effort: a cache that cannot be written is no cache).
    public func store(_ record: RunRecord, for key: RunCacheKey) {
        let path = path(key)
        let folder = PathText.parent(of: path)
        var stored = record
        stored.run = RunID(index: 0, cell: 0, repetition: record.run.repetition, fold: record.run.fold)
        var bytes: [UInt8] = []
        RunJournal.appendChecked(stored, fingerprint: Array(key.canonical.utf8), to: &bytes)
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let temporary = PathText.join(folder, ".\(key.hex).\(getpid()).\(UInt64.random(in: 0...UInt64.max))")
            try Data(bytes).write(to: URL(fileURLWithPath: temporary))
            if rename(temporary, path) != 0 { try? FileManager.default.removeItem(atPath: temporary) }
        } catch {
            return
        }
    }

    /// Appends a line to `hits.log`: this run's reused and stored counts (what `runexp cache` sums).
    public func log(reused: Int, stored: Int) {
        guard reused + stored > 0 else { return }
        let line = "\(UTCTime.string(Date())) reused \(reused) stored \(stored)\n"
        let path = PathText.join(directory, "hits.log")
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        _ = line.utf8CString.withUnsafeBufferPointer { write(descriptor, $0.baseAddress, $0.count - 1) }
    }
}

extension RunCache {
    /// What a cache folder holds: its entries, their bytes, and the runs its log says were reused.
    public struct Summary: Sendable, Equatable {
        public var entries: Int
        public var bytes: Int
        public var reused: Int
        public var stored: Int
        /// Modification times (last use) of the oldest and newest entry.
        public var oldest: Date?
        public var newest: Date?
    }

    struct Entry {
        var path: String
        var bytes: Int
        var used: Date
    }

    /// Every entry file, with its size and last use.
    func entries() -> [Entry] {
        let manager = FileManager.default
        var result: [Entry] = []
        for shard in ((try? manager.contentsOfDirectory(atPath: directory)) ?? []).sorted() where shard.count == 2 {
            let folder = PathText.join(directory, shard)
            for name in ((try? manager.contentsOfDirectory(atPath: folder)) ?? []).sorted() where name.hasSuffix("." + Self.entryExtension) {
                let path = PathText.join(folder, name)
                guard let attributes = try? manager.attributesOfItem(atPath: path), attributes[.type] as? FileAttributeType == .typeRegular
                else { continue }
                result.append(Entry(path: path, bytes: (attributes[.size] as? Int) ?? 0, used: (attributes[.modificationDate] as? Date) ?? .distantPast))
            }
        }
        return result
    }

    public func summary() -> Summary {
        let entries = entries()
        var reused = 0, stored = 0
        if case .success(let log) = BoundedFile.read(PathText.join(directory, "hits.log"), limit: 64 << 20) {
            for line in String(decoding: log, as: UTF8.self).split(separator: "\n") {
                let words = line.split(separator: " ")
                guard words.count == 5, words[1] == "reused", words[3] == "stored", let r = Int(words[2]), let s = Int(words[4]) else { continue }
                reused += r
                stored += s
            }
        }
        return Summary(entries: entries.count, bytes: entries.reduce(0) { $0 + $1.bytes }, reused: reused, stored: stored,
                       oldest: entries.map(\.used).min(), newest: entries.map(\.used).max())
    }

    /// Removes entries unused since `olderThan` before `now`, then the least recently used until
    /// the rest take at most `maxBytes`. Returns the entries and bytes removed.
    public func prune(olderThan: TimeInterval?, maxBytes: Int?, now: Date = Date()) -> (entries: Int, bytes: Int) {
        var kept = entries().sorted { $0.used != $1.used ? $0.used < $1.used : $0.path < $1.path }
        var removed = (entries: 0, bytes: 0)
        func remove(_ entry: Entry) {
            if (try? FileManager.default.removeItem(atPath: entry.path)) != nil {
                removed.entries += 1
                removed.bytes += entry.bytes
            }
        }
        if let olderThan {
            let cutoff = now.addingTimeInterval(-olderThan)
            kept.filter { $0.used < cutoff }.forEach(remove)
            kept.removeAll { $0.used < cutoff }
        }
        if let maxBytes {
            var total = kept.reduce(0) { $0 + $1.bytes }
            for entry in kept where total > maxBytes {
                remove(entry)
                total -= entry.bytes
            }
        }
        return removed
    }
}
