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
    /// SHA-256 of the key's canonical text: what a pack entry is found by, and what its checksum covers.
    let digest: [UInt8]

    /// ``digest`` as 64 hex digits.
    public var hex: String { SHA256Digest.hex(digest) }

    public init(plan: Plan, run: RunID, seed: UInt64, dataSHA256: [String], kernel: String) {
        self.init(cell: RunCacheKey.cellText(plan: plan, cell: run.cell, dataSHA256: dataSHA256, kernel: kernel), run: run, seed: seed)
    }

    /// The key from its cell's part (``cellText(plan:cell:dataSHA256:kernel:)``, made once per cell) and the run's own.
    public init(cell: String, run: RunID, seed: UInt64) {
        let canonical = cell + "repetition \(run.repetition)\nfold \(run.fold)\nrun-seed \(seed)\n"
        digest = Array(SHA256.hash(data: Data(canonical.utf8)))
    }

    /// Everything of the key but the run's repetition, fold and seed.
    public static func cellText(plan: Plan, cell index: Int, dataSHA256: [String], kernel: String) -> String {
        var data = plan.data
        data.file = ""
        data.testFile = nil
        let cell = plan.cells[index]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func json(_ value: some Encodable) -> String {
            (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "?"
        }
        var text = "runexp-run-cache 1\nkernel \(kernel)\n"
        for hash in dataSHA256 { text += "data \(hash)\n" }
        text += "preparation \(json(data))\ntask \(plan.task.rawValue)\nseed \(plan.seed)\n"
        text += "model \(json(cell.model))\ntraining \(json(cell.training))\n"
        return text
    }
}

/// Finished runs stored by their ``RunCacheKey``, so that a run whose bits are already known is
/// never trained again: across experiments, commits and processes.
///
/// A run stores what it trained in a pack of its own, `<dir>/packs/<time>-<pid>-<n>.pack`, written
/// whole (a temporary file renamed into place) when the run ends, and every 4,096 entries before:
/// concurrent writers (local runs, Slurm array tasks on a shared file system) never touch one file.
/// Each entry is the key's SHA-256, the record in ``RunRecordBinary``'s exact binary form, and an
/// 8-byte checksum over the key and the record: an entry that is torn, damaged or for
/// another key is a miss, never a wrong record. One file per run of runexp rather than per run of
/// the grid: creating a file cost more than training a run of the reference grid (0.6 ms). A hit
/// refreshes its pack's modification time, which `prune` reads as its last use.
public struct RunCache: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// The default place: `.cache` inside the folder that holds the result folders.
    public static func directory(out: String) -> String {
        PathText.join(out, ".cache")
    }

    var packs: String { PathText.join(directory, "packs") }
    static let packExtension = "pack"
    static let magic = Array("RUNEXP-CACHE-PACK 1\n".utf8)
    /// An entry's fixed part: key digest (32), payload length (8), checksum (8).
    static let entryHeader = 48
    /// The largest entry read: a record of a million epochs is far below it.
    static let entryBytes = 256 << 20
    /// Entries a store holds before it writes them as a pack.
    static let packEntries = 4096

    /// 8 bytes of SHA-256 over the key's digest and the record's bytes.
    static func checksum(_ key: RunCacheKey, _ payload: ArraySlice<UInt8>) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: key.digest)
        hasher.update(data: payload)
        return Array(hasher.finalize().prefix(8))
    }

    /// The pack files, in name order.
    func packFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: packs)) ?? [])
            .filter { $0.hasSuffix("." + Self.packExtension) && !$0.hasPrefix(".") }.sorted().map { PathText.join(packs, $0) }
    }

    /// Opens the cache for one run of runexp: lookups, and a pack for what it trains.
    public func open() -> RunCacheStore {
        RunCacheStore(cache: self)
    }

    /// Appends a line to `hits.log`: this run's reused and stored counts (what `runexp cache` sums).
    public func log(reused: Int, stored: Int) {
        guard reused + stored > 0 else { return }
        let line = "\(UTCTime.string(Date())) reused \(reused) stored \(stored)\n"
        let path = PathText.join(directory, "hits.log")
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let descriptor = Foundation.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        _ = line.utf8CString.withUnsafeBufferPointer { write(descriptor, $0.baseAddress, $0.count - 1) }
    }

    /// The entries of the pack at `path`: key digest → (offset of the payload, its length, the
    /// checksum). A pack cut short keeps its whole entries.
    static func index(ofPack path: String) -> [(digest: [UInt8], offset: Int, length: Int, check: [UInt8])] {
        read(pack: path).entries
    }

    /// The largest pack read: runexp writes at most ``packEntries`` entries to one (tens of MB).
    static let packBytes = 1 << 30

    /// The bytes of the pack at `path` and its entries (none when it is not a pack, or larger
    /// than ``packBytes``).
    static func read(pack path: String) -> (bytes: [UInt8], entries: [(digest: [UInt8], offset: Int, length: Int, check: [UInt8])]) {
        guard case .success(let data) = BoundedFile.read(path, limit: packBytes), data.starts(with: magic) else { return ([], []) }
        let bytes = [UInt8](data)
        var entries: [(digest: [UInt8], offset: Int, length: Int, check: [UInt8])] = []
        var position = magic.count
        while bytes.count - position >= entryHeader {
            var length = 0
            for k in 0..<8 { length |= Int(bytes[position + 32 + k]) << (8 * k) }
            guard length >= 0, length <= entryBytes, bytes.count - position - entryHeader >= length else { break }
            entries.append((Array(bytes[position..<(position + 32)]), position + entryHeader, length,
                            Array(bytes[(position + 40)..<(position + 48)])))
            position += entryHeader + length
        }
        return (bytes, entries)
    }
}

/// The run cache opened by one run of runexp (``RunCache/open()``): shared by its workers.
public final class RunCacheStore: @unchecked Sendable {
    public let cache: RunCache
    private let lock = NSLock()
    /// Key digest → where its entries are (a key written by two runs has two), and each pack's
    /// bytes, read once: a hit then costs no system call.
    private var index: [[UInt8]: [(pack: String, offset: Int, length: Int, check: [UInt8])]]?
    private var bytes: [String: [UInt8]] = [:]
    private var pending: [UInt8] = []
    private var pendingCount = 0
    private var touched: Set<String> = []
    private var written = 0

    init(cache: RunCache) {
        self.cache = cache
    }

    private func loadedIndex() -> [[UInt8]: [(pack: String, offset: Int, length: Int, check: [UInt8])]] {
        if let index { return index }
        var built: [[UInt8]: [(pack: String, offset: Int, length: Int, check: [UInt8])]] = [:]
        for pack in cache.packFiles() {
            let (contents, entries) = RunCache.read(pack: pack)
            for entry in entries {
                built[entry.digest, default: []].append((pack, entry.offset, entry.length, entry.check))
            }
            if !entries.isEmpty { bytes[pack] = contents }
        }
        index = built
        return built
    }

    /// The record stored for `key`, given `run`'s place in the current plan; nil on a miss.
    public func record(for key: RunCacheKey, run: RunID, check: RunRecordCheck) -> RunRecord? {
        let (locations, packs) = lock.withLock { (loadedIndex()[key.digest] ?? [], bytes) }
        for location in locations {
            guard let pack = packs[location.pack], location.offset + location.length <= pack.count else { continue }
            let payload = pack[location.offset..<(location.offset + location.length)]
            guard RunCache.checksum(key, payload) == location.check,
                  var record = RunRecordBinary.decode(payload),
                  record.run.repetition == run.repetition, record.run.fold == run.fold else { continue }
            record.run = run
            guard check.problem(with: record) == nil else { continue }
            let first = lock.withLock { touched.insert(location.pack).inserted }
            if first { _ = utimes(location.pack, nil) }
            return record
        }
        return nil
    }

    /// Keeps `record` under `key`, for the next pack this store writes.
    public func store(_ record: RunRecord, for key: RunCacheKey) {
        var payload: [UInt8] = []
        RunRecordBinary.encode(record, into: &payload)
        var entry = key.digest
        withUnsafeBytes(of: UInt64(payload.count).littleEndian) { entry.append(contentsOf: $0) }
        entry += RunCache.checksum(key, payload[...])
        entry += payload
        let full = lock.withLock {
            pending += entry
            pendingCount += 1
            return pendingCount >= RunCache.packEntries
        }
        if full { flush() }
    }

    /// Entries stored so far, written or not.
    public var stored: Int { lock.withLock { written + pendingCount } }

    /// Writes the entries kept so far as a pack (best effort: a cache that cannot be written is no cache).
    public func flush() {
        let (bytes, count) = lock.withLock { () -> ([UInt8], Int) in
            defer { pending = []; pendingCount = 0 }
            return (pending, pendingCount)
        }
        guard count > 0 else { return }
        let folder = cache.packs
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let name = "\(UTCTime.string(Date(), timeSeparator: "-"))-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let temporary = PathText.join(folder, ".\(name).partial"), path = PathText.join(folder, name + "." + RunCache.packExtension)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return }
        let data = RunCache.magic + bytes
        // As the journal writes: a write cut short (a signal) goes on where it stopped.
        let failed = data.withUnsafeBytes { AtomicFile.writeAll($0, to: descriptor) }
        close(descriptor)
        guard failed == 0, rename(temporary, path) == 0 else {
            unlink(temporary)
            return
        }
        lock.withLock { written += count }
    }
}

/// A run record as bytes, every number by its bits: what a cache entry holds. Little-endian;
/// versioned by its first byte. Written and read by hand because the cache's whole point is to be
/// cheaper than training a run, and the reference grid trains one in about 0.6 ms.
enum RunRecordBinary {
    static let version: UInt8 = 1

    static func encode(_ record: RunRecord, into out: inout [UInt8]) {
        out.reserveCapacity(64 + record.curve.count * 48)
        out.append(version)
        integer(UInt64(record.run.repetition), &out)
        integer(UInt64(record.run.fold), &out)
        integer(record.seed, &out)
        integer(UInt64(record.epochsRun), &out)
        out.append(record.diverged ? 1 : 0)
        for part in [record.validation, record.test] {
            guard let part else {
                out.append(0)
                continue
            }
            out.append(1)
            let kinds = part.kinds
            out.append(UInt8(kinds.count))
            for kind in kinds {
                let index = MetricKind.allCases.firstIndex(of: kind) ?? 0
                out.append(UInt8(index))
                integer(part.values[kind]?.bitPattern ?? 0, &out)
            }
        }
        integer(UInt64(record.curve.count), &out)
        for point in record.curve {
            integer(UInt64(point.epoch), &out)
            integer(point.trainLoss.bitPattern, &out)
            let optionals = [point.trainAccuracy, point.validationLoss, point.validationAccuracy, point.validationRMSE]
            var present: UInt8 = 0
            for (bit, value) in optionals.enumerated() where value != nil { present |= 1 << UInt8(bit) }
            out.append(present)
            for value in optionals { if let value { integer(value.bitPattern, &out) } }
        }
    }

    static func decode(_ bytes: ArraySlice<UInt8>) -> RunRecord? {
        var reader = Reader(bytes: bytes)
        guard reader.byte() == version, let repetition = reader.integer(), let fold = reader.integer(), let seed = reader.integer(),
              let epochs = reader.integer(), let diverged = reader.byte(), diverged <= 1,
              repetition <= UInt64(Int.max), fold <= UInt64(Int.max), epochs <= UInt64(ResourceLimits.epochs) else { return nil }
        var parts: [PartMetrics?] = []
        for _ in 0..<2 {
            guard let present = reader.byte(), present <= 1 else { return nil }
            guard present == 1 else {
                parts.append(nil)
                continue
            }
            guard let count = reader.byte(), Int(count) <= MetricKind.allCases.count else { return nil }
            var values: [MetricKind: Double] = [:]
            for _ in 0..<count {
                guard let index = reader.byte(), Int(index) < MetricKind.allCases.count, let bits = reader.integer() else { return nil }
                values[MetricKind.allCases[Int(index)]] = Double(bitPattern: bits)
            }
            parts.append(PartMetrics(values))
        }
        guard let points = reader.integer(), points <= UInt64(ResourceLimits.epochs) else { return nil }
        var curve: [CurvePoint] = []
        // A point takes 17 bytes at least: a damaged count cannot reserve more than the bytes hold.
        curve.reserveCapacity(min(Int(points), reader.remaining / 17))
        for _ in 0..<points {
            guard let epoch = reader.integer(), epoch <= UInt64(ResourceLimits.epochs), let loss = reader.integer(),
                  let present = reader.byte(), present < 16 else { return nil }
            var optionals: [Double?] = []
            for bit in 0..<4 {
                if present & (1 << UInt8(bit)) != 0 {
                    guard let value = reader.integer() else { return nil }
                    optionals.append(Double(bitPattern: value))
                } else {
                    optionals.append(nil)
                }
            }
            curve.append(CurvePoint(epoch: Int(epoch), trainLoss: Double(bitPattern: loss), trainAccuracy: optionals[0],
                                    validationLoss: optionals[1], validationAccuracy: optionals[2], validationRMSE: optionals[3]))
        }
        guard reader.atEnd else { return nil }
        return RunRecord(run: RunID(index: 0, cell: 0, repetition: Int(repetition), fold: Int(fold)), seed: seed, epochsRun: Int(epochs),
                         diverged: diverged == 1, validation: parts[0], test: parts[1], curve: curve)
    }

    private static func integer(_ value: UInt64, _ out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    private struct Reader {
        let bytes: ArraySlice<UInt8>
        var position: Int

        init(bytes: ArraySlice<UInt8>) {
            self.bytes = bytes
            position = bytes.startIndex
        }

        var atEnd: Bool { position == bytes.endIndex }
        var remaining: Int { bytes.endIndex - position }

        mutating func byte() -> UInt8? {
            guard position < bytes.endIndex else { return nil }
            defer { position += 1 }
            return bytes[position]
        }

        mutating func integer() -> UInt64? {
            guard bytes.endIndex - position >= 8 else { return nil }
            var value: UInt64 = 0
            for k in 0..<8 { value |= UInt64(bytes[position + k]) << (8 * UInt64(k)) }
            position += 8
            return value
        }
    }
}

extension RunCache {
    /// What a cache folder holds: its entries, their bytes, and the runs its log says were reused.
    public struct Summary: Sendable, Equatable {
        public var entries: Int
        public var bytes: Int
        public var reused: Int
        public var stored: Int
        /// Last use of the least and the most recently used pack.
        public var oldest: Date?
        public var newest: Date?
    }

    struct Pack {
        var path: String
        var bytes: Int
        var used: Date
    }

    /// Every pack, with its size and last use.
    func packList() -> [Pack] {
        packFiles().compactMap { path in
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                  attributes[.type] as? FileAttributeType == .typeRegular else { return nil }
            return Pack(path: path, bytes: (attributes[.size] as? Int) ?? 0, used: (attributes[.modificationDate] as? Date) ?? .distantPast)
        }
    }

    public func summary() -> Summary {
        let packs = packList()
        var reused = 0, stored = 0
        if case .success(let log) = BoundedFile.read(PathText.join(directory, "hits.log"), limit: 64 << 20) {
            for line in String(decoding: log, as: UTF8.self).split(separator: "\n") {
                let words = line.split(separator: " ")
                guard words.count == 5, words[1] == "reused", words[3] == "stored", let r = Int(words[2]), let s = Int(words[4]) else { continue }
                reused += r
                stored += s
            }
        }
        let entries = packs.reduce(0) { $0 + Self.index(ofPack: $1.path).count }
        return Summary(entries: entries, bytes: packs.reduce(0) { $0 + $1.bytes }, reused: reused, stored: stored,
                       oldest: packs.map(\.used).min(), newest: packs.map(\.used).max())
    }

    /// Removes packs unused since `olderThan` before `now`, then the least recently used until the
    /// rest take at most `maxBytes`. Returns the entries and bytes removed.
    public func prune(olderThan: TimeInterval?, maxBytes: Int?, now: Date = Date()) -> (entries: Int, bytes: Int) {
        var kept = packList().sorted { $0.used != $1.used ? $0.used < $1.used : $0.path < $1.path }
        var removed = (entries: 0, bytes: 0)
        func remove(_ pack: Pack) {
            let entries = Self.index(ofPack: pack.path).count
            if (try? FileManager.default.removeItem(atPath: pack.path)) != nil {
                removed.entries += entries
                removed.bytes += pack.bytes
            }
        }
        if let olderThan {
            let cutoff = now.addingTimeInterval(-olderThan)
            kept.filter { $0.used < cutoff }.forEach(remove)
            kept.removeAll { $0.used < cutoff }
        }
        if let maxBytes {
            var total = kept.reduce(0) { $0 + $1.bytes }
            for pack in kept where total > maxBytes {
                remove(pack)
                total -= pack.bytes
            }
        }
        return removed
    }
}
