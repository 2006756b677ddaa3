import RunexpPlan

/// What the best cell's runs predicted for the rows of one part of the data: its test part, or
/// its validation part without one (over k folds every row once per repetition). The report draws
/// a confusion matrix (classification) or predicted against actual values (regression) from it.
public struct Predictions: Sendable, Equatable {
    /// A class (its index into the result's classes) or a number in the target's units.
    public enum Value: Sendable, Equatable {
        case label(Int)
        case number(Double)
    }

    /// One row of the data as one run predicted it.
    public struct Row: Sendable, Equatable {
        public var run: RunID
        /// 0-based row of the data file (its data rows, header not counted).
        public var row: Int
        public var actual: Value
        public var predicted: Value
        /// A classification's probability of each class, in class order; empty for a regression.
        public var probabilities: [Double]

        public init(run: RunID, row: Int, actual: Value, predicted: Value, probabilities: [Double] = []) {
            self.run = run
            self.row = row
            self.actual = actual
            self.predicted = predicted
            self.probabilities = probabilities
        }
    }

    /// The cell's index in the plan.
    public var cell: Int
    /// The part predicted.
    public var part: MetricSplit
    /// In run order, each run's rows in data order.
    public var rows: [Row]

    public init(cell: Int, part: MetricSplit, rows: [Row]) {
        self.cell = cell
        self.part = part
        self.rows = rows
    }

    /// The part a plan's predictions are made on: test when the runs have one, else validation.
    public static func part(of data: DataPlan) -> MetricSplit? {
        data.hasTestPart ? .test : (data.split.hasValidation ? .val : nil)
    }

    /// The columns every predictions.csv has.
    public static let columns = ["cell_id", "run", "repetition", "fold", "part", "row", "actual", "predicted"]

    /// The probability columns of a classification's predictions.csv, one per class in class order.
    public static func probabilityColumns(classes: [String]) -> [String] {
        classes.map { "probability_" + $0 }
    }

    /// `predictions.csv`: a line per run and row; labels as their text, numbers (and a
    /// classification's class probabilities) with six decimals, as every table stores them.
    public func csv(plan: Plan, classes: [String]) -> String {
        var writer = CSVWriter(header: Self.columns + Self.probabilityColumns(classes: classes))
        let id = plan.cells.indices.contains(cell) ? plan.cells[cell].id : ""
        func write(_ value: Value, _ row: inout CSVWriter.Row) {
            switch value {
            case .label(let index): row.text(classes.indices.contains(index) ? classes[index] : "")
            case .number(let number): row.fixed(number)
            }
        }
        for line in rows {
            writer.appendRow { row in
                row.text(id)
                row.integer(line.run.index)
                row.integer(line.run.repetition)
                row.integer(line.run.fold)
                row.text(part.rawValue)
                row.integer(line.row + 1)
                write(line.actual, &row)
                write(line.predicted, &row)
                for index in classes.indices { row.fixed(index < line.probabilities.count ? line.probabilities[index] : nil) }
            }
        }
        return writer.text
    }

    /// Rows per (actual, predicted) class pair, `classCount` × `classCount` (actual down, predicted across).
    public func confusion(classCount: Int) -> [[Int]] {
        var counts = [[Int]](repeating: [Int](repeating: 0, count: classCount), count: classCount)
        for row in rows {
            guard case .label(let actual) = row.actual, case .label(let predicted) = row.predicted,
                  counts.indices.contains(actual), counts.indices.contains(predicted) else { continue }
            counts[actual][predicted] += 1
        }
        return counts
    }
}
