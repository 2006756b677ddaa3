import Foundation
import RunexpPlan
import RunexpResults

/// Runs a plan under successive halving or Hyperband (``RungSchedule``): bracket by bracket, rung
/// by rung.
///
/// A rung trains its cells' runs through the rung's epochs on the scheduler. A survivor of the rung
/// before goes on from the weights, optimizer state and generator it ended that rung with, kept in
/// memory while they fit in ``keptBytes``; past that, or after a resume, it trains again from its
/// first epoch, which gives the same bits and costs time only. Once every run of the rung is in,
/// the cells are ranked by their runs' objective at the rung (``CellStatistics/rungOrder(_:values:plan:)``,
/// the order cells.csv ranks by) and the best `1/factor` go on; the others' runs end there, and
/// their records are final. The rungs are synchronous, so which cells go on never depends on
/// `jobs` or on which run finished first.
///
/// A resumed search replays the rungs: a run whose final record the journal holds gives its
/// objective at each rung it reached (``RunRecord/rungs``) instead of training.
public enum HalvingRunner {
    /// The bytes of kept trainings (each counted as ``PreparedExperiment/runBytes``).
    static let keptBytes = 1 << 30

    /// Executes every run of `experiment` under `schedule` with `jobs` workers and returns the
    /// records it made, in the order they became final. `alreadyDone` holds final records from a
    /// journal; `record` sees each new final record (to journal it). Once `shouldStop` is true no
    /// further run starts and the rung in flight is abandoned (its finished runs are not final).
    public static func run(_ experiment: PreparedExperiment, schedule: RungSchedule, jobs: Int, alreadyDone: [RunRecord] = [],
                           shouldStop: () -> Bool = { false }, record: (RunRecord) -> Void = { _ in },
                           progress: (RunProgress) -> Void = { _ in }) async -> [RunRecord] {
        let plan = experiment.plan
        let executor = RunExecutor(experiment: experiment)
        let perCell = plan.repetitions * plan.foldsPerRepetition
        let scheduler = RunScheduler(jobs: ExperimentRunner.workers(jobs, experiment))
        let kept = KeptTrainings(capacity: max(1, keptBytes / max(1, experiment.runBytes)))
        let metric = plan.objective.metric
        var finals: [Int: RunRecord] = [:]
        for done in alreadyDone { finals[done.run.index] = done }
        var made: [RunRecord] = []
        let start = Date()
        var position = RunProgress.Rungs(rung: 0, count: schedule.epochs.count, epochsDone: 0,
                                         epochsPlanned: schedule.plannedCellEpochs * perCell, epochsTrained: 0)
        var best: Double?
        func report() {
            var current = RunProgress(done: finals.count, total: plan.runCount, elapsed: Date().timeIntervalSince(start), bestObjective: best)
            current.rateBasis = made.count
            current.rungs = position
            progress(current)
        }
        func cellRuns(_ cell: Int) -> [RunID] {
            (0..<perCell).compactMap { plan.run(at: cell * perCell + $0) }
        }
        func finish(_ final: RunRecord) {
            finals[final.run.index] = final
            made.append(final)
            record(final)
        }

        for bracket in schedule.brackets {
            var cells = bracket.cells
            /// The objective at each rung so far of the runs that go on and have no final record.
            var earlier: [Int: [Double?]] = [:]
            for rung in bracket.firstRung..<schedule.epochs.count {
                let end = schedule.epochs[rung]
                let step = end - (rung == bracket.firstRung ? 0 : schedule.epochs[rung - 1])
                let last = rung == schedule.epochs.count - 1
                let runs = cells.flatMap(cellRuns)
                let pending = runs.filter { finals[$0.index] == nil }
                position.rung = rung
                position.epochsDone += (runs.count - pending.count) * step
                let before = earlier
                let firstRung = bracket.firstRung
                let work: @Sendable (RunID) -> RunRecord = { run in
                    var training = kept.take(run.index) ?? executor.start(run)
                    training.train(throughEpoch: end)
                    let trained = executor.measure(training)
                    var record = executor.record(of: run, trained)
                    let value = record.value(metric)
                    record.rungs = (before[run.index] ?? [Double?](repeating: nil, count: firstRung)) + [value.flatMap { $0.isFinite ? $0 : nil }]
                    if !last { kept.put(training, for: run.index) }
                    return record
                }
                let measured = await scheduler.execute(pending, work: work, shouldStop: shouldStop) { _, _ in
                    position.epochsDone += step
                    position.epochsTrained += step
                    report()
                }
                guard measured.count == pending.count else {
                    kept.removeAll()
                    return made
                }
                var atRung: [Int: RunRecord] = [:]
                for measurement in measured { atRung[measurement.run.index] = measurement }
                // Each run's objective at this rung: measured now, or read from its final record.
                func value(_ run: RunID) -> Double? {
                    let rungs = finals[run.index]?.rungs ?? atRung[run.index]?.rungs
                    guard let rungs, rungs.indices.contains(rung) else { return nil }
                    return rungs[rung]
                }
                let values = cells.map { cellRuns($0).map(value) }
                let order = CellStatistics.rungOrder(cells, values: values, plan: plan)
                if last {
                    for run in pending { if let final = atRung[run.index] { finish(final) } }
                    if let first = order.first, let offset = cells.firstIndex(of: first) {
                        best = better(best, MetricStatistics(values[offset].compactMap { $0 }).mean, goal: plan.objective.goal)
                    }
                    report()
                    break
                }
                let going = Set(order.prefix(schedule.strategy.survivors(of: cells.count)))
                earlier = [:]
                for run in pending {
                    guard let measurement = atRung[run.index] else { continue }
                    if going.contains(run.cell) {
                        earlier[run.index] = measurement.rungs
                    } else {
                        kept.remove(run.index)
                        finish(measurement)
                    }
                }
                cells = cells.filter(going.contains)
                report()
            }
        }
        return made
    }

    /// The better of two means under `goal` (a missing one loses).
    private static func better(_ current: Double?, _ new: Double?, goal: Goal) -> Double? {
        guard let current else { return new }
        guard let new else { return current }
        return goal == .maximize ? max(current, new) : min(current, new)
    }
}

/// Trainings kept between rungs, by run index, up to `capacity` of them (past that a run trains again
/// from its start: the same bits).
final class KeptTrainings: @unchecked Sendable {
    private let lock = NSLock()
    private var trainings: [Int: RunExecutor.Training] = [:]
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    func take(_ run: Int) -> RunExecutor.Training? {
        lock.withLock { trainings.removeValue(forKey: run) }
    }

    func put(_ training: RunExecutor.Training, for run: Int) {
        lock.withLock {
            if trainings.count < capacity { trainings[run] = training }
        }
    }

    func remove(_ run: Int) {
        _ = take(run)
    }

    func removeAll() {
        lock.withLock { trainings.removeAll() }
    }
}
