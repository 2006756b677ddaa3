import Foundation
import RunexpKernel
import RunexpPlan
import RunexpResults

/// A plan with its data loaded and checked: everything a run needs, shared by all runs.
///
/// A run's part of the data (its partition, standardized on its own training rows) is made when
/// the run asks for it (``part(for:)``) and shared by the runs of the same repetition and fold
/// while the kept parts fit in ``PartCache/budget`` (8 MiB); past that a part is let go with its
/// run: memory stays that of the data, the runs in flight and at most 8 MiB of parts, whatever the
/// repetitions and folds. The split depends only on the seed, the repetition and the fold, so a
/// part made twice is the same part.
public struct PreparedExperiment: Sendable {
    public let plan: Plan
    public let data: LabeledData
    /// Rows of each part, by fold (the same in every repetition: the split draws which rows, the
    /// class counts fix how many).
    public let sizes: [PartSizes]
    /// Bytes the largest run holds while it trains (``TrainingFootprint``) with its part of the data,
    /// for sizing workers.
    public let runBytes: Int
    private let splitter: DataSplitter
    /// Each row's class, or one stratum for all rows of a regression.
    private let strata: [Int32]
    private let test: [Int]
    private let rest: [Int]
    /// The estimator's one-part sample (``CostEstimator``), given instead of a made part.
    private let fixedPart: PreparedPart?
    /// Parts made already, by repetition and fold: every cell's runs of one repetition and fold
    /// share a part, so the reference grid prepares 3 parts, not 648.
    private let parts = PartCache()

    /// The kernel-ready samples of one partition.
    public struct PreparedPart: Sendable {
        public let partition: Partition
        public let train: Samples
        public let validation: Samples?
        public let test: Samples?
        /// Regression: the targets train as `(y − offset) / scale`; a prediction p means `p · scale + offset`.
        public var targetScale = TargetScale.identity
    }

    /// Rows of one part.
    public struct PartSizes: Sendable, Equatable {
        public var train: Int
        public var validation: Int
        public var test: Int
    }

    /// Loads and checks the data, then checks the split and the networks against it.
    public static func prepare(_ plan: Plan, experimentFile: String) throws -> PreparedExperiment {
        try prepare(plan, data: try DataLoader.load(plan.data, task: plan.task, experimentFile: experimentFile), experimentFile: experimentFile)
    }

    /// ``prepare(_:experimentFile:)`` with the data loaded already (from `plan.data`).
    public static func prepare(_ plan: Plan, data: LabeledData, experimentFile: String) throws -> PreparedExperiment {
        let splitter = DataSplitter(split: plan.data.split, seed: plan.seed)
        let strata = data.strata
        // A test file is every run's test part; otherwise split.test draws it from the data file.
        let (test, rest) = data.testRows.map { (Array($0), Array(0..<$0.lowerBound)) }
            ?? splitter.testSplit(labels: strata, classCount: data.strataCount)
        // The first repetition's partitions stand for all: every repetition's have the same sizes.
        let partitions = splitter.partitions(rest: rest, test: test, labels: strata, classCount: data.strataCount, repetition: 0)
        let problems = PlanDataChecks.check(plan, data: data, partitions: partitions, experimentFile: experimentFile)
        if !problems.isEmpty { throw DiagnosticError(problems) }
        let sizes = partitions.map { PartSizes(train: $0.train.count, validation: $0.validation.count, test: $0.test.count) }
        // A run holds its network's footprint and its part: the rows, standardized, with their labels or targets.
        let partBytes = data.rows * (data.inputWidth * MemoryLayout<Float>.stride + MemoryLayout<Float>.stride + MemoryLayout<Int>.stride)
        let runBytes = plan.cells.reduce(0) { largest, cell in
            max(largest, (PlanDataChecks.footprint(of: cell, data: data)?.bytes ?? ResourceLimits.arenaBytes) + partBytes)
        }
        return PreparedExperiment(plan: plan, data: data, sizes: sizes, runBytes: runBytes, splitter: splitter, strata: strata,
                                  test: test, rest: rest, fixedPart: nil)
    }

    /// An experiment of one run whose part is `part` (the estimator's cut-down sample).
    init(sampleOf experiment: PreparedExperiment, plan: Plan, part: PreparedPart) {
        self.init(plan: plan, data: experiment.data,
                  sizes: [PartSizes(train: part.train.rows, validation: part.validation?.rows ?? 0, test: part.test?.rows ?? 0)],
                  runBytes: experiment.runBytes, splitter: experiment.splitter, strata: experiment.strata, test: experiment.test,
                  rest: experiment.rest, fixedPart: part)
    }

    private init(plan: Plan, data: LabeledData, sizes: [PartSizes], runBytes: Int, splitter: DataSplitter, strata: [Int32],
                 test: [Int], rest: [Int], fixedPart: PreparedPart?) {
        self.plan = plan
        self.data = data
        self.sizes = sizes
        self.runBytes = runBytes
        self.splitter = splitter
        self.strata = strata
        self.test = test
        self.rest = rest
        self.fixedPart = fixedPart
    }

    /// The rows of `run`'s part.
    public func sizes(for run: RunID) -> PartSizes {
        sizes[min(run.fold, sizes.count - 1)]
    }

    /// The prepared data of `run`: its partition, prepared on its training rows (``FeaturePreparation``:
    /// filled, encoded, standardized when the plan standardizes), as kernel samples.
    public func part(for run: RunID) -> PreparedPart {
        part(for: run, viewing: data.features.count >= Self.viewedCells)
    }

    /// Feature matrices of at least this many cells are read by each run through a view
    /// (``SampleView``) rather than copied into a standardized part of its own: a run of a table of
    /// millions of rows then holds its row indices, not a second matrix. The bits are the same
    /// either way; below this size a copy trains a little faster (no transform per batch).
    static let viewedCells = 4 << 20

    /// ``part(for:)``, with `viewing` choosing a view of the data when its preparation allows one.
    func part(for run: RunID, viewing: Bool) -> PreparedPart {
        if let fixedPart { return fixedPart }
        let key = PartCache.Key(repetition: run.repetition, fold: run.fold, viewing: viewing)
        if let kept = parts.part(for: key) { return kept }
        let partition = splitter.partition(rest: rest, test: test, labels: strata, classCount: data.strataCount,
                                           repetition: run.repetition, fold: run.fold)
        let part = prepared(partition, viewing: viewing).part
        parts.keep(part, for: key)
        return part
    }

    /// The part a model is refitted on (`runexp fit`): the training rows of the first repetition
    /// (and fold), with `validationToo` every row not in the test part, prepared on those rows;
    /// the test part as its test rows. Also the fitted preparation, which the model keeps.
    public func refitPart(validationToo: Bool) -> (part: PreparedPart, preparation: DataPreparation) {
        let first = splitter.partition(rest: rest, test: test, labels: strata, classCount: data.strataCount, repetition: 0, fold: 0)
        let partition = Partition(train: validationToo ? rest : first.train, validation: validationToo ? [] : first.validation,
                                  test: test)
        return prepared(partition, viewing: false)
    }

    private func prepared(_ partition: Partition, viewing: Bool) -> (part: PreparedPart, preparation: DataPreparation) {
        let preparation = FeaturePreparation(data, trainRows: partition.train, standardize: plan.data.standardize)
        let width = preparation.width
        let targetScale = data.isRegression && plan.data.standardizeTarget == true
            ? TargetScale(fitting: data.targets, rows: partition.train) : .identity
        func samples(_ rows: [Int]) -> Samples {
            let targets = data.isRegression ? targetScale.apply(data.targets, rows: rows) : []
            let labels = data.isRegression ? [] : rows.map { data.labels[$0] }
            if viewing, let view = preparation.view(rows: rows) {
                return Samples(matrix: data.features, width: width, view: view, labels: labels, targets: targets)
            }
            let features = preparation.inputs(data, rows: rows)
            if data.isRegression {
                return Samples(features: features, rows: rows.count, width: width, targets: targets)
            }
            return Samples(features: features, rows: rows.count, width: width, labels: labels)
        }
        let part = PreparedPart(partition: partition, train: samples(partition.train),
                                validation: partition.validation.isEmpty ? nil : samples(partition.validation),
                                test: partition.test.isEmpty ? nil : samples(partition.test), targetScale: targetScale)
        return (part, preparation.parameters)
    }
}

/// Prepared parts by repetition and fold, kept while they fit in ``budget`` bytes (a part past it
/// is made for each run that asks, and let go with it): a part made twice is the same part, so
/// keeping one changes no bit, only the time spent standardizing.
final class PartCache: @unchecked Sendable {
    struct Key: Hashable {
        var repetition: Int
        var fold: Int
        var viewing: Bool
    }

    /// Bytes of kept parts: small tables keep every part, big ones (whose runs should hold only their own) none.
    static let budget = 8 << 20
    private let lock = NSLock()
    private var parts: [Key: PreparedExperiment.PreparedPart] = [:]
    private var bytes = 0

    func part(for key: Key) -> PreparedExperiment.PreparedPart? {
        lock.withLock { parts[key] }
    }

    func keep(_ part: PreparedExperiment.PreparedPart, for key: Key) {
        let size = [part.train, part.validation, part.test].reduce(0) { $0 + ($1.map(Self.bytes) ?? 0) }
        lock.withLock {
            guard parts[key] == nil, bytes + size <= Self.budget else { return }
            parts[key] = part
            bytes += size
        }
    }

    /// The bytes `samples` hold: its own matrix, or a view's row indices; with its labels or targets.
    static func bytes(_ samples: Samples) -> Int {
        let perRow = samples.view == nil ? samples.width * MemoryLayout<Float>.stride : MemoryLayout<Int>.stride
        return samples.rows * (perRow + MemoryLayout<Float>.stride)
    }
}

/// Checks of the plan that need the data: sizes of the parts, the class count against the model.
enum PlanDataChecks {
    static func check(_ plan: Plan, data: LabeledData, partitions: [Partition], experimentFile: String) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        let fallback = SourceLocation(file: experimentFile, line: 1, column: 1)
        let classCount = data.classes.count
        let counts = data.classCounts
        if let folds = plan.data.split.folds, let smallest = counts.min(), smallest < folds, let index = counts.firstIndex(of: smallest) {
            problems.append(Diagnostic(location: plan.data.locations.folds ?? fallback, keyPath: "data.split.folds",
                                       message: "class '\(data.classes[index])' has \(smallest) rows, fewer than the \(folds) folds",
                                       help: "use at most \(max(2, smallest)) folds, or more data"))
        } else if let folds = plan.data.split.folds, let empty = partitions.firstIndex(where: { $0.validation.isEmpty }) {
            // Every class has a row per fold, but the test split may leave fewer rows than folds:
            // a fold without validation rows would give runs without validation metrics.
            let rest = partitions.first.map { $0.train.count + $0.validation.count } ?? 0
            problems.append(Diagnostic(location: plan.data.locations.folds ?? fallback, keyPath: "data.split.folds",
                                       message: "fold \(empty + 1) of \(folds) has no validation rows: the test split leaves \(rest) rows for the folds",
                                       help: "use at most \(max(2, rest)) folds, or a smaller test fraction"))
        }
        for partition in partitions.prefix(1) {
            if partition.train.isEmpty {
                problems.append(Diagnostic(location: plan.data.locations.file ?? fallback, keyPath: "data.split",
                                           message: "the split leaves no training rows (\(data.rows) rows in all)"))
            }
            if plan.data.split.validation != nil, partition.validation.isEmpty {
                problems.append(Diagnostic(location: plan.data.locations.validation ?? fallback, keyPath: "data.split.validation",
                                           message: "the validation fraction selects no rows of \(data.rows); raise it"))
            }
            if plan.data.hasTestPart, partition.test.isEmpty {
                problems.append(Diagnostic(location: plan.data.locations.test ?? fallback, keyPath: "data.split.test",
                                           message: "the test fraction selects no rows of \(data.rows); raise it"))
            }
        }
        let smallestTraining = partitions.map(\.train.count).min() ?? 0
        var reportedBatch = Set<Int>()
        var reportedLosses = Set<LossName>()
        var reportedLabels = Set<String>()
        for cell in plan.cells {
            let batch = cell.training.batchSize
            if smallestTraining > 0, batch > smallestTraining, reportedBatch.insert(batch).inserted {
                problems.append(Diagnostic(location: plan.locations.batchSize[batch] ?? fallback, keyPath: "training.batch_size",
                                           message: "batch size \(batch) is larger than the \(smallestTraining) training rows",
                                           help: "use a batch size of at most \(smallestTraining)"))
            }
            // Every cell, each loss once: the loss and the last layer may be axes.
            let loss = cell.training.loss
            if !data.isRegression, !reportedLosses.contains(loss), let problem = loss.classProblem(classCount: classCount, last: cell.model.last) {
                reportedLosses.insert(loss)
                problems.append(Diagnostic(location: plan.locations.lastLayer ?? fallback, keyPath: problem.keyPath,
                                           message: problem.message, help: problem.help))
            }
            if case .explicit(let weights) = cell.training.classWeight {
                for label in weights.keys.sorted() where !data.classes.contains(label) {
                    if reportedLabels.insert(label).inserted {
                        problems.append(Diagnostic(location: plan.locations.classWeight[label] ?? fallback,
                                                   keyPath: "training.class_weight.\(label)",
                                                   message: "'\(Diagnostic.excerpt(label))' is not a label of column '\(plan.data.target)'",
                                                   help: Suggestions.help(for: label, valid: data.classes, noun: "labels")))
                    }
                }
            }
        }
        let (inputCells, overflow) = data.rows.multipliedReportingOverflow(by: data.inputWidth)
        if overflow || inputCells > ResourceLimits.inputCells {
            // Named by the widest categorical column: the usual cause.
            let widest = zip(data.featureNames, data.featureKinds).compactMap { name, kind -> (String, Int)? in
                if case .categorical(let categories, _) = kind { return (name, categories.count) }
                return nil
            }.max { $0.1 < $1.1 }
            let location = widest.flatMap { plan.data.locations.columns[$0.0] } ?? plan.data.locations.file ?? fallback
            problems.append(Diagnostic(location: location, keyPath: widest.map { "data.columns.\(Diagnostic.excerpt($0.0))" } ?? "data",
                                       message: "the prepared data would have \(data.rows) rows × \(data.inputWidth) inputs"
                                        + (widest.map { " (column '\(Diagnostic.excerpt($0.0))' alone has \($0.1) categories)" } ?? "")
                                        + "; at most \(ResourceLimits.inputCells) (ResourceLimits.inputCells)",
                                       help: "exclude the column, or leave it numeric; a column of as many categories as rows is an id"))
        } else {
            problems += footprintProblems(plan, data: data, fallback: fallback)
        }
        if plan.objective.metric.kind.isBinaryOnly, data.positiveClass == nil {
            problems.append(Diagnostic(location: plan.locations.objective ?? fallback, keyPath: "search.objective.metric",
                                       message: "\(plan.objective.metric) is defined for two classes only, and the data has \(classCount)",
                                       help: "use an accuracy or loss objective"))
        }
        if problems.isEmpty, let problem = kernelProblem(plan, data: data, fallback: fallback) {
            problems.append(problem)
        }
        return problems
    }

    /// The kernel's own check (`Network.validate`) of every cell's network and settings. The
    /// checks above leave it nothing to find; should one ever miss a case, the experiment is
    /// refused here in the kernel's words instead of trapping in `Trainer` halfway through a run.
    static func kernelProblem(_ plan: Plan, data: LabeledData, fallback: SourceLocation) -> Diagnostic? {
        let classCount = data.kernelClassCount
        for cell in plan.cells {
            let layers = cell.model.map { LayerSpec($0, classes: classCount) }
            // Balanced weights are made per run (finite and positive by construction): ones stand in.
            let weights = RunExecutor.classWeights(cell.training.classWeight, labels: [], classes: data.classes)
            do {
                try Network.validate(layers: layers, classCount: classCount, settings: TrainingSettings(cell.training, classWeights: weights))
            } catch {
                return Diagnostic(location: plan.locations.lastLayer ?? fallback, keyPath: "model",
                                  message: "cell \(cell.index): the training kernel refuses this configuration: \(error)",
                                  help: "runexp should have said so earlier; please report the experiment file")
            }
        }
        return nil
    }

    /// What a run of `cell` holds while it trains on `data` (nil when a count overflows).
    static func footprint(of cell: Cell, data: LabeledData) -> TrainingFootprint? {
        TrainingFootprint(inputWidth: data.inputWidth, layers: cell.model.map { LayerSpec($0, classes: data.kernelClassCount) },
                          batchSize: cell.training.batchSize, optimizer: OptimizerSpec(cell.training.optimizer),
                          restoresBestWeights: cell.training.earlyStopping?.restoreBestWeights ?? false, evaluationRows: data.rows)
    }

    /// The first cell whose network is over ``ResourceLimits/parameters`` or whose run would need
    /// more than ``ResourceLimits/arenaBytes`` (``TrainingFootprint``), with the number of others.
    static func footprintProblems(_ plan: Plan, data: LabeledData, fallback: SourceLocation) -> [Diagnostic] {
        let classCount = data.kernelClassCount
        let width = data.inputWidth
        var first: (cell: Cell, layers: [LayerSpec], footprint: TrainingFootprint?)?
        var over = 0
        for cell in plan.cells {
            let layers = cell.model.map { LayerSpec($0, classes: classCount) }
            let footprint = footprint(of: cell, data: data)
            if let footprint, footprint.parameters <= ResourceLimits.parameters, footprint.bytes <= ResourceLimits.arenaBytes { continue }
            over += 1
            if first == nil { first = (cell, layers, footprint) }
        }
        guard let first else { return [] }
        // Point at the layer with the most parameters (the model's own line when layers are not known).
        var largest: (index: Int, count: Double)?
        var previous = Double(width)
        for (index, layer) in first.layers.enumerated() {
            switch layer {
            case .dense(let units, _):
                let count = previous * Double(units) + Double(units)
                if largest.map({ count > $0.count }) ?? true { largest = (index, count) }
                previous = Double(units)
            case .dropout:
                continue  // no parameters
            case .batchNorm, .layerNorm:
                let count = 2 * previous
                if largest.map({ count > $0.count }) ?? true { largest = (index, count) }
            }
        }
        let location = largest.flatMap { plan.locations.layers.indices.contains($0.index) ? plan.locations.layers[$0.index] : nil }
            ?? plan.locations.lastLayer ?? fallback
        let axes = plan.axisTexts(of: first.cell)
        let named = plan.axes.isEmpty ? "the network" : "the network of cell \(first.cell.index) ("
            + zip(plan.axes, axes).map { "\($0.name)=\($1)" }.joined(separator: ", ") + ")"
        let others = over > 1 ? " (and \(over - 1) more cell\(over > 2 ? "s" : ""))" : ""
        let message: String
        let help: String
        if let footprint = first.footprint, footprint.parameters <= ResourceLimits.parameters {
            let mib = (footprint.bytes + (1 << 20) - 1) >> 20
            message = "\(named) needs \(mib) MiB to train a run (batch size \(first.cell.training.batchSize), \(data.rows) rows, "
                + "\(footprint.parameters) parameters)\(others); at most \(ResourceLimits.arenaBytes >> 20) MiB (ResourceLimits.arenaBytes)"
            help = "use a smaller batch size, fewer units or fewer layers"
        } else {
            let count = first.footprint.map { "\($0.parameters)" } ?? "more than \(Int.max)"
            message = "\(named) has \(count) trainable parameters\(others); at most \(ResourceLimits.parameters) (ResourceLimits.parameters)"
            help = "use fewer units or fewer layers (a dense layer has inputs × units + units parameters; the data has \(width) features)"
        }
        return [Diagnostic(location: location, keyPath: "model", message: message, help: help)]
    }
}

extension TargetScale {
    /// Mean and population standard deviation of `rows` of `targets` (scale 1 for a constant part).
    init(fitting targets: [Double], rows: [Int]) {
        var sum = 0.0
        for row in rows { sum += targets[row] }
        let mean = rows.isEmpty ? 0 : sum / Double(rows.count)
        var squares = 0.0
        for row in rows { squares += (targets[row] - mean) * (targets[row] - mean) }
        let deviation = rows.isEmpty ? 0 : (squares / Double(rows.count)).squareRoot()
        self.init(scale: deviation > 1e-12 && deviation.isFinite ? deviation : 1, offset: mean)
    }

    /// `rows` of `targets` on the training scale, as float32.
    func apply(_ targets: [Double], rows: [Int]) -> [Float] {
        rows.map { Float((targets[$0] - offset) / scale) }
    }
}
