import RunexpPlan
import RunexpResults

extension Predictions {
    /// What the best cell of `results` predicts for its test rows (validation without a test
    /// part), made by training its runs again: training is deterministic, so each run is the run
    /// the journal holds (under a halving strategy too: the best cell reached the last rung, and a
    /// survivor's training goes on as a plain run's), and the record is compared to prove it. Nil when there is no part to
    /// predict, every run of the best cell diverged, or a run came out differently (then the
    /// folder goes without predictions rather than with ones of another model). Runs are predicted
    /// in order while their rows fit in ``ResourceLimits/predictionRows``.
    public static func ofBestCell(_ experiment: PreparedExperiment, results: ExperimentResults) -> Predictions? {
        guard let part = part(of: experiment.plan.data), let best = results.ranked.first else { return nil }
        let executor = RunExecutor(experiment: experiment)
        var rows: [Row] = []
        for record in results.records where record.run.cell == best.cell && !record.diverged {
            // The part's size is known before training: a run whose rows would not fit is not trained again.
            let sizes = experiment.sizes(for: record.run)
            if rows.count + (part == .test ? sizes.test : sizes.validation) > ResourceLimits.predictionRows { break }
            var again = executor.predict(record.run, part: part)
            // A halving search's final runs trained as plain runs do; only the rungs are its own.
            again.record.rungs = record.rungs
            guard again.record == record else { return nil }
            rows += again.rows
        }
        return rows.isEmpty ? nil : Predictions(cell: best.cell, part: part, rows: rows)
    }
}
