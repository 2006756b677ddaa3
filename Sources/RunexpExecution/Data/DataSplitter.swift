import RunexpKernel
import RunexpPlan
import RunexpResults

/// Row indices of one run's training, validation and test parts.
public struct Partition: Sendable, Equatable {
    public var train: [Int]
    public var validation: [Int]
    public var test: [Int]
}

/// Divides rows into test, validation and training parts, stratified by class when asked.
///
/// The test part depends on the plan seed only, so every run is tested on the same rows. The
/// validation part (or the k folds) of the remaining rows depends on the plan seed and the
/// repetition: runs of one repetition share it across cells (paired comparisons), while
/// repetitions also sample the split. Within a part, rows keep file order.
///
/// Without shuffling (`shuffle: false`) nothing is random and every repetition gets the same parts,
/// Keras' `validation_split` rule: of n rows the first ⌊n·(1 − fraction)⌋ stay, the rest form the
/// part (test from all rows, then validation from the rest); k folds are consecutive blocks, the
/// first n mod k of them one row longer (scikit-learn's `KFold` without shuffling).
public struct DataSplitter: Sendable {
    public let split: SplitPlan
    public let seed: UInt64

    /// Tags that keep the split's random streams apart from each other and from training.
    private static let testStream: UInt64 = 0x7465_7374  // "test"
    private static let restStream: UInt64 = 0x7265_7374  // "rest"

    public init(split: SplitPlan, seed: UInt64) {
        self.split = split
        self.seed = seed
    }

    /// The held-out test rows and the rest.
    public func testSplit(labels: [Int32], classCount: Int) -> (test: [Int], rest: [Int]) {
        guard let fraction = split.test else { return ([], Array(labels.indices)) }
        if !split.shuffle {
            let kept = Self.keptCount(labels.count, fraction)
            return (Array(kept..<labels.count), Array(0..<kept))
        }
        var rng = SplitMix64(seed: deriveSeed(seed, Self.testStream))
        let groups = self.groups(Array(labels.indices), labels: labels, classCount: classCount, rng: &rng)
        // Marked, then read off in file order: no sort, no set of millions of rows.
        var inTest = [Bool](repeating: false, count: labels.count)
        for group in groups {
            for row in group.prefix(Int((Double(group.count) * fraction).rounded())) { inTest[row] = true }
        }
        return (labels.indices.filter { inTest[$0] }, labels.indices.filter { !inTest[$0] })
    }

    /// The partitions of repetition `repetition`: one per fold, or a single one.
    public func partitions(rest: [Int], test: [Int], labels: [Int32], classCount: Int, repetition: Int) -> [Partition] {
        (0..<(split.folds ?? 1)).map { fold in
            partition(rest: rest, test: test, labels: labels, classCount: classCount, repetition: repetition, fold: fold)
        }
    }

    /// The partition of fold `fold` (0 without folds) of repetition `repetition`, made alone: a run
    /// needs only its own, so no more than the runs in flight are ever held.
    public func partition(rest: [Int], test: [Int], labels: [Int32], classCount: Int, repetition: Int, fold: Int) -> Partition {
        if !split.shuffle { return inFileOrder(rest: rest, test: test, fold: fold) }
        var rng = SplitMix64(seed: deriveSeed(seed, Self.restStream, UInt64(repetition)))
        let groups = self.groups(rest, labels: labels, classCount: classCount, rng: &rng)
        if let folds = split.folds {
            // Rows are dealt to the folds in turn, group after group.
            var inFold = [Bool](repeating: false, count: labels.count)
            var counter = 0
            for group in groups {
                for row in group {
                    if counter % folds == fold { inFold[row] = true }
                    counter += 1
                }
            }
            return Partition(train: rest.filter { !inFold[$0] }, validation: rest.filter { inFold[$0] }, test: test)
        }
        guard let fraction = split.validation else {
            return Partition(train: rest, validation: [], test: test)
        }
        var validation = [Bool](repeating: false, count: labels.count)
        for group in groups {
            for row in group.prefix(Int((Double(group.count) * fraction).rounded())) { validation[row] = true }
        }
        return Partition(train: rest.filter { !validation[$0] }, validation: rest.filter { validation[$0] }, test: test)
    }

    /// ⌊n·(1 − fraction)⌋, the rows Keras keeps for training of n.
    static func keptCount(_ n: Int, _ fraction: Double) -> Int {
        Int((Double(n) * (1.0 - fraction)).rounded(.down))
    }

    /// Fold `fold` of consecutive blocks, the first n mod k one row longer; or the kept rows and the rest.
    private func inFileOrder(rest: [Int], test: [Int], fold: Int) -> Partition {
        if let folds = split.folds {
            let size = rest.count / folds + (fold < rest.count % folds ? 1 : 0)
            let start = fold * (rest.count / folds) + min(fold, rest.count % folds)
            return Partition(train: Array(rest[..<start] + rest[(start + size)...]),
                             validation: Array(rest[start..<(start + size)]), test: test)
        }
        guard let fraction = split.validation else { return Partition(train: rest, validation: [], test: test) }
        let kept = Self.keptCount(rest.count, fraction)
        return Partition(train: Array(rest[..<kept]), validation: Array(rest[kept...]), test: test)
    }

    /// Shuffled rows, one group per class when stratified, else a single group.
    private func groups(_ rows: [Int], labels: [Int32], classCount: Int, rng: inout SplitMix64) -> [[Int]] {
        var groups: [[Int]]
        if split.stratify {
            // Each group sized first: millions of appends without a reallocation.
            var sizes = [Int](repeating: 0, count: classCount)
            for row in rows { sizes[Int(labels[row])] += 1 }
            groups = sizes.map { size in
                var group: [Int] = []
                group.reserveCapacity(size)
                return group
            }
            for row in rows { groups[Int(labels[row])].append(row) }
        } else {
            groups = [rows]
        }
        for index in groups.indices {
            shuffleIndices(&groups[index], rng: &rng)
        }
        return groups
    }
}
