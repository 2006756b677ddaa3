import ArgumentParser
import Foundation
import RunexpModel
import RunexpResults

/// `runexp fit RESULT`: refits one cell of a finished result folder and writes its model folder.
struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Refit a cell of a finished result folder and save it as a model (model.json, model.onnx).",
        discussion: """
            RESULT is a result folder, or an experiment's folder (results/<name>) for its latest one. The cell \
            (rank 1 of the objective unless --rank or --cell says otherwise) trains again with its model and \
            training, for its epochs (with early stopping: the mean epoch its runs kept), on every row not in \
            the test part (--on train: the first repetition's training rows). Same inputs, same bytes. Run it \
            from the directory the run started in: the data paths are the run's.
            """
    )

    @Argument(help: "The result folder.")
    var result: String

    @Option(help: "The cell's rank under the folder's objective (1 = best).")
    var rank: Int?

    @Option(help: "The cell's id (cells.csv's cell_id).")
    var cell: String?

    @Option(name: .customLong("on"), help: "The rows to train on: train or train+validation.")
    var rows: String = ModelFitter.Rows.trainAndValidation.rawValue

    @Option(help: "The refit's seed (default: derived from the plan's seed and the cell).")
    var seed: UInt64?

    @Option(help: "The model folder to write (default: models/<experiment>/<cell id>).")
    var out: String?

    func validate() throws {
        if rank != nil, cell != nil { throw ValidationError("give --rank or --cell, not both") }
        if let rank, rank < 1 { throw ValidationError("--rank starts at 1 (the best cell)") }
        if ModelFitter.Rows(rawValue: rows) == nil {
            throw ValidationError("--on takes \(ModelFitter.Rows.allCases.map(\.rawValue).joined(separator: " or ")), not '\(rows)'")
        }
    }

    func run() throws {
        let selection: ModelFitter.Selection = cell.map { .cell($0) } ?? .rank(rank ?? 1)
        let fitted: ModelFitter.Fitted
        do {
            fitted = try ModelFitter.fit(resultFolder: result, selection: selection, rows: ModelFitter.Rows(rawValue: rows) ?? .trainAndValidation,
                                         seed: seed, out: out)
        } catch {
            Terminal.error(error.description)
            throw ExitCode(ExitStatus.invalidInput)
        }
        let model = fitted.description
        let values = model.cell.values.keys.sorted().map { "\($0)=\(model.cell.values[$0] ?? "")" }.joined(separator: ", ")
        var text = "Refitted cell \(model.cell.id) (rank \(model.cell.rank)\(values.isEmpty ? "" : "; " + values)) on \(model.training.rowCount) "
            + "\(model.training.rows) rows for \(model.training.epochs) epochs, seed \(model.training.seed)\n"
        if !model.testMetrics.isEmpty {
            text += "test: " + model.testMetrics.keys.sorted().map { "\($0) \(FixedFormat.string(model.testMetrics[$0] ?? .nan, digits: 4))" }
                .joined(separator: ", ") + "\n"
        }
        text += "Model: \(fitted.folder) (model.json, model.onnx)\n"
        Terminal.output(text)
    }
}

/// `runexp predict MODEL DATA.csv`: a model's predictions for new rows.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict the rows of a CSV file with a model folder made by runexp fit.",
        discussion: """
            DATA.csv needs the training file's feature columns (by name, in any order; others are ignored); with \
            the target column too, the metrics are printed. The predictions go to --out, or to standard output.
            """
    )

    @Argument(help: "The model folder.")
    var model: String

    @Argument(help: "The CSV file of rows to predict.")
    var data: String

    @Option(help: "Write the predictions to this file instead of standard output.")
    var out: String?

    @Flag(help: "Add each class's probability.")
    var proba = false

    @Option(help: "Copy this column first (an id: a Kaggle submission).")
    var id: String?

    func run() throws {
        let prediction: ModelPredictor.Prediction
        do {
            prediction = try ModelPredictor.predict(try ModelFolder.read(model), dataPath: data, idColumn: id, probabilities: proba)
        } catch {
            Terminal.error(error.description)
            throw ExitCode(ExitStatus.invalidInput)
        }
        var summary = ""
        if !prediction.metrics.isEmpty {
            summary = "metrics on \(prediction.rows) rows: " + prediction.metrics.keys.sorted()
                .map { "\($0) \(FixedFormat.string(prediction.metrics[$0] ?? .nan, digits: 4))" }.joined(separator: ", ") + "\n"
        }
        if let out {
            do {
                try AtomicFile.write(prediction.csv, to: out)
            } catch {
                Terminal.error("\(out): error: cannot write the predictions: \(ErrorText.describe(error))")
                throw ExitCode(ExitStatus.runFailed)
            }
            Terminal.output(summary + "Predictions: \(out) (\(prediction.rows) rows)\n")
        } else {
            Terminal.output(prediction.csv)
            if !summary.isEmpty { Terminal.error(summary.dropLast().description) }
        }
    }
}
