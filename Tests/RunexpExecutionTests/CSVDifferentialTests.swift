import Testing
@testable import RunexpExecution
@testable import RunexpResults
import RunexpKernel
import RunexpPlan

/// The fast ``CSVTable`` against the first implementation (``ReferenceCSVTable``, a String per field):
/// on random inputs both give the same header, fields, lines, columns and numbers, or the same errors.
@Suite struct CSVDifferentialTests {
    /// Pieces that exercise every branch: separators, line ends, quotes, spaces, tabs, CRs, multi-byte
    /// characters, and numbers in and out of the plain decimal form.
    static let tokens = [
        "a", "1", "-2.5", "1e3", " ", "\t", ",", ",", ",", "\n", "\n", "\r\n", "\r", "\"", "\"\"", "é", "x y", "+.5",
        "0x1p3", "inf", "nan", "1e", ".", "-", "1.5e-3", "00012", "3.", "1e400", "1e-400", "ü,", "\"q\"", "\" 7 \"",
    ]

    static func soup(_ rng: inout SplitMix64) -> String {
        let count = Int(rng.next() % 40)
        return (0..<count).map { _ in tokens[Int(rng.next() % UInt64(tokens.count))] }.joined()
    }

    /// A well-formed table with random quoting, padding, blank lines and line ends; sometimes a
    /// record with a wrong field count.
    static func table(_ rng: inout SplitMix64) -> String {
        let width = 1 + Int(rng.next() % 4)
        let cells = ["0.5", "-3", "12e-2", "x", "", "1,5", "say \"hi\"", "multi\nline", "  7 ", "ø", "1e999", "0x10"]
        func cell(_ text: String) -> String {
            let needsQuotes = text.contains(",") || text.contains("\"") || text.contains("\n")
            if needsQuotes || rng.next() % 4 == 0 {
                return (rng.next() % 3 == 0 ? " " : "") + "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                    + (rng.next() % 3 == 0 ? " " : "")
            }
            return text
        }
        var lines = [(0..<width).map { "h\($0)" }.joined(separator: ",")]
        for _ in 0..<Int(rng.next() % 6) {
            var fields = width
            if rng.next() % 10 == 0 { fields += rng.next() % 2 == 0 ? 1 : -1 }
            lines.append((0..<max(fields, 1)).map { _ in cell(cells[Int(rng.next() % UInt64(cells.count))]) }.joined(separator: ","))
            if rng.next() % 8 == 0 { lines.append(rng.next() % 2 == 0 ? "" : "  ") }
        }
        let end = rng.next() % 3 == 0 ? "\r\n" : "\n"
        return (rng.next() % 5 == 0 ? "\u{FEFF}" : "") + lines.joined(separator: end) + (rng.next() % 2 == 0 ? end : "")
    }

    static func compare(_ text: String) {
        let reference = Result { try ReferenceCSVTable.parse(text, file: "t.csv") }
        let fast = Result { try CSVTable.parse(text, file: "t.csv") }
        switch (reference, fast) {
        case (.success(let expected), .success(let actual)):
            #expect(actual.header == expected.header, "\(text.debugDescription)")
            #expect(actual.recordCount == expected.records.count, "\(text.debugDescription)")
            for (row, record) in expected.records.enumerated() where row < actual.recordCount {
                for column in record.fields.indices {
                    #expect(actual.field(row, column) == record.fields[column], "\(text.debugDescription) [\(row), \(column)]")
                    #expect(actual.column(row, column) == record.columns[column], "\(text.debugDescription) [\(row), \(column)]")
                    let number = actual.number(row, column)
                    let expectedNumber = Self.plainNumber(record.fields[column])
                    #expect(number?.bitPattern == expectedNumber?.bitPattern, "\(text.debugDescription) [\(row), \(column)]")
                }
                #expect(actual.line(row) == record.line, "\(text.debugDescription) [\(row)]")
            }
        case (.failure(let expected as DiagnosticError), .failure(let actual as DiagnosticError)):
            #expect(actual.diagnostics.map(\.description) == expected.diagnostics.map(\.description), "\(text.debugDescription)")
        default:
            Issue.record("\(text.debugDescription): reference \(reference), fast \(fast)")
        }
    }

    /// `Double(text)` when `text` is in plain decimal notation (the data file's rule), else nil.
    static func plainNumber(_ text: String) -> Double? {
        text.wholeMatch(of: #/[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?/#) == nil ? nil : Double(text)
    }

    @Test func onlyPlainDecimalsAreNumbers() throws {
        let texts = ["0x10", "0x1p3", "inf", "-infinity", "nan", "1e", "1.2.3", "--1", "1e5x", "1 2", "١٢", "1_000", "e5", "."]
        let table = try CSVTable.parse("x\n" + texts.joined(separator: "\n") + "\n\"1\"\"2\"\n\" 3\"\n", file: "t.csv")
        for row in 0..<table.recordCount {
            #expect(table.number(row, 0) == nil, "\(table.field(row, 0))")
        }
        let plain = try CSVTable.parse("x\n 1.5 \n\"2e3\"\n+.5\n-7.\n", file: "t.csv")
        #expect((0..<plain.recordCount).map { plain.number($0, 0) } == [1.5, 2000, 0.5, -7])
    }

    @Test func randomTokenSoupsParseAlike() {
        var rng = SplitMix64(seed: 4181)
        for _ in 0..<4000 {
            Self.compare("h1,h2\n" + Self.soup(&rng))
            Self.compare(Self.soup(&rng))
        }
    }

    @Test func randomWellFormedTablesParseAlike() {
        var rng = SplitMix64(seed: 6765)
        for _ in 0..<3000 {
            Self.compare(Self.table(&rng))
        }
    }

    /// Digit runs of every length (1 to 21 digits: around the fast path's 2^53 and the 19 digits a
    /// 64-bit mantissa holds), the point anywhere, at the end of the file too, read as `Double(_:)` reads them.
    @Test func digitRunsOfEveryLengthReadAsDouble() throws {
        let digits = Array("987654321098765432109")
        var texts: [String] = []
        for length in 1...digits.count {
            let run = String(digits.prefix(length))
            texts.append(run)
            for point in 0...length { texts.append(String(run.prefix(point)) + "." + String(run.dropFirst(point))) }
        }
        for text in texts where text != "." {
            for csv in ["x\n\(text)\n", "x\n\(text)", "x,y\n\(text),1\n"] {
                let table = try CSVTable.parse(csv, file: "t.csv")
                #expect(table.number(0, 0)?.bitPattern == Double(text)?.bitPattern, "\(text)")
            }
        }
    }

    /// The short numbers read without loops (``CSVTable/shortDecimal(_:count:)``) and their neighbours
    /// read the general way: every sign, 0 to 9 integer digits, no point, a point alone or with 0 to
    /// 9 fraction digits, each as the last field of a line and before another, read as `Double(_:)` reads them.
    @Test func shortNumbersOfEveryShapeReadAsDouble() throws {
        var rng = SplitMix64(seed: 17711)
        func digits(_ count: Int) -> String { String((0..<count).map { _ in Character(String(rng.next() % 10)) }) }
        var texts: [String] = []
        for sign in ["", "-", "+"] {
            for integer in 0...9 {
                for fraction in [nil] + Array(0...9) {
                    for _ in 0..<3 { texts.append(sign + digits(integer) + (fraction.map { "." + digits($0) } ?? "")) }
                }
            }
        }
        let table = try CSVTable.parse("x,y\n" + texts.map { "\($0),\($0)" }.joined(separator: "\n") + "\n", file: "t.csv")
        #expect(table.recordCount == texts.count)
        for (row, text) in texts.enumerated() {
            let expected = Double(text)?.bitPattern
            #expect(table.number(row, 0)?.bitPattern == expected, "\(text)")
            #expect(table.number(row, 1)?.bitPattern == expected, "\(text)")
        }
    }

    /// Numbers as the old loader read them: `Double(text)` of the trimmed field, bit for bit.
    @Test func numbersReadAsDoubleReadsThem() throws {
        var rng = SplitMix64(seed: 10946)
        var texts = ["0", "-0", "+0.0", "1e308", "1.7976931348623157e308", "1.7976931348623159e308", "4.9e-324", "2e-324",
                     "0.1", "123456789012345678901234567890", "1e-400", "9007199254740993", ".5", "5.", "-.5e+3", "1E5"]
        for _ in 0..<3000 {
            let mantissa = String(rng.next() % 1_000_000_000_000)
            let point = Int(rng.next() % UInt64(mantissa.count + 1))
            var text = String(mantissa.prefix(point)) + (rng.next() % 2 == 0 ? "." : "") + String(mantissa.dropFirst(point))
            if rng.next() % 3 == 0 { text += "e" + String(Int(rng.next() % 80) - 40) }
            if rng.next() % 4 == 0 { text = "-" + text }
            texts.append(text)
        }
        let table = try CSVTable.parse("x\n" + texts.joined(separator: "\n") + "\n", file: "t.csv")
        #expect(table.recordCount == texts.count)
        for (row, text) in texts.enumerated() {
            #expect(table.number(row, 0)?.bitPattern == Double(text)?.bitPattern, "\(text)")
        }
    }
}
