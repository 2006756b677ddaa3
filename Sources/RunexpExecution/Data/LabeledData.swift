import CRunexpMemory
import Foundation
import RunexpPlan
import RunexpResults

/// A data set ready for splitting: float features and the target, integer class labels with the
/// class names (classification) or numbers (regression).
public struct LabeledData: Sendable {
    /// Feature values, row-major, `rows × featureNames.count`: numbers (NaN for an empty cell a
    /// policy fills), or a categorical column's category index.
    public let features: [Float]
    /// Number of rows.
    public let rows: Int
    /// Feature column names in file order.
    public let featureNames: [String]
    /// How each feature column is read (all numeric without `data.columns`).
    public var featureKinds: [FeatureKind] = [] {
        didSet { inputWidth = Self.inputWidth(featureKinds) }
    }
    /// The network's input width: kept, because every cell's footprint check asks for it.
    public private(set) var inputWidth = 0
    /// The rows of `data.test_file` (they follow the data file's rows): every run's test part.
    public var testRows: Range<Int>?
    /// SHA-256 of the test file's bytes, lowercase hex.
    public var testSHA256: String?
    /// Warnings about the data that do not stop a run, one line each (`file:line:col: warning: …`).
    public var warnings: [String] = []
    /// Class index of each row, into ``classes``; empty for regression.
    public let labels: [Int32]
    /// Label texts, sorted (numerically when every label is an integer); empty for regression.
    public let classes: [String]
    /// The target value of each row (regression); empty for classification.
    public var targets: [Double] = []
    /// Index of the positive class for binary metrics: `data.positive`, else the second class
    /// of two; nil for more than two classes.
    public let positiveClass: Int?
    /// SHA-256 of the file's bytes, lowercase hex.
    public let sha256: String

    /// The data of a regression: features and one number per row.
    init(features: [Float], rows: Int, featureNames: [String], targets: [Double], sha256: String) {
        self.init(features: features, rows: rows, featureNames: featureNames, labels: [], classes: [], positiveClass: nil, sha256: sha256)
        self.targets = targets
    }

    init(features: [Float], rows: Int, featureNames: [String], labels: [Int32], classes: [String], positiveClass: Int?, sha256: String) {
        self.features = features
        self.rows = rows
        self.featureNames = featureNames
        self.featureKinds = featureNames.map { _ in .numeric(missing: .error, indicator: false) }
        self.inputWidth = featureNames.count
        self.labels = labels
        self.classes = classes
        self.positiveClass = positiveClass
        self.sha256 = sha256
    }

    /// The network's inputs after each run's preparation, named (``FeatureKind/inputNames(_:)``).
    public var inputNames: [String] {
        zip(featureNames, featureKinds).flatMap { name, kind in kind.inputNames(name) }
    }

    /// The inputs `kinds` make (``FeatureKind/standardizedInputs`` has one flag per input).
    static func inputWidth(_ kinds: [FeatureKind]) -> Int {
        kinds.reduce(0) { $0 + $1.standardizedInputs.count }
    }

    /// Per input, whether it is a number that standardization z-scores (not a 0/1 one-hot or indicator).
    var numericInputs: [Bool] { featureKinds.flatMap(\.standardizedInputs) }

    /// True for the data of a regression task.
    public var isRegression: Bool { classes.isEmpty }

    /// The class count the training kernel works with: the classes, or one output for regression.
    public var kernelClassCount: Int { isRegression ? 1 : classes.count }

    /// The rows' strata for splitting: each row's class, or a single stratum for regression.
    public var strata: [Int32] { isRegression ? [Int32](repeating: 0, count: rows) : labels }

    /// How many strata ``strata`` has.
    public var strataCount: Int { max(classes.count, 1) }

    /// Rows of each class, in class order.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: classes.count)
        for label in labels { counts[Int(label)] += 1 }
        return counts
    }
}

/// Reads the CSV file a plan names and checks it against the plan.
public enum DataLoader {
    /// Loads `plan.data.path` (and `plan.data.testPath`), streaming each file once: a record's
    /// cells go straight into the features and the target, so memory is the features, not the
    /// file. Problems with a file point at the CSV's line and column; problems with the plan's
    /// keys (a missing target column, an unknown `positive`) at the YAML.
    public static func load(_ data: DataPlan, task: TaskKind, experimentFile: String) throws -> LabeledData {
        try load(data, task: task, experimentFile: experimentFile, reader: SplitReading())
    }

    /// ``load(_:task:experimentFile:)`` with the files read by `reader` (tests split small files).
    static func load(_ data: DataPlan, task: TaskKind, experimentFile: String, reader: SplitReading) throws -> LabeledData {
        let yamlLocation = { (location: SourceLocation?) in
            location ?? SourceLocation(file: experimentFile, line: 1, column: 1)
        }
        let delimiter = data.delimiter.utf8.first ?? 0x2C
        let stream = try open(data.path, keyPath: "data.file", keyLocation: yamlLocation(data.locations.file), delimiter: delimiter)
        let testStream = try data.testPath.map { path in
            try open(path, keyPath: "data.test_file", keyLocation: yamlLocation(data.locations.testFile), delimiter: delimiter)
        }
        if let testStream { try checkSameHeader(testStream, as: stream) }
        let header = stream.header
        let (targetIndex, featureColumns) = try columns(of: header, data: data, yamlLocation: yamlLocation)

        let bytes = stream.fileBytes + (testStream?.fileBytes ?? 0)
        let expectedRows = min(ResourceLimits.dataCells * 2 / header.count, bytes / header.count + 1)
        var reading = RecordReading(header: header, featureColumns: featureColumns, targetIndex: targetIndex, data: data, task: task,
                                    expectedRows: expectedRows)
        let (dataRows, sha256, _) = try reader.read(stream, path: data.path, what: "data file", delimiter: delimiter, into: &reading)
        guard dataRows > 0 else {
            throw DiagnosticError([Diagnostic(location: SourceLocation(file: stream.file, line: 2, column: 1), keyPath: "",
                                              message: "the data file has a header but no data rows")])
        }
        var test: (rows: Int, sha256: String)?
        if let testStream, let testPath = data.testPath {
            let read = try reader.read(testStream, path: testPath, what: "test file", delimiter: delimiter, into: &reading)
            test = (read.rows, read.sha256)
            guard test?.rows ?? 0 > 0 else {
                throw DiagnosticError([Diagnostic(location: SourceLocation(file: testStream.file, line: 2, column: 1), keyPath: "",
                                                  message: "the test file has a header but no data rows")])
            }
        }
        let rows = dataRows + (test?.rows ?? 0)
        let target = reading.target
        let firstRow = reading.firstRow
        let (features, kinds, problems) = reading.finish()
        if !problems.isEmpty { throw DiagnosticError(Array(problems.prefix(ResourceLimits.diagnostics))) }
        let featureNames = featureColumns.map { header[$0] }
        var loaded: LabeledData
        if task == .regression {
            if !target.cellProblems.isEmpty { throw DiagnosticError(target.cellProblems) }
            let targets = try target.regressionTargets(data: data, yamlLocation: yamlLocation(data.locations.target))
            loaded = LabeledData(features: features, rows: rows, featureNames: featureNames, targets: targets, sha256: sha256)
        } else {
            let (labels, classes, positiveClass) = try target.classes(data: data, yamlLocation: yamlLocation)
            loaded = LabeledData(features: features, rows: rows, featureNames: featureNames, labels: labels, classes: classes,
                                 positiveClass: positiveClass, sha256: sha256)
        }
        loaded.featureKinds = kinds
        loaded.testRows = test == nil ? nil : dataRows..<rows
        loaded.testSHA256 = test?.sha256
        loaded.warnings = idLikeColumns(featureNames, firstRow: firstRow, rows: rows, data: data, features: features)
        // The windows the files were read through (two threads' worth, reused from the heap) are
        // free now: given back, they do not add to the memory training peaks at.
        _ = runexp_return_free_memory()
        return loaded
    }

    /// Opens one CSV file of the experiment (the data file or the test file) and reads its header,
    /// refusing a file that cannot be read at `keyLocation`.
    static func open(_ path: String, keyPath: String, keyLocation: SourceLocation, delimiter: UInt8) throws -> CSVStream {
        let displayPath = PathNormalizer.normalize(path)
        let what = keyPath == "data.file" ? "data file" : "test file"
        switch DataFile.open(path) {
        case .success(let reader):
            return try CSVStream(reader, file: displayPath, what: what, delimiter: delimiter)
        case .failure(let problem):
            throw DiagnosticError([Diagnostic(location: keyLocation, keyPath: keyPath,
                                              message: "\(what) '\(displayPath)' \(problem.reason)", help: problem.help)])
        }
    }

    /// Refuses a test file whose header is not the data file's.
    static func checkSameHeader(_ test: CSVStream, as data: CSVStream) throws {
        guard test.header != data.header else { return }
        let missing = data.header.filter { !test.header.contains($0) }
        let extra = test.header.filter { !data.header.contains($0) }
        let difference = missing.isEmpty && extra.isEmpty ? "has the same columns in another order"
            : [missing.isEmpty ? nil : "lacks " + missing.prefix(5).map { "'\(Diagnostic.excerpt($0))'" }.joined(separator: ", "),
               extra.isEmpty ? nil : "adds " + extra.prefix(5).map { "'\(Diagnostic.excerpt($0))'" }.joined(separator: ", ")]
                .compactMap { $0 }.joined(separator: " and ")
        throw DiagnosticError([Diagnostic(location: SourceLocation(file: test.file, line: 1, column: 1), keyPath: "",
                                          message: "the test file's header differs from the data file's: it \(difference)",
                                          help: "give both files the same columns in the same order")])
    }

    /// The target's column and the feature columns (neither the target nor excluded), with the
    /// plan's column names (`target`, `exclude`, `columns`) checked against the header.
    static func columns(of header: [String], data: DataPlan, yamlLocation: (SourceLocation?) -> SourceLocation) throws
        -> (target: Int, features: [Int]) {
        let displayPath = PathNormalizer.normalize(data.path)
        if header.count == 1, header[0] != data.target {
            let others = [(",", "a comma"), (";", "a semicolon"), ("\t", "a tab")].filter { $0.0 != data.delimiter && header[0].contains($0.0) }
            if let (separator, name) = others.first {
                throw DiagnosticError([Diagnostic(location: SourceLocation(file: displayPath, line: 1, column: 1), keyPath: "",
                                                  message: "the header is a single column with \(name) in it: the fields seem separated by \(name), not '\(data.delimiter == "\t" ? "\\t" : data.delimiter)'",
                                                  help: "write data.delimiter: \"\(separator == "\t" ? "\\t" : separator)\"")])
            }
        }
        guard let targetIndex = header.firstIndex(of: data.target) else {
            throw DiagnosticError([Diagnostic(location: yamlLocation(data.locations.target), keyPath: "data.target",
                                              message: "no column '\(data.target)' in \(displayPath)",
                                              help: Suggestions.help(for: data.target, valid: header, noun: "columns"))])
        }
        var problems: [Diagnostic] = []
        var excluded = Set<Int>()
        for (index, name) in data.exclude.enumerated() {
            let location = index < data.locations.exclude.count ? data.locations.exclude[index] : nil
            if let column = header.firstIndex(of: name) {
                if column == targetIndex {
                    problems.append(Diagnostic(location: yamlLocation(location), keyPath: "data.exclude[\(index)]",
                                               message: "'\(name)' is the target column; it is never a feature anyway"))
                }
                excluded.insert(column)
            } else {
                problems.append(Diagnostic(location: yamlLocation(location), keyPath: "data.exclude[\(index)]",
                                           message: "no column '\(name)' in \(displayPath)",
                                           help: Suggestions.help(for: name, valid: header, noun: "columns")))
            }
        }
        if !problems.isEmpty { throw DiagnosticError(problems) }
        let featureColumns = header.indices.filter { $0 != targetIndex && !excluded.contains($0) }
        guard !featureColumns.isEmpty else {
            throw DiagnosticError([Diagnostic(location: yamlLocation(data.locations.target), keyPath: "data",
                                              message: "no feature columns are left besides the target and excluded columns")])
        }
        let featureNames = featureColumns.map { header[$0] }
        for column in data.columns where !featureNames.contains(column.name) {
            let known = header.contains(column.name)
            problems.append(Diagnostic(location: yamlLocation(data.locations.columns[column.name]), keyPath: "data.columns.\(Diagnostic.excerpt(column.name))",
                                       message: known ? "'\(Diagnostic.excerpt(column.name))' is excluded, so it is no feature to declare"
                                                      : "no column '\(Diagnostic.excerpt(column.name))' in \(displayPath)",
                                       help: known ? "remove it from data.columns or from data.exclude"
                                                   : Suggestions.help(for: column.name, valid: featureNames, noun: "feature columns")))
        }
        if !problems.isEmpty { throw DiagnosticError(problems) }
        return (targetIndex, featureColumns)
    }

    /// Feature columns that look like a row id, neither excluded nor declared: a name that ends in
    /// `id` (`PassengerId`, `user_id`, `ID`), or whole numbers that go up by one from row to row.
    /// A model that learns from a row id learns the file's order.
    static func idLikeColumns(_ featureNames: [String], firstRow: [SourceLocation], rows: Int, data: DataPlan, features: [Float]) -> [String] {
        var warnings: [String] = []
        let stride = featureNames.count
        for (position, name) in featureNames.enumerated() {
            guard data.column(name) == nil else { continue }
            let named = name.lowercased().hasSuffix("id")
            var counting = rows >= 3
            if counting, !named {
                let first = features[position]
                for row in 0..<rows where features[row * stride + position] != first + Float(row) {
                    counting = false
                    break
                }
                counting = counting && first.rounded() == first
            }
            guard named || counting, position < firstRow.count else { continue }
            let location = firstRow[position]
            let why = named ? "its name ends in 'id'" : "its values count the rows (\(Self.integerText(features[position])), "
                + "\(Self.integerText(features[position] + 1)), …)"
            warnings.append("\(location.file):\(location.line):\(location.column): warning: feature column '\(Diagnostic.excerpt(name))' looks like a row id (\(why)); "
                + "a model that learns from it learns the rows' order: add it to data.exclude, or declare it under data.columns to keep it")
        }
        return warnings
    }

    private static func integerText(_ value: Float) -> String {
        value.magnitude < 1e9 ? String(Int(value)) : String(value)
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

    static func open(_ path: String) -> Result<BoundedFile.Reader, Problem> {
        let relative = "the path is relative to the experiment file"
        switch BoundedFile.Reader.open(path, limit: ResourceLimits.dataBytes) {
        case .success(let reader):
            return .success(reader)
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
