import Foundation
import RunexpPlan
import RunexpResults

/// Reads one feature column of the table as its declaration (``ColumnPlan``, `data.missing`) says,
/// and says in one message per column what is wrong and the YAML line that would fix it.
///
/// The table is read row by row, every column's reader taking its cell in turn: cells lie row by
/// row in memory, and reading a column at a time missed the cache on every cell (2× the load
/// time of a 200,000 × 50 file).
struct FeatureReader {
    let name: String
    let column: Int
    let position: Int
    let declared: ColumnPlan?
    let missing: MissingPolicy
    private var texts: [String] = []
    private var firstText: (row: Int, text: String)?
    private var firstEmpty: Int?
    private var firstHuge: (row: Int, text: String)?
    private var malformed: [(row: Int, text: String)] = []
    private var textCells = 0, emptyCells = 0, malformedCells = 0
    private var examples: [String] = []

    /// A reader of `column` of `table`, written at `position` of each row of the features.
    init(_ table: DataTable, column: Int, position: Int, data: DataPlan) {
        name = table.header[column]
        self.column = column
        self.position = position
        declared = data.column(name)
        missing = declared?.kind == .categorical ? declared?.missing ?? .category : declared?.missing ?? data.missing
        if isCategorical { texts.reserveCapacity(table.recordCount) }
    }

    private var isCategorical: Bool { declared?.kind == .categorical }

    /// Takes the cell of `row`: a number into `features`, an empty cell as NaN; anything else is noted.
    mutating func take(_ table: DataTable, row: Int, stride: Int, into features: inout [Float]) {
        if isCategorical {
            let text = table.field(row, column)
            if text.isEmpty, firstEmpty == nil { firstEmpty = row }
            texts.append(text)
            return
        }
        if let value = table.number(row, column), value.isFinite {
            if abs(value) <= Double(Float.greatestFiniteMagnitude) {
                features[row * stride + position] = Float(value)
            } else if firstHuge == nil {
                firstHuge = (row, table.field(row, column))
            }
            return
        }
        let text = table.field(row, column)
        if text.isEmpty {
            emptyCells += 1
            if firstEmpty == nil { firstEmpty = row }
            features[row * stride + position] = .nan
        } else if Self.looksNumeric(text) {
            // `0x10`, `inf`, `1e5x`: meant as a number, written as none runexp reads.
            malformedCells += 1
            if malformed.count < 20 { malformed.append((row, text)) }
        } else {
            textCells += 1
            if firstText == nil { firstText = (row, text) }
            // Three shown, a fourth kept only to say there are more.
            if examples.count < 4, !examples.contains(text) { examples.append(text) }
        }
    }

    /// The column's kind once every row is read (a categorical column's indices written now), or
    /// what is wrong with it.
    func finish(_ table: DataTable, stride: Int, into features: inout [Float]) -> Result<FeatureKind, DiagnosticError> {
        let quoted = Diagnostic.excerpt(name)
        if isCategorical {
            if let row = firstEmpty, missing == .error {
                return .failure(DiagnosticError([Diagnostic(location: table.location(row, column), keyPath: "",
                    message: "empty cell in categorical column '\(quoted)'",
                    help: "make the empty cell a category of its own (\(name): {type: categorical, missing: category}) or fill it "
                        + "with the most frequent one (missing: most_frequent)")]))
            }
            let categories = DataLoader.sortedClasses(Set(texts))
            let index = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1, $0) })
            for (row, text) in texts.enumerated() { features[row * stride + position] = Float(index[text] ?? 0) }
            return .success(.categorical(categories: categories, missing: missing))
        }
        let rows = table.recordCount
        if let (row, _) = firstText {
            let shown = examples.prefix(3).map { "'\(Diagnostic.excerpt($0))'" }.joined(separator: ", ")
            return .failure(DiagnosticError([Diagnostic(location: table.location(row, column), keyPath: "",
                message: "feature column '\(quoted)' holds text in \(textCells) of \(rows) rows (\(shown)\(examples.count > 3 ? ", …" : "")), not numbers",
                help: "declare it a category under data.columns — \(name): categorical — or list it under data.exclude")]))
        }
        if !malformed.isEmpty {
            var problems = malformed.map { row, text in
                Diagnostic(location: table.location(row, column), keyPath: "",
                           message: "'\(Diagnostic.excerpt(text))' in feature column '\(quoted)' is not a finite number",
                           help: "features must be numbers; list non-numeric columns under data.exclude")
            }
            if malformedCells > problems.count { problems[problems.count - 1].message += " (and \(malformedCells - problems.count) more bad cells)" }
            return .failure(DiagnosticError(problems))
        }
        if let (row, text) = firstHuge {
            return .failure(DiagnosticError([Diagnostic(location: table.location(row, column), keyPath: "",
                message: "'\(Diagnostic.excerpt(text))' in feature column '\(quoted)' is beyond the 32-bit float range (±3.4e38) features train in",
                help: "rescale the column (divide it by a power of ten)")]))
        }
        if let row = firstEmpty, missing == .error {
            return .failure(DiagnosticError([Diagnostic(location: table.location(row, column), keyPath: "",
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
