#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import RunexpPlan

/// A parsed CSV file: a header and records, each field with the line and column it started at.
///
/// RFC 4180: comma separated, fields may be quoted with `"` (a doubled `""` inside is one
/// quote, and a quoted field may span lines), LF or CRLF line ends, an optional UTF-8 byte order
/// mark. Blank lines are skipped. Every record must have as many fields as the header.
///
/// The table keeps the file's bytes and one span per field; field texts, numbers and columns are
/// made on demand (``field(_:_:)``, ``number(_:_:)``, ``column(_:_:)``), so a data set of millions of
/// cells loads without a string per cell. Files are limited to 1 GiB (30-bit offsets, ``maximumBytes``).
public struct CSVTable: Sendable {
    /// Column names from the first line, trimmed of surrounding spaces.
    public let header: [String]
    /// Number of data records.
    public let recordCount: Int
    /// The bytes without the byte order mark, then ``padding`` NULs (so a number at the very end still ends).
    private let bytes: [UInt8]

    /// Bytes readable after the last byte of a buffer the scanner and ``decimal(_:count:)`` read,
    /// the first a NUL: digits are read eight bytes at a time.
    static let padding = 8
    /// Field spans, record-major: record r's field c is `spans[r * header.count + c]`.
    private let spans: [Span]
    /// 1-based line where each record starts.
    private let lines: [UInt32]

    /// Where a field's text lies: `start..<end` in ``bytes``, untrimmed for unquoted fields.
    /// 8 bytes a cell (a table of 25 million cells holds 200 MB of them): the end offset shares a
    /// word with the two flags, so files stay below 1 GiB (``maximumBytes``).
    struct Span: Sendable {
        var start: UInt32
        private var endAndFlags: UInt32
        static let quoted: UInt8 = 1
        /// A quoted field with doubled quotes `""` to undo.
        static let escapes: UInt8 = 2

        init(start: UInt32, end: UInt32, flags: UInt8) {
            self.start = start
            endAndFlags = end & 0x3FFF_FFFF | UInt32(flags & 3) << 30
        }

        var end: UInt32 { endAndFlags & 0x3FFF_FFFF }
        var flags: UInt8 { UInt8(truncatingIfNeeded: endAndFlags >> 30) }
    }

    /// The largest file a table reads (its offsets are 30-bit); every file runexp reads is limited below it.
    static let maximumBytes = 1 << 30

    /// One data line, with its texts made (see ``records``).
    public struct Record: Sendable {
        /// Field texts (quotes removed, unquoted fields trimmed of spaces).
        public let fields: [String]
        /// 1-based line where the record starts.
        public let line: Int
        /// 1-based column (in characters) where each field starts.
        public let columns: [Int]
    }

    /// Every record with its texts made: for small tables (a result folder's CSV files).
    public var records: [Record] {
        (0..<recordCount).map { record in
            Record(fields: header.indices.map { field(record, $0) }, line: line(record),
                   columns: header.indices.map { column(record, $0) })
        }
    }

    /// The text of field `column` of record `record`: quotes removed (and `""` made one), an
    /// unquoted field trimmed of spaces and tabs.
    public func field(_ record: Int, _ column: Int) -> String {
        let span = spans[record * header.count + column]
        return bytes.withUnsafeBufferPointer { b in
            Self.text(of: span, in: b.baseAddress!)
        }
    }

    /// The field as a number when it is written in plain decimal notation, `[+-]? digits [. digits]
    /// [(e|E) [+-]? digits]` (spaces around an unquoted field trimmed), read as `Double(_:)` reads
    /// it; nil for anything else. Hex (`0x10`), `inf`, `nan` and text after a number (`1\0x`) are
    /// not numbers here, though `Double(_:)` or `strtod` would read some of them.
    public func number(_ record: Int, _ column: Int) -> Double? {
        let span = spans[record * header.count + column]
        return bytes.withUnsafeBufferPointer { b in b.baseAddress.flatMap { Self.number(of: span, in: $0) } }
    }

    /// ``number(_:_:)`` of the field at `span` of `base`, whose byte after the field is readable.
    static func number(of span: Span, in base: UnsafePointer<UInt8>) -> Double? {
        guard let (start, end) = numberBounds(of: span, in: base) else { return nil }
        switch decimal(base + start, count: end - start) {
        case .exact(let value):
            return value
        case .plain:
            // strtod stops at the byte after the number (a separator, a quote, a space or the NUL).
            // It follows the process locale: should a locale with a decimal comma be set, it
            // stops early and the check below hands the field to Double(_:).
            var stop: UnsafeMutablePointer<CChar>?
            let value = UnsafeRawPointer(base + start).withMemoryRebound(to: CChar.self, capacity: end - start + 1) {
                strtod($0, &stop)
            }
            if let stop, UnsafePointer<UInt8>(OpaquePointer(stop)) == base + end { return value }
            return Double(text(of: span, in: base))
        case .other:
            return nil
        }
    }

    /// Where the text ``number(of:in:)`` reads lies: an unquoted field trimmed of spaces and tabs, a
    /// quoted one as it is; nil for a quoted field with a doubled quote (no number).
    @inline(__always)
    static func numberBounds(of span: Span, in base: UnsafePointer<UInt8>) -> (start: Int, end: Int)? {
        guard span.flags & Span.escapes == 0 else { return nil }
        var start = Int(span.start), end = Int(span.end)
        if span.flags == 0 {
            while start < end, base[start] == 0x20 || base[start] == 0x09 { start += 1 }
            while end > start, base[end - 1] == 0x20 || base[end - 1] == 0x09 { end -= 1 }
        }
        return (start, end)
    }

    /// What ``decimal(_:count:)`` found in a field's bytes.
    enum DecimalForm: Equatable {
        /// Plain notation with m < 10^15 significant and |e| ≤ 22: its value (see below).
        case exact(Double)
        /// Other plain notation: `strtod` and `Double(_:)` read it alike (both round correctly).
        case plain
        /// Anything else (hex, inf, nan, stray text): not a number.
        case other
    }

    /// Reads `[+-]? digits [. digits] [(e|E) [+-]? digits]` (at least one mantissa digit) in one pass.
    /// When the value is m·10^e or m/10^e with m ≤ 2^53 and |e| ≤ 22, both factors are exact doubles,
    /// so one multiplication or division rounds once, correctly, as `strtod` would (Clinger's fast path).
    /// `p[count..<count + padding]` must be readable: digits are read eight at a time.
    @inline(__always)
    static func decimal(_ p: UnsafePointer<UInt8>, count: Int) -> DecimalForm {
        shortDecimal(p, count: count) ?? anyDecimal(p, count: count)
    }

    /// ``decimal(_:count:)`` of the most common numbers, `[+-]? d{0,7} [. d{0,7}]` (a digit at
    /// least), without loops: one word of integer digits and one of fraction digits; nil for any
    /// other text (``anyDecimal(_:count:)`` reads it).
    @inline(__always)
    static func shortDecimal(_ p: UnsafePointer<UInt8>, count: Int) -> DecimalForm? {
        guard count > 0 else { return nil }
        let negative = p[0] == 0x2D
        let i = negative || p[0] == 0x2B ? 1 : 0
        let integer = digitWord(p + i)
        let integerDigits = min(leadingDigits(integer), count - i)
        guard integerDigits < 8 else { return nil }
        var mantissa = integerDigits == 0 ? 0 : eightDigits(integer, count: integerDigits)
        var fractionDigits = 0
        if i + integerDigits < count {
            let f = i + integerDigits + 1
            guard p[f - 1] == 0x2E else { return nil }
            let fraction = digitWord(p + f)
            fractionDigits = min(leadingDigits(fraction), count - f)
            guard fractionDigits < 8, f + fractionDigits == count else { return nil }
            if fractionDigits > 0 { mantissa = mantissa &* integerPowersOfTen[fractionDigits] &+ eightDigits(fraction, count: fractionDigits) }
        }
        guard integerDigits + fractionDigits > 0 else { return nil }
        // At most 14 digits: below 2^53, so exact, as ``anyDecimal(_:count:)`` reads it. Converted
        // as an Int64 (one instruction; the same value, for it is below 2^63).
        let magnitude = Double(Int64(truncatingIfNeeded: mantissa)) / exactPowersOfTen[fractionDigits]
        return .exact(signed(magnitude, negative: negative))
    }

    /// The eight bytes at `p`, each XORed with `0` (0x30): a digit becomes its value, 0…9.
    @inline(__always)
    static func digitWord(_ p: UnsafePointer<UInt8>) -> UInt64 {
        UnsafeRawPointer(p).loadUnaligned(as: UInt64.self) ^ 0x3030_3030_3030_3030
    }

    /// How many of a ``digitWord(_:)``'s bytes, from its first, are digits (8: all). Any other
    /// byte is above 9: its low 7 bits plus 0x76 carry into its top bit, or the top bit is set already.
    @inline(__always)
    static func leadingDigits(_ word: UInt64) -> Int {
        let others = (((word & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7676_7676_7676_7676) | word) & 0x8080_8080_8080_8080
        return others.trailingZeroBitCount >> 3
    }

    /// ``decimal(_:count:)`` of any text.
    static func anyDecimal(_ p: UnsafePointer<UInt8>, count: Int) -> DecimalForm {
        var i = 0
        var negative = false
        if i < count, p[i] == 0x2B || p[i] == 0x2D {
            negative = p[i] == 0x2D
            i += 1
        }
        // Up to 19 digits the mantissa is exact in 64 bits; beyond, it wraps and the form is `.plain`.
        var mantissa: UInt64 = 0
        var digits = digitRun(p, from: &i, count: count, into: &mantissa)
        var scale = 0
        if i < count, p[i] == 0x2E {
            i += 1
            let fraction = digitRun(p, from: &i, count: count, into: &mantissa)
            digits += fraction
            scale = -fraction
        }
        guard digits > 0 else { return .other }
        if i < count {
            guard p[i] == 0x65 || p[i] == 0x45 else { return .other }
            i += 1
            var exponentNegative = false
            if i < count, p[i] == 0x2B || p[i] == 0x2D {
                exponentNegative = p[i] == 0x2D
                i += 1
            }
            var exponent = 0
            var exponentDigits = 0
            while i < count, p[i] >= 0x30, p[i] <= 0x39 {
                exponent = min(exponent * 10 + Int(p[i] - 0x30), 100_000)
                exponentDigits += 1
                i += 1
            }
            guard exponentDigits > 0, i == count else { return .other }
            scale += exponentNegative ? -exponent : exponent
        }
        guard digits <= 19, mantissa <= 1 << 53, scale >= -22, scale <= 22 else { return .plain }
        let exact = Double(Int64(truncatingIfNeeded: mantissa))  // at most 2^53: an Int64 of the same value
        let magnitude = scale >= 0 ? exact * exactPowersOfTen[scale] : exact / exactPowersOfTen[-scale]
        return .exact(signed(magnitude, negative: negative))
    }

    /// `magnitude` (never negative) with a minus when `negative`: `-magnitude`, `-0` too, with the
    /// sign bit set without a branch (signs alternate unpredictably in a column of numbers).
    @inline(__always)
    static func signed(_ magnitude: Double, negative: Bool) -> Double {
        let sign: UInt64 = negative ? 1 << 63 : 0
        return Double(bitPattern: magnitude.bitPattern | sign)
    }

    /// Reads the digits from `p[i]` on (up to `count`) into `mantissa` (times ten per digit, wrapping
    /// past 19 digits), eight bytes at a time, and moves `i` past them: how many there were.
    @inline(__always)
    static func digitRun(_ p: UnsafePointer<UInt8>, from i: inout Int, count: Int, into mantissa: inout UInt64) -> Int {
        let start = i
        while i < count {
            let word = digitWord(p + i)
            let run = min(leadingDigits(word), count - i)
            guard run > 0 else { break }
            mantissa = mantissa &* integerPowersOfTen[run] &+ eightDigits(word, count: run)
            i += run
            guard run == 8 else { break }
        }
        return i - start
    }

    /// The number the first `count` (1…8) bytes of `word` (digit values 0…9, the first byte the most
    /// significant) spell, by three multiplications that each combine neighbouring digit groups.
    @inline(__always)
    static func eightDigits(_ word: UInt64, count: Int) -> UInt64 {
        // The digits moved to the top bytes, zeros (leading zero digits) below them.
        var value = count == 8 ? word : (word & ((1 << UInt64(8 * count)) &- 1)) << UInt64(64 - 8 * count)
        value = value &* 10 &+ (value >> 8)
        value = ((value & 0x0000_00FF_0000_00FF) &* 0x000F_4240_0000_0064 &+ ((value >> 16) & 0x0000_00FF_0000_00FF) &* 0x0000_2710_0000_0001) >> 32
        return value & 0xFFFF_FFFF
    }

    /// 10⁰ … 10⁸.
    private static let integerPowersOfTen: [UInt64] = [1, 10, 100, 1000, 10000, 100_000, 1_000_000, 10_000_000, 100_000_000]

    /// 10⁰ … 10²², every one an exact double.
    private static let exactPowersOfTen: [Double] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
                                                      1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22]

    /// Line feeds in `bytes`, eight bytes at a time: each word's line feeds as a 1 in their byte,
    /// added up bytewise for up to 255 words, then summed.
    public static func lineFeeds(in bytes: UnsafeRawBufferPointer) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        let lineFeeds: UInt64 = 0x0A0A_0A0A_0A0A_0A0A, low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F, bytePairs: UInt64 = 0x00FF_00FF_00FF_00FF
        var count = 0, i = 0
        while i + 8 <= bytes.count {
            var sums: UInt64 = 0
            let end = min(i + 255 * 8, bytes.count - 7)
            while i < end {
                let word = base.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ lineFeeds
                // A byte's top bit set exactly when the byte is zero (no carry crosses bytes).
                sums &+= (~(((word & low7) &+ low7) | word) & ~low7) >> 7
                i += 8
            }
            let pairs = (sums & bytePairs) &+ ((sums >> 8) & bytePairs)
            count += Int(truncatingIfNeeded: (pairs &* 0x0001_0001_0001_0001) >> 48)
        }
        while i < bytes.count {
            if bytes[i] == 0x0A { count += 1 }
            i += 1
        }
        return count
    }

    /// 1-based line where record `record` starts.
    public func line(_ record: Int) -> Int { Int(lines[record]) }

    /// 1-based column (in characters, on its own line) where field `column` of `record` starts.
    public func column(_ record: Int, _ column: Int) -> Int {
        let span = spans[record * header.count + column]
        return bytes.withUnsafeBufferPointer { b in
            Self.column(at: Self.origin(of: span, in: b.baseAddress!), in: b.baseAddress!)
        }
    }

    static func text(of span: Span, in base: UnsafePointer<UInt8>) -> String {
        let start = Int(span.start), end = Int(span.end)
        if span.flags & Span.escapes != 0 {
            var unescaped: [UInt8] = []
            unescaped.reserveCapacity(end - start)
            var i = start
            while i < end {
                unescaped.append(base[i])
                i += base[i] == 0x22 ? 2 : 1
            }
            return String(decoding: unescaped, as: UTF8.self)
        }
        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: end - start), as: UTF8.self)
        return span.flags & Span.quoted != 0 ? text : trimmed(text)
    }

    /// Where a field begins on its line: after the comma (or at the line start), before any spaces
    /// and the opening quote of a quoted field.
    static func origin(of span: Span, in base: UnsafePointer<UInt8>) -> Int {
        var origin = Int(span.start)
        if span.flags & Span.quoted != 0 {
            origin -= 1
            while origin > 0, base[origin - 1] == 0x20 { origin -= 1 }
        }
        return origin
    }

    /// 1-based column of byte `offset`: characters (UTF-8 lead bytes) since the last line feed.
    static func column(at offset: Int, in base: UnsafePointer<UInt8>) -> Int {
        var lineStart = offset
        while lineStart > 0, base[lineStart - 1] != 0x0A { lineStart -= 1 }
        var column = 1
        for i in lineStart..<offset where base[i] & 0xC0 != 0x80 { column += 1 }
        return column
    }

    /// The most cells (fields, header included) a table may have, and the limit's name in messages.
    public struct CellLimit: Sendable {
        public var cells: Int
        public var name: String
        /// What the message calls the table ("the data", "the file").
        public var subject: String
        /// A data file's: ``ResourceLimits/dataCells``.
        public static let data = CellLimit(cells: ResourceLimits.dataCells, name: "ResourceLimits.dataCells", subject: "the data")

        public init(cells: Int, name: String, subject: String = "the file") {
            self.cells = cells
            self.name = name
            self.subject = subject
        }
    }

    /// Parses `text`; `file` names it in diagnostics. Throws the first structural problems found.
    public static func parse(_ text: String, file: String, limit: CellLimit = .data) throws -> CSVTable {
        try parse(utf8: Array(text.utf8), file: file, limit: limit)
    }

    /// Parses UTF-8 `bytes` (the caller has checked they are UTF-8), fields separated by `delimiter`.
    public static func parse(utf8 bytes: consuming [UInt8], file: String, limit: CellLimit = .data, delimiter: UInt8 = 0x2C) throws -> CSVTable {
        var bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard bytes.count < maximumBytes else {
            throw DiagnosticError([Diagnostic(location: SourceLocation(file: file, line: 1, column: 1), keyPath: "",
                                              message: "the CSV file is larger than 1 GiB, more than runexp reads")])
        }
        bytes += repeatElement(0, count: padding)
        return try bytes.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress!
            var scanner = CSVScanner(file: file, delimiter: delimiter, limit: limit)
            var spans: [Span] = [], lines: [UInt32] = [], fields = CSVScanner.fieldBuffer(), fieldCount = 0
            var start = 0
            scan: while true {
                let step = try fields.withUnsafeMutableBufferPointer {
                    try scanner.scan(base, count: buffer.count - padding, from: &start, final: true, fields: $0, fieldCount: &fieldCount)
                }
                switch step {
                case .header:
                    // Never reserve more than the limit allows.
                    let lineFeeds = Self.lineFeeds(in: UnsafeRawBufferPointer(buffer))
                    let (cells, overflow) = (lineFeeds + 1).multipliedReportingOverflow(by: fieldCount)
                    spans.reserveCapacity(overflow ? limit.cells : min(cells, limit.cells))
                    lines.reserveCapacity(lineFeeds + 1)
                case .record(let line):
                    spans += fields[..<fieldCount]
                    lines.append(UInt32(line))
                case .needMoreFields:
                    fields += fields
                case .skipped, .needMore:
                    continue
                case .end:
                    break scan
                }
            }
            guard let header = scanner.header else {
                throw DiagnosticError([Diagnostic(location: SourceLocation(file: file, line: 1, column: 1), keyPath: "",
                                                  message: "the CSV file is empty; it needs a header line and data rows")])
            }
            let problems = scanner.problems
            if !problems.isEmpty { throw DiagnosticError(problems) }
            return CSVTable(header: header, recordCount: lines.count, bytes: bytes, spans: spans, lines: lines)
        }
    }

    private init(header: [String], recordCount: Int, bytes: [UInt8], spans: [Span], lines: [UInt32]) {
        self.header = header
        self.recordCount = recordCount
        self.bytes = bytes
        self.spans = spans
        self.lines = lines
    }

    static func trimmed(_ text: String) -> String {
        var scalars = Substring(text)
        while let first = scalars.first, first == " " || first == "\t" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
