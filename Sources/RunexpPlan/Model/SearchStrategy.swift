import Foundation

/// `search.strategy:` resolved: successive halving or Hyperband over epochs.
///
/// Rungs train the surviving cells for `minEpochs · factor^r` epochs, the last rung always the
/// cells' `training.epochs`; after each rung but the last the cells are ranked by their mean
/// objective and the best `1/factor` (rounded up, at least one) go on from their weights.
public struct SearchStrategy: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// One bracket: every cell starts at the first rung.
        case halving
        /// Several brackets, from plain halving to every cell trained to the end; each cell is in one.
        case hyperband
    }

    public var kind: Kind
    public var minEpochs: Int
    public var factor: Int

    public init(kind: Kind, minEpochs: Int, factor: Int) {
        self.kind = kind
        self.minEpochs = minEpochs
        self.factor = factor
    }

    /// The rungs' epochs for cells that train `epochs` in all: `minEpochs · factor^r` while below
    /// `epochs`, then `epochs`.
    public func rungEpochs(epochs: Int) -> [Int] {
        // A parsed plan has factor ≥ 2 and min_epochs ≥ 1 (StoredPlan checks a read one): otherwise
        // the rungs would never grow, and there is one.
        guard factor >= 2, minEpochs >= 1 else { return [epochs] }
        var rungs: [Int] = []
        var current = minEpochs
        while current < epochs {
            rungs.append(current)
            let (next, overflow) = current.multipliedReportingOverflow(by: factor)
            if overflow { break }
            current = next
        }
        rungs.append(epochs)
        return rungs
    }

    /// Cells that go on from a rung of `count` cells: `count / factor` rounded up, at least one.
    public func survivors(of count: Int) -> Int {
        count == 0 ? 0 : max(1, (count + factor - 1) / factor)
    }
}

extension Plan {
    /// The rungs' epochs of the plan's strategy (the cells share one `training.epochs`), nil without one.
    public var rungEpochs: [Int]? {
        cells.first.flatMap { strategy?.rungEpochs(epochs: $0.training.epochs) }
    }
}

/// Which cells train how far under a plan's strategy: the rungs and the brackets.
public struct RungSchedule: Sendable, Equatable {
    /// Epochs of each rung; the last is the cells' `training.epochs`.
    public let epochs: [Int]
    public let strategy: SearchStrategy
    /// Halving has one bracket; Hyperband one per first rung, empty ones left out.
    public let brackets: [Bracket]

    /// Cells that start together at `firstRung` and are halved at every rung after it.
    public struct Bracket: Sendable, Equatable {
        /// Index of the bracket's first rung in ``RungSchedule/epochs``.
        public let firstRung: Int
        /// Plan indices, ascending.
        public let cells: [Int]
    }

    /// The schedule of `plan`, nil when it has no strategy. The strategy's checks (one
    /// `training.epochs` for all cells) hold for every parsed plan.
    public init?(_ plan: Plan) {
        guard let strategy = plan.strategy, let first = plan.cells.first else { return nil }
        self.init(strategy: strategy, epochs: first.training.epochs, cells: plan.cells.map(\.idHash), seed: plan.seed)
    }

    /// A schedule for cells whose id hashes are `cells` (in plan order).
    ///
    /// Hyperband's bracket b starts at rung b; it gets cells in proportion to Hyperband's
    /// `⌈(s+1)/(s_b+1) · factor^s_b⌉` (s the last rung's index, s_b = s − b; largest remainders
    /// first, then the earlier bracket). Which cells: ordered by a hash of the plan seed and each
    /// cell's id, so a cell keeps its bracket-drawing key when others are added.
    public init(strategy: SearchStrategy, epochs: Int, cells: [UInt64], seed: UInt64) {
        self.strategy = strategy
        self.epochs = strategy.rungEpochs(epochs: epochs)
        switch strategy.kind {
        case .halving:
            brackets = [Bracket(firstRung: 0, cells: Array(cells.indices))]
        case .hyperband:
            let last = self.epochs.count - 1
            let weights = (0...last).map { bracket -> Double in
                let s = Double(last - bracket)
                return (Double(last + 1) / (s + 1) * pow(Double(strategy.factor), s)).rounded(.up)
            }
            let total = weights.reduce(0, +)
            let shares = weights.map { Double(cells.count) * $0 / total }
            var counts = shares.map { Int($0.rounded(.down)) }
            let byRemainder = shares.indices.sorted { (shares[$0] - Double(counts[$0]), $1) > (shares[$1] - Double(counts[$1]), $0) }
            for bracket in byRemainder.prefix(cells.count - counts.reduce(0, +)) { counts[bracket] += 1 }
            let order = cells.indices.sorted {
                (RunSeed.derive(seed, [cells[$0], Self.bracketSalt]), $0) < (RunSeed.derive(seed, [cells[$1], Self.bracketSalt]), $1)
            }
            var start = 0
            var made: [Bracket] = []
            for (bracket, count) in counts.enumerated() where count > 0 {
                made.append(Bracket(firstRung: bracket, cells: order[start..<(start + count)].sorted()))
                start += count
            }
            brackets = made
        }
    }

    private static let bracketSalt: UInt64 = 0x4879_7065_7262_616E

    /// The cells that train rung `rung` of `bracket` when `entering` of them started it: the cell
    /// counts rung after rung. `counts(of:)[i]` cells train rung `firstRung + i`.
    public func counts(of bracket: Bracket) -> [Int] {
        var counts = [bracket.cells.count]
        for _ in (bracket.firstRung + 1)..<epochs.count {
            counts.append(strategy.survivors(of: counts[counts.count - 1]))
        }
        return counts
    }

    /// Cells that train rung `rung`, over every bracket.
    public func cellsTraining(rung: Int) -> Int {
        brackets.reduce(0) { total, bracket in
            let counts = counts(of: bracket)
            let offset = rung - bracket.firstRung
            return total + (counts.indices.contains(offset) ? counts[offset] : 0)
        }
    }

    /// Epochs each run trains in all when none diverges or stops early, summed over the cells (multiply
    /// by the runs per cell for the experiment's).
    public var plannedCellEpochs: Int {
        brackets.reduce(0) { total, bracket in
            let counts = counts(of: bracket)
            var sum = 0
            var trained = 0
            for (offset, count) in counts.enumerated() {
                let rungEpochs = epochs[bracket.firstRung + offset]
                sum += count * (rungEpochs - trained)
                trained = rungEpochs
            }
            return total + sum
        }
    }
}
