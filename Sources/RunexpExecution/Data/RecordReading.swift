import Foundation
import Synchronization
import RunexpPlan
import RunexpResults

/// What a pass over a data file's records reads: every feature column's reader, the target's, and
/// the features, a row at a time.
struct RecordReading: Sendable {
    let header: [String]
    let featureColumns: [Int]
    let targetIndex: Int
    let data: DataPlan
    let task: TaskKind
    private(set) var readers: [FeatureReader]
    private(set) var target: TargetReader
    /// Rows read, row-major, `featureColumns.count` wide.
    private(set) var features: [Float] = []
    private(set) var rows = 0
    /// Where each feature cell of the first row stands (for warnings about a column).
    private(set) var firstRow: [SourceLocation] = []
    private var row: [Float]
    /// No feature column is categorical: a record's plain numbers are read without their readers,
    /// which would only convert them (``CSVRecord/readFloats(_:from:into:)``).
    private let numbersOnly: Bool

    init(header: [String], featureColumns: [Int], targetIndex: Int, data: DataPlan, task: TaskKind, expectedRows: Int) {
        self.header = header
        // A buffer of its own: a reading retains it a record at a time, and readings of parts on two
        // threads sharing one would bounce its reference count between the cores.
        self.featureColumns = featureColumns.map { $0 }
        self.targetIndex = targetIndex
        self.data = data
        self.task = task
        readers = featureColumns.enumerated().map { FeatureReader(name: header[$1], column: $1, position: $0, data: data) }
        target = TargetReader(column: targetIndex, task: task, name: data.target, expectedRows: expectedRows)
        row = [Float](repeating: 0, count: featureColumns.count)
        numbersOnly = !readers.contains { $0.isCategorical }
        // Room for the most rows the files can hold (pages are touched only as rows arrive).
        features.reserveCapacity(expectedRows * featureColumns.count)
    }

    mutating func take(_ record: borrowing CSVRecord) {
        if firstRow.isEmpty { firstRow = featureColumns.map { record.location($0) } }
        // One uniqueness check of the readers and of the row a record, not one a cell.
        readers.withUnsafeMutableBufferPointer { readers in
            row.withUnsafeMutableBufferPointer { cells in
                guard let cells = cells.baseAddress else { return }
                guard numbersOnly else {
                    for index in readers.indices { readers[index].take(record, into: cells) }
                    return
                }
                // Plain numbers straight into the row; a reader sees only the cells they are not.
                featureColumns.withUnsafeBufferPointer { columns in
                    var index = record.readFloats(columns, from: 0, into: cells)
                    while index < columns.count {
                        readers[index].take(record, into: cells)
                        index = record.readFloats(columns, from: index + 1, into: cells)
                    }
                }
            }
        }
        features += row
        target.take(record)
        rows += 1
    }

    /// Whether a cell read needs a message (text in a number column, an empty label, …) or a
    /// column reads categories: then a reading of part of a file is not joined to another.
    var isPlain: Bool {
        readers.allSatisfy(\.isPlain) && target.isPlain
    }

    /// Takes the rows `others` read after these, in order, as if read here: the lines of `others[k]`
    /// are counted from 1 where it began, `lineOffsets[k]` lines into the file. The features are
    /// copied into one array of their size on two threads, each part's let go of once copied: the
    /// pages are touched by both threads, and the features are held about once, not twice.
    mutating func append(_ others: consuming [RecordReading], lineOffsets: [Int]) {
        var others = others
        for (other, lineOffset) in zip(others, lineOffsets) {
            if firstRow.isEmpty { firstRow = other.firstRow.map { $0.movedDown(lineOffset) } }
            for index in readers.indices { readers[index].append(other.readers[index], lineOffset: lineOffset) }
            target.append(other.target, lineOffset: lineOffset)
            rows += other.rows
        }
        let sources = others.map { FeatureBlock($0.features) }
        others.removeAll()
        let starts = sources.reduce(into: [features.count]) { starts, source in starts.append(starts[starts.count - 1] + source.features.count) }
        let total = starts[starts.count - 1]
        let head = features
        features = []
        features = [Float](unsafeUninitializedCapacity: total) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            head.withUnsafeBufferPointer { if let from = $0.baseAddress { base.initialize(from: from, count: head.count) } }
            nonisolated(unsafe) let destination = base
            DispatchQueue.concurrentPerform(iterations: 2) { thread in
                for block in stride(from: thread, to: sources.count, by: 2) {
                    sources[block].features.withUnsafeBufferPointer { from in
                        if let from = from.baseAddress { (destination + starts[block]).initialize(from: from, count: sources[block].features.count) }
                    }
                    sources[block].features = []
                }
            }
            initialized = total
        }
    }

    /// A part's features, let go of by the thread that copied them (each block is one thread's).
    private final class FeatureBlock: @unchecked Sendable {
        var features: [Float]
        init(_ features: [Float]) { self.features = features }
    }

    /// The features and each column's kind, or every column's problems.
    mutating func finish() -> (features: [Float], kinds: [FeatureKind], problems: [Diagnostic]) {
        var problems = target.task == .classification ? target.cellProblems : []
        var kinds: [FeatureKind] = []
        for index in readers.indices {
            switch readers[index].finish(into: &features, stride: featureColumns.count, rows: rows) {
            case .success(let kind): kinds.append(kind)
            case .failure(let error): problems += error.diagnostics
            }
        }
        return (features, kinds, problems)
    }
}

/// Reads a file's records into a ``RecordReading``; a large file in parts, on two threads at once,
/// joined in file order when every part read plainly.
///
/// The parts start after the first line feed past every ``partBytes``-th byte (longer parts when
/// that would make more than ``maximumParts``). The stream already open reads the first part; the
/// other parts, and the file's digest, are jobs the two threads take in turn as each finishes one,
/// so both end together whatever a job costs. The parts are joined when each ended exactly where
/// the next begins, and none after the first holds a quote (a quoted field could hide a line feed),
/// a record of another field count or a cell that needs a message; otherwise the stream reads on
/// through the rest of the file as if alone. Either way the result is the one-pass reading's, bit for bit.
struct SplitReading {
    /// Files of at least this many bytes are read in parts, on machines of at least `minimumCores`
    /// cores (tests split small files on any machine).
    var splitBytes = 8 << 20
    var minimumCores = 2
    /// The size a part aims at.
    var partBytes = 4 << 20
    /// The most parts a file is cut into.
    static let maximumParts = 32

    /// Reads `stream` (opened on `path`) into `reading`: the rows it read, the file's SHA-256 and
    /// how many parts were read and joined (1: the file was read in one pass).
    func read(_ stream: CSVStream, path: String, what: String, delimiter: UInt8, into reading: inout RecordReading) throws
        -> (rows: Int, sha256: String, parts: Int) {
        let before = reading.rows
        guard let starts = partStarts(path, stream: stream, reading: reading) else {
            _ = try stream.forEachRecord { reading.take($0) }
            return (reading.rows - before, try stream.finish(), 1)
        }
        let jobs = PartJobs(path: path, starts: starts, header: stream.header, file: stream.file, what: what, delimiter: delimiter,
                            template: reading.fresh(expectedRows: 0))
        stream.stopHashing()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { jobs.work() }
        // The other thread never outlives the reading, even when the first part throws.
        defer {
            jobs.abandon()
            group.wait()
        }
        let ending = try stream.forEachRecord(before: starts[0]) { reading.take($0) }
        if ending != .reached { jobs.abandon() }
        jobs.work()
        group.wait()
        let digest = { () throws -> String in
            switch jobs.digest {
            case .success(let digest)?: return digest
            case .failure(let failure)?: throw stream.problem(failure)
            case nil: throw stream.problem(.cannotRead(errno: EIO))
            }
        }
        if ending == .reached, var parts = jobs.takeJoinable(after: stream.cells) {
            let count = parts.count + 1
            var lineOffsets = [stream.line - 1]
            for part in parts.dropLast() { lineOffsets.append(lineOffsets[lineOffsets.count - 1] + part.lines) }
            let readings = parts.map(\.reading)
            parts.removeAll()
            reading.append(consume readings, lineOffsets: lineOffsets)
            return (reading.rows - before, try stream.finish(digest: digest()), count)
        }
        if ending != .end {
            _ = try stream.forEachRecord { reading.take($0) }
        }
        return (reading.rows - before, try stream.finish(digest: digest()), 1)
    }

    /// Where the parts after the first start, in order, or nil to read the file in one pass.
    private func partStarts(_ path: String, stream: CSVStream, reading: RecordReading) -> [Int]? {
        guard stream.fileBytes >= splitBytes, ProcessInfo.processInfo.activeProcessorCount >= minimumCores, reading.isPlain,
              case .success(let reader) = BoundedFile.Reader.open(path, limit: ResourceLimits.dataBytes) else { return nil }
        let size = max(partBytes, stream.fileBytes / Self.maximumParts + 1, 1)
        var starts: [Int] = []
        var bytes = [UInt8](repeating: 0, count: 1 << 16)
        var from = size - 1
        // Each part starts after the first line feed at or past its nominal start.
        while from < stream.fileBytes {
            guard case .success = reader.seek(to: from),
                  case .success(let count) = bytes.withUnsafeMutableBufferPointer({ reader.read(into: $0) }), count > 0 else { break }
            guard let lineFeed = bytes[..<count].firstIndex(of: 0x0A) else {
                from += count
                continue
            }
            let start = from + lineFeed + 1
            guard start < stream.fileBytes else { break }
            starts.append(start)
            from = start + size - 1
        }
        return starts.isEmpty ? nil : starts
    }

    /// The jobs of a file read in parts, for the threads that take them: the file's digest, then
    /// each part after the first; and what they made.
    private final class PartJobs: Sendable {
        /// What a part read: its rows, its cells and how many lines it spans.
        struct Part: Sendable {
            var reading: RecordReading
            var cells: Int
            var lines: Int
        }

        private struct State {
            var next = 0
            var abandoned = false
            var digest: Result<String, BoundedFile.Failure>?
            /// Per part: what it read, nil while unread or when it did not read plainly.
            var parts: [Part?]
        }

        private let path: String, starts: [Int], header: [String], file: String, what: String, delimiter: UInt8
        /// Readers of the file's columns, with nothing read.
        private let template: RecordReading
        private let state: Mutex<State>

        init(path: String, starts: [Int], header: [String], file: String, what: String, delimiter: UInt8, template: RecordReading) {
            self.path = path
            self.starts = starts
            self.header = header
            self.file = file
            self.what = what
            self.delimiter = delimiter
            self.template = template
            state = Mutex(State(parts: [Part?](repeating: nil, count: starts.count)))
        }

        /// The file's SHA-256 once the jobs are done (nil if it was never read).
        var digest: Result<String, BoundedFile.Failure>? { state.withLock { $0.digest } }

        /// Parts are no longer read (a part did not read plainly, or the first part stopped elsewhere).
        func abandon() {
            state.withLock { $0.abandoned = true }
        }

        /// Takes jobs until none are left: job 0 is the digest, job k the part at `starts[k - 1]`.
        func work() {
            while true {
                let job: Int? = state.withLock { state in
                    guard state.next <= starts.count, state.next == 0 || !state.abandoned else { return nil }
                    state.next += 1
                    return state.next - 1
                }
                guard let job else { return }
                if job == 0 {
                    let digest = BoundedFile.Reader.open(path, limit: ResourceLimits.dataBytes).flatMap { SHA256Digest.hex(readingAll: $0) }
                    state.withLock { $0.digest = digest }
                    continue
                }
                let part = read(job - 1)
                state.withLock { state in
                    state.parts[job - 1] = part
                    // A part that did not read plainly leaves a nil: no part is joined, so none is read on.
                    if part == nil { state.abandoned = true }
                }
            }
        }

        /// Every part, in order, when each read plainly (none is nil) and the cells of all (the
        /// first part's `cells` with them) are within the limit; the jobs no longer hold them.
        func takeJoinable(after cells: Int) -> [Part]? {
            state.withLock { state in
                let parts = state.parts.compactMap { $0 }
                guard parts.count == starts.count,
                      parts.reduce(cells, { $0 + $1.cells }) <= CSVTable.CellLimit.data.cells else { return nil }
                state.parts = []
                return parts
            }
        }

        /// Reads part `index`, from `starts[index]` to the next part's start or the end of the file;
        /// nil unless it reads plainly and ends exactly where the next part starts.
        private func read(_ index: Int) -> Part? {
            let end = index + 1 < starts.count ? starts[index + 1] : nil
            guard case .success(let reader) = BoundedFile.Reader.open(path, limit: ResourceLimits.dataBytes),
                  let stream = try? CSVStream(continuing: reader, at: starts[index], header: header, file: file, what: what,
                                              delimiter: delimiter)
            else { return nil }
            // Each field of a row takes at least a byte (its delimiter or line feed): room for the most rows it can hold.
            var reading = template.fresh(expectedRows: ((end ?? reader.size) - starts[index]) / max(header.count, 1) + 1)
            do {
                let ending = try stream.forEachRecord(before: end) { reading.take($0) }
                guard ending == (end == nil ? .end : .reached), !stream.metQuotedField else { return nil }
                _ = try stream.finish()
            } catch {
                return nil
            }
            return reading.isPlain ? Part(reading: reading, cells: stream.cells, lines: stream.line - 1) : nil
        }
    }
}

extension RecordReading {
    /// Readers of the same columns with nothing read, with room for about `expectedRows` rows.
    func fresh(expectedRows: Int) -> RecordReading {
        RecordReading(header: header, featureColumns: featureColumns, targetIndex: targetIndex, data: data, task: task,
                      expectedRows: expectedRows)
    }
}

extension SourceLocation {
    /// The same place in a file read from `lines` lines further down.
    func movedDown(_ lines: Int) -> SourceLocation {
        SourceLocation(file: file, line: line + lines, column: column)
    }
}
