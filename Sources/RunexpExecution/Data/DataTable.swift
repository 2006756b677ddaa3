import RunexpPlan
import RunexpResults

/// The rows of the data file, then those of the test file when there is one (`data.test_file`):
/// one table to read, each row located in its own file.
struct DataTable {
    /// The data file's table and its name in messages.
    private let first: CSVTable
    private let firstFile: String
    /// The test file's, if any.
    private let second: CSVTable?
    private let secondFile: String
    /// The data file's header (the test file's is the same: ``DataLoader/load``).
    let header: [String]
    /// Rows of all files.
    let recordCount: Int
    /// Rows of the data file: the test file's rows follow them.
    let firstFileRows: Int

    init(_ table: CSVTable, file: String, test: (table: CSVTable, file: String)? = nil) {
        first = table
        firstFile = file
        second = test?.table
        secondFile = test?.file ?? ""
        header = table.header
        firstFileRows = table.recordCount
        recordCount = table.recordCount + (test?.table.recordCount ?? 0)
    }

    // Each accessor branches on the row instead of returning the table it is in: a CSVTable
    // returned by value is a copy (its arrays retained and released), per cell of the file.

    func field(_ row: Int, _ column: Int) -> String {
        if row < firstFileRows { return first.field(row, column) }
        return second?.field(row - firstFileRows, column) ?? ""
    }

    func number(_ row: Int, _ column: Int) -> Double? {
        if row < firstFileRows { return first.number(row, column) }
        return second?.number(row - firstFileRows, column)
    }

    /// Where the cell stands: its file, line and column.
    func location(_ row: Int, _ column: Int) -> SourceLocation {
        if row < firstFileRows || second == nil {
            return SourceLocation(file: firstFile, line: first.line(row), column: first.column(row, column))
        }
        let inSecond = row - firstFileRows
        return SourceLocation(file: secondFile, line: second?.line(inSecond) ?? 0, column: second?.column(inSecond, column) ?? 0)
    }

    /// Its file and line, as a message names a row: `line 12`, or `test.csv line 12` with a test file.
    func lineText(_ row: Int) -> String {
        let location = location(row, 0)
        return second == nil ? "line \(location.line)" : "\(location.file) line \(location.line)"
    }
}
