import RunexpPlan
import RunexpResults

/// The rows of the data file, then those of the test file when there is one (`data.test_file`):
/// one table to read, each row located in its own file.
struct DataTable {
    private let tables: [(table: CSVTable, file: String)]
    /// The data file's header (the test file's is the same: ``load``).
    let header: [String]
    /// Rows of all files.
    let recordCount: Int
    /// Rows of the data file: the test file's rows follow them.
    let firstFileRows: Int

    init(_ table: CSVTable, file: String, test: (table: CSVTable, file: String)? = nil) {
        tables = [(table, file)] + (test.map { [$0] } ?? [])
        header = table.header
        firstFileRows = table.recordCount
        recordCount = tables.reduce(0) { $0 + $1.table.recordCount }
    }

    @inline(__always)
    private func locate(_ row: Int) -> (table: CSVTable, file: String, row: Int) {
        row < firstFileRows || tables.count == 1 ? (tables[0].table, tables[0].file, row)
            : (tables[1].table, tables[1].file, row - firstFileRows)
    }

    func field(_ row: Int, _ column: Int) -> String {
        let (table, _, row) = locate(row)
        return table.field(row, column)
    }

    func number(_ row: Int, _ column: Int) -> Double? {
        let (table, _, row) = locate(row)
        return table.number(row, column)
    }

    /// Where the cell stands: its file, line and column.
    func location(_ row: Int, _ column: Int) -> SourceLocation {
        let (table, file, row) = locate(row)
        return SourceLocation(file: file, line: table.line(row), column: table.column(row, column))
    }

    /// Its file and line, as a message names a row: `data.csv line 12`.
    func lineText(_ row: Int) -> String {
        let (table, file, row) = locate(row)
        return tables.count == 1 ? "line \(table.line(row))" : "\(file) line \(table.line(row))"
    }
}
