import Foundation

/// How far a run of an experiment has come: runs done of all, time, the best objective so far.
public struct RunProgress: Sendable {
    public var done: Int
    public var total: Int
    public var elapsed: TimeInterval
    /// The best cell mean of the objective among cells whose runs have all finished.
    public var bestObjective: Double?

    /// Runs finished by this process (``done`` also counts runs resumed from a journal).
    public var rateBasis: Int?
    /// Of ``done``, the runs this process took from the run cache instead of training them.
    public var reused = 0

    public init(done: Int, total: Int, elapsed: TimeInterval, bestObjective: Double?) {
        self.done = done
        self.total = total
        self.elapsed = elapsed
        self.bestObjective = bestObjective
    }

    /// Finished runs per second so far.
    public var runsPerSecond: Double { elapsed > 0 ? Double(rateBasis ?? done) / elapsed : 0 }

    /// Seconds left at the current rate, nil before the first run finishes.
    public var eta: TimeInterval? {
        done > 0 && elapsed > 0 ? Double(total - done) / runsPerSecond : nil
    }
}
