import RunexpPlan
@testable import RunexpExecution
@testable import RunexpResults

/// The first CSVTable (a String per field, columns counted byte by byte), kept as the reference
/// that the fast table is checked against on random inputs (CSVDifferentialTests).
///
/// RFC 4180: comma separated, fields may be quoted with `"` (a doubled `""` inside is one
/// quote, and a quoted field may span lines), LF or CRLF line ends, an optional UTF-8 byte order
/// mark. Blank lines are skipped. Every record must have as many fields as the header.
struct ReferenceCSVTable {
    /// Column names from the first line, trimmed of surrounding spaces.
    let header: [String]
    /// Data records in file order.
    let records: [Record]

    /// One data line.
    struct Record {
        /// Field texts (quotes removed, unquoted fields trimmed of spaces).
        let fields: [String]
        /// 1-based line where the record starts.
        let line: Int
        /// 1-based column (in characters) where each field starts.
        let columns: [Int]
    }

    /// Parses `text`; `file` names it in diagnostics. Throws the first structural problems found.
    static func parse(_ text: String, file: String) throws -> ReferenceCSVTable {
        var parser = ReferenceCSVParser(text: text, file: file)
        let rows = parser.parseAll()
        if !parser.diagnostics.isEmpty { throw DiagnosticError(parser.diagnostics) }
        guard let first = rows.first else {
            throw DiagnosticError([Diagnostic(location: SourceLocation(file: file, line: 1, column: 1), keyPath: "",
                                              message: "the CSV file is empty; it needs a header line and data rows")])
        }
        let header = first.fields.map(Self.trimmed)
        var problems: [Diagnostic] = []
        var seen: [String: Int] = [:]
        for (index, name) in header.enumerated() {
            let location = SourceLocation(file: file, line: first.line, column: first.columns[index])
            if name.isEmpty {
                problems.append(Diagnostic(location: location, keyPath: "", message: "column \(index + 1) of the header has no name"))
            } else if let previous = seen[name] {
                problems.append(Diagnostic(location: location, keyPath: "",
                                           message: "duplicate column name '\(Diagnostic.excerpt(name))' (also column \(previous + 1))"))
            } else {
                seen[name] = index
            }
        }
        for record in rows.dropFirst() where record.fields.count != header.count {
            let column = record.fields.count > header.count ? record.columns[header.count] : (record.columns.last ?? 1)
            problems.append(Diagnostic(location: SourceLocation(file: file, line: record.line, column: column), keyPath: "",
                                       message: "expected \(header.count) fields as in the header, found \(record.fields.count)"))
            if problems.count >= 20 { break }
        }
        if !problems.isEmpty { throw DiagnosticError(problems) }
        return ReferenceCSVTable(header: header, records: Array(rows.dropFirst()))
    }

    static func trimmed(_ text: String) -> String {
        var scalars = Substring(text)
        while let first = scalars.first, first == " " || first == "\t" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}

/// A character-level RFC 4180 reader over UTF-8 bytes.
private struct ReferenceCSVParser {
    let bytes: [UInt8]
    let file: String
    var diagnostics: [Diagnostic] = []

    init(text: String, file: String) {
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        self.bytes = bytes
        self.file = file
    }

    mutating func parseAll() -> [ReferenceCSVTable.Record] {
        var records: [ReferenceCSVTable.Record] = []
        var position = 0
        var line = 1
        var column = 1
        var fields: [String] = []
        var columns: [Int] = []
        var recordLine = 1
        var field: [UInt8] = []
        var fieldColumn = 1
        var quoted = false
        var inQuotes = false
        var lineIsBlank = true

        func advance(_ byte: UInt8) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }

        func finishField() {
            let text = String(decoding: field, as: UTF8.self)
            fields.append(quoted ? text : ReferenceCSVTable.trimmed(text))
            columns.append(fieldColumn)
            field.removeAll(keepingCapacity: true)
            quoted = false
        }

        while position < bytes.count {
            let byte = bytes[position]
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        advance(byte)
                        position += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.append(byte)
                }
                advance(byte)
                position += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                if field.allSatisfy({ $0 == UInt8(ascii: " ") }) && !quoted {
                    field.removeAll()
                    quoted = true
                    inQuotes = true
                    lineIsBlank = false
                } else {
                    diagnostics.append(Diagnostic(location: SourceLocation(file: file, line: line, column: column), keyPath: "",
                                                  message: "a quote inside an unquoted field",
                                                  help: "quote the whole field and double inner quotes: \"a \"\"b\"\"\""))
                    return records
                }
            case UInt8(ascii: ","):
                finishField()
                lineIsBlank = false
                fieldColumn = column + 1
            case UInt8(ascii: "\r") where position + 1 < bytes.count && bytes[position + 1] == UInt8(ascii: "\n"):
                break
            case UInt8(ascii: "\n"):
                if !lineIsBlank {
                    finishField()
                    records.append(ReferenceCSVTable.Record(fields: fields, line: recordLine, columns: columns))
                }
                fields.removeAll()
                columns.removeAll()
                // Fixed here, not in the original: a blank line's CRs stayed in `field` and leaked
                // into the next record's first field ("\r\r\n1,2" read "\r1" and "2").
                field.removeAll(keepingCapacity: true)
                lineIsBlank = true
                recordLine = line + 1
                fieldColumn = 1
            default:
                if quoted {
                    if byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\r") {
                        diagnostics.append(Diagnostic(location: SourceLocation(file: file, line: line, column: column), keyPath: "",
                                                      message: "text after the closing quote of a field",
                                                      help: "a quoted field must end at a comma or the end of the line"))
                        return records
                    }
                } else {
                    field.append(byte)
                    if byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\r") { lineIsBlank = false }
                }
            }
            advance(byte)
            position += 1
        }
        if inQuotes {
            diagnostics.append(Diagnostic(location: SourceLocation(file: file, line: recordLine, column: fieldColumn), keyPath: "",
                                          message: "a quoted field is never closed", help: "add the closing '\"'"))
            return records
        }
        if !lineIsBlank {
            finishField()
            records.append(ReferenceCSVTable.Record(fields: fields, line: recordLine, columns: columns))
        }
        return records
    }
}
