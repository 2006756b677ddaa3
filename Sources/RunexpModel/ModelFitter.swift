import Foundation
import RunexpExecution
import RunexpKernel
import RunexpPlan
import RunexpReport
import RunexpResults

/// `runexp fit`: one cell of a finished result folder trained again on the chosen rows, written as
/// a model folder (model.json and model.onnx).
public enum ModelFitter {
    /// Which cell: by its rank under the folder's objective (1 = best) or by its id.
    public enum Selection: Sendable, Equatable {
        case rank(Int)
        case cell(String)
    }

    /// The rows a refit trains on.
    public enum Rows: String, Sendable, CaseIterable {
        case train
        case trainAndValidation = "train+validation"
    }

    public struct Fitted: Sendable {
        public let folder: String
        public let description: ModelDescription
    }

    /// The default model folder: `models/<experiment>/<cell id>`.
    public static func defaultFolder(experiment: String, cell: String) -> String {
        "models/\(experiment)/\(cell)"
    }

    /// Refits the selected cell of the result folder at `resultFolder` and writes its model folder
    /// to `out` (default ``defaultFolder(experiment:cell:)``). Data paths are the run's: relative to
    /// the directory it was started in, as provenance.json records the experiment file.
    public static func fit(resultFolder: String, selection: Selection = .rank(1), rows: Rows = .trainAndValidation,
                           seed: UInt64? = nil, out: String? = nil) throws(ModelError) -> Fitted {
        let contents: ResultFolderReader.Contents
        do {
            contents = try ResultFolderReader.read(resultFolder)
        } catch {
            // A folder still training (or stopped) has its journal and not yet its tables.
            let manager = FileManager.default
            if manager.fileExists(atPath: PathText.join(resultFolder, ResultFiles.journal)),
               !manager.fileExists(atPath: PathText.join(resultFolder, ResultFiles.runs)) {
                throw ModelError("\(resultFolder): error: the result folder is not finished (its runs are still in its journal); "
                                 + "finish it first (runexp run --resume) and fit a finished folder")
            }
            throw ModelError("\(error)")
        }
        let results = contents.results
        var plan = results.plan
        let folder = contents.folder
        guard results.records.count == plan.runCount else {
            throw ModelError("\(folder): error: the result folder holds \(results.records.count) of its \(plan.runCount) runs; "
                             + "finish it first (runexp run --resume) and fit a finished folder")
        }
        let summary = try select(selection, in: results, folder: folder)
        let cell = plan.cells[summary.cell]
        guard summary.diverged < summary.runs else {
            throw ModelError("\(folder): error: every run of cell \(cell.id) diverged; there is no training to repeat. "
                             + "Pick another cell (--rank or --cell)")
        }

        if let stopped = summary.stoppedAtEpoch {
            let finished = results.cells.filter { $0.stoppedAtEpoch == nil }.count
            throw ModelError("\(folder): error: halving stopped cell \(cell.id) (rank \(summary.rank)) at epoch \(stopped); its runs never "
                             + "trained \(cell.training.epochs) epochs, so nothing measured a full refit of it. "
                             + "Fit a cell that reached the last rung (--rank 1 to \(finished))")
        }

        let provenance: Provenance
        do {
            let decoder = JSONDecoder()
            provenance = try decoder.decode(Provenance.self, from: Data(contents.provenanceJSON.utf8))
        } catch {
            throw ModelError("\(PathText.join(folder, ResultFiles.provenance)): error: cannot read: \(ErrorText.describe(error))")
        }
        // plan.json keeps the data paths as the file wrote them, relative to the experiment file.
        let base = (provenance.experimentFile as NSString).deletingLastPathComponent
        func resolve(_ file: String) -> String { file.hasPrefix("/") || base.isEmpty ? file : PathText.join(base, file) }
        plan.data.path = resolve(plan.data.file)
        plan.data.testPath = plan.data.testFile.map(resolve)
        let experiment: PreparedExperiment
        do {
            experiment = try PreparedExperiment.prepare(plan, experimentFile: provenance.experimentFile)
        } catch let error as DiagnosticError {
            throw ModelError(error.diagnostics.map(\.description).joined(separator: "\n")
                             + "\n(fit reads the data the run read, relative to the directory the run started in)")
        } catch {
            throw ModelError("\(plan.data.path): error: \(ErrorText.describe(error))")
        }
        let recorded = Set(provenance.dataSHA256.values)
        guard recorded.contains(experiment.data.sha256) else {
            throw ModelError("\(plan.data.path): error: the data file changed since the run (SHA-256 \(experiment.data.sha256), "
                             + "the run read \(recorded.sorted().joined(separator: ", "))); fit needs the data the cell was chosen on")
        }

        let (part, preparation) = experiment.refitPart(validationToo: rows == .trainAndValidation)
        var training = cell.training
        training.epochs = epochs(of: summary.cell, in: results)
        training.earlyStopping = nil
        let refitSeed = seed ?? RunSeed.refit(cell: summary.cell, in: plan)
        let trained = RunExecutor(experiment: experiment).train(cell: summary.cell, on: part, seed: refitSeed, training: training)

        let data = experiment.data
        let description = ModelDescription(
            formatVersion: ModelDescription.currentFormatVersion, runexpVersion: provenance.runexpVersion, experiment: plan.name,
            cell: .init(id: cell.id, rank: summary.rank, values: Dictionary(uniqueKeysWithValues: zip(plan.axes.map(\.name), plan.axisTexts(of: cell)))),
            source: .init(resultFolder: folder, commit: provenance.git.commit, dataFile: plan.data.file, dataSHA256: data.sha256),
            training: .init(rows: rows.rawValue, rowCount: part.train.rows, epochs: training.epochs, seed: refitSeed, diverged: trained.diverged),
            task: data.isRegression ? "regression" : "classification",
            delimiter: plan.data.delimiter == "," ? nil : plan.data.delimiter,
            features: zip(data.featureNames, data.featureKinds).map { name, kind in
                if case .categorical = kind { return .init(name: name, type: "categorical") }
                return .init(name: name, type: "numeric")
            },
            inputs: data.inputNames, preparation: preparation,
            layers: cell.model.map { layer in
                if case .dense(let units, let activation, let initializer) = layer {
                    return .dense(units: .count(units.resolved(classes: data.kernelClassCount)), activation: activation, initializer: initializer)
                }
                return layer
            },
            classes: data.isRegression ? nil : data.classes,
            positive: data.positiveClass.map { data.classes[$0] },
            target: .init(name: plan.data.target, scale: part.targetScale.scale, offset: part.targetScale.offset),
            testMetrics: Dictionary(uniqueKeysWithValues: (trained.test?.values ?? [:]).map { ("test_\($0.key.rawValue)", $0.value) }))
        guard !trained.diverged else {
            throw ModelError("\(folder): error: the refit of cell \(cell.id) diverged (its loss or weights became NaN or infinite); "
                             + "nothing was written. Try --on train, another --seed, or another cell")
        }
        let target = out ?? defaultFolder(experiment: plan.name, cell: cell.id)
        try ModelFolder.write(description, onnx: ONNXExport.model(description, network: trained.network), to: target)
        return Fitted(folder: target, description: description)
    }

    /// The summary of the selected cell, or a message naming what exists.
    static func select(_ selection: Selection, in results: ExperimentResults, folder: String) throws(ModelError) -> CellSummary {
        let ranked = results.ranked
        switch selection {
        case .rank(let rank):
            guard rank >= 1, rank <= ranked.count else {
                throw ModelError("\(folder): error: there is no rank \(rank); the folder ranks \(ranked.count) cells (--rank 1 to \(ranked.count))")
            }
            return ranked[rank - 1]
        case .cell(let id):
            guard let index = results.plan.cells.firstIndex(where: { $0.id == id }),
                  let summary = ranked.first(where: { $0.cell == index }) else {
                let ids = ranked.prefix(3).map { results.plan.cells[$0.cell].id }
                throw ModelError("\(folder): error: no cell has id '\(Diagnostic.excerpt(id))'; cells.csv lists the ids "
                                 + "(the best: \(ids.joined(separator: ", ")))")
            }
            return summary
        }
    }

    /// The epochs a refit trains: the cell's, or with early stopping the mean epoch (rounded, at
    /// least 1) its converged runs kept: the best epoch when they restored the best weights,
    /// else the last they ran.
    static func epochs(of cell: Int, in results: ExperimentResults) -> Int {
        let plan = results.plan
        let training = plan.cells[cell].training
        guard let stopping = training.earlyStopping else { return training.epochs }
        let kept = results.records.filter { $0.run.cell == cell && !$0.diverged }.map { record -> Int in
            guard stopping.restoreBestWeights else { return record.epochsRun }
            let values = record.curve.map { point -> Double? in
                switch stopping.monitor {
                case .valLoss: point.validationLoss
                case .valAccuracy: point.validationAccuracy.map { -$0 }
                case .loss: point.trainLoss
                case .accuracy: point.trainAccuracy.map { -$0 }
                }
            }
            var best: (epoch: Int, value: Double)?
            for (point, value) in zip(record.curve, values) {
                guard let value else { continue }
                if best.map({ value < $0.value }) ?? true { best = (point.epoch, value) }
            }
            return best?.epoch ?? record.epochsRun
        }
        guard !kept.isEmpty else { return training.epochs }
        let mean = Double(kept.reduce(0, +)) / Double(kept.count)
        return min(training.epochs, max(1, Int(mean.rounded())))
    }
}
