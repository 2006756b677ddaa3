import Foundation
import RunexpExecution
import RunexpKernel
import RunexpPlan
import RunexpResults

/// `runexp predict`: a model folder's predictions for the rows of a CSV file, computed by the
/// training kernel from the same preparation, and its metrics when the file has the target column.
public enum ModelPredictor {
    public struct Prediction: Sendable {
        /// The CSV text written: [id,] prediction[, one probability column per class].
        public let csv: String
        public let rows: Int
        /// Metric name (`loss`, `accuracy`, `rmse`, …) → value, when the file has the target.
        public let metrics: [String: Double]
    }

    /// Predicts every row of the CSV at `dataPath`. `idColumn` is copied first (a Kaggle
    /// submission); `probabilities` adds a column per class.
    public static func predict(_ model: ModelFolder, dataPath: String, idColumn: String? = nil,
                               probabilities: Bool = false) throws(ModelError) -> Prediction {
        let description = model.description
        let table: CSVTable
        switch BoundedFile.read(dataPath, limit: ResourceLimits.dataBytes) {
        case .success(let bytes):
            guard String(data: bytes, encoding: .utf8) != nil else {
                throw ModelError("\(dataPath): error: the file is not UTF-8 text; save it as UTF-8 (the training data was)")
            }
            do {
                table = try CSVTable.parse(utf8: [UInt8](bytes), file: dataPath, delimiter: description.delimiter?.utf8.first ?? 0x2C)
            } catch {
                throw ModelError("\(error)")
            }
        case .failure(.tooLarge(let size, _)):
            throw ModelError("\(dataPath): error: \(size) bytes is more than runexp reads (ResourceLimits.dataBytes)")
        case .failure(let failure):
            throw ModelError("\(dataPath): error: cannot read: \(failure)")
        }
        guard table.recordCount > 0 else { throw ModelError("\(dataPath): error: the file has a header but no rows to predict") }
        func column(_ name: String, role: String) throws(ModelError) -> Int {
            guard let index = table.header.firstIndex(of: name) else {
                throw ModelError("\(dataPath): error: no column '\(Diagnostic.excerpt(name))', which the model takes as \(role); "
                                 + "the file's columns: \(table.header.prefix(12).map { Diagnostic.excerpt($0) }.joined(separator: ", "))"
                                 + (table.header.count > 12 ? ", …" : ""))
            }
            return index
        }
        let columns = description.preparation.columns
        var sources: [Int] = []
        for prepared in columns { sources.append(try column(prepared.name, role: "a feature")) }
        let id = try idColumn.map { name throws(ModelError) in try column(name, role: "the --id column") }
        let targetColumn = table.header.firstIndex(of: description.target.name)

        // The rows as LabeledData encodes them: numbers (NaN for an empty cell), category indexes.
        let rows = table.recordCount, width = columns.count
        var raw = [Float](repeating: 0, count: rows * width)
        for record in 0..<rows {
            for (position, prepared) in columns.enumerated() {
                let source = sources[position]
                let text = table.field(record, source)
                switch prepared.kind {
                case .numeric(let missing, _):
                    if text.isEmpty {
                        guard missing != .error else {
                            throw ModelError("\(dataPath):\(table.line(record)):\(table.column(record, source)): error: column "
                                             + "'\(Diagnostic.excerpt(prepared.name))' is empty here, and the model was trained without empty "
                                             + "cells in it (no missing: policy); fill the cell")
                        }
                        raw[record * width + position] = .nan
                    } else if let value = table.number(record, source), Float(value).isFinite {
                        raw[record * width + position] = Float(value)
                    } else {
                        throw ModelError("\(dataPath):\(table.line(record)):\(table.column(record, source)): error: "
                                         + "'\(Diagnostic.excerpt(text))' in column '\(Diagnostic.excerpt(prepared.name))' is not a finite number")
                    }
                case .categorical(let categories, _):
                    raw[record * width + position] = categories.firstIndex(of: text).map(Float.init) ?? -1
                }
            }
        }
        let inputs = description.preparation.inputs(raw: raw, rows: rows)
        let inputWidth = description.preparation.width
        var writer = CSVWriter(header: (id.map { _ in [idColumn ?? ""] } ?? []) + ["prediction"]
            + (probabilities ? Predictions.probabilityColumns(classes: description.classes ?? []) : []))
        var metrics: [String: Double] = [:]
        if let classes = description.classes {
            let samples = Samples(features: inputs, rows: rows, width: inputWidth, labels: [Int32](repeating: 0, count: rows))
            let output = model.network.probabilities(for: samples)
            let classCount = classes.count
            let predicted = predictedClasses(probabilities: output, classCount: classCount)
            for record in 0..<rows {
                writer.appendRow { row in
                    if let id { row.text(table.field(record, id)) }
                    row.text(classes[predicted[record]])
                    guard probabilities else { return }
                    for value in output[(record * classCount)..<((record + 1) * classCount)] { row.fixed(Double(value)) }
                }
            }
            if let targetColumn {
                var labels: [Int32] = []
                for record in 0..<rows {
                    let label = table.field(record, targetColumn)
                    guard let index = classes.firstIndex(of: label) else {
                        throw ModelError("\(dataPath):\(table.line(record)):\(table.column(record, targetColumn)): error: "
                                         + "'\(Diagnostic.excerpt(label))' in column '\(Diagnostic.excerpt(description.target.name))' is not "
                                         + "one of the model's classes (\(classes.prefix(10).map { Diagnostic.excerpt($0) }.joined(separator: ", ")))")
                    }
                    labels.append(Int32(index))
                }
                let evaluation = evaluate(probabilities: output, labels: labels, classCount: classCount,
                                          positiveClass: description.positive.flatMap { classes.firstIndex(of: $0) })
                for (kind, value) in PartMetrics(evaluation, task: Task(classCount: classCount)).values {
                    metrics[kind.rawValue] = value
                }
            }
        } else {
            let samples = Samples(features: inputs, rows: rows, width: inputWidth, targets: [Float](repeating: 0, count: rows))
            let output = model.network.predictions(for: samples)
            let scale = TargetScale(scale: description.target.scale, offset: description.target.offset)
            for record in 0..<rows {
                writer.appendRow { row in
                    if let id { row.text(table.field(record, id)) }
                    row.fixed(Double(output[record]) * scale.scale + scale.offset)
                }
            }
            if let targetColumn {
                var targets: [Double] = []
                for record in 0..<rows {
                    guard let value = table.number(record, targetColumn), value.isFinite else {
                        throw ModelError("\(dataPath):\(table.line(record)):\(table.column(record, targetColumn)): error: "
                                         + "'\(Diagnostic.excerpt(table.field(record, targetColumn)))' in column "
                                         + "'\(Diagnostic.excerpt(description.target.name))' is not a finite number")
                    }
                    targets.append(value)
                }
                let evaluation = evaluateRegression(predictions: output, targets: targets.map { Float(($0 - scale.offset) / scale.scale) },
                                                    loss: .meanSquaredError, scale: scale)
                for (kind, value) in PartMetrics(evaluation).values where kind != .loss {
                    metrics[kind.rawValue] = value
                }
            }
        }
        return Prediction(csv: writer.text, rows: rows, metrics: metrics)
    }
}
