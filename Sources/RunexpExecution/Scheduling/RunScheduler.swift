import RunexpPlan
import RunexpResults

/// Runs many independent runs on up to `jobs` workers and returns their results (records) in plan order.
///
/// The task group is filled up to `jobs`; as each run finishes the next starts. Records are
/// stored by run index, so the output never depends on which run finished first.
public struct RunScheduler: Sendable {
    public let jobs: Int

    /// `jobs` is clamped to at least 1.
    public init(jobs: Int) {
        self.jobs = max(1, jobs)
    }

    /// Executes `runs` with `work`, calling `progress` after each run finishes (in finishing
    /// order, after the next run has started). Once `shouldStop` returns true no further run starts;
    /// the running ones finish and are returned, so the result may hold fewer records than `runs`.
    public func execute<Result: Sendable>(
        _ runs: [RunID],
        work: @escaping @Sendable (RunID) -> Result,
        shouldStop: () -> Bool = { false },
        progress: (Result, Int) -> Void = { _, _ in }
    ) async -> [Result] {
        var results = [Result?](repeating: nil, count: runs.count)
        await withTaskGroup(of: (Int, Result).self) { group in
            var next = 0
            func startNext() {
                guard next < runs.count, !shouldStop() else { return }
                let position = next
                let run = runs[position]
                group.addTask { (position, work(run)) }
                next += 1
            }
            for _ in 0..<min(jobs, runs.count) { startNext() }
            var done = 0
            while let (position, record) = await group.next() {
                results[position] = record
                done += 1
                // The next run starts first, so a free core trains while `progress` writes the journal.
                startNext()
                progress(record, done)
            }
        }
        return results.compactMap { $0 }
    }
}
