import Crypto
import RunexpPlan

/// A CSV file read a window at a time (``CSVScanner``'s grammar): its header, then each record
/// handed to the caller, with the file's SHA-256 and its text checks (UTF-8, no NUL byte, no bare
/// CR line ends) made on the way. It holds one window of the file (1 MiB; more only while a single
/// record is longer), so a table of millions of rows is read without its bytes or a string per cell.
///
/// A stream may also start at a line of a file whose header is known (``init(continuing:at:header:…)``):
/// the parts of a large file after the first are read that way, on two threads, their lines counted from 1.
public final class CSVStream {
    /// Column names from the first line, trimmed of surrounding spaces.
    public private(set) var header: [String] = []
    /// The file's name in messages.
    public let file: String
    /// The file's size when opened.
    public var fileBytes: Int { reader.size }
    /// What messages call the file ("data file", "test file").
    private let what: String
    private let reader: BoundedFile.Reader
    private var scanner: CSVScanner
    private var window: Window
    /// The buffer the scanner stores a record's field spans in, lent for a window's records (kept
    /// from window to window, grown when a record has more fields).
    private var fields = CSVScanner.fieldBuffer()
    /// The file's digest so far; nil for a stream that starts inside the file.
    private var hasher: SHA256?

    /// Bytes read at a time: a window of them (with its padding and the array's header) is just
    /// below 1 MiB, the size from which runexp has blocks mapped apart (`MemoryTuning`), so the
    /// windows of a file's parts reuse freed heap memory instead of faulting in fresh pages each.
    public static let windowBytes = (1 << 20) - 4096

    /// The bytes in hand: `bytes[start..<count]` are not scanned yet, `bytes[..<checked]` are checked
    /// text, `bytes[count]` is a NUL (a number at the very end still ends), and ``CSVTable/padding``
    /// bytes from it are readable.
    private struct Window {
        var bytes: [UInt8]
        var count = 0
        var start = 0
        var checked = 0
        var final = false
        /// Where `bytes[0]` lies in the file (a byte order mark and bytes let go of before it).
        var origin = 0
        /// Whether bytes were let go of to make room: the window no longer starts at the file's start.
        var moved = false
    }

    /// How ``forEachRecord(before:_:)`` stopped.
    public enum Ending: Equatable {
        /// At the end of the file.
        case end
        /// At the given offset, which a record starts at (every record before it handed).
        case reached
        /// Past the given offset, which fell inside a record (handed too): no record starts there.
        case passed
    }

    /// Opens `reader`'s file and reads its header. `file` names it in messages, `what` calls it
    /// ("data file"). Throws the file's problems up to its header: empty, not UTF-8, a NUL byte,
    /// a malformed header line.
    public init(_ reader: BoundedFile.Reader, file: String, what: String, delimiter: UInt8 = 0x2C,
                limit: CSVTable.CellLimit = .data, windowBytes: Int = CSVStream.windowBytes) throws {
        self.reader = reader
        self.file = file
        self.what = what
        scanner = CSVScanner(file: file, delimiter: delimiter, limit: limit)
        window = Window(bytes: [UInt8](repeating: 0, count: max(windowBytes, 4) + CSVTable.padding))
        hasher = SHA256()
        var headerSeen = false
        _ = try advance(before: nil) { step, _, _, _ in
            headerSeen = step == .header
            return !headerSeen
        }
        guard let header = scanner.header, headerSeen else {
            throw DiagnosticError([Diagnostic(location: SourceLocation(file: file, line: 1, column: 1), keyPath: "",
                                              message: "the CSV file is empty; it needs a header line and data rows")])
        }
        // Classic Mac line ends (CR alone) read as one long header line and no rows: say why.
        if window.final, window.start == window.count, !window.moved, Self.hasBareCarriageReturns(window.bytes[..<window.count]) {
            throw DiagnosticError([Diagnostic(location: SourceLocation(file: file, line: 1, column: 1), keyPath: "",
                                              message: "the lines end in a bare carriage return (CR, old Mac line ends); runexp reads LF or CRLF",
                                              help: "convert the line ends, e.g. tr '\\r' '\\n' < old.csv > new.csv")])
        }
        self.header = header
    }

    /// A stream of the records of `reader`'s file from byte `offset` (a line start) on, whose
    /// header is `header`: lines are counted from 1 at `offset`, and no digest is made.
    public init(continuing reader: BoundedFile.Reader, at offset: Int, header: [String], file: String, what: String,
                delimiter: UInt8 = 0x2C, limit: CSVTable.CellLimit = .data, windowBytes: Int = CSVStream.windowBytes) throws {
        self.reader = reader
        self.file = file
        self.what = what
        self.header = header
        scanner = CSVScanner(file: file, delimiter: delimiter, limit: limit, header: header)
        window = Window(bytes: [UInt8](repeating: 0, count: max(windowBytes, 4) + CSVTable.padding), origin: offset, moved: true)
        hasher = nil
        if case .failure = reader.seek(to: offset) {
            throw DiagnosticError([Diagnostic(location: SourceLocation(file: file, line: 1, column: 1), keyPath: "",
                                              message: "the \(what) cannot be read from byte \(offset)")])
        }
    }

    /// Hands every record of the header's field count to `body` in file order, until the end of
    /// the file or, with `offset`, until a record would start at or after it. Records of another
    /// field count are not handed (``finish()`` reports them).
    public func forEachRecord(before offset: Int? = nil, _ body: (borrowing CSVRecord) throws -> Void) throws -> Ending {
        let headerIsValid = scanner.headerProblems.isEmpty
        return try advance(before: offset) { step, base, spans, start in
            guard case .record(let line) = step, headerIsValid else { return true }
            try body(CSVRecord(base: base, spans: spans, start: start, line: line, stream: self))
            return true
        }
    }

    /// After the last record: throws the file's structural problems (a header's, records of
    /// another field count), else returns the file's SHA-256, lowercase hex: `digest` when given,
    /// else that of the bytes read and of what is left of the file ("" for a stream that started
    /// inside the file or stopped hashing).
    public func finish(digest: String? = nil) throws -> String {
        let problems = scanner.problems
        if !problems.isEmpty { throw DiagnosticError(problems) }
        if let digest { return digest }
        guard hasher != nil else { return "" }
        // What is left was read, and its text checked, by other streams (``init(continuing:at:header:file:what:delimiter:limit:windowBytes:)``).
        while !window.final {
            window.start = window.count
            try refill(checking: false)
        }
        return hasher.map { SHA256Digest.hex($0.finalize()) } ?? ""
    }

    /// Stops hashing the bytes read: the caller hashes the file apart (``SHA256Digest/hex(readingAll:seeing:)``,
    /// on another thread while this and other streams read its records) and hands the digest to
    /// ``finish(digest:)``.
    public func stopHashing() {
        hasher = nil
    }

    /// Cells of the records met so far whose field count is the header's.
    public var cells: Int { scanner.cells }

    /// Whether a quoted field was met so far (the header's not counted by a stream that read one).
    public var metQuotedField: Bool { scanner.metQuotedField }

    /// 1-based line of the next byte to scan (where ``forEachRecord(before:_:)`` stopped).
    public var line: Int { scanner.line }

    /// A file of one line (no line feed at all) whose CRs are not just its last byte.
    private static func hasBareCarriageReturns(_ bytes: ArraySlice<UInt8>) -> Bool {
        !bytes.contains(0x0A) && bytes.firstIndex(of: 0x0D).map { $0 + 1 < bytes.endIndex } == true
    }

    /// Scans records, reading more bytes whenever the scanner needs them, until the end of the
    /// file, until `visit` returns false, or before a record that starts at or after `offset`.
    /// The records of a window are scanned from local copies of the scanner and the fields: no
    /// stored property of the stream is touched per record.
    private func advance(before offset: Int?,
                         visit: (CSVScanner.Step, UnsafePointer<UInt8>, UnsafeBufferPointer<CSVTable.Span>, Int) throws -> Bool) throws -> Ending {
        var fields = self.fields, scanner = self.scanner
        defer {
            self.fields = fields
            self.scanner = scanner
        }
        while true {
            let count = window.count, final = window.final, origin = window.origin
            var next = window.start, moreFields = false
            let ending: Ending? = try window.bytes.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return .end }
                return try fields.withUnsafeMutableBufferPointer { spans in
                    var fieldCount = 0
                    while true {
                        let start = next
                        if let offset, origin + start >= offset {
                            return origin + start == offset ? .reached : .passed
                        }
                        let step = try scanner.scan(base, count: count, from: &next, final: final, fields: spans, fieldCount: &fieldCount)
                        switch step {
                        case .needMore:
                            return nil
                        case .needMoreFields:
                            moreFields = true
                            return nil
                        case .end:
                            return .end
                        default:
                            if try !visit(step, base, UnsafeBufferPointer(rebasing: spans[..<fieldCount]), start) { return .end }
                        }
                    }
                }
            }
            window.start = next
            if let ending { return ending }
            if moreFields {
                // The record is scanned again from its start, with room for twice the fields.
                fields += fields
                continue
            }
            // The window's line count locates a text problem in the bytes read next.
            self.scanner = scanner
            try refill()
        }
    }

    /// The message for a read of the file that failed (here, or by the caller hashing the file apart).
    public func problem(_ failure: BoundedFile.Failure) -> DiagnosticError {
        let message = switch failure {
        case .tooLarge(let bytes, _): "the \(what) grew past \(bytes) bytes while read; at most \(ResourceLimits.dataBytes) (ResourceLimits.dataBytes)"
        case .cannotRead(let code): "the \(what) cannot be read (\(BoundedFile.Failure.reason(code)))"
        default: "the \(what) cannot be read (\(failure))"
        }
        return DiagnosticError([Diagnostic(location: SourceLocation(file: file, line: 1, column: 1), keyPath: "", message: message)])
    }

    /// Moves the unscanned bytes to the front (growing the window when they fill it), reads more
    /// after them, hashes and checks them.
    private func refill(checking: Bool = true) throws {
        let kept = window.count - window.start
        if window.start > 0 {
            let start = window.start
            window.bytes.withUnsafeMutableBufferPointer { b in
                guard let base = b.baseAddress else { return }
                base.update(from: base + start, count: kept)
            }
            window.moved = true
            window.origin += window.start
            window.checked = max(window.checked - window.start, 0)
            window.count = kept
            window.start = 0
        }
        if kept + CSVTable.padding >= window.bytes.count {
            window.bytes += [UInt8](repeating: 0, count: window.bytes.count)
        }
        let filled = window.count
        let read = window.bytes.withUnsafeMutableBufferPointer { b in
            reader.read(into: UnsafeMutableBufferPointer(rebasing: b[filled..<(b.count - CSVTable.padding)]))
        }
        let count: Int
        switch read {
        case .success(let n): count = n
        case .failure(let failure): throw problem(failure)
        }
        if hasher != nil {
            var digest = hasher
            window.bytes.withUnsafeBufferPointer { b in
                digest?.update(bufferPointer: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: b[filled..<(filled + count)])))
            }
            hasher = digest
        }
        window.count += count
        if !window.moved, window.checked == 0, window.count >= 3, window.bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            // The byte order mark is no text of the first field.
            window.bytes.removeFirst(3)
            window.bytes += [0, 0, 0]
            window.count -= 3
            window.origin = 3
        }
        window.final = count == 0
        window.bytes[window.count] = 0
        guard checking else { return }
        // Whole lines are checked: a line feed never falls inside a UTF-8 sequence.
        let end = window.final ? window.count : (window.bytes[window.checked..<window.count].lastIndex(of: 0x0A).map { $0 + 1 } ?? window.checked)
        if let problem = TextCheck.firstProblem(window.bytes, from: window.checked, to: end) {
            var line = scanner.line
            for byte in window.bytes[window.start..<problem.offset] where byte == 0x0A { line += 1 }
            let column = window.bytes.withUnsafeBufferPointer { CSVTable.column(at: problem.offset, in: $0.baseAddress!) }
            let location = SourceLocation(file: file, line: line, column: column)
            switch problem.kind {
            case .nul:
                throw DiagnosticError([Diagnostic(location: location, keyPath: "", message: "the \(what) holds a NUL byte; a CSV file is text",
                                                  help: "is this the file you meant? export the table as CSV text")])
            case .notUTF8:
                throw DiagnosticError([Diagnostic(location: location, keyPath: "", message: "the \(what) is not UTF-8 text",
                                                  help: "save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8 old.csv > new.csv)")])
            }
        }
        window.checked = end
    }
}

/// One record of a ``CSVStream``, valid only inside the call it is handed to.
public struct CSVRecord: ~Copyable {
    let base: UnsafePointer<UInt8>
    let spans: UnsafeBufferPointer<CSVTable.Span>
    /// Where the record starts in `base`.
    let start: Int
    /// 1-based line where the record starts.
    public let line: Int
    /// The stream handing the record, which outlives it (for the file's name in a location).
    unowned(unsafe) let stream: CSVStream

    /// The field's text: quotes removed (and `""` made one), an unquoted field trimmed of spaces and tabs.
    public func field(_ column: Int) -> String {
        CSVTable.text(of: spans[column], in: base)
    }

    /// The field as a number in plain decimal notation (``CSVTable/number(_:_:)``), nil otherwise.
    public func number(_ column: Int) -> Double? {
        CSVTable.number(of: spans[column], in: base)
    }

    /// Reads the fields of `columns[first...]` into `row` (field `columns[k]` into `row[k]`) while
    /// each is a number ``number(_:)`` reads exactly on its fast path (at most 19 digits, 2^53, an
    /// exponent of ±22: always within the 32-bit float range), as `Float(number)`. Returns the
    /// index into `columns` of the first field it did not read (`columns.count` when it read all):
    /// the caller reads that one the general way and goes on after it.
    public func readFloats(_ columns: UnsafeBufferPointer<Int>, from first: Int, into row: UnsafeMutablePointer<Float>) -> Int {
        var index = first
        while index < columns.count {
            guard let (start, end) = CSVTable.numberBounds(of: spans[columns[index]], in: base),
                  case .exact(let value) = CSVTable.decimal(base + start, count: end - start) else { return index }
            row[index] = Float(value)
            index += 1
        }
        return index
    }

    /// True when the field's text is empty (or spaces only).
    public func isEmpty(_ column: Int) -> Bool {
        let span = spans[column]
        guard span.flags == 0 else { return span.start == span.end }
        var i = Int(span.start)
        while i < Int(span.end), base[i] == 0x20 || base[i] == 0x09 { i += 1 }
        return i == Int(span.end)
    }

    /// The field's text as bytes (``field(_:)``'s), for `body` only.
    public func withBytes<R>(_ column: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let span = spans[column]
        guard span.flags & CSVTable.Span.escapes == 0 else {
            return try Array(field(column).utf8).withUnsafeBufferPointer(body)
        }
        var start = Int(span.start), end = Int(span.end)
        if span.flags == 0 {
            while start < end, base[start] == 0x20 || base[start] == 0x09 { start += 1 }
            while end > start, base[end - 1] == 0x20 || base[end - 1] == 0x09 { end -= 1 }
        }
        return try body(UnsafeBufferPointer(start: base + start, count: end - start))
    }

    /// Where the field stands: its file, line (a field after a quoted one that spans lines is on a
    /// later line than the record's first) and column (in characters, on its own line).
    public func location(_ column: Int) -> SourceLocation {
        let origin = CSVTable.origin(of: spans[column], in: base)
        var line = self.line
        for byte in UnsafeBufferPointer(start: base + start, count: origin - start) where byte == 0x0A { line += 1 }
        return SourceLocation(file: stream.file, line: line, column: CSVTable.column(at: origin, in: base))
    }
}

/// The checks of a CSV file's bytes: UTF-8 text without NUL bytes.
enum TextCheck {
    enum Kind { case nul, notUTF8 }

    /// The first NUL byte or malformed UTF-8 sequence in `bytes[from..<to]`, which starts and ends
    /// on a character boundary.
    static func firstProblem(_ bytes: [UInt8], from: Int, to: Int) -> (offset: Int, kind: Kind)? {
        bytes.withUnsafeBufferPointer { b -> (offset: Int, kind: Kind)? in
            guard let p = b.baseAddress else { return nil }
            var i = from
            // Thirty-two ASCII bytes without a NUL at a time, as four words: when no byte has its
            // high bit set, a zero byte is one that borrows from its high bit.
            let low: UInt64 = 0x0101_0101_0101_0101, high: UInt64 = 0x8080_8080_8080_8080
            while i + 32 <= to {
                let raw = UnsafeRawPointer(p + i)
                let w0 = raw.loadUnaligned(as: UInt64.self), w1 = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                let w2 = raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self), w3 = raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
                let zeros = ((w0 &- low) & ~w0) | ((w1 &- low) & ~w1) | ((w2 &- low) & ~w2) | ((w3 &- low) & ~w3)
                guard (w0 | w1 | w2 | w3 | zeros) & high == 0 else { break }
                i += 32
            }
            while i < to {
                // Eight ASCII bytes without a NUL at a time.
                if i + 8 <= to {
                    let word = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                    if word & high == 0, (word &- low) & ~word & high == 0 {
                        i += 8
                        continue
                    }
                }
                let byte = p[i]
                if byte == 0 { return (i, .nul) }
                if byte < 0x80 {
                    i += 1
                    continue
                }
                let length = sequenceLength(p + i, count: to - i)
                guard length > 0 else { return (i, .notUTF8) }
                i += length
            }
            return nil
        }
    }

    /// Bytes of the well-formed UTF-8 sequence at `p` (which starts with a byte ≥ 0x80), or 0.
    private static func sequenceLength(_ p: UnsafePointer<UInt8>, count: Int) -> Int {
        let lead = p[0]
        let length: Int, low: UInt8, high: UInt8  // the second byte's range (Unicode Table 3-7)
        switch lead {
        case 0xC2...0xDF: (length, low, high) = (2, 0x80, 0xBF)
        case 0xE0: (length, low, high) = (3, 0xA0, 0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (length, low, high) = (3, 0x80, 0xBF)
        case 0xED: (length, low, high) = (3, 0x80, 0x9F)
        case 0xF0: (length, low, high) = (4, 0x90, 0xBF)
        case 0xF1...0xF3: (length, low, high) = (4, 0x80, 0xBF)
        case 0xF4: (length, low, high) = (4, 0x80, 0x8F)
        default: return 0
        }
        guard count >= length, p[1] >= low, p[1] <= high else { return 0 }
        for k in 2..<length where p[k] & 0xC0 != 0x80 { return 0 }
        return length
    }
}
