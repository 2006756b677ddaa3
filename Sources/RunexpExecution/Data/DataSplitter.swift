import Foundation
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
        let groups = ShuffledGroups(labels.indices, labels: labels, classCount: classCount, stratify: split.stratify, rng: &rng)
        // Marked, then read off in file order: no sort, no set of millions of rows.
        var inTest = [Bool](repeating: false, count: labels.count)
        let marked = groups.markFirsts(fraction, in: &inTest)
        let (test, rest) = Self.divide(labels.indices, by: inTest, marked: marked)
        return (test, rest)
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
        if split.folds == nil, split.validation == nil { return Partition(train: rest, validation: [], test: test) }
        var rng = SplitMix64(seed: deriveSeed(seed, Self.restStream, UInt64(repetition)))
        let groups = ShuffledGroups(rest, labels: labels, classCount: classCount, stratify: split.stratify, rng: &rng)
        var inPart = [Bool](repeating: false, count: labels.count)
        // Rows are dealt to the folds in turn, group after group; or the first of each group validate.
        let marked = if let folds = split.folds {
            groups.markDealt(to: fold, of: folds, in: &inPart)
        } else {
            groups.markFirsts(split.validation ?? 0, in: &inPart)
        }
        let (validation, train) = Self.divide(rest, by: inPart, marked: marked)
        return Partition(train: train, validation: validation, test: test)
    }

    /// `rows` divided by `marks` (`marked` of them marked), each part in the order of `rows`.
    ///
    /// Every row is written to both parts and only the position of its own part moves on, so no
    /// branch depends on the marks (a random fifth of millions of rows would mispredict every
    /// fifth one). Each part has one spare slot at its end, and a position never passes it: a
    /// `marked` that miscounted the marks cannot write out of bounds, and is caught after the loop.
    private static func divide(_ rows: some Collection<Int>, by marks: [Bool], marked: Int) -> (marked: [Int], unmarked: [Int]) {
        let unmarked = rows.count - marked
        var part = [Int](repeating: 0, count: max(marked, 0) + 1), others = [Int](repeating: 0, count: max(unmarked, 0) + 1)
        var inPart = 0, inOthers = 0
        part.withUnsafeMutableBufferPointer { part in
            others.withUnsafeMutableBufferPointer { others in
                let partEnd = part.count - 1, othersEnd = others.count - 1
                for row in rows {
                    let step = marks[row] ? 1 : 0
                    part[min(inPart, partEnd)] = row
                    others[min(inOthers, othersEnd)] = row
                    inPart += step
                    inOthers += 1 - step
                }
            }
        }
        guard inPart == marked, inOthers == unmarked else {
            // Not reached: `marked` is what the marking counted. Divided again, with appends.
            return (rows.filter { marks[$0] }, rows.filter { !marks[$0] })
        }
        part.removeLast()
        others.removeLast()
        return (part, others)
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

}

/// Rows shuffled a group at a time: one group per class when stratified (a class's rows in file
/// order, then shuffled), else every row in one, the generator drawn group after group. The rows
/// are held as `Int32`s in one array, group after group: a table of millions of rows shuffles
/// half the memory `Int`s would take, and no array per group is grown.
struct ShuffledGroups {
    /// The rows, group after group (every row index is below ``ResourceLimits/dataCells``).
    private(set) var rows: [Int32]
    /// Where each group ends in ``rows``.
    private(set) var ends: [Int]
    /// Whether the groups were shuffled on two threads (``shuffleAtOnce(rng:)``).
    private(set) var shuffledAtOnce = false

    init(_ source: some Collection<Int>, labels: [Int32], classCount: Int, stratify: Bool, rng: inout SplitMix64) {
        (rows, ends) = Self.grouped(source, labels: labels, classCount: classCount, stratify: stratify)
        if rows.count >= Self.concurrentRows, ends.count > 1 {
            shuffledAtOnce = shuffleAtOnce(rng: &rng)
            if shuffledAtOnce { return }
            // A redraw moved a later group's start: grouped again, shuffled one group after the other.
            (rows, ends) = Self.grouped(source, labels: labels, classCount: classCount, stratify: stratify)
        }
        let ends = self.ends
        rows.withUnsafeMutableBufferPointer { buffer in
            var start = 0
            for end in ends {
                shuffleIndices(UnsafeMutableBufferPointer(rebasing: buffer[start..<end]), rng: &rng)
                start = end
            }
        }
    }

    /// Rows from which the groups are shuffled on two threads.
    static let concurrentRows = 1 << 16

    /// The rows of `source` group after group, each group's in file order, and where each group ends.
    private static func grouped(_ source: some Collection<Int>, labels: [Int32], classCount: Int, stratify: Bool) -> (rows: [Int32], ends: [Int]) {
        let count = source.count
        guard stratify else { return (source.map { Int32(truncatingIfNeeded: $0) }, [count]) }
        var sizes = [Int](repeating: 0, count: classCount)
        sizes.withUnsafeMutableBufferPointer { sizes in
            for row in source { sizes[checkedGroup(labels[row], of: classCount)] += 1 }
        }
        var next = [Int](repeating: 0, count: classCount), total = 0
        for (group, size) in sizes.enumerated() {
            next[group] = total
            total += size
        }
        let ends = next.indices.map { next[$0] + sizes[$0] }
        // Every label was checked by the count above, and each group's rows fill exactly its size.
        let rows = [Int32](unsafeUninitializedCapacity: count) { buffer, initialized in
            next.withUnsafeMutableBufferPointer { next in
                for row in source {
                    let group = Int(labels[row])
                    buffer[next[group]] = Int32(truncatingIfNeeded: row)
                    next[group] += 1
                }
            }
            initialized = count
        }
        return (rows, ends)
    }

    /// `label` as a group index, trapping (not reading out of bounds) on a label out of range.
    @inline(__always)
    private static func checkedGroup(_ label: Int32, of classCount: Int) -> Int {
        let group = Int(label)
        precondition(group >= 0 && group < classCount, "a label outside the classes")
        return group
    }

    /// Shuffles the groups on two threads, as one thread would one after the other; false when a
    /// group's shuffle redrew (the rows then shuffled from the wrong draws).
    ///
    /// A group's shuffle draws from where the one before left the generator: size − 1 draws, plus
    /// the rare redraws of `bounded` (each with a chance below size / 2⁶⁴). Each group starts where
    /// the draws before it leave the generator without redraws, and ends where the next one was
    /// started, or a redraw happened: then the caller shuffles again, one group after the other.
    private mutating func shuffleAtOnce(rng: inout SplitMix64) -> Bool {
        var starts: [SplitMix64] = [], lower = 0, next = rng
        for end in ends {
            starts.append(next)
            next = next.advanced(by: max(end - lower - 1, 0))
            lower = end
        }
        let ends = self.ends, groupStarts = starts
        var finals = [UInt64](repeating: 0, count: ends.count)
        rows.withUnsafeMutableBufferPointer { buffer in
            finals.withUnsafeMutableBufferPointer { finals in
                nonisolated(unsafe) let rows = buffer, states = finals
                DispatchQueue.concurrentPerform(iterations: ends.count) { group in
                    var generator = groupStarts[group]
                    let start = group == 0 ? 0 : ends[group - 1]
                    shuffleIndices(UnsafeMutableBufferPointer(rebasing: rows[start..<ends[group]]), rng: &generator)
                    states[group] = generator.state
                }
            }
        }
        guard finals.dropLast().indices.allSatisfy({ finals[$0] == starts[$0 + 1].state }), let last = finals.last else { return false }
        rng = SplitMix64(seed: last)
        return true
    }

    /// Marks the first `round(size · fraction)` rows of each group; returns how many it marked.
    func markFirsts(_ fraction: Double, in marks: inout [Bool]) -> Int {
        var start = 0, marked = 0
        for end in ends {
            let taken = min(Int((Double(end - start) * fraction).rounded()), end - start)
            for row in rows[start..<(start + taken)] { marks[Int(row)] = true }
            marked += taken
            start = end
        }
        return marked
    }

    /// Marks the rows dealt to fold `fold` of `folds` when the rows, group after group, are dealt
    /// to the folds in turn; returns how many it marked.
    func markDealt(to fold: Int, of folds: Int, in marks: inout [Bool]) -> Int {
        var marked = 0
        for position in stride(from: fold, to: rows.count, by: folds) {
            marks[Int(rows[position])] = true
            marked += 1
        }
        return marked
    }
}
