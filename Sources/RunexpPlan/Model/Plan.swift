/// A fully resolved experiment: every default filled in, every `$axis` replaced, every cell listed.
///
/// Built by ``PlanParser`` from an experiment file. Data-dependent values (the number of classes,
/// the rows of each split) are resolved by the execution layer when it loads the data.
public struct Plan: Sendable, Codable, Equatable {
    /// The highest `schema_version` this runexp reads.
    public static let currentSchemaVersion = 1

    /// Version of the experiment file format the file declared (default 1).
    public var schemaVersion: Int
    /// Names the result folder: `[a-z0-9_-]+`.
    public var name: String
    /// Free text.
    public var description: String
    /// Every random choice derives from this.
    public var seed: UInt64
    /// Classification (the default) or regression.
    public var task: TaskKind
    /// Where the data comes from and how it is split.
    public var data: DataPlan
    /// The search axes in file order; the first varies slowest.
    public var axes: [Axis]
    /// Independent seeds per cell.
    public var repetitions: Int
    /// What ranks the cells.
    public var objective: Objective
    /// Successive halving or Hyperband; nil trains every run to the end.
    public var strategy: SearchStrategy?
    /// Plots asked for.
    public var report: ReportPlan
    /// Every cell of the search, in plan order.
    public var cells: [Cell]
    /// Where values that data checks may reject were written (not encoded).
    public var locations = PlanLocations()

    enum CodingKeys: String, CodingKey {
        case schemaVersion, name, description, seed, task, data, axes, repetitions, objective, strategy, report, cells
    }

    public init(schemaVersion: Int, name: String, description: String, seed: UInt64, task: TaskKind = .classification, data: DataPlan,
                axes: [Axis], repetitions: Int, objective: Objective, strategy: SearchStrategy? = nil, report: ReportPlan, cells: [Cell],
                locations: PlanLocations = PlanLocations()) {
        self.schemaVersion = schemaVersion
        self.name = name
        self.description = description
        self.seed = seed
        self.task = task
        self.data = data
        self.axes = axes
        self.repetitions = repetitions
        self.objective = objective
        self.strategy = strategy
        self.report = report
        self.cells = cells
        self.locations = locations
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try container.decode(Int.self, forKey: .schemaVersion)
        name = try container.decode(String.self, forKey: .name)
        description = try container.decode(String.self, forKey: .description)
        seed = try container.decode(UInt64.self, forKey: .seed)
        task = try container.decodeIfPresent(TaskKind.self, forKey: .task) ?? .classification
        data = try container.decode(DataPlan.self, forKey: .data)
        axes = try container.decode([Axis].self, forKey: .axes)
        repetitions = try container.decode(Int.self, forKey: .repetitions)
        objective = try container.decode(Objective.self, forKey: .objective)
        strategy = try container.decodeIfPresent(SearchStrategy.self, forKey: .strategy)
        report = try container.decode(ReportPlan.self, forKey: .report)
        cells = try container.decode([Cell].self, forKey: .cells)
    }

    /// `task` is written only for regression and `strategy` only when there is one, so plans
    /// without them (every plan before the keys existed) keep their plan.json and its hash.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(schemaVersion, forKey: .schemaVersion)
        try container.encode(name, forKey: .name)
        try container.encode(description, forKey: .description)
        try container.encode(seed, forKey: .seed)
        if task != .classification { try container.encode(task, forKey: .task) }
        try container.encode(data, forKey: .data)
        try container.encode(axes, forKey: .axes)
        try container.encode(repetitions, forKey: .repetitions)
        try container.encode(objective, forKey: .objective)
        try container.encodeIfPresent(strategy, forKey: .strategy)
        try container.encode(report, forKey: .report)
        try container.encode(cells, forKey: .cells)
    }

    /// The task of this plan's runs on a target of `classCount` classes (ignored for regression).
    public func task(classCount: Int) -> Task { Task(task, classCount: classCount) }

    /// The cell's value of each axis as result files print it; "" where the cell has none.
    public func axisTexts(of cell: Cell) -> [String] {
        axes.map { cell.value(of: $0.name)?.description ?? "" }
    }

    /// Folds per repetition: `folds` for k-fold, else 1.
    public var foldsPerRepetition: Int { data.split.folds ?? 1 }

    /// Runs in all: cells × repetitions × folds.
    public var runCount: Int { cells.count * repetitions * foldsPerRepetition }

    /// Epochs trained in all when no run stops early: one curve point each (nil past `Int.max`).
    public var curvePoints: Int? {
        let (runsPerCell, overflow) = repetitions.multipliedReportingOverflow(by: foldsPerRepetition)
        guard !overflow else { return nil }
        var total = 0
        for cell in cells {
            let (points, overflow1) = cell.training.epochs.multipliedReportingOverflow(by: runsPerCell)
            let (sum, overflow2) = total.addingReportingOverflow(points)
            guard !overflow1, !overflow2 else { return nil }
            total = sum
        }
        return total
    }

    /// The run at `index` in plan order (``runs``), computed without listing them; nil outside 0..<runCount.
    public func run(at index: Int) -> RunID? {
        let folds = foldsPerRepetition
        let perCell = repetitions * folds
        guard perCell > 0, index >= 0, index < runCount else { return nil }
        return RunID(index: index, cell: index / perCell, repetition: index % perCell / folds, fold: index % folds)
    }

    /// Every run in plan order: cell slowest, then repetition, then fold.
    public var runs: [RunID] {
        var runs: [RunID] = []
        runs.reserveCapacity(runCount)
        for cell in cells.indices {
            for repetition in 0..<repetitions {
                for fold in 0..<foldsPerRepetition {
                    runs.append(RunID(index: runs.count, cell: cell, repetition: repetition, fold: fold))
                }
            }
        }
        return runs
    }
}

/// Where values that only the data can reject were written, so those errors point at the YAML.
public struct PlanLocations: Sendable, Hashable {
    /// Where each batch size was written (the training key, or the axis value it came from).
    public var batchSize: [Int: SourceLocation] = [:]
    /// The last layer of the model.
    public var lastLayer: SourceLocation?
    /// Each layer of the model, in order.
    public var layers: [SourceLocation] = []
    /// Each label key of an explicit `class_weight`.
    public var classWeight: [String: SourceLocation] = [:]
    /// `search.objective.metric`.
    public var objective: SourceLocation?
    /// `search.strategy`.
    public var strategy: SourceLocation?

    public init() {}
}

/// The identity of one training run.
public struct RunID: Sendable, Hashable, Codable {
    /// Position in plan order.
    public var index: Int
    /// Index into ``Plan/cells``.
    public var cell: Int
    /// 0-based repetition.
    public var repetition: Int
    /// 0-based fold (0 without k-fold).
    public var fold: Int

    /// Creates a run identity.
    public init(index: Int, cell: Int, repetition: Int, fold: Int) {
        self.index = index
        self.cell = cell
        self.repetition = repetition
        self.fold = fold
    }
}

/// `data:` resolved.
public struct DataPlan: Sendable, Codable, Equatable {
    /// The path as written in the file, relative to the experiment file.
    public var file: String
    /// The path to open: relative to the working directory or absolute.
    public var path: String
    /// The label column.
    public var target: String
    /// Positive class for binary metrics, as its label text.
    public var positive: String?
    /// Columns that are not features.
    public var exclude: [String]
    /// Z-score features, fitted on each run's training rows.
    public var standardize: Bool
    /// Regression only: z-score the target on each run's training rows for training, and map the
    /// predictions back before any metric (nil for classification).
    public var standardizeTarget: Bool?
    /// How rows are divided.
    public var split: SplitPlan
    /// A labelled test file as written (relative to the experiment file), used instead of `split.test`.
    public var testFile: String?
    /// The test file's path to open (relative to the working directory, or absolute).
    public var testPath: String?
    /// The field separator: `,` (default), `;` or a tab.
    public var delimiter: String = ","
    /// What fills an empty cell of a numeric feature column without its own policy.
    public var missing: MissingPolicy = .error
    /// Per-column declarations, in file order of their keys.
    public var columns: [ColumnPlan] = []
    /// Where each data key was written, for diagnostics about the data (not encoded).
    public var locations: DataLocations

    enum CodingKeys: String, CodingKey {
        case file, target, positive, exclude, standardize, standardizeTarget, split, delimiter, missing, columns, testFile
    }

    /// True when runs have a test part: a `split.test` fraction or a `test_file`.
    public var hasTestPart: Bool { split.test != nil || testFile != nil }

    /// The declaration of column `name`, if any.
    public func column(_ name: String) -> ColumnPlan? { columns.first { $0.name == name } }

    public init(file: String, path: String, target: String, positive: String?, exclude: [String],
                standardize: Bool, standardizeTarget: Bool? = nil, split: SplitPlan, locations: DataLocations) {
        self.file = file
        self.path = path
        self.target = target
        self.positive = positive
        self.exclude = exclude
        self.standardize = standardize
        self.standardizeTarget = standardizeTarget
        self.split = split
        self.locations = locations
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        file = try container.decode(String.self, forKey: .file)
        path = file
        target = try container.decode(String.self, forKey: .target)
        positive = try container.decodeIfPresent(String.self, forKey: .positive)
        exclude = try container.decode([String].self, forKey: .exclude)
        standardize = try container.decode(Bool.self, forKey: .standardize)
        standardizeTarget = try container.decodeIfPresent(Bool.self, forKey: .standardizeTarget)
        split = try container.decode(SplitPlan.self, forKey: .split)
        delimiter = try container.decodeIfPresent(String.self, forKey: .delimiter) ?? ","
        missing = try container.decodeIfPresent(MissingPolicy.self, forKey: .missing) ?? .error
        columns = try container.decodeIfPresent([ColumnPlan].self, forKey: .columns) ?? []
        testFile = try container.decodeIfPresent(String.self, forKey: .testFile)
        testPath = testFile
        locations = DataLocations()
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(file, forKey: .file)
        try container.encode(target, forKey: .target)
        try container.encodeIfPresent(positive, forKey: .positive)
        try container.encode(exclude, forKey: .exclude)
        try container.encode(standardize, forKey: .standardize)
        try container.encodeIfPresent(standardizeTarget, forKey: .standardizeTarget)
        try container.encode(split, forKey: .split)
        // Written only when not the defaults, so plans without them keep their plan.json and its hash.
        if delimiter != "," { try container.encode(delimiter, forKey: .delimiter) }
        if missing != .error { try container.encode(missing, forKey: .missing) }
        if !columns.isEmpty { try container.encode(columns, forKey: .columns) }
        try container.encodeIfPresent(testFile, forKey: .testFile)
    }

    public static func == (lhs: DataPlan, rhs: DataPlan) -> Bool {
        (lhs.file, lhs.target, lhs.positive, lhs.exclude, lhs.standardize, lhs.split)
            == (rhs.file, rhs.target, rhs.positive, rhs.exclude, rhs.standardize, rhs.split)
            && lhs.standardizeTarget == rhs.standardizeTarget
            && (lhs.delimiter, lhs.missing, lhs.columns, lhs.testFile) == (rhs.delimiter, rhs.missing, rhs.columns, rhs.testFile)
    }
}

/// Where the keys of `data:` stand in the experiment file, so data problems point at them.
public struct DataLocations: Sendable, Hashable {
    public var file: SourceLocation?
    public var target: SourceLocation?
    public var positive: SourceLocation?
    public var standardizeTarget: SourceLocation?
    /// `data.missing`.
    public var missing: SourceLocation?
    /// `data.test_file`.
    public var testFile: SourceLocation?
    /// Each key under `data.columns`, by column name.
    public var columns: [String: SourceLocation] = [:]
    public var exclude: [SourceLocation] = []
    public var folds: SourceLocation?
    public var test: SourceLocation?
    public var validation: SourceLocation?

    public init() {}
}

/// `data.split:` resolved. Without `validation` and `folds` there is no validation part.
public struct SplitPlan: Sendable, Codable, Equatable {
    /// Held-out test fraction, or nil for none.
    public var test: Double?
    /// Fraction of the non-test rows used for validation, or nil.
    public var validation: Double?
    /// k of k-fold cross-validation over the non-test rows, or nil.
    public var folds: Int?
    /// Keep class proportions in every part.
    public var stratify: Bool
    /// Shuffle the rows (fixed by the seed) before taking the parts. False takes them in file
    /// order, as Keras' `validation_split` does: the test part is the last rows, validation the
    /// last rows of the rest, folds are consecutive blocks; never stratified.
    public var shuffle: Bool

    public init(test: Double?, validation: Double?, folds: Int?, stratify: Bool, shuffle: Bool = true) {
        self.test = test
        self.validation = validation
        self.folds = folds
        self.stratify = stratify
        self.shuffle = shuffle
    }

    enum CodingKeys: String, CodingKey {
        case test, validation, folds, stratify, shuffle
    }

    /// `shuffle` is written only when false, so plans that shuffle (every plan before the key
    /// existed) keep their plan.json and its hash.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(test, forKey: .test)
        try container.encodeIfPresent(validation, forKey: .validation)
        try container.encodeIfPresent(folds, forKey: .folds)
        try container.encode(stratify, forKey: .stratify)
        if !shuffle { try container.encode(shuffle, forKey: .shuffle) }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        test = try container.decodeIfPresent(Double.self, forKey: .test)
        validation = try container.decodeIfPresent(Double.self, forKey: .validation)
        folds = try container.decodeIfPresent(Int.self, forKey: .folds)
        stratify = try container.decode(Bool.self, forKey: .stratify)
        shuffle = try container.decodeIfPresent(Bool.self, forKey: .shuffle) ?? true
    }

    /// True when runs have a validation part (a split fraction or folds).
    public var hasValidation: Bool { validation != nil || folds != nil }
}

/// One search axis.
public struct Axis: Sendable, Codable, Equatable {
    /// The name `$name` refers to.
    public var name: String
    /// Values in file order.
    public var values: [AxisValue]
    /// The distribution a random search draws the axis from (`uniform`, `log_uniform`,
    /// `int_uniform`, `choice`); nil for a list of values. Plots draw a drawn number on its scale.
    public var distribution: String?

    public init(name: String, values: [AxisValue], distribution: String? = nil) {
        self.name = name
        self.values = values
        self.distribution = distribution
    }
}

/// The objective that ranks cells.
public struct Objective: Sendable, Codable, Equatable {
    /// e.g. `val_accuracy`.
    public var metric: MetricName
    /// Maximize or minimize.
    public var goal: Goal

    public init(metric: MetricName, goal: Goal) {
        self.metric = metric
        self.goal = goal
    }
}

/// `report:` resolved.
public struct ReportPlan: Sendable, Codable, Equatable {
    /// Heatmaps of two axes against the objective.
    public var heatmaps: [Heatmap]

    public init(heatmaps: [Heatmap]) {
        self.heatmaps = heatmaps
    }
}

/// One heatmap: axis `x` across, axis `y` down.
public struct Heatmap: Sendable, Codable, Equatable {
    public var x: String
    public var y: String
    public var aggregate: Aggregate

    public init(x: String, y: String, aggregate: Aggregate) {
        self.x = x
        self.y = y
        self.aggregate = aggregate
    }
}
