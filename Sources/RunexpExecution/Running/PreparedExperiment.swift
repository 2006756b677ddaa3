import RunexpKernel
import RunexpPlan

/// A plan with its data loaded, checked and split: everything a run needs, shared by all runs.
public struct PreparedExperiment: Sendable {
    public let plan: Plan
    public let data: LabeledData
    /// The data of each (repetition, fold), standardized on its own training rows; index
    /// `repetition * plan.foldsPerRepetition + fold`.
    public let parts: [PreparedPart]

    /// The kernel-ready samples of one partition.
    public struct PreparedPart: Sendable {
        public let partition: Partition
        public let train: Samples
        public let validation: Samples?
        public let test: Samples?
    }

    /// Loads and checks the data, then prepares every partition.
    public static func prepare(_ plan: Plan, experimentFile: String) throws -> PreparedExperiment {
        try prepare(plan, data: try DataLoader.load(plan.data, experimentFile: experimentFile), experimentFile: experimentFile)
    }

    /// ``prepare(_:experimentFile:)`` with the data loaded already (from `plan.data`).
    public static func prepare(_ plan: Plan, data: LabeledData, experimentFile: String) throws -> PreparedExperiment {
        let splitter = DataSplitter(split: plan.data.split, seed: plan.seed)
        let classCount = data.classes.count
        let (test, rest) = splitter.testSplit(labels: data.labels, classCount: classCount)
        var partitions: [Partition] = []
        for repetition in 0..<plan.repetitions {
            partitions += splitter.partitions(rest: rest, test: test, labels: data.labels, classCount: classCount, repetition: repetition)
        }
        let problems = PlanDataChecks.check(plan, data: data, partitions: partitions, experimentFile: experimentFile)
        if !problems.isEmpty { throw DiagnosticError(problems) }

        let width = data.featureNames.count
        let parts = partitions.map { partition -> PreparedPart in
            let scaler = plan.data.standardize
                ? Standardizer(features: data.features, width: width, rows: partition.train)
                : Standardizer(width: width)
            func samples(_ rows: [Int]) -> Samples {
                Samples(features: scaler.apply(features: data.features, width: width, rows: rows), rows: rows.count,
                        width: width, labels: rows.map { data.labels[$0] })
            }
            return PreparedPart(partition: partition, train: samples(partition.train),
                                validation: partition.validation.isEmpty ? nil : samples(partition.validation),
                                test: partition.test.isEmpty ? nil : samples(partition.test))
        }
        return PreparedExperiment(plan: plan, data: data, parts: parts)
    }

    /// The prepared data of `run`.
    public func part(for run: RunID) -> PreparedPart {
        parts[run.repetition * plan.foldsPerRepetition + run.fold]
    }
}

/// Checks of the plan that need the data: sizes of the parts, the class count against the model.
enum PlanDataChecks {
    static func check(_ plan: Plan, data: LabeledData, partitions: [Partition], experimentFile: String) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        let fallback = SourceLocation(file: experimentFile, line: 1, column: 1)
        let classCount = data.classes.count
        let counts = data.classCounts
        if let folds = plan.data.split.folds, let smallest = counts.min(), smallest < folds {
            let name = data.classes[counts.firstIndex(of: smallest)!]
            problems.append(Diagnostic(location: plan.data.locations.folds ?? fallback, keyPath: "data.split.folds",
                                       message: "class '\(name)' has \(smallest) rows, fewer than the \(folds) folds",
                                       help: "use at most \(max(2, smallest)) folds, or more data"))
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
            if plan.data.split.test != nil, partition.test.isEmpty {
                problems.append(Diagnostic(location: plan.data.locations.test ?? fallback, keyPath: "data.split.test",
                                           message: "the test fraction selects no rows of \(data.rows); raise it"))
            }
        }
        let smallestTraining = partitions.map(\.train.count).min() ?? 0
        var reportedBatch = Set<Int>()
        var reportedWidth = false
        var reportedLabels = Set<String>()
        for cell in plan.cells {
            let batch = cell.training.batchSize
            if smallestTraining > 0, batch > smallestTraining, reportedBatch.insert(batch).inserted {
                problems.append(Diagnostic(location: plan.locations.batchSize[batch] ?? fallback, keyPath: "training.batch_size",
                                           message: "batch size \(batch) is larger than the \(smallestTraining) training rows",
                                           help: "use a batch size of at most \(smallestTraining)"))
            }
            if !reportedWidth, case .dense(.count(let units), _)? = cell.model.last, cell.training.loss == .categoricalCrossentropy,
               units != classCount {
                reportedWidth = true
                problems.append(Diagnostic(location: plan.locations.lastLayer ?? fallback, keyPath: "model",
                                           message: "the last layer has \(units) units but the data has \(classCount) classes",
                                           help: "write units: classes"))
            }
            if case .explicit(let weights) = cell.training.classWeight {
                for label in weights.keys.sorted() where !data.classes.contains(label) {
                    if reportedLabels.insert(label).inserted {
                        problems.append(Diagnostic(location: plan.locations.classWeight[label] ?? fallback,
                                                   keyPath: "training.class_weight.\(label)",
                                                   message: "'\(label)' is not a label of column '\(plan.data.target)'",
                                                   help: Suggestions.help(for: label, valid: data.classes, noun: "labels")))
                    }
                }
            }
        }
        if plan.objective.metric.kind.isBinaryOnly, data.positiveClass == nil {
            problems.append(Diagnostic(location: plan.locations.objective ?? fallback, keyPath: "search.objective.metric",
                                       message: "\(plan.objective.metric) is defined for two classes only, and the data has \(classCount)",
                                       help: "use an accuracy or loss objective"))
        }
        if case .binaryCrossentropy? = plan.cells.first?.training.loss, classCount != 2 {
            problems.append(Diagnostic(location: plan.locations.lastLayer ?? fallback, keyPath: "training.loss",
                                       message: "binary_crossentropy needs two classes, and the data has \(classCount)",
                                       help: "use categorical_crossentropy with a last layer of units: classes, activation: softmax"))
        }
        return problems
    }
}
