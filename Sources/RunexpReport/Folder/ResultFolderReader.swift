import Foundation
import RunexpResults
import RunexpPlan

/// Reads a result folder back into ``ExperimentResults``, for `runexp report`.
///
/// Reads plan.json (the resolved plan), runs.csv (a row per run: its metrics), curves.csv (the
/// learning curves), summary.json (the class labels) and provenance.json. Cell statistics are
/// recomputed from runs.csv exactly as a run computes them, so the report does not depend on
/// the layout of cells.csv. Columns are found by name; extra columns are ignored.
///
/// A folder may be damaged or hand-edited: only regular files are read, plan.json must pass
/// ``StoredPlan/problem(_:)``, and every run must be one the plan can produce (``RunRecordCheck``:
/// its cell, repetition, fold and seed, its epochs and curve, its metrics), once; a problem is
/// refused naming the file (and line) rather than drawn.
public enum ResultFolderReader {
    /// What a result folder holds, ready to draw.
    public struct Contents: Sendable {
        /// The folder read (after following `latest`).
        public let folder: String
        /// Plan, classes and every run, with statistics recomputed.
        public let results: ExperimentResults
        /// The text of provenance.json.
        public let provenanceJSON: String

        /// A folder's contents already in memory (a run just finished), not read back.
        public init(folder: String, results: ExperimentResults, provenanceJSON: String) {
            self.folder = folder
            self.results = results
            self.provenanceJSON = provenanceJSON
        }
    }

    /// Files a folder must have to be read.
    public static let requiredFiles = [ResultFiles.plan, ResultFiles.runs, ResultFiles.curves, ResultFiles.summary, ResultFiles.provenance]

    /// Reads the result folder at `path`. An experiment folder (`results/<name>`) stands for its
    /// `latest` result folder. Throws a ``ResultFolderReadError`` naming the first problem.
    public static func read(_ path: String) throws -> Contents {
        let folder = try resolve(path)
        func file(_ name: String) -> String { PathText.join(folder, name) }
        func text(_ name: String, limit: Int = ResourceLimits.folderFileBytes) throws -> String {
            String(decoding: try bytes(of: file(name), limit: limit), as: UTF8.self)
        }
        let plan: Plan
        switch StoredPlan.read(Data(try text(ResultFiles.plan).utf8)) {
        case .success(let read): plan = read
        case .failure(let problem): throw ResultFolderReadError(file(ResultFiles.plan), problem.description)
        }
        // The plan (checked by StoredPlan) bounds what its folder holds: a row of runs.csv per run,
        // a row of curves.csv per epoch. A longer file is not one runexp wrote for it.
        let limits = FileLimits(plan)
        let classes = try readClasses(try text(ResultFiles.summary), path: file(ResultFiles.summary), task: plan.task)
        var (records, lines) = try readRuns(try text(ResultFiles.runs, limit: limits.runsBytes), path: file(ResultFiles.runs),
                                            plan: plan, classes: classes, limit: limits.runsCells)
        try readCurves(try text(ResultFiles.curves, limit: limits.curvesBytes), path: file(ResultFiles.curves),
                       task: plan.task, limit: limits.curvesCells, into: &records)
        let check = RunRecordCheck(plan: plan, classCount: classes.count)
        for record in records {
            if let problem = check.problem(with: record) {
                throw ResultFolderReadError(file(ResultFiles.runs), line: lines[record.run.index] ?? 0, column: lines[record.run.index] == nil ? 0 : 1,
                                            problem + " (runs.csv and curves.csv together)")
            }
        }
        var results = ExperimentResults(plan: plan, classes: classes, records: records)
        if FileManager.default.fileExists(atPath: file(ResultFiles.predictions)) {
            results = results.with(predictions: try readPredictions(try text(ResultFiles.predictions), path: file(ResultFiles.predictions),
                                                                    plan: plan, classes: classes, bestCell: results.ranked.first?.cell))
        }
        return Contents(folder: folder, results: results, provenanceJSON: try text(ResultFiles.provenance))
    }

    /// The most a folder of `plan` holds in runs.csv and curves.csv: a row per run and a row per
    /// epoch, each number at its longest (24 bytes) and each text of the cell (id, axis values)
    /// quoted with every character doubled. `FolderFileLimitsTests` holds the writer to it.
    struct FileLimits {
        /// Bytes of a row's numbers and fixed texts: at most 40 numbers of 24 bytes and their commas.
        static let numbersBytes = 1024
        /// Columns of runs.csv besides the axes (run, cell, cell_id, repetition, …, metrics).
        static let fixedRunsColumns = 48
        let runsBytes: Int, runsCells: CSVTable.CellLimit, curvesBytes: Int, curvesCells: CSVTable.CellLimit

        init(_ plan: Plan) {
            // StoredPlan.problem has refused plans past ResourceLimits.runs and .curvePoints.
            let runs = min(plan.cells.count * plan.repetitions * plan.foldsPerRepetition, ResourceLimits.runs) + 1
            let points = min(plan.curvePoints ?? ResourceLimits.curvePoints, ResourceLimits.curvePoints) + 1
            var textBytes = 0
            for cell in plan.cells {
                let texts = [cell.id] + plan.axisTexts(of: cell)
                textBytes = max(textBytes, texts.reduce(0) { $0 + 2 * $1.utf8.count + 3 })
            }
            let runsColumns = Self.fixedRunsColumns + plan.axes.count
            runsBytes = runs * (Self.numbersBytes + textBytes)
            runsCells = CSVTable.CellLimit(cells: runs * runsColumns, name: "a row per run of plan.json")
            curvesBytes = points * (Self.numbersBytes + textBytes)
            curvesCells = CSVTable.CellLimit(cells: points * Self.fixedRunsColumns, name: "a row per epoch of plan.json")
        }
    }

    /// The bytes of the regular file at `path`, refused past `limit` without reading them.
    static func bytes(of path: String, limit: Int) throws -> Data {
        switch BoundedFile.read(path, limit: limit) {
        case .success(let data):
            return data
        case .failure(.cannotOpen(let code)), .failure(.cannotRead(let code)):
            throw ResultFolderReadError(path, "cannot be read: \(BoundedFile.Failure.reason(code))")
        case .failure(.directory), .failure(.notRegular):
            throw ResultFolderReadError(path, "is not a regular file")
        case .failure(.tooLarge(let bytes, whileRead: false)):
            throw ResultFolderReadError(path, "is \(bytes) bytes, more than a folder of its plan.json holds (at most \(limit))")
        case .failure(.tooLarge(_, whileRead: true)):
            throw ResultFolderReadError(path, "grew past \(limit) bytes while read")
        }
    }

    /// The result folder `path` names: itself, or its `latest` when it is an experiment folder.
    static func resolve(_ path: String) throws -> String {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ResultFolderReadError(path, "no such folder")
        }
        guard isDirectory.boolValue else { throw ResultFolderReadError(path, "not a folder; name a result folder") }
        let latest = PathText.join(path, ResultFiles.latest)
        if !manager.fileExists(atPath: PathText.join(path, ResultFiles.plan)),
           manager.fileExists(atPath: PathText.join(latest, ResultFiles.plan)) {
            return latest
        }
        let missing = requiredFiles.filter { !manager.fileExists(atPath: PathText.join(path, $0)) }
        if missing.count == requiredFiles.count {
            throw ResultFolderReadError(path, "not a result folder: it has none of \(requiredFiles.joined(separator: ", "))")
        }
        if !missing.isEmpty {
            throw ResultFolderReadError(path, "not a complete result folder: \(missing.joined(separator: ", ")) "
                + (missing.count == 1 ? "is" : "are") + " missing")
        }
        return path
    }

    /// The class labels of a classification (none for regression).
    private static func readClasses(_ json: String, path: String, task: TaskKind) throws -> [String] {
        let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        guard let classes = object?["classes"] as? [String], classes.isEmpty == (task == .regression) else {
            throw ResultFolderReadError(path, task == .regression ? "has class labels, but the plan is a regression"
                                                                  : "has no 'classes' list of class labels")
        }
        return classes
    }

    private static func table(_ text: String, path: String, limit: CSVTable.CellLimit) throws -> CSVTable {
        do {
            return try CSVTable.parse(text, file: path, limit: limit)
        } catch let error as DiagnosticError {
            let first = error.diagnostics.first
            throw ResultFolderReadError(path, line: first?.location.line ?? 0, column: first?.location.column ?? 0,
                                        first?.message ?? "cannot be parsed as CSV")
        }
    }

    /// Finds each of `names` in the header.
    private static func columns(_ table: CSVTable, _ names: [String], path: String) throws -> [Int] {
        try names.map { name in
            guard let index = table.header.firstIndex(of: name) else {
                throw ResultFolderReadError(path, line: 1, column: 1, "no column '\(name)'")
            }
            return index
        }
    }

    /// The runs of runs.csv in plan order, and the line of each by run index; a run given twice is refused.
    private static func readRuns(_ text: String, path: String, plan: Plan, classes: [String],
                                 limit: CSVTable.CellLimit) throws -> ([RunRecord], [Int: Int]) {
        let table = try table(text, path: path, limit: limit)
        let metrics = ResultMetrics.all(plan: plan, classCount: classes.count)
        let fixed = try columns(table, ["run", "cell", "repetition", "fold", "seed", "epochs_run", "diverged"], path: path)
        let metricColumns = try columns(table, metrics.map(\.description), path: path)
        // Under a halving strategy: the last rung, then the objective at each rung.
        let rungColumns = try columns(table, ResultTables.rungColumns(plan), path: path)
        var records: [RunRecord] = []
        var lines: [Int: Int] = [:]
        records.reserveCapacity(table.records.count)
        for record in table.records {
            func integer(_ position: Int) throws -> Int {
                let field = record.fields[fixed[position]]
                guard let value = Int(field) else {
                    throw ResultFolderReadError(path, line: record.line, column: record.columns[fixed[position]],
                                                "'\(field)' in column '\(table.header[fixed[position]])' is not a whole number")
                }
                return value
            }
            let cell = try integer(1)
            guard plan.cells.indices.contains(cell) else {
                throw ResultFolderReadError(path, line: record.line, column: record.columns[fixed[1]],
                                            "cell \(cell) is not in plan.json (\(plan.cells.count) cells)")
            }
            var values: [MetricName: Double] = [:]
            for (metric, column) in zip(metrics, metricColumns) {
                let field = record.fields[column]
                guard !field.isEmpty else { continue }
                guard let value = Double(field) else {
                    throw ResultFolderReadError(path, line: record.line, column: record.columns[column],
                                                "'\(field)' in column '\(metric)' is not a number")
                }
                values[metric] = value
            }
            // A part is the metrics given for it (none: the run diverged, or there is no such part);
            // RunRecordCheck then holds it to the task's metrics and their ranges.
            func part(_ split: MetricSplit) -> PartMetrics? {
                var part: [MetricKind: Double] = [:]
                for (metric, value) in values where metric.split == split { part[metric.kind] = value }
                return part.isEmpty ? nil : PartMetrics(part)
            }
            /// The objective at each rung up to the run's last, as ``RunRecord/rungs``.
            func rungs(_ record: CSVTable.Record, _ columns: [Int]) throws -> [Double?]? {
                guard let rungColumn = columns.first else { return nil }
                let field = record.fields[rungColumn]
                guard let last = Int(field), last >= 0, last < columns.count - 1 else {
                    throw ResultFolderReadError(path, line: record.line, column: record.columns[rungColumn],
                                                "'\(field.prefix(40))' in column 'rung' is not a rung of this plan (0...\(columns.count - 2))")
                }
                return try columns[1...(last + 1)].map { column in
                    let field = record.fields[column]
                    guard !field.isEmpty else { return nil }
                    guard let value = Double(field) else {
                        throw ResultFolderReadError(path, line: record.line, column: record.columns[column],
                                                    "'\(field.prefix(40))' in column '\(table.header[column])' is not a number")
                    }
                    return value
                }
            }
            let seedField = record.fields[fixed[4]]
            let index = try integer(0)
            if let earlier = lines[index] {
                throw ResultFolderReadError(path, line: record.line, column: record.columns[fixed[0]],
                                            "run \(index) is given twice (first at line \(earlier))")
            }
            lines[index] = record.line
            guard let seed = UInt64(seedField) else {
                throw ResultFolderReadError(path, line: record.line, column: record.columns[fixed[4]],
                                            "'\(seedField.prefix(40))' in column 'seed' is not a seed (a whole number 0...\(UInt64.max))")
            }
            records.append(RunRecord(
                run: RunID(index: index, cell: cell, repetition: try integer(2), fold: try integer(3)),
                seed: seed, epochsRun: try integer(5), diverged: record.fields[fixed[6]] == "true",
                validation: part(.val), test: part(.test), curve: [], rungs: try rungs(record, rungColumns)))
        }
        return (records.sorted { $0.run.index < $1.run.index }, lines)
    }

    /// predictions.csv (optional: older and merged folders have none): rows of the best cell's
    /// runs, on the part the split predicts, with labels of the data or finite numbers.
    private static func readPredictions(_ text: String, path: String, plan: Plan, classes: [String], bestCell: Int?) throws -> Predictions {
        let limit = CSVTable.CellLimit(cells: (ResourceLimits.predictionRows + 1) * Predictions.columns.count,
                                       name: "ResourceLimits.predictionRows rows")
        let table = try table(text, path: path, limit: limit)
        let index = try columns(table, Predictions.columns + Predictions.probabilityColumns(classes: classes), path: path)
        guard let bestCell, let part = Predictions.part(of: plan.data) else {
            throw ResultFolderReadError(path, "the folder has no best cell or no part to predict, yet predictions")
        }
        let cellID = plan.cells[bestCell].id
        let classIndex = Dictionary(classes.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var rows: [Predictions.Row] = []
        rows.reserveCapacity(table.records.count)
        for record in table.records {
            func fail(_ column: Int, _ problem: String) -> ResultFolderReadError {
                ResultFolderReadError(path, line: record.line, column: record.columns[index[column]], problem)
            }
            let field = { (column: Int) in record.fields[index[column]] }
            guard field(0) == cellID else { throw fail(0, "'\(field(0).prefix(40))' is not the best cell (\(cellID))") }
            guard let run = Int(field(1)).flatMap(plan.run(at:)), run.cell == bestCell,
                  field(2) == String(run.repetition), field(3) == String(run.fold) else {
                throw fail(1, "run \(field(1).prefix(40)) (repetition \(field(2).prefix(20)), fold \(field(3).prefix(20))) is not a run of the best cell")
            }
            guard field(4) == part.rawValue else { throw fail(4, "the part is '\(field(4).prefix(40))'; this split predicts \(part.rawValue)") }
            guard let row = Int(field(5)), row >= 1 else { throw fail(5, "'\(field(5).prefix(40))' is not a row number ≥ 1") }
            func value(_ column: Int) throws -> Predictions.Value {
                if plan.task == .regression {
                    guard let number = Double(field(column)), number.isFinite else { throw fail(column, "'\(field(column).prefix(40))' is not a finite number") }
                    return .number(number)
                }
                guard let label = classIndex[field(column)] else { throw fail(column, "'\(field(column).prefix(40))' is not a class of summary.json") }
                return .label(label)
            }
            var probabilities: [Double] = []
            for column in Predictions.columns.count..<index.count {
                guard let probability = Double(field(column)), probability >= 0, probability <= 1 else {
                    throw fail(column, "'\(field(column).prefix(40))' is not a probability from 0 to 1")
                }
                probabilities.append(probability)
            }
            rows.append(Predictions.Row(run: run, row: row - 1, actual: try value(6), predicted: try value(7), probabilities: probabilities))
        }
        return Predictions(cell: bestCell, part: part, rows: rows)
    }

    private static func readCurves(_ text: String, path: String, task: TaskKind, limit: CSVTable.CellLimit,
                                   into records: inout [RunRecord]) throws {
        let table = try table(text, path: path, limit: limit)
        let classifies = task == .classification
        // run and epoch, then the task's measures in the writer's order (ResultTables.curveColumns).
        let measures = ResultTables.curveColumns(task).drop { $0 != "train_loss" }
        let index = try columns(table, ["run", "epoch"] + measures, path: path)
        var position: [Int: Int] = [:]
        for (offset, record) in records.enumerated() { position[record.run.index] = offset }
        for row in table.records {
            func number(_ column: Int) throws -> Double? {
                let field = row.fields[index[column]]
                guard !field.isEmpty else { return nil }
                guard let value = Double(field) else {
                    throw ResultFolderReadError(path, line: row.line, column: row.columns[index[column]],
                                                "'\(field)' in column '\(table.header[index[column]])' is not a number")
                }
                return value
            }
            guard let run = Int(row.fields[index[0]]), let epoch = Int(row.fields[index[1]]) else {
                throw ResultFolderReadError(path, line: row.line, column: row.columns[index[0]], "run and epoch must be whole numbers")
            }
            guard let offset = position[run] else {
                throw ResultFolderReadError(path, line: row.line, column: row.columns[index[0]], "run \(run) is not in runs.csv")
            }
            guard let trainLoss = try number(2) else {
                throw ResultFolderReadError(path, line: row.line, column: row.columns[index[2]], "the training loss is required")
            }
            guard classifies else {
                records[offset].curve.append(CurvePoint(epoch: epoch, trainLoss: trainLoss, trainAccuracy: nil,
                                                        validationLoss: try number(3), validationAccuracy: nil, validationRMSE: try number(4)))
                continue
            }
            guard let trainAccuracy = try number(3) else {
                throw ResultFolderReadError(path, line: row.line, column: row.columns[index[3]], "the training accuracy is required")
            }
            records[offset].curve.append(CurvePoint(epoch: epoch, trainLoss: trainLoss, trainAccuracy: trainAccuracy,
                                                    validationLoss: try number(4), validationAccuracy: try number(5)))
        }
    }
}
