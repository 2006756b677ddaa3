import RunexpPlan

/// runexp's one CSV grammar, a record at a time, over a buffer that holds the whole file
/// (``CSVTable``) or a window onto it (``CSVStream``).
///
/// RFC 4180: fields separated by the delimiter, quoted with `"` (a doubled `""` inside is one
/// quote, and a quoted field may span lines), LF or CRLF line ends. Blank lines are skipped. The
/// first record is the header; a record with another field count than the header is dropped and
/// the first 20 are noted (``mismatches``), to be reported after the header's own problems.
struct CSVScanner {
    let file: String
    let delimiter: UInt8
    let limit: CSVTable.CellLimit
    /// The header's texts, once scanned (trimmed of spaces).
    private(set) var header: [String]?
    /// Empty and duplicate column names, located (at most 20; the last says how many more).
    private(set) var headerProblems: [Diagnostic] = []
    /// Records whose field count differs from the header's, located (at most 20).
    private(set) var mismatches: [Diagnostic] = []
    /// 1-based line of the next byte to scan.
    private(set) var line = 1
    /// Cells of the records kept so far (the header's not counted).
    private(set) var cells = 0
    /// Whether a quoted field was met (in a record kept or not).
    private(set) var metQuotedField = false

    /// A scanner of `file`; with `header`, of its records after the header (no header record).
    init(file: String, delimiter: UInt8, limit: CSVTable.CellLimit, header: [String]? = nil) {
        self.file = file
        self.delimiter = delimiter
        self.limit = limit
        self.header = header
    }

    /// What ``scan(_:count:from:final:fields:)`` found.
    enum Step: Equatable {
        /// The header (now in ``header``).
        case header
        /// A record of the header's field count, starting on `line`.
        case record(line: Int)
        /// A blank line, or a record with another field count (noted in ``mismatches``).
        case skipped
        /// The record runs past the buffer's end and more bytes follow: call again with them.
        case needMore
        /// The record has more fields than `fields` holds: call again with a larger buffer.
        case needMoreFields
        /// No bytes are left.
        case end
    }

    /// A buffer to lend ``scan(_:count:from:final:fields:fieldCount:)``: room for 64 fields, doubled
    /// (`buffer += buffer`) on ``Step/needMoreFields``.
    static func fieldBuffer() -> [CSVTable.Span] {
        [CSVTable.Span](repeating: CSVTable.Span(start: 0, end: 0, flags: 0), count: 64)
    }

    /// All problems of the file's structure: the header's, then the mismatched records'.
    var problems: [Diagnostic] {
        Array((headerProblems + mismatches).prefix(20))
    }

    /// Scans the record at `start` of `base[0..<count]` (`base[count]` must be readable) and moves
    /// `start` past it; its fields' spans, relative to `base`, become `fields[0..<fieldCount]`.
    /// `final` says no byte follows `count`: without it, a record that reaches `count` is left for
    /// more bytes (``Step/needMore``). A record of more fields than `fields` holds is left too
    /// (``Step/needMoreFields``). `fields` is lent by the caller for many records: a record's
    /// spans are stored without the checks an array's append makes per field.
    mutating func scan(_ base: UnsafePointer<UInt8>, count: Int, from start: inout Int, final: Bool,
                       fields: UnsafeMutableBufferPointer<CSVTable.Span>, fieldCount: inout Int) throws -> Step {
        let quote: UInt8 = 0x22, comma = delimiter, newline: UInt8 = 0x0A, cr: UInt8 = 0x0D, space: UInt8 = 0x20
        let delimiters = UInt64(comma) &* Self.everyByte, lineFeeds = UInt64(newline) &* Self.everyByte, quotes = UInt64(quote) &* Self.everyByte
        fieldCount = 0
        guard start < count else { return final ? .end : .needMore }
        var i = start
        var line = self.line
        let recordLine = line
        var lineIsBlank = true
        func failure(_ offset: Int, _ message: String, help: String) -> DiagnosticError {
            DiagnosticError([Diagnostic(location: SourceLocation(file: file, line: line, column: CSVTable.column(at: offset, in: base)),
                                        keyPath: "", message: message, help: help)])
        }
        while true {
            // One field, starting at `i` (just after a delimiter or at a line start).
            let origin = i
            var j = i
            while j < count, base[j] == space { j += 1 }
            var span: CSVTable.Span
            if j < count, base[j] == quote {
                metQuotedField = true
                lineIsBlank = false
                var flags = CSVTable.Span.quoted
                var k = j + 1
                while true {
                    guard k < count else {
                        guard final else { return .needMore }
                        throw DiagnosticError([Diagnostic(location: SourceLocation(file: file, line: recordLine,
                                                                                   column: CSVTable.column(at: origin, in: base)),
                                                          keyPath: "", message: "a quoted field is never closed",
                                                          help: "add the closing '\"'")])
                    }
                    let byte = base[k]
                    if byte == quote {
                        if k + 1 < count, base[k + 1] == quote {
                            flags |= CSVTable.Span.escapes
                            k += 2
                            continue
                        }
                        // A quote at the window's end may be the first of a doubled one.
                        if k + 1 == count, !final { return .needMore }
                        break
                    }
                    if byte == newline { line += 1 }
                    k += 1
                }
                span = CSVTable.Span(start: UInt32(j + 1), end: UInt32(k), flags: flags)
                k += 1
                while k < count, base[k] != comma, base[k] != newline {
                    if base[k] == quote {
                        throw failure(k, "a quote inside an unquoted field", help: "quote the whole field and double inner quotes: \"a \"\"b\"\"\"")
                    }
                    guard base[k] == space || base[k] == cr else {
                        throw failure(k, "text after the closing quote of a field", help: "a quoted field must end at a comma or the end of the line")
                    }
                    k += 1
                }
                i = k
            } else {
                var k = j
                // Sixteen bytes, then eight, at a time to the first delimiter, line feed or quote, then
                // byte by byte. Two words are searched at once so that where in them a field ends (a
                // number of 8 characters or of 9) picks a value, not a branch taken at random.
                while k + 16 <= count {
                    let low = UnsafeRawPointer(base + k).loadUnaligned(as: UInt64.self)
                    let high = UnsafeRawPointer(base + k + 8).loadUnaligned(as: UInt64.self)
                    let inLow = Self.zeroBytes(low ^ delimiters) | Self.zeroBytes(low ^ lineFeeds) | Self.zeroBytes(low ^ quotes)
                    let inHigh = Self.zeroBytes(high ^ delimiters) | Self.zeroBytes(high ^ lineFeeds) | Self.zeroBytes(high ^ quotes)
                    // The lowest flag of either word is exact when the words before it have none.
                    let found = inLow != 0 ? inLow.trailingZeroBitCount >> 3 : 8 + inHigh.trailingZeroBitCount >> 3
                    k += found
                    if found < 16 { break }
                }
                while k + 8 <= count {
                    let word = UnsafeRawPointer(base + k).loadUnaligned(as: UInt64.self)
                    let found = Self.zeroBytes(word ^ delimiters) | Self.zeroBytes(word ^ lineFeeds) | Self.zeroBytes(word ^ quotes)
                    if found != 0 {
                        k += found.trailingZeroBitCount >> 3
                        break
                    }
                    k += 8
                }
                while k < count {
                    let byte = base[k]
                    if byte == comma || byte == newline { break }
                    if byte == quote {
                        throw failure(k, "a quote inside an unquoted field", help: "quote the whole field and double inner quotes: \"a \"\"b\"\"\"")
                    }
                    k += 1
                }
                if lineIsBlank {
                    for byte in UnsafeBufferPointer(start: base + j, count: k - j) where byte != cr && byte != space {
                        lineIsBlank = false
                        break
                    }
                }
                // A CR right before the line feed ends the line; any other CR is text.
                let end = k < count && base[k] == newline && k > origin && base[k - 1] == cr ? k - 1 : k
                span = CSVTable.Span(start: UInt32(origin), end: UInt32(end), flags: 0)
                i = k
            }
            if i == count, !final { return .needMore }
            guard fieldCount < fields.count else { return .needMoreFields }
            fields[fieldCount] = span
            fieldCount += 1
            guard cells + fieldCount <= limit.cells else {
                throw DiagnosticError([Diagnostic(location: SourceLocation(file: file, line: line, column: CSVTable.column(at: origin, in: base)),
                                                  keyPath: "",
                                                  message: "\(limit.subject) has more than \(limit.cells) cells (rows × columns); "
                                                    + "at most \(limit.cells) (\(limit.name))",
                                                  help: "sample the rows, or exclude columns from the file")])
            }
            if i < count, base[i] == comma {
                lineIsBlank = false
                i += 1
                continue
            }
            // The end of a line (or of the file).
            start = i < count ? i + 1 : i
            self.line = i < count ? line + 1 : line
            if lineIsBlank { return .skipped }
            return finish(UnsafeBufferPointer(rebasing: fields[..<fieldCount]), line: recordLine, base: base)
        }
    }

    /// 0x01 in every byte of a word.
    private static let everyByte: UInt64 = 0x0101_0101_0101_0101

    /// The high bit of the first zero byte of `word` set (and maybe of bytes above it): nonzero
    /// exactly when a byte is zero, and the lowest set bit marks the first.
    @inline(__always)
    private static func zeroBytes(_ word: UInt64) -> UInt64 {
        (word &- everyByte) & ~word & 0x8080_8080_8080_8080
    }

    /// Takes `fields` as the header, or counts them as a record, or notes them as a record of
    /// the wrong field count.
    private mutating func finish(_ fields: UnsafeBufferPointer<CSVTable.Span>, line: Int, base: UnsafePointer<UInt8>) -> Step {
        guard let header else {
            takeHeader(fields, line: line, base: base)
            return .header
        }
        if fields.count == header.count {
            cells += fields.count
            return .record(line: line)
        }
        if mismatches.count < 20 {
            let at = fields.count > header.count ? fields[header.count] : fields[fields.count - 1]
            mismatches.append(Diagnostic(location: SourceLocation(file: file, line: line,
                                                                  column: CSVTable.column(at: CSVTable.origin(of: at, in: base), in: base)),
                                         keyPath: "", message: "expected \(header.count) fields as in the header, found \(fields.count)"))
        }
        return .skipped
    }

    private mutating func takeHeader(_ fields: UnsafeBufferPointer<CSVTable.Span>, line: Int, base: UnsafePointer<UInt8>) {
        let names = fields.map { CSVTable.trimmed(CSVTable.text(of: $0, in: base)) }
        header = names
        var seen: [String: Int] = [:]
        var count = 0
        for (index, name) in names.enumerated() {
            var message: String?
            if name.isEmpty {
                message = "column \(index + 1) of the header has no name"
            } else if let previous = seen[name] {
                message = "duplicate column name '\(Diagnostic.excerpt(name))' (also column \(previous + 1))"
            } else {
                seen[name] = index
            }
            guard let message else { continue }
            count += 1
            // A column is located only for a problem (scanning its line), and at most 20 are: a
            // header of 10^5 columns stays one pass.
            guard headerProblems.count < 20 else { continue }
            let column = CSVTable.column(at: CSVTable.origin(of: fields[index], in: base), in: base)
            headerProblems.append(Diagnostic(location: SourceLocation(file: file, line: line, column: column), keyPath: "", message: message))
        }
        if count > 20 {
            headerProblems[19].message += " (and \(count - 20) more problems in the header)"
        }
    }
}
