import Foundation
import RunexpPlan
import RunexpResults

/// Reads one feature column of the data as its declaration (``ColumnPlan``, `data.missing`) says,
/// a record at a time as the file streams by, and says in one message per column what is wrong
/// and the YAML line that would fix it.
struct FeatureReader: Sendable {
    let name: String
    let column: Int
    let position: Int
    let declared: ColumnPlan?
    let missing: MissingPolicy
    let isCategorical: Bool
    /// A categorical column's texts (its rows hold their numbers until ``finish(into:stride:rows:)``).
    private var texts = TextInterner()
    private var firstText: SourceLocation?
    private var firstEmpty: SourceLocation?
    private var firstHuge: (location: SourceLocation, text: String)?
    private var malformed: [(location: SourceLocation, text: String)] = []
    private var textCells = 0, emptyCells = 0, malformedCells = 0
    private var examples: [String] = []

    /// A reader of `column` (named `name`), written at `position` of each row of the features.
    init(name: String, column: Int, position: Int, data: DataPlan) {
        self.name = name
        self.column = column
        self.position = position
        declared = data.column(name)
        isCategorical = declared?.kind == .categorical
        missing = isCategorical ? declared?.missing ?? .category : declared?.missing ?? data.missing
    }

    /// Takes the record's cell into `row` (the record's features): a number, an empty cell as NaN,
    /// a category as its number in order of appearance; anything else is noted.
    mutating func take(_ record: borrowing CSVRecord, into row: UnsafeMutablePointer<Float>) {
        if isCategorical {
            // Below 2^24 categories every number is exact in a Float: rows ≤ ResourceLimits.dataCells / 2.
            let (id, _) = record.withBytes(column) { texts.intern($0) }
            if firstEmpty == nil, record.isEmpty(column) { firstEmpty = record.location(column) }
            row[position] = Float(id)
            return
        }
        if let value = record.number(column), value.isFinite {
            if abs(value) <= Double(Float.greatestFiniteMagnitude) {
                row[position] = Float(value)
            } else if firstHuge == nil {
                firstHuge = (record.location(column), record.field(column))
            }
            return
        }
        let text = record.field(column)
        if text.isEmpty {
            emptyCells += 1
            if firstEmpty == nil { firstEmpty = record.location(column) }
            row[position] = .nan
        } else if Self.looksNumeric(text) {
            // `0x10`, `inf`, `1e5x`: meant as a number, written as none runexp reads.
            malformedCells += 1
            if malformed.count < 20 { malformed.append((record.location(column), text)) }
        } else {
            textCells += 1
            if firstText == nil { firstText = record.location(column) }
            // Three shown, a fourth kept only to say there are more.
            if examples.count < 4, !examples.contains(text) { examples.append(text) }
        }
    }

    /// Nothing read needs a message, and the column is numbers (categories are numbered per reading).
    var isPlain: Bool {
        !isCategorical && textCells == 0 && malformedCells == 0 && firstHuge == nil && (firstEmpty == nil || missing != .error)
    }

    /// Takes what `other` read of the same column after this reader's rows (its lines counted
    /// from 1, `lineOffset` lines into the file). Only a plain reading is appended.
    mutating func append(_ other: FeatureReader, lineOffset: Int) {
        precondition(other.isPlain && !isCategorical, "only plain numeric readings are joined")
        emptyCells += other.emptyCells
        if firstEmpty == nil { firstEmpty = other.firstEmpty?.movedDown(lineOffset) }
    }

    /// The column's kind once every row is read (a categorical column's rows renumbered in its
    /// categories' sorted order), or what is wrong with it. `features` holds `rows` rows of `stride`.
    mutating func finish(into features: inout [Float], stride: Int, rows: Int) -> Result<FeatureKind, DiagnosticError> {
        let quoted = Diagnostic.excerpt(name)
        if isCategorical {
            if let location = firstEmpty, missing == .error {
                return .failure(DiagnosticError([Diagnostic(location: location, keyPath: "",
                    message: "empty cell in categorical column '\(quoted)'",
                    help: "make the empty cell a category of its own (\(name): {type: categorical, missing: category}) or fill it "
                        + "with the most frequent one (missing: most_frequent)")]))
            }
            // Texts equal as Swift strings (one category written with other code points) are one category.
            let categories = DataLoader.sortedClasses(Set(texts.texts))
            let index = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1, Float($0)) })
            let renumbered = texts.texts.map { index[$0] ?? 0 }
            for row in 0..<rows {
                let slot = row * stride + position
                features[slot] = renumbered[Int(features[slot])]
            }
            return .success(.categorical(categories: categories, missing: missing))
        }
        if let location = firstText {
            let shown = examples.prefix(3).map { "'\(Diagnostic.excerpt($0))'" }.joined(separator: ", ")
            return .failure(DiagnosticError([Diagnostic(location: location, keyPath: "",
                message: "feature column '\(quoted)' holds text in \(textCells) of \(rows) rows (\(shown)\(examples.count > 3 ? ", …" : "")), not numbers",
                help: "declare it a category under data.columns — \(name): categorical — or list it under data.exclude")]))
        }
        if !malformed.isEmpty {
            var problems = malformed.map { location, text in
                Diagnostic(location: location, keyPath: "",
                           message: "'\(Diagnostic.excerpt(text))' in feature column '\(quoted)' is not a finite number",
                           help: "features must be numbers; list non-numeric columns under data.exclude")
            }
            if malformedCells > problems.count { problems[problems.count - 1].message += " (and \(malformedCells - problems.count) more bad cells)" }
            return .failure(DiagnosticError(problems))
        }
        if let (location, text) = firstHuge {
            return .failure(DiagnosticError([Diagnostic(location: location, keyPath: "",
                message: "'\(Diagnostic.excerpt(text))' in feature column '\(quoted)' is beyond the 32-bit float range (±3.4e38) features train in",
                help: "rescale the column (divide it by a power of ten)")]))
        }
        if let location = firstEmpty, missing == .error {
            return .failure(DiagnosticError([Diagnostic(location: location, keyPath: "",
                message: "feature column '\(quoted)' has \(emptyCells) empty cell\(emptyCells == 1 ? "" : "s") of \(rows)",
                help: "say how to fill them: missing: median under data (every numeric column), or \(name): {missing: median} "
                    + "under data.columns (add indicator: true for a 0/1 'was empty' input); or list it under data.exclude")]))
        }
        return .success(.numeric(missing: missing, indicator: declared?.indicator ?? false))
    }

    /// Text that was meant as a number: it starts like one (a digit, sign or point) or is `inf`,
    /// `nan` or `infinity` in any case.
    static func looksNumeric(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first(where: { $0 != " " && $0 != "\t" }) else { return false }
        if "0123456789+-.".unicodeScalars.contains(first) { return true }
        return ["inf", "nan", "infinity"].contains(text.trimmingCharacters(in: .whitespaces).lowercased())
    }
}
