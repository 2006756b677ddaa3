import RunexpPlan
import RunexpResults

/// Reads the target column a record at a time: a classification's labels (each row keeps its
/// label's number in order of appearance) or a regression's numbers, with the problems located
/// as they are met.
struct TargetReader: Sendable {
    let column: Int
    let task: TaskKind
    let name: String
    /// Classification: each row's label number into ``labels``.
    private(set) var rowLabels: [Int32] = []
    private var labels = TextInterner()
    /// Per label: where it first appears (and in which file), and its value when it is a number.
    private var firstSeen: [SourceLocation] = []
    private var values: [Double?] = []
    /// Regression: each row's number.
    private(set) var targets: [Double] = []
    /// Empty labels, or targets that are no finite number (at most 20, located), and how many in all.
    private var problems: [Diagnostic] = []
    private var badCells = 0

    init(column: Int, task: TaskKind, name: String, expectedRows: Int) {
        self.column = column
        self.task = task
        self.name = name
        if task == .regression { targets.reserveCapacity(expectedRows) } else { rowLabels.reserveCapacity(expectedRows) }
    }

    mutating func take(_ record: borrowing CSVRecord) {
        if task == .regression {
            if let value = record.number(column), value.isFinite, abs(value) <= Double(Float.greatestFiniteMagnitude) {
                targets.append(value)
                return
            }
            targets.append(0)
            badCells += 1
            guard problems.count < 20 else { return }
            let text = record.field(column)
            let quoted = Diagnostic.excerpt(name)
            let tooLarge = record.number(column).map { $0.isFinite } ?? false
            let message = text.isEmpty ? "empty target in target column '\(quoted)'"
                : tooLarge ? "'\(Diagnostic.excerpt(text))' in target column '\(quoted)' is beyond the 32-bit float range (±3.4e38) the net trains in"
                : "'\(Diagnostic.excerpt(text))' in target column '\(quoted)' is not a finite number; a regression target is a number in every row"
            problems.append(Diagnostic(location: record.location(column), keyPath: "", message: message,
                                       help: tooLarge ? "rescale the column (divide it by a power of ten)"
                                           : "fill or drop the rows without a target, or set task: classification for a column of labels"))
            return
        }
        // The label's bytes are empty exactly when the cell is (spaces only, or "").
        let (id, isNew, isEmpty) = record.withBytes(column) { bytes in
            let (id, isNew) = labels.intern(bytes)
            return (id, isNew, bytes.isEmpty)
        }
        rowLabels.append(id)
        if isNew {
            firstSeen.append(record.location(column))
            values.append(record.number(column))
        }
        if isEmpty {
            badCells += 1
            if problems.count < 20 {
                problems.append(Diagnostic(location: record.location(column), keyPath: "", message: "empty label in target column '\(name)'"))
            }
        }
    }

    /// No cell read needs a message.
    var isPlain: Bool { badCells == 0 }

    /// Takes the rows `other` read after this reader's (its lines counted from 1, `lineOffset`
    /// lines into the file): its labels numbered among these, or its targets.
    mutating func append(_ other: TargetReader, lineOffset: Int) {
        precondition(other.isPlain, "only plain readings are joined")
        if task == .regression {
            targets += other.targets
            return
        }
        var numbers: [Int32] = []
        for label in 0..<other.labels.count {
            let (id, isNew) = other.labels.withBytes(of: label) { labels.intern($0) }
            numbers.append(id)
            if isNew {
                firstSeen.append(other.firstSeen[label].movedDown(lineOffset))
                values.append(other.values[label])
            }
        }
        rowLabels += other.rowLabels.map { numbers[Int($0)] }
    }

    /// The cells' problems: empty labels, or targets that are no finite number (the last says how many more).
    var cellProblems: [Diagnostic] {
        guard task == .regression, badCells > 20, var last = problems.last else { return problems }
        last.message += " (and \(badCells - 20) more bad targets)"
        return problems.dropLast() + [last]
    }

    /// A regression's targets, refused when they are all one number.
    func regressionTargets(data: DataPlan, yamlLocation: SourceLocation) throws -> [Double] {
        if let first = targets.first, targets.allSatisfy({ $0 == first }) {
            throw DiagnosticError([Diagnostic(location: yamlLocation, keyPath: "data.target",
                                              message: "column '\(Diagnostic.excerpt(data.target))' is \(first) in every row; there is nothing to predict")])
        }
        return targets
    }

    /// A classification's class of each row, the classes in order and the positive class.
    func classes(data: DataPlan, yamlLocation: (SourceLocation?) -> SourceLocation) throws -> (labels: [Int32], classes: [String], positive: Int?) {
        if let problem = numericTarget(data: data, yamlLocation: yamlLocation(data.locations.target))
            ?? unicodeVariant(namingFiles: data.testPath != nil) {
            throw DiagnosticError([problem])
        }
        let classes = DataLoader.sortedClasses(Set(labels.texts))
        guard classes.count >= 2 else {
            throw DiagnosticError([Diagnostic(location: yamlLocation(data.locations.target), keyPath: "data.target",
                                              message: "column '\(data.target)' has only one class ('\(Diagnostic.excerpt(classes.first ?? ""))'); classification needs at least two")])
        }
        let classIndex = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, Int32($0)) })
        let classOfLabel = labels.texts.map { classIndex[$0] ?? 0 }
        let rowClasses = rowLabels.map { classOfLabel[Int($0)] }
        var positiveClass: Int? = classes.count == 2 ? 1 : nil
        if let positive = data.positive {
            guard let index = classes.firstIndex(of: positive) else {
                throw DiagnosticError([Diagnostic(location: yamlLocation(data.locations.positive), keyPath: "data.positive",
                                                  message: "'\(Diagnostic.excerpt(positive))' is not a label of column '\(data.target)'",
                                                  help: Suggestions.help(for: positive, valid: classes, noun: "labels"))])
            }
            positiveClass = index
        }
        return (rowClasses, classes, positiveClass)
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
    func numericTarget(data: DataPlan, yamlLocation: SourceLocation) -> Diagnostic? {
        var fractional: Int?
        for (label, value) in values.enumerated() {
            guard let value, value.isFinite else { return nil }
            if fractional == nil, value.rounded() != value { fractional = label }
        }
        let help = "set task: regression (with loss: mse and a last layer - dense: {units: 1, activation: linear}), "
            + "or name a column of class labels as data.target"
        if let label = fractional {
            return Diagnostic(location: firstSeen[label], keyPath: "",
                              message: "'\(Diagnostic.excerpt(labels.texts[label]))' in target column '\(Diagnostic.excerpt(data.target))' is not a whole number: "
                                + "the column holds measurements, not class labels", help: help)
        }
        let distinct = Set(labels.texts).count
        guard distinct > Self.continuousClasses, distinct * Self.rowsPerClass > rowLabels.count else { return nil }
        return Diagnostic(location: yamlLocation, keyPath: "data.target",
                          message: "column '\(Diagnostic.excerpt(data.target))' has \(distinct) distinct numbers in \(rowLabels.count) rows: "
                            + "as classes most would have fewer than \(Self.rowsPerClass) rows; it looks like a regression target", help: help)
    }

    /// The first label that Swift's String equality would merge with an earlier label written with
    /// other code points (`é` as U+00E9 and as `e` + U+0301): one class or two would depend on the
    /// rows' order and be invisible in every table, so the file is refused. With `namingFiles`
    /// (a test file), the earlier label's line is named with its file.
    func unicodeVariant(namingFiles: Bool) -> Diagnostic? {
        var first: [String: Int] = [:]
        for (label, text) in labels.texts.enumerated() {
            guard let earlier = first[text] else {
                first[text] = label
                continue
            }
            func codePoints(_ text: String) -> String {
                let scalars = text.unicodeScalars.prefix(8).map { "U+" + String($0.value, radix: 16, uppercase: true).leftPadded(to: 4) }
                return scalars.joined(separator: " ") + (text.unicodeScalars.count > 8 ? " …" : "")
            }
            let seen = firstSeen[earlier]
            let line = namingFiles ? "\(seen.file) line \(seen.line)" : "line \(seen.line)"
            return Diagnostic(location: firstSeen[label], keyPath: "",
                              message: "label '\(Diagnostic.excerpt(text))' (\(codePoints(text))) is the label '\(Diagnostic.excerpt(labels.texts[earlier]))' "
                                + "of \(line) (\(codePoints(labels.texts[earlier]))) written with other Unicode code points",
                              help: "write each class's label with the same characters (normalize the file to NFC)")
        }
        return nil
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
