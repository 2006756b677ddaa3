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
    /// Under a halving strategy, where the rungs stand: the ETA follows epochs, not runs (a run
    /// stopped at the first rung is done in a few epochs; one that reaches the last takes all).
    public var rungs: Rungs?

    /// A halving search's position: the rung being trained, epochs done (trained, or read back from
    /// the journal) of those planned, and epochs this process trained.
    public struct Rungs: Sendable {
        /// 0-based, and the rungs' count.
        public var rung: Int
        public var count: Int
        public var epochsDone: Int
        public var epochsPlanned: Int
        public var epochsTrained: Int

        public init(rung: Int, count: Int, epochsDone: Int, epochsPlanned: Int, epochsTrained: Int) {
            self.rung = rung
            self.count = count
            self.epochsDone = epochsDone
            self.epochsPlanned = epochsPlanned
            self.epochsTrained = epochsTrained
        }
    }

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
        if let rungs {
            guard rungs.epochsTrained > 0, elapsed > 0 else { return nil }
            return Double(max(0, rungs.epochsPlanned - rungs.epochsDone)) * elapsed / Double(rungs.epochsTrained)
        }
        return done > 0 && elapsed > 0 ? Double(total - done) / runsPerSecond : nil
    }
}
