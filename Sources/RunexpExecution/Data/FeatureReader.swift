import Foundation
import RunexpPlan
import RunexpResults

/// Reads one feature column of the table as its declaration (``ColumnPlan``, `data.missing`) says,
/// and says in one message per column what is wrong and the YAML line that would fix it.
enum FeatureReader {
    /// Writes the column's values into `features` (row-major, `stride` columns, this one at
    /// `position`): numbers, NaN for an empty cell its policy fills, or category indices.
    static func read(_ table: DataTable, column: Int, position: Int, stride: Int, data: DataPlan,
                     into features: inout [Float]) -> Result<FeatureKind, DiagnosticError> {
        let name = table.header[column]
        let declared = data.column(name)
        let rows = table.recordCount
        if declared?.kind == .categorical {
            let missing = declared?.missing ?? .category
            var texts: [String] = []
            texts.reserveCapacity(rows)
            for row in 0..<rows {
                let text = table.field(row, column)
                if text.isEmpty, missing == .error {
                    return .failure(DiagnosticError([Diagnostic(location: table.location(row, column),
                                               keyPath: "", message: "empty cell in categorical column '\(Diagnostic.excerpt(name))'",
                                               help: "make the empty cell a category of its own (\(name): {type: categorical, missing: category}) or fill it "
                                                   + "with the most frequent one (missing: most_frequent)")]))
                }
                texts.append(text)
            }
            let categories = DataLoader.sortedClasses(Set(texts))
            let index = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1, $0) })
            for (row, text) in texts.enumerated() { features[row * stride + position] = Float(index[text] ?? 0) }
            return .success(.categorical(categories: categories, missing: missing))
        }
        let missing = declared?.missing ?? data.missing
        var firstText: (row: Int, text: String)?
        var firstEmpty: Int?
        var firstHuge: (row: Int, text: String)?
        var malformed: [(row: Int, text: String)] = []
        var textCells = 0, emptyCells = 0, malformedCells = 0
        var examples: [String] = []
        for row in 0..<rows {
            if let value = table.number(row, column), value.isFinite {
                if abs(value) <= Double(Float.greatestFiniteMagnitude) {
                    features[row * stride + position] = Float(value)
                } else if firstHuge == nil {
                    firstHuge = (row, table.field(row, column))
                }
                continue
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
        func location(_ row: Int) -> SourceLocation {
            table.location(row, column)
        }
        let quoted = Diagnostic.excerpt(name)
        if let (row, _) = firstText {
            let shown = examples.prefix(3).map { "'\(Diagnostic.excerpt($0))'" }.joined(separator: ", ")
            return .failure(DiagnosticError([Diagnostic(location: location(row), keyPath: "",
                message: "feature column '\(quoted)' holds text in \(textCells) of \(rows) rows (\(shown)\(examples.count > 3 ? ", …" : "")), not numbers",
                help: "declare it a category under data.columns — \(name): categorical — or list it under data.exclude")]))
        }
        if !malformed.isEmpty {
            var problems = malformed.map { row, text in
                Diagnostic(location: location(row), keyPath: "",
                           message: "'\(Diagnostic.excerpt(text))' in feature column '\(quoted)' is not a finite number",
                           help: "features must be numbers; list non-numeric columns under data.exclude")
            }
            if malformedCells > problems.count { problems[problems.count - 1].message += " (and \(malformedCells - problems.count) more bad cells)" }
            return .failure(DiagnosticError(problems))
        }
        if let (row, text) = firstHuge {
            return .failure(DiagnosticError([Diagnostic(location: location(row), keyPath: "",
                message: "'\(Diagnostic.excerpt(text))' in feature column '\(quoted)' is beyond the 32-bit float range (±3.4e38) features train in",
                help: "rescale the column (divide it by a power of ten)")]))
        }
        if let row = firstEmpty, missing == .error {
            return .failure(DiagnosticError([Diagnostic(location: location(row), keyPath: "",
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
