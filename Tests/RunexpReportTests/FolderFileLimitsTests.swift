import Foundation
import Testing
@testable import RunexpExecution
@testable import RunexpResults
import RunexpPlan
@testable import RunexpReport

/// The reader refuses runs.csv and curves.csv past what a folder of their plan can hold; the
/// writer must never write more, or `runexp report` would refuse a folder `runexp run` wrote.
@Suite struct FolderFileLimitsTests {
    /// The synthetic results with every number at its longest text: the largest run index, epoch
    /// and seed a plan allows, and metrics of 24 characters.
    static func longest() throws -> ExperimentResults {
        let results = try ReportFixtures.synthetic()
        let long = -Double.greatestFiniteMagnitude
        let records = results.records.map { record -> RunRecord in
            var record = record
            record.run.index = ResourceLimits.runs - 1
            record.run.repetition = ResourceLimits.repetitions - 1
            record.run.fold = ResourceLimits.folds - 1
            record.seed = .max
            record.epochsRun = ResourceLimits.epochs
            let part = PartMetrics(loss: long, accuracy: long, precision: long, recall: long, f1: long, rocAUC: long)
            record.validation = part
            record.test = part
            record.curve = record.curve.map { _ in
                CurvePoint(epoch: ResourceLimits.epochs, trainLoss: long, trainAccuracy: long, validationLoss: long, validationAccuracy: long)
            }
            return record
        }
        return ExperimentResults(plan: results.plan, classes: results.classes, records: records)
    }

    /// Bytes of the longest line of `text` and fields of its widest line (commas + 1).
    static func widest(_ text: String) -> (bytes: Int, fields: Int) {
        var bytes = 0, fields = 0
        for line in text.split(separator: "\n") {
            bytes = max(bytes, line.utf8.count + 1)
            fields = max(fields, line.utf8.filter { $0 == UInt8(ascii: ",") }.count + 1)
        }
        return (bytes, fields)
    }

    @Test func everyRowTheWriterCanMakeFitsTheReadersLimits() throws {
        let results = try Self.longest()
        let limits = ResultFolderReader.FileLimits(results.plan)
        let rows = (runs: results.records.count + 1, points: results.records.reduce(1) { $0 + $1.curve.count })
        let runs = Self.widest(ResultTables.runsCSV(results))
        let curves = Self.widest(ResultTables.curvesCSV(results))
        // Per row: the limits are for a folder of the plan's runs and epochs, one row (and the header) each.
        let planRuns = results.plan.runCount + 1
        let planPoints = (results.plan.curvePoints ?? 0) + 1
        #expect(rows.runs <= planRuns && rows.points <= planPoints)
        #expect(runs.bytes * planRuns <= limits.runsBytes, "runs.csv rows of \(runs.bytes) bytes")
        #expect(runs.fields * planRuns <= limits.runsCells.cells, "runs.csv rows of \(runs.fields) fields")
        #expect(curves.bytes * planPoints <= limits.curvesBytes, "curves.csv rows of \(curves.bytes) bytes")
        #expect(curves.fields * planPoints <= limits.curvesCells.cells, "curves.csv rows of \(curves.fields) fields")
    }

    /// Axis values with quotes and commas are written quoted, each quote doubled: still in the limit.
    @Test func quotedAxisTextsFitToo() throws {
        let text = String(repeating: "\"a,", count: 300)
        #expect(ResultFolderReader.FileLimits.numbersBytes + 2 * text.utf8.count + 3
                >= CSVWriterProbe.row(text).utf8.count)
    }
}

/// One row of a single text field, as the result tables write it.
enum CSVWriterProbe {
    static func row(_ text: String) -> String {
        var writer = CSVWriter(header: ["x"])
        writer.appendRow { $0.text(text) }
        return String(writer.text.split(separator: "\n").last ?? "")
    }
}
