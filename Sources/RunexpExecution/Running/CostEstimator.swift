import Foundation
import RunexpPlan

/// Estimates an experiment's wall time by timing a few of its runs on this machine.
///
/// Cost model: a run costs `epochs × ⌈rows / batch⌉ × (batch × parameters + 500)` work units
/// for training (500 stands for the fixed cost of a step) plus `epochs × validation rows ×
/// parameters / 3` for the per-epoch validation pass. Timing evenly spaced sample runs gives
/// seconds per unit; the total is divided among `jobs` workers (at most the machine's cores).
public enum CostEstimator {
    /// The estimate and how it was obtained.
    public struct Estimate: Sendable {
        /// Training time of all runs on the workers.
        public var seconds: Double
        public var sampledRuns: Int
        public var sampleSeconds: Double
        /// The records of the sampled runs, to time what is done with a full set of records.
        public var samples: [RunRecord] = []

        /// A record for every run of `plan`, copied from the samples: results of the right size
        /// to time the result files and the report on.
        public func standInRecords(for plan: Plan) -> [RunRecord] {
            guard !samples.isEmpty else { return [] }
            return plan.runs.map { run in
                var record = samples[run.index % samples.count]
                record.run = run
                return record
            }
        }
    }

    /// Work units of `run` under the cost model.
    public static func units(of run: RunID, in experiment: PreparedExperiment) -> Double {
        let cell = experiment.plan.cells[run.cell]
        let part = experiment.part(for: run)
        let classes = experiment.data.classes.count
        var width = part.train.width
        var parameters = 0
        for layer in cell.model {
            if case .dense(let units, _) = layer {
                let out = units.resolved(classes: classes)
                parameters += width * out + out
                width = out
            }
        }
        let batch = cell.training.batchSize
        let steps = Double(cell.training.epochs * ((part.train.rows + batch - 1) / batch))
        let validation = Double(cell.training.epochs * (part.validation?.rows ?? 0) * parameters) / 3
        return steps * Double(batch * parameters + 500) + validation
    }

    /// Times up to `maxSamples` evenly spaced runs (stopping early once `budget` seconds are
    /// spent, after at least three) and extrapolates to all runs on `jobs` workers.
    public static func estimate(_ experiment: PreparedExperiment, jobs: Int, budget: TimeInterval = 0.5,
                                maxSamples: Int = 12) -> Estimate {
        let runs = experiment.plan.runs
        guard !runs.isEmpty else { return Estimate(seconds: 0, sampledRuns: 0, sampleSeconds: 0) }
        let executor = RunExecutor(experiment: experiment)
        let count = min(maxSamples, runs.count)
        var sampledUnits = 0.0
        var sampledSeconds = 0.0
        var sampled = 0
        var samples: [RunRecord] = []
        for index in 0..<count {
            let run = runs[index * runs.count / count]
            let start = DispatchTime.now().uptimeNanoseconds
            samples.append(executor.execute(run))
            sampledSeconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            sampledUnits += units(of: run, in: experiment)
            sampled += 1
            if sampled >= 3 && sampledSeconds > budget { break }
        }
        let total = runs.reduce(0.0) { $0 + units(of: $1, in: experiment) }
        let workers = Double(max(1, min(jobs, ProcessInfo.processInfo.activeProcessorCount, runs.count)))
        let seconds = sampledUnits > 0 ? sampledSeconds / sampledUnits * total / workers : 0
        return Estimate(seconds: seconds, sampledRuns: sampled, sampleSeconds: sampledSeconds, samples: samples)
    }
}
