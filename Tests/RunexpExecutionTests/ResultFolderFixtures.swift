import Foundation
@testable import RunexpExecution
@testable import RunexpResults
@testable import RunexpPlan
import RunexpKernel

/// Plans and the records they can produce, without training: what journal tests write and read.
enum PlanRecords {
    /// A plan of `cells` cells (one axis), `repetitions` repetitions and, with `folds`, k-fold
    /// validation; `test: false` leaves the test part out.
    static func plan(cells: Int, repetitions: Int, folds: Int? = nil, test: Bool = true, seed: Int = 0, epochs: Int = 3) -> Plan {
        var split = [test ? "test: 0.2" : nil, folds.map { "folds: \($0)" } ?? "validation: 0.2"].compactMap { $0 }
        split.append("stratify: true")
        let yaml = """
            name: exp
            seed: \(seed)
            data: {file: d.csv, target: y, split: {\(split.joined(separator: ", "))}}
            model: [{dense: {units: $units, activation: relu}}, {dense: {units: classes, activation: softmax}}]
            training: {epochs: \(epochs), optimizer: sgd}
            search: {grid: {units: [\((1...cells).map(String.init).joined(separator: ", "))]}, repetitions: \(repetitions)}

            """
        do {
            return try PlanParser.parse(yaml: yaml, file: "e.yaml", directory: "")
        } catch {
            fatalError("the fixture plan does not parse: \(error)")
        }
    }

    /// A record `plan` can produce for run `index`: its identity and seed, every epoch, metrics
    /// for the parts the split has (ROC AUC for two classes), numbers made from the index.
    static func record(_ plan: Plan, index: Int, classCount: Int = 3) -> RunRecord {
        let run = plan.runs[index]
        let cell = plan.cells[run.cell]
        let split = plan.data.split
        let value = 1 / Double(index + 3)
        func metrics(_ exists: Bool) -> PartMetrics? {
            guard exists else { return nil }
            let binary: Double? = classCount == 2 ? value / 2 : nil
            return PartMetrics(loss: value, accuracy: 1 - value, precision: value / 2, recall: value / 3, f1: value / 4, rocAUC: binary)
        }
        let curve = (1...cell.training.epochs).map { epoch in
            CurvePoint(epoch: epoch, trainLoss: value * Double(epoch), trainAccuracy: 0.5, validationLoss: split.hasValidation ? value : nil,
                       validationAccuracy: split.hasValidation ? 0.25 : nil)
        }
        return RunRecord(run: run, seed: deriveSeed(plan.seed, cell.idHash, UInt64(run.repetition), UInt64(run.fold)),
                         epochsRun: curve.count, diverged: false, validation: metrics(split.hasValidation), test: metrics(split.test != nil),
                         curve: curve)
    }

    /// Every file under `path` (hidden ones included) with its bytes, symbolic links as their target.
    static func snapshot(_ path: String) -> [String: Data] {
        var files: [String: Data] = [:]
        guard let enumerator = FileManager.default.enumerator(atPath: path) else { return files }
        while let item = enumerator.nextObject() as? String {
            let full = (path as NSString).appendingPathComponent(item)
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: full) {
                files[item] = Data(("-> " + target).utf8)
                continue
            }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), isDirectory.boolValue {
                files[item + "/"] = Data()
            } else {
                files[item] = FileManager.default.contents(atPath: full) ?? Data("unreadable".utf8)
            }
        }
        return files
    }
}
