import Testing
@testable import RunexpExecution
@testable import RunexpResults
@testable import RunexpPlan

@Suite struct CSVTableTests {
    @Test func readsQuotedFieldsCRLFAndByteOrderMark() throws {
        let text = "\u{FEFF}a,\"b, with comma\",c\r\n1,\"say \"\"hi\"\"\",3\r\n\r\n4, 5 ,\"multi\nline\"\r\n"
        let table = try CSVTable.parse(text, file: "t.csv")
        #expect(table.header == ["a", "b, with comma", "c"])
        #expect(table.records.map(\.fields) == [["1", "say \"hi\"", "3"], ["4", "5", "multi\nline"]])
        #expect(table.records.map(\.line) == [2, 4])
        #expect(table.records[1].columns == [1, 3, 7])
    }

    @Test func blankLinesOfCarriageReturnsLeaveTheNextFieldAlone() throws {
        let table = try CSVTable.parse("x,y\n\r\r\n1,2\n \r\n\"3\",4\n", file: "t.csv")
        #expect(table.records.map(\.fields) == [["1", "2"], ["3", "4"]])
        #expect(table.records.map(\.line) == [3, 5])
    }

    @Test func numbersComeFromTheFieldsText() throws {
        let table = try CSVTable.parse("a,b,c,d\n 1.5 ,\" 2\",\"3\",0x10\n", file: "t.csv")
        #expect(table.number(0, 0) == 1.5)      // unquoted: trimmed
        #expect(table.number(0, 1) == nil)      // quoted text is kept as is: " 2"
        #expect(table.number(0, 2) == 3)
        #expect(table.number(0, 3) == nil)      // plain decimals only, though Double("0x10") reads 16
        #expect(table.field(0, 1) == " 2")
        #expect(table.column(0, 1) == 7)
    }

    /// What CSVWriter writes, CSVTable reads back field for field, awkward fields included.
    @Test func writtenFieldsReadBack() throws {
        let fields = ["plain", "a,b", "say \"hi\"", "two\nlines", "crlf\r\nend", "lone\rcr", "\"\u{301}accent", "é", ""]
        var writer = CSVWriter(header: fields.indices.map { "c\($0)" })
        writer.append(fields)
        writer.append(fields.reversed())
        #expect(writer.text.hasPrefix("c0,c1,"))
        let table = try CSVTable.parse(writer.text, file: "t.csv")
        #expect(table.records.map(\.fields) == [fields, fields.reversed()])
        var pair = CSVWriter(header: ["x\r\ny", "plain"])
        pair.append([])
        #expect(pair.text == "\"x\r\ny\",plain\n\n")
    }

    @Test func lastLineWithoutNewlineIsARecord() throws {
        let table = try CSVTable.parse("x,y\n1,2", file: "t.csv")
        #expect(table.records.map(\.fields) == [["1", "2"]])
    }

    @Test(arguments: [
        ("x,y\n1,2\n3\n", "t.csv:3:1: error: expected 2 fields as in the header, found 1"),
        ("x,y\n1,2,3\n", "t.csv:2:5: error: expected 2 fields as in the header, found 3"),
        ("x,y\n1,\"2\n", "t.csv:2:3: error: a quoted field is never closed; add the closing '\"'"),
        ("x,y\n1,2\"3\n", "t.csv:2:4: error: a quote inside an unquoted field; quote the whole field and double inner quotes: \"a \"\"b\"\"\""),
        ("x,x\n1,2\n", "t.csv:1:3: error: duplicate column name 'x' (also column 1)"),
        ("", "t.csv:1:1: error: the CSV file is empty; it needs a header line and data rows"),
    ])
    func structuralProblemsNameLineAndColumn(text: String, message: String) {
        let error = #expect(throws: DiagnosticError.self) { try CSVTable.parse(text, file: "t.csv") }
        #expect(error?.diagnostics.first?.description == message)
    }
}
