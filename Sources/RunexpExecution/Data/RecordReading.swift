import Foundation
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

    init(header: [String], featureColumns: [Int], targetIndex: Int, data: DataPlan, task: TaskKind, expectedRows: Int) {
        self.header = header
        self.featureColumns = featureColumns
        self.targetIndex = targetIndex
        self.data = data
        self.task = task
        readers = featureColumns.enumerated().map { FeatureReader(name: header[$1], column: $1, position: $0, data: data) }
        target = TargetReader(column: targetIndex, task: task, name: data.target, expectedRows: expectedRows)
        row = [Float](repeating: 0, count: featureColumns.count)
        // Room for the most rows the files can hold (pages are touched only as rows arrive).
        features.reserveCapacity(expectedRows * featureColumns.count)
    }

    mutating func take(_ record: borrowing CSVRecord) {
        if firstRow.isEmpty { firstRow = featureColumns.map { record.location($0) } }
        // One uniqueness check of the readers and of the row a record, not one a cell.
        readers.withUnsafeMutableBufferPointer { readers in
            row.withUnsafeMutableBufferPointer { cells in
                guard let cells = cells.baseAddress else { return }
                for index in readers.indices { readers[index].take(record, into: cells) }
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

    /// Takes the rows `other` read after these (lines counted from 1 where it began, `lineOffset`
    /// lines into the file) as if read here.
    mutating func append(_ other: RecordReading, lineOffset: Int) {
        if firstRow.isEmpty { firstRow = other.firstRow.map { $0.movedDown(lineOffset) } }
        features += other.features
        for index in readers.indices { readers[index].append(other.readers[index], lineOffset: lineOffset) }
        target.append(other.target, lineOffset: lineOffset)
        rows += other.rows
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

/// Reads a file's records into a ``RecordReading``; a large file in two halves at once, the
/// second on another thread, joined when both read plainly.
///
/// The second half starts after the first line feed past ``splitFraction`` of the file. The first
/// half is read up to that byte: when a record starts exactly there and the second half holds no
/// quote (a quoted field could hide a line feed), no record of another field count and no cell
/// that needs a message, the halves are joined; otherwise the first reader goes on through the
/// second half as if alone. Either way the result is the one-thread reading's, bit for bit.
struct SplitReading {
    /// Files of at least this many bytes are read in two halves, on machines of at least
    /// `minimumCores` cores (tests split small files on any machine).
    var splitBytes = 8 << 20
    var minimumCores = 2
    /// Where the second half starts, as a fraction of the file: the first reader also reads the
    /// second half's bytes once more for the file's digest (a sixth of the work of parsing them),
    /// while the second thread reads their records.
    static let splitFraction = 0.42

    /// Reads `stream` (opened on `path`) into `reading`: the rows it read and the file's SHA-256.
    func read(_ stream: CSVStream, path: String, what: String, delimiter: UInt8, into reading: inout RecordReading) throws -> (rows: Int, sha256: String) {
        let before = reading.rows
        if let split = split(path, stream: stream, reading: reading) {
            let worker = SecondHalf()
            let template = reading.fresh(expectedRows: (stream.fileBytes - split) / max(stream.header.count, 1) + 1)
            let header = stream.header, file = stream.file
            let group = DispatchGroup()
            DispatchQueue.global().async(group: group) {
                worker.result = Self.readSecondHalf(path: path, at: split, header: header, file: file, what: what, delimiter: delimiter,
                                                    into: template)
            }
            // The second thread never outlives the reading, even when the first half throws.
            defer { group.wait() }
            let ending = try stream.forEachRecord(before: split) { reading.take($0) }
            // The second half's bytes hashed while the other thread reads their records.
            let digest = ending == .reached ? try stream.digestOfRest() : nil
            group.wait()
            if ending == .reached, let part = worker.result, stream.cells + part.cells <= CSVTable.CellLimit.data.cells {
                reading.append(part.reading, lineOffset: stream.line - 1)
                return (reading.rows - before, try stream.finish(digest: digest))
            }
            if ending != .end {
                _ = try stream.forEachRecord { reading.take($0) }
            }
        } else {
            _ = try stream.forEachRecord { reading.take($0) }
        }
        return (reading.rows - before, try stream.finish())
    }

    /// The byte the second half starts at, or nil to read the file in one pass.
    private func split(_ path: String, stream: CSVStream, reading: RecordReading) -> Int? {
        guard stream.fileBytes >= splitBytes, ProcessInfo.processInfo.activeProcessorCount >= minimumCores, reading.isPlain,
              case .success(let reader) = BoundedFile.Reader.open(path, limit: ResourceLimits.dataBytes) else { return nil }
        let middle = Int(Double(stream.fileBytes) * Self.splitFraction)
        var bytes = [UInt8](repeating: 0, count: 1 << 16)
        guard case .success = reader.seek(to: middle),
              case .success(let count) = bytes.withUnsafeMutableBufferPointer({ reader.read(into: $0) }),
              let lineFeed = bytes[..<count].firstIndex(of: 0x0A) else { return nil }
        return middle + lineFeed + 1
    }

    /// What the second thread read, when it read plainly.
    private final class SecondHalf: @unchecked Sendable {
        /// Written by the second thread before the group it runs in is left; read after waiting on it.
        var result: (reading: RecordReading, cells: Int)?
    }

    private struct NotPlain: Error {}

    private static func readSecondHalf(path: String, at offset: Int, header: [String], file: String, what: String, delimiter: UInt8,
                                       into template: RecordReading) -> (reading: RecordReading, cells: Int)? {
        guard case .success(let reader) = BoundedFile.Reader.open(path, limit: ResourceLimits.dataBytes),
              let stream = try? CSVStream(continuing: reader, at: offset, header: header, file: file, what: what, delimiter: delimiter)
        else { return nil }
        var reading = template
        do {
            _ = try stream.forEachRecord { record in
                if record.hasQuotedField { throw NotPlain() }
                reading.take(record)
            }
            _ = try stream.finish()
        } catch {
            return nil
        }
        return reading.isPlain ? (reading, stream.cells) : nil
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
