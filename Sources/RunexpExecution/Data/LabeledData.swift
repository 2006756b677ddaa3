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
    /// Loads `plan.data.path` (and `plan.data.testPath`). Problems with a file point at the CSV's
    /// line and column; problems with the plan's keys (a missing target column, an unknown
    /// `positive`) at the YAML.
    public static func load(_ data: DataPlan, task: TaskKind, experimentFile: String) throws -> LabeledData {
        let yamlLocation = { (location: SourceLocation?) in
            location ?? SourceLocation(file: experimentFile, line: 1, column: 1)
        }
        let (table, sha256, testSHA256) = try readTables(data, yamlLocation: yamlLocation)
        let (targetIndex, featureColumns) = try columns(of: table, data: data, yamlLocation: yamlLocation)
        let (features, kinds, labelTexts) = try readFeatures(table, columns: featureColumns, targetIndex: targetIndex, data: data, task: task)
        let featureNames = featureColumns.map { table.header[$0] }
        var loaded: LabeledData
        if task == .regression {
            let targets = try regressionTargets(table, column: targetIndex, data: data, yamlLocation: yamlLocation)
            loaded = LabeledData(features: features, rows: table.recordCount, featureNames: featureNames, targets: targets, sha256: sha256)
        } else {
            let (labels, classes, positiveClass) = try classes(labelTexts, table: table, targetIndex: targetIndex, data: data,
                                                               yamlLocation: yamlLocation)
            loaded = LabeledData(features: features, rows: table.recordCount, featureNames: featureNames, labels: labels, classes: classes,
                                 positiveClass: positiveClass, sha256: sha256)
        }
        loaded.featureKinds = kinds
        loaded.testRows = testSHA256 == nil ? nil : table.firstFileRows..<table.recordCount
        loaded.testSHA256 = testSHA256
        loaded.warnings = idLikeColumns(table, featureColumns: featureColumns, data: data, features: features)
        return loaded
    }

    /// The data file, and the test file after it when the plan names one (with the same header).
    static func readTables(_ data: DataPlan, yamlLocation: (SourceLocation?) -> SourceLocation) throws
        -> (DataTable, sha256: String, testSHA256: String?) {
        let (csv, sha256) = try readTable(data.path, data: data, keyPath: "data.file", keyLocation: yamlLocation(data.locations.file))
        let displayPath = PathNormalizer.normalize(data.path)
        guard let testPath = data.testPath else { return (DataTable(csv, file: displayPath), sha256, nil) }
        let (testTable, testSHA256) = try readTable(testPath, data: data, keyPath: "data.test_file", keyLocation: yamlLocation(data.locations.testFile))
        if testTable.header != csv.header {
            let missing = csv.header.filter { !testTable.header.contains($0) }
            let extra = testTable.header.filter { !csv.header.contains($0) }
            let difference = missing.isEmpty && extra.isEmpty ? "has the same columns in another order"
                : [missing.isEmpty ? nil : "lacks " + missing.prefix(5).map { "'\(Diagnostic.excerpt($0))'" }.joined(separator: ", "),
                   extra.isEmpty ? nil : "adds " + extra.prefix(5).map { "'\(Diagnostic.excerpt($0))'" }.joined(separator: ", ")]
                    .compactMap { $0 }.joined(separator: " and ")
            throw DiagnosticError([Diagnostic(location: SourceLocation(file: PathNormalizer.normalize(testPath), line: 1, column: 1), keyPath: "",
                                              message: "the test file's header differs from the data file's: it \(difference)",
                                              help: "give both files the same columns in the same order")])
        }
        guard testTable.recordCount > 0 else {
            throw DiagnosticError([Diagnostic(location: SourceLocation(file: PathNormalizer.normalize(testPath), line: 2, column: 1), keyPath: "",
                                              message: "the test file has a header but no data rows")])
        }
        return (DataTable(csv, file: displayPath, test: (testTable, PathNormalizer.normalize(testPath))), sha256, testSHA256)
    }

    /// The target's column and the feature columns (neither the target nor excluded), with the
    /// plan's column names (`target`, `exclude`, `columns`) checked against the header.
    static func columns(of table: DataTable, data: DataPlan, yamlLocation: (SourceLocation?) -> SourceLocation) throws
        -> (target: Int, features: [Int]) {
        let displayPath = PathNormalizer.normalize(data.path)
        if table.header.count == 1, table.header[0] != data.target {
            let others = [(",", "a comma"), (";", "a semicolon"), ("\t", "a tab")].filter { $0.0 != data.delimiter && table.header[0].contains($0.0) }
            if let (separator, name) = others.first {
                throw DiagnosticError([Diagnostic(location: SourceLocation(file: displayPath, line: 1, column: 1), keyPath: "",
                                                  message: "the header is a single column with \(name) in it: the fields seem separated by \(name), not '\(data.delimiter == "\t" ? "\\t" : data.delimiter)'",
                                                  help: "write data.delimiter: \"\(separator == "\t" ? "\\t" : separator)\"")])
            }
        }
        guard let targetIndex = table.header.firstIndex(of: data.target) else {
            throw DiagnosticError([Diagnostic(location: yamlLocation(data.locations.target), keyPath: "data.target",
                                              message: "no column '\(data.target)' in \(displayPath)",
                                              help: Suggestions.help(for: data.target, valid: table.header, noun: "columns"))])
        }
        var problems: [Diagnostic] = []
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
        let featureNames = featureColumns.map { table.header[$0] }
        for column in data.columns where !featureNames.contains(column.name) {
            let known = table.header.contains(column.name)
            problems.append(Diagnostic(location: yamlLocation(data.locations.columns[column.name]), keyPath: "data.columns.\(Diagnostic.excerpt(column.name))",
                                       message: known ? "'\(Diagnostic.excerpt(column.name))' is excluded, so it is no feature to declare"
                                                      : "no column '\(Diagnostic.excerpt(column.name))' in \(displayPath)",
                                       help: known ? "remove it from data.columns or from data.exclude"
                                                   : Suggestions.help(for: column.name, valid: featureNames, noun: "feature columns")))
        }
        if !problems.isEmpty { throw DiagnosticError(problems) }
        return (targetIndex, featureColumns)
    }

    /// The features (row-major, one reader per column taking its cells row by row) and the target's texts.
    static func readFeatures(_ table: DataTable, columns: [Int], targetIndex: Int, data: DataPlan, task: TaskKind) throws
        -> (features: [Float], kinds: [FeatureKind], labels: [String]) {
        let rows = table.recordCount, stride = columns.count
        var problems: [Diagnostic] = []
        var features = [Float](repeating: 0, count: rows * stride)
        var readers = columns.enumerated().map { FeatureReader(table, column: $1, position: $0, data: data) }
        var labelTexts: [String] = []
        labelTexts.reserveCapacity(rows)
        for row in 0..<rows {
            for index in readers.indices { readers[index].take(table, row: row, stride: stride, into: &features) }
            let label = table.field(row, targetIndex)
            // A regression's targets are checked as numbers (regressionTargets).
            if label.isEmpty, task == .classification, problems.count < 20 {
                problems.append(Diagnostic(location: table.location(row, targetIndex),
                                           keyPath: "", message: "empty label in target column '\(data.target)'"))
            }
            labelTexts.append(label)
        }
        var kinds: [FeatureKind] = []
        for reader in readers {
            switch reader.finish(table, stride: stride, into: &features) {
            case .success(let kind): kinds.append(kind)
            case .failure(let error): problems += error.diagnostics
            }
        }
        if !problems.isEmpty { throw DiagnosticError(Array(problems.prefix(ResourceLimits.diagnostics))) }
        return (features, kinds, labelTexts)
    }

    /// A classification's class of each row, the classes in order and the positive class.
    static func classes(_ labelTexts: [String], table: DataTable, targetIndex: Int, data: DataPlan,
                        yamlLocation: (SourceLocation?) -> SourceLocation) throws -> (labels: [Int32], classes: [String], positive: Int?) {
        if let problem = numericTarget(labelTexts, table: table, column: targetIndex, data: data, yamlLocation: yamlLocation(data.locations.target)) {
            throw DiagnosticError([problem])
        }
        if let problem = unicodeVariant(labelTexts, table: table, targetIndex: targetIndex) {
            throw DiagnosticError([problem])
        }
        let classes = sortedClasses(Set(labelTexts))
        guard classes.count >= 2 else {
            throw DiagnosticError([Diagnostic(location: yamlLocation(data.locations.target), keyPath: "data.target",
                                              message: "column '\(data.target)' has only one class ('\(Diagnostic.excerpt(classes.first ?? ""))'); classification needs at least two")])
        }
        let classIndex = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, Int32($0)) })
        let labels = labelTexts.map { classIndex[$0] ?? 0 }
        var positiveClass: Int? = classes.count == 2 ? 1 : nil
        if let positive = data.positive {
            guard let index = classes.firstIndex(of: positive) else {
                throw DiagnosticError([Diagnostic(location: yamlLocation(data.locations.positive), keyPath: "data.positive",
                                                  message: "'\(Diagnostic.excerpt(positive))' is not a label of column '\(data.target)'",
                                                  help: Suggestions.help(for: positive, valid: classes, noun: "labels"))])
            }
            positiveClass = index
        }
        return (labels, classes, positiveClass)
    }

    /// Feature columns that look like a row id, neither excluded nor declared: a name that ends in
    /// `id` (`PassengerId`, `user_id`, `ID`), or whole numbers that go up by one from row to row.
    /// A model that learns from a row id learns the file's order.
    static func idLikeColumns(_ table: DataTable, featureColumns: [Int], data: DataPlan, features: [Float]) -> [String] {
        var warnings: [String] = []
        for (position, column) in featureColumns.enumerated() {
            let name = table.header[column]
            guard data.column(name) == nil else { continue }
            let named = name.lowercased().hasSuffix("id")
            var counting = table.recordCount >= 3
            if counting, !named {
                let stride = featureColumns.count
                let first = features[position]
                for row in 0..<table.recordCount where features[row * stride + position] != first + Float(row) {
                    counting = false
                    break
                }
                counting = counting && first.rounded() == first
            }
            guard named || counting else { continue }
            let location = table.location(0, column)
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

    /// Reads and parses one CSV file of the experiment (the data file or the test file), refusing
    /// what is no UTF-8 CSV text with its file's location, or at `keyLocation` when it cannot be read.
    static func readTable(_ path: String, data: DataPlan, keyPath: String, keyLocation: SourceLocation) throws -> (CSVTable, sha256: String) {
        let displayPath = PathNormalizer.normalize(path)
        let what = keyPath == "data.file" ? "data file" : "test file"
        var utf8: [UInt8]
        switch DataFile.read(path) {
        case .success(let bytes):
            utf8 = bytes
        case .failure(let problem):
            throw DiagnosticError([Diagnostic(location: keyLocation, keyPath: keyPath,
                                              message: "\(what) '\(displayPath)' \(problem.reason)", help: problem.help)])
        }
        guard String(validating: utf8, as: UTF8.self) != nil else {
            throw DiagnosticError([Diagnostic(location: SourceLocation(file: displayPath, line: 1, column: 1), keyPath: "",
                                              message: "the \(what) is not UTF-8 text")])
        }
        if let nul = utf8.firstIndex(of: 0) {
            throw DiagnosticError([Diagnostic(location: CSVTable.location(ofByte: nul, in: utf8, file: displayPath), keyPath: "",
                                              message: "the \(what) holds a NUL byte; a CSV file is text",
                                              help: "is this the file you meant? export the table as CSV text")])
        }
        let sha256 = SHA256Digest.hex(of: utf8)
        // Classic Mac line ends (CR alone) read as one long header line and no rows: say why.
        let bareCR = !utf8.contains(0x0A) && utf8.firstIndex(of: 0x0D).map { $0 + 1 < utf8.count } == true
        // The bytes move into the table, which parses them in place: held once, not twice.
        let table = try CSVTable.parse(utf8: consume utf8, file: displayPath, delimiter: data.delimiter.utf8.first ?? 0x2C)
        if table.recordCount == 0, bareCR {
            throw DiagnosticError([Diagnostic(location: SourceLocation(file: displayPath, line: 1, column: 1), keyPath: "",
                                              message: "the lines end in a bare carriage return (CR, old Mac line ends); runexp reads LF or CRLF",
                                              help: "convert the line ends, e.g. tr '\\r' '\\n' < old.csv > new.csv")])
        }
        return (table, sha256)
    }

    /// The regression target: a finite number in every row (at most 20 bad cells are listed), and
    /// not the same number in all.
    static func regressionTargets(_ table: DataTable, column: Int, data: DataPlan,
                                  yamlLocation: (SourceLocation?) -> SourceLocation) throws -> [Double] {
        var targets: [Double] = []
        targets.reserveCapacity(table.recordCount)
        var problems: [Diagnostic] = []
        var bad = 0
        for row in 0..<table.recordCount {
            if let value = table.number(row, column), value.isFinite, abs(value) <= Double(Float.greatestFiniteMagnitude) {
                targets.append(value)
                continue
            }
            bad += 1
            guard problems.count < 20 else { continue }
            let text = table.field(row, column)
            let location = table.location(row, column)
            let name = Diagnostic.excerpt(data.target)
            let tooLarge = table.number(row, column).map { $0.isFinite } ?? false
            let message = text.isEmpty ? "empty target in target column '\(name)'"
                : tooLarge ? "'\(Diagnostic.excerpt(text))' in target column '\(name)' is beyond the 32-bit float range (±3.4e38) the net trains in"
                : "'\(Diagnostic.excerpt(text))' in target column '\(name)' is not a finite number; a regression target is a number in every row"
            problems.append(Diagnostic(location: location, keyPath: "", message: message,
                                       help: tooLarge ? "rescale the column (divide it by a power of ten)"
                                           : "fill or drop the rows without a target, or set task: classification for a column of labels"))
        }
        if bad > 20, var last = problems.last {
            last.message += " (and \(bad - 20) more bad targets)"
            problems[problems.count - 1] = last
        }
        if !problems.isEmpty { throw DiagnosticError(problems) }
        if let first = targets.first, targets.allSatisfy({ $0 == first }) {
            throw DiagnosticError([Diagnostic(location: yamlLocation(data.locations.target), keyPath: "data.target",
                                              message: "column '\(Diagnostic.excerpt(data.target))' is \(first) in every row; there is nothing to predict")])
        }
        return targets
    }

    /// Distinct values above which a numeric classification target looks continuous: more than
    /// this many, and fewer than ``rowsPerClass`` rows per value on average.
    static let continuousClasses = 20
    static let rowsPerClass = 5

    /// Why a classification target of numbers is a regression target, or nil: a value that is not
    /// a whole number (`151.5`), or more than ``continuousClasses`` distinct values with fewer than
    /// ``rowsPerClass`` rows each on average (scikit-learn's diabetes target has 214 in 442 rows).
    /// Labels of text, and integer codes of a real classification (10 digits, 100 species in 10,000
    /// rows), pass.
    static func numericTarget(_ labels: [String], table: DataTable, column: Int, data: DataPlan,
                              yamlLocation: SourceLocation) -> Diagnostic? {
        var distinct = Set<String>()
        var fractional: Int?
        for (row, label) in labels.enumerated() {
            guard let value = table.number(row, column), value.isFinite else { return nil }
            if fractional == nil, value.rounded() != value { fractional = row }
            distinct.insert(label)
        }
        let help = "set task: regression (with loss: mse and a last layer - dense: {units: 1, activation: linear}), "
            + "or name a column of class labels as data.target"
        if let row = fractional {
            return Diagnostic(location: table.location(row, column), keyPath: "",
                              message: "'\(Diagnostic.excerpt(labels[row]))' in target column '\(Diagnostic.excerpt(data.target))' is not a whole number: "
                                + "the column holds measurements, not class labels", help: help)
        }
        guard distinct.count > continuousClasses, distinct.count * rowsPerClass > labels.count else { return nil }
        return Diagnostic(location: yamlLocation, keyPath: "data.target",
                          message: "column '\(Diagnostic.excerpt(data.target))' has \(distinct.count) distinct numbers in \(labels.count) rows: "
                            + "as classes most would have fewer than \(rowsPerClass) rows; it looks like a regression target", help: help)
    }

    /// The first label that Swift's String equality would merge with an earlier label written with
    /// other code points (`é` as U+00E9 and as `e` + U+0301): one class or two would depend on the
    /// rows' order and be invisible in every table, so the file is refused.
    static func unicodeVariant(_ labels: [String], table: DataTable, targetIndex: Int) -> Diagnostic? {
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
            return Diagnostic(location: table.location(row, targetIndex), keyPath: "",
                              message: "label '\(Diagnostic.excerpt(label))' (\(codePoints(label))) is the label '\(Diagnostic.excerpt(earlier))' "
                                + "of \(table.lineText(first)) (\(codePoints(earlier))) written with other Unicode code points",
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
