import Foundation
import RunexpKernel
import RunexpPlan
import RunexpResults

/// Trains and evaluates single runs of a prepared experiment on the kernel.
public struct RunExecutor: Sendable {
    public let experiment: PreparedExperiment

    public init(experiment: PreparedExperiment) {
        self.experiment = experiment
    }

    /// The seed of `run` (``RunSeed``), never from scheduling order.
    public func seed(for run: RunID) -> UInt64 {
        RunSeed.of(run, in: experiment.plan)
    }

    /// Trains `run` from scratch and measures it on its validation and test parts.
    public func execute(_ run: RunID) -> RunRecord {
        execute(run, predicting: nil).record
    }

    /// `run`'s record from `cache` when it holds one, else trained (and stored there); `reused`
    /// tells which. `keys` makes each cell's part of the key once.
    public func execute(_ run: RunID, cache: RunCacheStore, keys: CacheKeys) -> (record: RunRecord, reused: Bool) {
        let key = keys.key(for: run, seed: seed(for: run))
        if let record = cache.record(for: key, run: run, check: keys.check) {
            return (record, true)
        }
        let record = execute(run)
        cache.store(record, for: key)
        return (record, false)
    }


    /// Trains `run` again and predicts the rows of its `part` (the report's predictions of the
    /// best cell): the same training as ``execute(_:)``, so the record equals the journaled one.
    /// No rows when the run diverged or the part is empty.
    public func predict(_ run: RunID, part: MetricSplit) -> (record: RunRecord, rows: [Predictions.Row]) {
        execute(run, predicting: part)
    }

    /// A cell trained on a part and measured on its validation and test rows.
    public struct Trained: Sendable {
        public let network: Network
        public let outcome: TrainingOutcome
        public let validation: PartMetrics?
        public let test: PartMetrics?
        /// Diverged, or a regression whose finite weights predict ±∞ on a part.
        public let diverged: Bool
    }

    /// A run trained epoch by epoch: what successive halving keeps between rungs. Trained through
    /// to the end it is ``train(cell:on:seed:training:)``, bit for bit.
    public struct Training: Sendable {
        public let cell: Int
        let part: PreparedExperiment.PreparedPart
        let settings: TrainingSettings
        var run: TrainingRun<SplitMix64>

        public var epochsRun: Int { run.epochsRun }

        /// Trains the epochs after ``epochsRun`` through epoch `end` (at most the cell's epochs),
        /// unless the run diverges or stops early first.
        public mutating func train(throughEpoch end: Int) {
            run.run(throughEpoch: end)
        }
    }

    /// Cell `index`'s network and training on `part` from `seed` with `training` (the cell's own,
    /// or a refit's with its epochs fixed), no epoch trained yet.
    public func start(cell index: Int, on part: PreparedExperiment.PreparedPart, seed: UInt64, training: TrainingPlan? = nil) -> Training {
        let cell = experiment.plan.cells[index]
        let training = training ?? cell.training
        let data = experiment.data
        let classCount = data.kernelClassCount
        var rng = SplitMix64(seed: seed)
        let layers = cell.model.map { LayerSpec($0, classes: classCount) }
        let network = Network(inputWidth: part.train.width, layers: layers, initializers: WeightInitializer.of(cell.model), rng: &rng)
        var settings = TrainingSettings(training,
                                        classWeights: Self.classWeights(training.classWeight, labels: part.train.labels,
                                                                        classes: data.classes))
        settings.targetScale = part.targetScale
        let run = TrainingRun(network, on: part.train, validation: part.validation, classCount: classCount, settings: settings, rng: rng)
        return Training(cell: index, part: part, settings: settings, run: run)
    }

    /// `run`'s training, no epoch trained yet.
    public func start(_ run: RunID) -> Training {
        start(cell: run.cell, on: experiment.part(for: run), seed: seed(for: run))
    }

    /// Trains cell `index` on `part` from `seed` with `training` (the cell's own, or a refit's with
    /// its epochs fixed) and measures it: what a run does, for `runexp fit` too.
    public func train(cell index: Int, on part: PreparedExperiment.PreparedPart, seed: UInt64, training: TrainingPlan? = nil) -> Trained {
        var run = start(cell: index, on: part, seed: seed, training: training)
        run.train(throughEpoch: run.settings.epochs)
        return measure(run)
    }

    /// `training` as it stands, measured on its validation and test rows.
    public func measure(_ training: Training) -> Trained {
        let data = experiment.data
        let classCount = data.kernelClassCount
        let outcome = training.run.outcome
        let part = training.part, settings = training.settings
        func measure(_ samples: Samples?) -> PartMetrics? {
            guard let samples, !outcome.diverged else { return nil }
            if data.isRegression {
                return PartMetrics(evaluateRegression(predictions: outcome.network.predictions(for: samples), targets: samples.targets,
                                                      loss: settings.loss, scale: part.targetScale))
            }
            let evaluation = evaluate(probabilities: outcome.network.probabilities(for: samples), labels: samples.labels,
                                      classCount: classCount, positiveClass: data.positiveClass)
            return PartMetrics(evaluation, task: Task(classCount: classCount))
        }
        let validation = measure(part.validation), test = measure(part.test)
        // A regression net with finite weights can still predict ±inf (or overflow an error): its
        // metrics would be no measure, so the run counts as diverged, as a non-finite loss does.
        let overflowed = [validation, test].contains { $0?.values.values.contains { !$0.isFinite } ?? false }
        return Trained(network: outcome.network, outcome: outcome, validation: overflowed ? nil : validation,
                       test: overflowed ? nil : test, diverged: outcome.diverged || overflowed)
    }

    /// The record of `run` trained as `trained`.
    public func record(of run: RunID, _ trained: Trained) -> RunRecord {
        let outcome = trained.outcome
        let curve = outcome.history.map {
            CurvePoint(epoch: $0.epoch, trainLoss: $0.trainLoss, trainAccuracy: $0.trainAccuracy,
                       validationLoss: $0.validationLoss, validationAccuracy: $0.validationAccuracy, validationRMSE: $0.validationRMSE)
        }
        return RunRecord(run: run, seed: seed(for: run), epochsRun: outcome.epochsRun, diverged: trained.diverged,
                         validation: trained.validation, test: trained.test, curve: curve)
    }

    private func execute(_ run: RunID, predicting: MetricSplit?) -> (record: RunRecord, rows: [Predictions.Row]) {
        let part = experiment.part(for: run)
        let trained = train(cell: run.cell, on: part, seed: seed(for: run))
        let record = record(of: run, trained)
        guard let predicting, !record.diverged,
              let samples = predicting == .test ? part.test : part.validation else { return (record, []) }
        let rows = predicting == .test ? part.partition.test : part.partition.validation
        return (record, predictions(of: trained.network, on: samples, rows: rows, run: run, scale: part.targetScale))
    }

    /// What `network` predicts for `samples`, which hold the data's rows `rows`: a number in the
    /// target's units, or the argmax class with every class's probability. A row of the test file
    /// is numbered in that file.
    private func predictions(of network: Network, on samples: Samples, rows: [Int], run: RunID, scale: TargetScale) -> [Predictions.Row] {
        let data = experiment.data
        let first = data.testRows?.lowerBound ?? 0
        func fileRow(_ row: Int) -> Int { data.testRows?.contains(row) == true ? row - first : row }
        if data.isRegression {
            return zip(rows, network.predictions(for: samples)).map { row, value in
                Predictions.Row(run: run, row: fileRow(row), actual: .number(data.targets[row]),
                                predicted: .number(Double(value) * scale.scale + scale.offset))
            }
        }
        let classCount = data.kernelClassCount
        let probabilities = network.probabilities(for: samples)
        let predicted = predictedClasses(probabilities: probabilities, classCount: classCount)
        return rows.enumerated().map { position, row in
            Predictions.Row(run: run, row: fileRow(row), actual: .label(Int(data.labels[row])), predicted: .label(predicted[position]),
                            probabilities: probabilities[(position * classCount)..<((position + 1) * classCount)].map(Double.init))
        }
    }

    /// Per-class weights: balanced is n / (classes × count) on the run's training rows (1 for a
    /// class without any, and for every class when `labels` is empty).
    static func classWeights(_ plan: ClassWeightPlan, labels: [Int32], classes: [String]) -> [Float] {
        let classCount = classes.count
        switch plan {
        case .none:
            return [Float](repeating: 1, count: classCount)
        case .balanced:
            var counts = [Int](repeating: 0, count: classCount)
            for label in labels { counts[Int(label)] += 1 }
            return counts.map { $0 == 0 ? 1 : Float(Double(labels.count) / Double(classCount * $0)) }
        case .explicit(let weights):
            return classes.map { Float(weights[$0] ?? 1) }
        }
    }
}

/// The run cache's keys of one experiment's runs, each cell's part made once (its JSON) and shared
/// by the workers.
public final class CacheKeys: @unchecked Sendable {
    let plan: Plan
    let dataSHA256: [String]
    let kernel: String
    let check: RunRecordCheck
    private let lock = NSLock()
    private var cells: [Int: String] = [:]

    public init(_ experiment: PreparedExperiment) {
        plan = experiment.plan
        let data = experiment.data
        dataSHA256 = [data.sha256] + (data.testSHA256.map { [$0] } ?? [])
        kernel = "\(kernelCodePath) arithmetic \(KernelArithmetic.version)"
        check = RunRecordCheck(plan: plan, classCount: data.classes.count)
    }

    func key(for run: RunID, seed: UInt64) -> RunCacheKey {
        let known = lock.withLock { cells[run.cell] }
        let text = known ?? RunCacheKey.cellText(plan: plan, cell: run.cell, dataSHA256: dataSHA256, kernel: kernel)
        if known == nil { lock.withLock { cells[run.cell] = text } }
        return RunCacheKey(cell: text, run: run, seed: seed)
    }
}
