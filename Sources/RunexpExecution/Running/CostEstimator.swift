import Foundation
import RunexpKernel
import RunexpPlan
import RunexpResults

/// Estimates an experiment's wall time by timing a few of its runs on this machine.
///
/// Cost model: a run costs `epochs × ⌈rows / batch⌉ × (batch × parameters + 500)` work units
/// for training (500 stands for the fixed cost of a step) plus `epochs × validation rows ×
/// parameters / 3` for the per-epoch validation pass. Timing evenly spaced sample runs gives
/// seconds per unit; the total is divided among `jobs` workers (at most the machine's cores).
/// A sample run above ``sampleUnits`` units or ``sampleEpochs`` epochs is cut to fewer epochs
/// (and, when one epoch is already above the units, to fewer rows) before it is timed, so the estimate's own work is bounded
/// whatever the plan asks for.
public enum CostEstimator {
    /// Work units one timed sample run may cost (about a quarter of a second on a laptop core).
    public static let sampleUnits = 2e8
    /// Epochs one timed sample run may train (an epoch also costs a fixed amount the units omit).
    public static let sampleEpochs = 1_000
    /// Runs of the stand-in results on which writing the result files and the report is timed.
    public static let outputSampleRuns = 2_000

    /// The estimate and how it was obtained.
    public struct Estimate: Sendable {
        /// Training time of all runs on the workers.
        public var seconds: Double
        public var sampledRuns: Int
        public var sampleSeconds: Double
        /// The records of the sampled runs, to time what is done with a full set of records.
        public var samples: [RunRecord] = []

        /// A record for every run of `plan`, copied from the samples: results of the right size
        /// to time the result files and the report on. Give it ``outputSample(of:)``, not a plan
        /// of a million runs.
        public func standInRecords(for plan: Plan) -> [RunRecord] {
            guard !samples.isEmpty else { return [] }
            return plan.runs.map { run in
                var record = samples[run.index % samples.count]
                record.run = run
                return record
            }
        }

        /// How much more output the whole plan makes than stand-in results for `sample`: the ratio
        /// of runs plus curve points (one per epoch), 1 when `sample` is the plan itself.
        public func outputScale(of plan: Plan, sample: Plan) -> Double {
            guard !samples.isEmpty, sample.runCount > 0 else { return 1 }
            let sampleCurve = Double(samples.reduce(0) { $0 + $1.curve.count }) / Double(samples.count)
            let standIn = Double(sample.runCount) * (1 + sampleCurve)
            let perRun = Double(plan.repetitions * plan.foldsPerRepetition)
            let full = plan.cells.reduce(0.0) { $0 + perRun * (1 + Double($1.training.epochs)) }
            return max(1, full / standIn)
        }
    }

    /// The first cells and repetitions of `plan`, about ``outputSampleRuns`` runs (at least one
    /// cell, repetition and all folds); `plan` itself when it is that small.
    public static func outputSample(of plan: Plan) -> Plan {
        guard plan.runCount > outputSampleRuns else { return plan }
        var sample = plan
        let folds = plan.foldsPerRepetition
        sample.repetitions = max(1, min(plan.repetitions, outputSampleRuns / folds))
        let cells = max(1, min(plan.cells.count, outputSampleRuns / (sample.repetitions * folds)))
        sample.cells = Array(plan.cells.prefix(cells))
        return sample
    }

    /// Work units of `run` under the cost model.
    public static func units(of run: RunID, in experiment: PreparedExperiment) -> Double {
        units(of: experiment.plan.cells[run.cell], on: experiment.sizes(for: run), width: experiment.data.inputWidth,
              classes: experiment.data.classes.count)
    }

    /// Work units of training `cell` on a part of `sizes` rows of `width` features under the cost
    /// model (in doubles: no product overflows).
    static func units(of cell: Cell, on sizes: PreparedExperiment.PartSizes, width: Int, classes: Int) -> Double {
        var width = Double(width)
        var parameters = 0.0
        for layer in cell.model {
            switch layer {
            case .dense(let units, _, _):
                let out = Double(units.resolved(classes: classes))
                parameters += width * out + out
                width = out
            case .dropout:
                break  // no parameters; its work is the mask, small beside the products
            case .batchNorm, .layerNorm:
                parameters += 4 * width  // γ and β, and about ten operations per value forward and backward
            }
        }
        let batch = Double(cell.training.batchSize)
        let epochs = Double(cell.training.epochs)
        let steps = epochs * (Double(sizes.train) / batch).rounded(.up)
        let validation = epochs * Double(sizes.validation) * parameters / 3
        return steps * (batch * parameters + 500) + validation
    }

    /// Times up to `maxSamples` evenly spaced runs (stopping early once `budget` seconds are
    /// spent, after at least three), each cut to at most `sampleUnits` work units, and extrapolates
    /// to all runs on `jobs` workers (under a halving strategy, to the rungs' share of the epochs).
    public static func estimate(_ experiment: PreparedExperiment, jobs: Int, budget: TimeInterval = 0.5,
                                maxSamples: Int = 12, sampleUnits: Double = sampleUnits) -> Estimate {
        let plan = experiment.plan
        let runCount = plan.runCount
        guard runCount > 0 else { return Estimate(seconds: 0, sampledRuns: 0, sampleSeconds: 0) }
        let count = min(maxSamples, runCount)
        var sampledUnits = 0.0
        var sampledSeconds = 0.0
        var sampled = 0
        var samples: [RunRecord] = []
        for index in 0..<count {
            let position = index * runCount / count
            guard let run = plan.run(at: position) else { break }
            let (sample, sampleRun, units) = bounded(run, in: experiment, units: sampleUnits)
            let start = DispatchTime.now().uptimeNanoseconds
            var record = RunExecutor(experiment: sample).execute(sampleRun)
            sampledSeconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            record.run = run
            samples.append(record)
            sampledUnits += units
            sampled += 1
            if sampled >= 3 && sampledSeconds > budget { break }
        }
        var total = 0.0
        for cell in plan.cells {
            // Every repetition has the same sizes: the folds of one, times the repetitions.
            for sizes in experiment.sizes {
                total += Double(plan.repetitions) * units(of: cell, on: sizes, width: experiment.data.inputWidth,
                                                         classes: experiment.data.classes.count)
            }
        }
        // Under a halving strategy the rungs train their share of the full grid's epochs.
        if let schedule = RungSchedule(plan), let full = plan.curvePoints, full > 0 {
            total *= Double(schedule.plannedCellEpochs * plan.repetitions * plan.foldsPerRepetition) / Double(full)
        }
        let workers = Double(max(1, min(jobs, ProcessInfo.processInfo.activeProcessorCount, runCount)))
        let seconds = sampledUnits > 0 ? sampledSeconds / sampledUnits * total / workers : 0
        return Estimate(seconds: seconds, sampledRuns: sampled, sampleSeconds: sampledSeconds, samples: samples)
    }

    /// `run` as a sample to time: itself when it costs at most `cap` units; else a one-run
    /// experiment of its cell with fewer epochs and, if one epoch still costs more, fewer rows.
    /// Returns the experiment, the run in it and its units.
    static func bounded(_ run: RunID, in experiment: PreparedExperiment, units cap: Double)
        -> (PreparedExperiment, RunID, Double) {
        let classes = experiment.data.classes.count
        var cell = experiment.plan.cells[run.cell]
        var part = experiment.part(for: run)
        let width = experiment.data.inputWidth
        func sizes(_ part: PreparedExperiment.PreparedPart) -> PreparedExperiment.PartSizes {
            PreparedExperiment.PartSizes(train: part.train.rows, validation: part.validation?.rows ?? 0, test: part.test?.rows ?? 0)
        }
        let full = units(of: cell, on: sizes(part), width: width, classes: classes)
        guard full > cap || cell.training.epochs > sampleEpochs else { return (experiment, run, full) }
        let perEpoch = full / Double(cell.training.epochs)
        cell.training.epochs = max(1, min(cell.training.epochs, sampleEpochs, Int(min(cap / perEpoch, Double(sampleEpochs)))))
        if perEpoch > cap {
            let rows = max(1, Int(Double(part.train.rows) * cap / perEpoch))
            func prefix(_ samples: Samples?) -> Samples? {
                samples.map { $0.rows > rows ? $0.selecting(rows: Array(0..<rows)) : $0 }
            }
            part = PreparedExperiment.PreparedPart(partition: part.partition, train: prefix(part.train) ?? part.train,
                                                   validation: prefix(part.validation), test: prefix(part.test),
                                                   targetScale: part.targetScale)
        }
        var plan = experiment.plan
        plan.cells = [cell]
        plan.repetitions = 1
        let sample = PreparedExperiment(sampleOf: experiment, plan: plan, part: part)
        return (sample, RunID(index: 0, cell: 0, repetition: 0, fold: 0), units(of: cell, on: sizes(part), width: width, classes: classes))
    }
}
