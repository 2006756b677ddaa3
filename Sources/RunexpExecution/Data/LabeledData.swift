import Foundation
import RunexpPlan
import RunexpResults

/// A data set ready for splitting: float features, integer class labels and the class names.
public struct LabeledData: Sendable {
    /// Feature values, row-major, `rows × featureNames.count`.
    public let features: [Float]
    /// Number of rows.
    public let rows: Int
    /// Feature column names in file order.
    public let featureNames: [String]
    /// Class index of each row, into ``classes``.
    public let labels: [Int32]
    /// Label texts, sorted (numerically when every label is an integer).
    public let classes: [String]
    /// Index of the positive class for binary metrics: `data.positive`, else the second class
    /// of two; nil for more than two classes.
    public let positiveClass: Int?
    /// SHA-256 of the file's bytes, lowercase hex.
    public let sha256: String

    /// Rows of each class, in class order.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: classes.count)
        for label in labels { counts[Int(label)] += 1 }
        return counts
    }
}

/// Reads the CSV file a plan names and checks it against the plan.
public enum DataLoader {
    /// Loads `plan.data.path`. Problems with the file point at the CSV's line and column; problems
    /// with the plan's keys (a missing target column, an unknown `positive`) at the YAML.
    public static func load(_ data: DataPlan, experimentFile: String) throws -> LabeledData {
        let displayPath = PathNormalizer.normalize(data.path)
        let yamlLocation = { (location: SourceLocation?) in
            location ?? SourceLocation(file: experimentFile, line: 1, column: 1)
        }
        let utf8: [UInt8]
        switch DataFile.read(data.path) {
        case .success(let bytes):
            utf8 = bytes
        case .failure(let problem):
            throw DiagnosticError([Diagnostic(location: yamlLocation(data.locations.file), keyPath: "data.file",
                                              message: "data file '\(displayPath)' \(problem.reason)", help: problem.help)])
        }
        guard String(validating: utf8, as: UTF8.self) != nil else {
            throw DiagnosticError([Diagnostic(location: SourceLocation(file: displayPath, line: 1, column: 1), keyPath: "",
                                              message: "the data file is not UTF-8 text")])
        }
        if let nul = utf8.firstIndex(of: 0) {
            throw DiagnosticError([Diagnostic(location: CSVTable.location(ofByte: nul, in: utf8, file: displayPath), keyPath: "",
                                              message: "the data file holds a NUL byte; a CSV file is text",
                                              help: "is this the file you meant? export the table as CSV text")])
        }
        let table = try CSVTable.parse(utf8: utf8, file: displayPath)
        // Classic Mac line ends (CR alone) read as one long header line and no rows: say why.
        if table.recordCount == 0, !utf8.contains(0x0A), let cr = utf8.firstIndex(of: 0x0D), cr + 1 < utf8.count {
            throw DiagnosticError([Diagnostic(location: SourceLocation(file: displayPath, line: 1, column: 1), keyPath: "",
                                              message: "the lines end in a bare carriage return (CR, old Mac line ends); runexp reads LF or CRLF",
                                              help: "convert the line ends, e.g. tr '\\r' '\\n' < old.csv > new.csv")])
        }

        var problems: [Diagnostic] = []
        guard let targetIndex = table.header.firstIndex(of: data.target) else {
            throw DiagnosticError([Diagnostic(location: yamlLocation(data.locations.target), keyPath: "data.target",
                                              message: "no column '\(data.target)' in \(displayPath)",
                                              help: Suggestions.help(for: data.target, valid: table.header, noun: "columns"))])
        }
        var excluded = Set<Int>()
        for (index, name) in data.exclude.enumerated() {
            let location = index < data.locations.exclude.count ? data.locations.exclude[index] : nil
            if let column = table.header.firstIndex(of: name) {
                if column == targetIndex {
                    problems.append(Diagnostic(location: yamlLocation(location), keyPath: "data.exclude[\(index)]",
                                               message: "'\(name)' is the target column; it is never a feature anyway"))
                }
                excluded.insert(column)
            } else {
                problems.append(Diagnostic(location: yamlLocation(location), keyPath: "data.exclude[\(index)]",
                                           message: "no column '\(name)' in \(displayPath)",
                                           help: Suggestions.help(for: name, valid: table.header, noun: "columns")))
            }
        }
        if !problems.isEmpty { throw DiagnosticError(problems) }

        let featureColumns = table.header.indices.filter { $0 != targetIndex && !excluded.contains($0) }
        guard !featureColumns.isEmpty else {
            throw DiagnosticError([Diagnostic(location: yamlLocation(data.locations.target), keyPath: "data",
                                              message: "no feature columns are left besides the target and excluded columns")])
        }
        guard table.recordCount > 0 else {
            throw DiagnosticError([Diagnostic(location: SourceLocation(file: displayPath, line: 2, column: 1), keyPath: "",
                                              message: "the data file has a header but no data rows")])
        }

        let rows = table.recordCount
        var features = [Float](repeating: 0, count: rows * featureColumns.count)
        var labelTexts: [String] = []
        labelTexts.reserveCapacity(rows)
        var cellProblems = 0
        for row in 0..<rows {
            for (position, column) in featureColumns.enumerated() {
                if let value = table.number(row, column), value.isFinite, abs(value) <= Double(Float.greatestFiniteMagnitude) {
                    features[row * featureColumns.count + position] = Float(value)
                    continue
                }
                cellProblems += 1
                if problems.count < 20 {
                    let text = table.field(row, column)
                    let location = SourceLocation(file: displayPath, line: table.line(row), column: table.column(row, column))
                    let name = table.header[column]
                    let tooLarge = table.number(row, column).map { $0.isFinite } ?? false
                    let message = text.isEmpty
                        ? "empty cell in feature column '\(Diagnostic.excerpt(name))'"
                        : tooLarge
                        ? "'\(Diagnostic.excerpt(text))' in feature column '\(Diagnostic.excerpt(name))' is beyond the 32-bit float range (±3.4e38) features train in"
                        : "'\(Diagnostic.excerpt(text))' in feature column '\(Diagnostic.excerpt(name))' is not a finite number"
                    problems.append(Diagnostic(location: location, keyPath: "", message: message,
                                               help: tooLarge ? "rescale the column (divide it by a power of ten)" : "features must be numbers; list non-numeric columns under data.exclude"))
                }
            }
            let label = table.field(row, targetIndex)
            if label.isEmpty, problems.count < 20 {
                problems.append(Diagnostic(location: SourceLocation(file: displayPath, line: table.line(row), column: table.column(row, targetIndex)),
                                           keyPath: "", message: "empty label in target column '\(data.target)'"))
            }
            labelTexts.append(label)
        }
        if cellProblems > 20, var last = problems.last {
            last.message += " (and \(cellProblems - 20) more bad cells)"
            problems[problems.count - 1] = last
        }
        if !problems.isEmpty { throw DiagnosticError(problems) }

        if let problem = unicodeVariant(labelTexts, table: table, targetIndex: targetIndex, file: displayPath) {
            throw DiagnosticError([problem])
        }
        let classes = sortedClasses(Set(labelTexts))
        guard classes.count >= 2 else {
            throw DiagnosticError([Diagnostic(location: yamlLocation(data.locations.target), keyPath: "data.target",
                                              message: "column '\(data.target)' has only one class ('\(Diagnostic.excerpt(classes.first ?? ""))'); classification needs at least two")])
        }
        let classIndex = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, Int32($0)) })
        let labels = labelTexts.map { classIndex[$0]! }

        var positiveClass: Int? = classes.count == 2 ? 1 : nil
        if let positive = data.positive {
            guard let index = classes.firstIndex(of: positive) else {
                throw DiagnosticError([Diagnostic(location: yamlLocation(data.locations.positive), keyPath: "data.positive",
                                                  message: "'\(Diagnostic.excerpt(positive))' is not a label of column '\(data.target)'",
                                                  help: Suggestions.help(for: positive, valid: classes, noun: "labels"))])
            }
            positiveClass = index
        }
        return LabeledData(features: features, rows: rows,
                           featureNames: featureColumns.map { table.header[$0] }, labels: labels, classes: classes,
                           positiveClass: positiveClass, sha256: SHA256Digest.hex(of: utf8))
    }

    /// The first label that Swift's String equality would merge with an earlier label written with
    /// other code points (`é` as U+00E9 and as `e` + U+0301): one class or two would depend on the
    /// rows' order and be invisible in every table, so the file is refused.
    static func unicodeVariant(_ labels: [String], table: CSVTable, targetIndex: Int, file: String) -> Diagnostic? {
        var firstRow: [String: Int] = [:]
        for (row, label) in labels.enumerated() {
            guard let first = firstRow[label] else {
                firstRow[label] = row
                continue
            }
            let earlier = labels[first]
            if earlier.utf8.elementsEqual(label.utf8) { continue }
            func codePoints(_ text: String) -> String {
                let scalars = text.unicodeScalars.prefix(8).map { "U+" + String($0.value, radix: 16, uppercase: true).leftPadded(to: 4) }
                return scalars.joined(separator: " ") + (text.unicodeScalars.count > 8 ? " …" : "")
            }
            return Diagnostic(location: SourceLocation(file: file, line: table.line(row), column: table.column(row, targetIndex)), keyPath: "",
                              message: "label '\(Diagnostic.excerpt(label))' (\(codePoints(label))) is the label '\(Diagnostic.excerpt(earlier))' "
                                + "of line \(table.line(first)) (\(codePoints(earlier))) written with other Unicode code points",
                              help: "write each class's label with the same characters (normalize the file to NFC)")
        }
        return nil
    }

    /// Integer labels in numeric order, anything else in code-point order. Labels of one value
    /// (`1`, `01`, `+1`) are distinct classes, ordered by their text's code points, so the order
    /// never depends on how a set happens to be hashed.
    static func sortedClasses(_ labels: Set<String>) -> [String] {
        func codePointsPrecede(_ a: String, _ b: String) -> Bool {
            a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) { $0.value < $1.value }
        }
        let numbers = labels.map { (label: $0, value: Int($0)) }
        if numbers.allSatisfy({ $0.value != nil }) {
            return numbers.sorted { a, b in
                let x = a.value ?? 0, y = b.value ?? 0
                return x != y ? x < y : codePointsPrecede(a.label, b.label)
            }.map(\.label)
        }
        return labels.sorted(by: codePointsPrecede)
    }
}

/// Reads a data file: a regular file (a FIFO would block, a device never end) of at most
/// ``ResourceLimits/dataBytes`` bytes, read no further than that.
enum DataFile {
    struct Problem: Error {
        var reason: String
        var help: String
    }

    static func read(_ path: String) -> Result<[UInt8], Problem> {
        let relative = "the path is relative to the experiment file"
        switch BoundedFile.read(path, limit: ResourceLimits.dataBytes) {
        case .success(let data):
            return .success([UInt8](data))
        case .failure(.cannotOpen(let code)) where code == ENOENT || code == ENOTDIR:
            return .failure(Problem(reason: "no such file", help: relative))
        case .failure(.cannotOpen(let code)), .failure(.cannotRead(let code)):
            return .failure(Problem(reason: "cannot be read (\(BoundedFile.Failure.reason(code)))", help: "check its permissions"))
        case .failure(.directory):
            return .failure(Problem(reason: "is a directory, not a file", help: relative))
        case .failure(.notRegular):
            return .failure(Problem(reason: "is not a regular file (a FIFO, socket or device)", help: "name a CSV file"))
        case .failure(.tooLarge(let bytes, _)):
            return .failure(tooLarge(bytes))
        }
    }

    private static func tooLarge(_ bytes: Int) -> Problem {
        Problem(reason: "has \(bytes) bytes; at most \(ResourceLimits.dataBytes) (ResourceLimits.dataBytes)",
                help: "sample the rows, or split the table into several experiments")
    }
}

/// Resolves `.` and `..` in relative paths for display: `experiments/../Data/x.csv` → `Data/x.csv`.
public enum PathNormalizer {
    public static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            if component == "." { continue }
            if component == "..", let last = parts.last, last != ".." {
                parts.removeLast()
            } else {
                parts.append(component)
            }
        }
        let joined = parts.joined(separator: "/")
        if path.hasPrefix("/") { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
