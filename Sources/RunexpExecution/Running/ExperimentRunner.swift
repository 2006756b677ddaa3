import Foundation
import RunexpPlan
import RunexpResults

/// Runs every run of a prepared experiment on the scheduler and summarizes the results.
public enum ExperimentRunner {
    /// How far a run has come, reported after each finished run (``RunProgress``).
    public typealias Progress = RunProgress

    /// `jobs`, or fewer when that many runs training at once would hold more than
    /// ``ResourceLimits/concurrentRunBytes`` (at least one). Results do not depend on it.
    public static func workers(_ jobs: Int, _ experiment: PreparedExperiment) -> Int {
        max(1, min(jobs, ResourceLimits.concurrentRunBytes / max(1, experiment.runBytes)))
    }

    /// Executes `runs` (default: all of the plan) with `jobs` workers and returns their records
    /// in plan order. `record` sees each record as it finishes (to journal it); `alreadyDone`
    /// counts runs finished earlier, for progress. Stops starting runs once `shouldStop` is true.
    /// With a `cache`, a run it holds is taken from it and every trained run is stored in it;
    /// `reused` counts the runs taken.
    public static func run(_ experiment: PreparedExperiment, jobs: Int, runs: [RunID]? = nil, alreadyDone: [RunRecord] = [],
                           cache: RunCache? = nil, reused: ReuseCounter? = nil,
                           shouldStop: () -> Bool = { false }, record: (RunRecord) -> Void = { _ in },
                           progress: (Progress) -> Void = { _ in }) async -> [RunRecord] {
        let executor = RunExecutor(experiment: experiment)
        let runs = runs ?? experiment.plan.runs
        let start = Date()
        let plan = experiment.plan
        let runsPerCell = plan.repetitions * plan.foldsPerRepetition
        var finishedPerCell = [Int](repeating: 0, count: plan.cells.count)
        var sums = [Double](repeating: 0, count: plan.cells.count)
        var counts = [Int](repeating: 0, count: plan.cells.count)
        var best: Double?
        func account(_ finished: RunRecord) {
            let cell = finished.run.cell
            finishedPerCell[cell] += 1
            if let value = finished.value(plan.objective.metric), value.isFinite {
                sums[cell] += value
                counts[cell] += 1
            }
            if finishedPerCell[cell] == runsPerCell, counts[cell] > 0 {
                let mean = sums[cell] / Double(counts[cell])
                if best == nil || (plan.objective.goal == .maximize ? mean > best! : mean < best!) { best = mean }
            }
        }
        alreadyDone.forEach(account)
        let total = alreadyDone.count + runs.count
        let counter = reused ?? ReuseCounter()
        let keys = CacheKeys(experiment)
        let store = cache?.open()
        // Written as a pack when the runs end, however they end.
        defer {
            store?.flush()
            counter.stored = store?.stored ?? 0
        }
        let work: @Sendable (RunID) -> RunRecord = { run in
            guard let store else { return executor.execute(run) }
            let (record, hit) = executor.execute(run, cache: store, keys: keys)
            if hit { counter.add() }
            return record
        }
        return await RunScheduler(jobs: workers(jobs, experiment)).execute(runs, work: work, shouldStop: shouldStop) { finished, done in
            record(finished)
            account(finished)
            // Rates count this process's runs only; done and ETA include the earlier ones.
            let elapsed = Date().timeIntervalSince(start)
            var current = Progress(done: alreadyDone.count + done, total: total, elapsed: elapsed, bestObjective: best)
            current.rateBasis = done
            current.reused = counter.value
            progress(current)
        }
    }

    /// The deterministic files of a result folder (everything but provenance and reports).
    public static func files(_ results: ExperimentResults, experimentText: String, planJSON: String) -> [(name: String, text: String)] {
        [(ResultFiles.experiment, experimentText), (ResultFiles.plan, planJSON)] + tables(results)
    }

    /// The result tables: runs.csv, cells.csv, curves.csv and summary.json.
    public static func tables(_ results: ExperimentResults) -> [(name: String, text: String)] {
        [
            (ResultFiles.runs, ResultTables.runsCSV(results)),
            (ResultFiles.cells, ResultTables.cellsCSV(results)),
            (ResultFiles.curves, ResultTables.curvesCSV(results)),
            (ResultFiles.summary, ResultTables.summaryJSON(results)),
        ] + (results.predictions.map { [(ResultFiles.predictions, $0.csv(plan: results.plan, classes: results.classes))] } ?? [])
    }
}

/// Runs taken from the run cache, counted from the workers that take them, and the runs stored in it.
public final class ReuseCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    private var storedCount = 0

    public init() {}

    public var value: Int { lock.withLock { count } }

    /// Runs written to the cache (set when the runs end).
    public internal(set) var stored: Int {
        get { lock.withLock { storedCount } }
        set { lock.withLock { storedCount = newValue } }
    }

    func add() { lock.withLock { count += 1 } }
}
