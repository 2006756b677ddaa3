import Foundation
import Testing
import RunexpKernel
import RunexpPlan
@testable import RunexpResults
import RunexpTestSupport

/// ``CSVStream`` reads a file a window at a time: whatever the window's size, it hands the same
/// records as ``CSVTable`` parses from the whole file, or throws the same errors, and its checks of
/// the bytes (UTF-8, NUL, byte order mark, hash) do not depend on where the windows fall.
@Suite struct CSVStreamTests {
    struct Streamed {
        var header: [String]
        var records: [[String]] = []
        var numbers: [[UInt64?]] = []
        var lines: [Int] = []
        var columns: [[Int]] = []
        var sha256 = ""
    }

    static func stream(_ bytes: [UInt8], window: Int, in directory: TemporaryDirectory) throws -> Streamed {
        let path = directory.file("t.csv")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        guard case .success(let reader) = BoundedFile.Reader.open(path, limit: 1 << 30) else {
            Issue.record("cannot open \(path)")
            return Streamed(header: [])
        }
        let stream = try CSVStream(reader, file: "t.csv", what: "data file", windowBytes: window)
        var streamed = Streamed(header: stream.header)
        let width = stream.header.count
        _ = try stream.forEachRecord { record in
            streamed.records.append((0..<width).map { record.field($0) })
            streamed.numbers.append((0..<width).map { record.number($0)?.bitPattern })
            // The fast path of features reads a field as Float(number) or leaves it to the general way.
            let columns = Array(0..<width)
            var floats = [Float](repeating: .nan, count: width)
            var next = 0
            while next < width {
                let missed = columns.withUnsafeBufferPointer { c in floats.withUnsafeMutableBufferPointer { record.readFloats(c, from: next, into: $0.baseAddress!) } }
                for column in next..<missed {
                    #expect(floats[column].bitPattern == record.number(column).map { Float($0) }?.bitPattern, "\(record.field(column))")
                }
                next = missed + 1
            }
            streamed.lines.append(record.line)
            streamed.columns.append((0..<width).map { record.location($0).column })
        }
        streamed.sha256 = try stream.finish()
        return streamed
    }

    /// The stream with windows of `sizes` bytes against the table of the whole text.
    static func compare(_ text: String, sizes: [Int], in directory: TemporaryDirectory) {
        let table = Result { try CSVTable.parse(text, file: "t.csv") }
        for size in sizes {
            let streamed = Result { try stream(Array(text.utf8), window: size, in: directory) }
            switch (table, streamed) {
            case (.success(let table), .success(let streamed)):
                #expect(streamed.header == table.header, "\(text.debugDescription), window \(size)")
                #expect(streamed.records.count == table.recordCount, "\(text.debugDescription), window \(size)")
                for (row, fields) in streamed.records.enumerated() where row < table.recordCount {
                    #expect(fields == table.header.indices.map { table.field(row, $0) }, "\(text.debugDescription) row \(row), window \(size)")
                    #expect(streamed.numbers[row] == table.header.indices.map { table.number(row, $0)?.bitPattern })
                    #expect(streamed.lines[row] == table.line(row))
                    #expect(streamed.columns[row] == table.header.indices.map { table.column(row, $0) }, "\(text.debugDescription) row \(row)")
                }
                #expect(streamed.sha256 == SHA256Digest.hex(of: Array(text.utf8)))
            case (.failure(let expected as DiagnosticError), .failure(let actual as DiagnosticError)):
                #expect(actual.diagnostics.map(\.description) == expected.diagnostics.map(\.description), "\(text.debugDescription), window \(size)")
            default:
                Issue.record("\(text.debugDescription), window \(size): table \(table), stream \(streamed)")
            }
        }
    }

    @Test func randomTablesStreamAsTheyParseWhole() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var rng = SplitMix64(seed: 28657)
        for _ in 0..<400 {
            Self.compare(CSVDifferentialTests.table(&rng), sizes: [1, 2, 3, 5, 8, 64], in: directory)
            Self.compare("h1,h2\n" + CSVDifferentialTests.soup(&rng), sizes: [1, 3, 7], in: directory)
        }
    }

    /// The scanner stores a record's fields in a buffer of 64 that grows when a record has more:
    /// records of more fields than that, and mismatched ones wider still, read as a whole table's.
    @Test func recordsWiderThanTheFieldBufferReadAsAWholeTable() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        func line(_ fields: Int, _ value: Int) -> String {
            (0..<fields).map { "\($0 + value)" }.joined(separator: ",") + "\n"
        }
        let header = (0..<150).map { "c\($0)" }.joined(separator: ",") + "\n"
        let wide = header + line(150, 1) + line(150, 2)
        Self.compare(wide, sizes: [1, 64, 1 << 20], in: directory)
        let streamed = try Self.stream(Array(wide.utf8), window: 64, in: directory)
        #expect(streamed.records.map(\.count) == [150, 150])
        #expect(streamed.records.last?.last == "151")
        // A record of 70 fields and one of 400 are reported with their own counts.
        let mismatched = wide + line(70, 3) + line(400, 4)
        Self.compare(mismatched, sizes: [1, 64, 1 << 20], in: directory)
        let error = #expect(throws: DiagnosticError.self) { try Self.stream(Array(mismatched.utf8), window: 1 << 20, in: directory) }
        #expect(error?.diagnostics.map(\.message) == ["expected 150 fields as in the header, found 70",
                                                      "expected 150 fields as in the header, found 400"])
    }

    /// The check for NUL bytes and UTF-8 reads 32 bytes at a time: a bad byte at any place of a
    /// block, from any start, is found where it is.
    @Test func aBadByteIsFoundAtEveryOffset() {
        let clean = [UInt8](repeating: 0x61, count: 100)
        for (bad, kind) in [([0x00], TextCheck.Kind.nul), ([0x80], .notUTF8), ([0xC3], .notUTF8), ([0xFF], .notUTF8),
                            ([0x01, 0x00], .nul), ([0x7F, 0x00], .nul)] as [([UInt8], TextCheck.Kind)] {
            for offset in 0...(clean.count - bad.count) {
                var bytes = clean
                bytes.replaceSubrange(offset..<(offset + bad.count), with: bad)
                let at = offset + (bad.count - 1)
                for from in [0, 1, 5, 7] where from <= offset {
                    let problem = TextCheck.firstProblem(bytes, from: from, to: bytes.count)
                    #expect(problem?.offset == at && problem?.kind == kind, "\(bad) at \(offset), from \(from)")
                }
            }
        }
        #expect(TextCheck.firstProblem(clean, from: 0, to: clean.count) == nil)
        // Multibyte characters in every place of a block are text.
        let text = Array(String(repeating: "aé€😀", count: 12).utf8)
        #expect(TextCheck.firstProblem(text, from: 0, to: text.count) == nil)
    }

    /// Line feeds are counted eight bytes at a time, summed bytewise over up to 255 words: any
    /// length, any start, and runs of line feeds longer than a byte's count, count as one by one.
    @Test func lineFeedsAreCountedAsOneByOne() {
        var rng = SplitMix64(seed: 4181)
        let alphabet: [UInt8] = [0x0A, 0x0A, 0x0B, 0x09, 0x2C, 0x30, 0x8A, 0x00]
        var buffers = (0..<200).map { _ in (0..<Int(rng.next() % 3_000)).map { _ in alphabet[Int(rng.next() % 8)] } }
        buffers += [[UInt8](repeating: 0x0A, count: 5_000), [UInt8](repeating: 0x0A, count: 2_041), []]
        for bytes in buffers {
            for from in [0, 1, 7] where from <= bytes.count {
                let counted = bytes[from...].withUnsafeBytes { CSVTable.lineFeeds(in: $0) }
                #expect(counted == bytes[from...].count { $0 == 0x0A }, "\(bytes.count) bytes from \(from)")
            }
        }
    }

    @Test func aQuoteAtAWindowsEndMayBeTheFirstOfADoubledOne() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let text = "a,b\n\"x\"\"y\",1\n\"\"\"\",2\n"
        Self.compare(text, sizes: Array(1...text.utf8.count + 1), in: directory)
    }

    @Test func textChecksFindTheirLineWhateverTheWindow() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // 'é' (2 bytes) and '€' (3 bytes) split across every window boundary are text.
        let text = "h,é\n1,€\n" + String(repeating: "2,ü€\n", count: 20)
        for size in 1...12 {
            let streamed = try Self.stream(Array(text.utf8), window: size, in: directory)
            #expect(streamed.header == ["h", "é"])
            #expect(streamed.records.count == 21)
        }
        // A byte order mark is not part of the first column's name, and is hashed as it is in the file.
        let marked: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("a,b\n1,2\n".utf8)
        for size in 1...6 {
            let streamed = try Self.stream(marked, window: size, in: directory)
            #expect(streamed.header == ["a", "b"])
            #expect(streamed.columns == [[1, 3]])
            #expect(streamed.sha256 == SHA256Digest.hex(of: marked))
        }
        let lines = Array(String(repeating: "1,2\n", count: 30).utf8)
        for (bytes, message) in [([0x00], "t.csv:32:4: error: the data file holds a NUL byte; a CSV file is text"),
                                 ([0xC3], "t.csv:32:4: error: the data file is not UTF-8 text"),
                                 ([0xED, 0xA0, 0x80], "t.csv:32:4: error: the data file is not UTF-8 text")] as [([UInt8], String)] {
            for size in [1, 4, 16, 1 << 20] {
                let file = Array("a,b\n".utf8) + lines + Array("3,x".utf8) + bytes + Array("y\n4,5\n".utf8)
                let error = #expect(throws: DiagnosticError.self) { try Self.stream(file, window: size, in: directory) }
                #expect(error?.diagnostics.first.map { String($0.description.prefix(message.count)) } == message)
            }
        }
    }
}
