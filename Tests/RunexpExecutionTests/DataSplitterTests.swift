import Testing
import RunexpKernel
@testable import RunexpExecution
@testable import RunexpResults
@testable import RunexpPlan

@Suite struct DataSplitterTests {
    /// 70 rows of class 0 and 30 of class 1, interleaved.
    let labels: [Int32] = (0..<100).map { $0 % 10 < 7 ? 0 : 1 }

    @Test func stratifiedTestSplitKeepsProportionsAndIsFixedBySeed() {
        let splitter = DataSplitter(split: SplitPlan(test: 0.2, validation: 0.25, folds: nil, stratify: true), seed: 9)
        let (test, rest) = splitter.testSplit(labels: labels, classCount: 2)
        #expect(test.count == 20)
        #expect(test.filter { labels[$0] == 1 }.count == 6)
        #expect(Set(test).isDisjoint(with: rest))
        #expect(test.count + rest.count == 100)
        #expect(splitter.testSplit(labels: labels, classCount: 2).test == test)
        let other = DataSplitter(split: splitter.split, seed: 10).testSplit(labels: labels, classCount: 2).test
        #expect(other != test)
    }

    /// ``PreparedExperiment`` checks and sizes every repetition by the first: the split draws which
    /// rows, but the class counts alone fix how many, in every fold.
    @Test(arguments: [SplitPlan(test: 0.2, validation: 0.25, folds: nil, stratify: true),
                      SplitPlan(test: 0.2, validation: 0.25, folds: nil, stratify: false),
                      SplitPlan(test: nil, validation: nil, folds: 7, stratify: true),
                      SplitPlan(test: 0.1, validation: nil, folds: 3, stratify: false),
                      SplitPlan(test: 0.3, validation: nil, folds: nil, stratify: true)])
    func everyRepetitionHasTheFirstsSizes(split: SplitPlan) {
        let labels: [Int32] = (0..<103).map { Int32($0 * 7 % 3) }
        let splitter = DataSplitter(split: split, seed: 5)
        let (test, rest) = splitter.testSplit(labels: labels, classCount: 3)
        func sizes(_ repetition: Int) -> [[Int]] {
            splitter.partitions(rest: rest, test: test, labels: labels, classCount: 3, repetition: repetition)
                .map { [$0.train.count, $0.validation.count, $0.test.count] }
        }
        let first = sizes(0)
        for repetition in 1..<20 { #expect(sizes(repetition) == first, "repetition \(repetition)") }
    }

    @Test func validationPartDependsOnTheRepetition() {
        let splitter = DataSplitter(split: SplitPlan(test: 0.2, validation: 0.25, folds: nil, stratify: true), seed: 9)
        let (test, rest) = splitter.testSplit(labels: labels, classCount: 2)
        let first = splitter.partitions(rest: rest, test: test, labels: labels, classCount: 2, repetition: 0)
        let second = splitter.partitions(rest: rest, test: test, labels: labels, classCount: 2, repetition: 1)
        #expect(first.count == 1)
        #expect(first[0].validation.count == 20)
        #expect(first[0].train.count == 60)
        #expect(Set(first[0].train).isDisjoint(with: first[0].validation))
        #expect(first[0].validation != second[0].validation)
        #expect(first == splitter.partitions(rest: rest, test: test, labels: labels, classCount: 2, repetition: 0))
    }

    @Test func foldsCoverTheRestOnceAndAreStratified() {
        let splitter = DataSplitter(split: SplitPlan(test: nil, validation: nil, folds: 5, stratify: true), seed: 1)
        let (test, rest) = splitter.testSplit(labels: labels, classCount: 2)
        #expect(test.isEmpty)
        let folds = splitter.partitions(rest: rest, test: test, labels: labels, classCount: 2, repetition: 0)
        #expect(folds.count == 5)
        #expect(folds.flatMap(\.validation).sorted() == Array(0..<100))
        for fold in folds {
            #expect(fold.validation.count == 20)
            #expect(fold.validation.filter { labels[$0] == 1 }.count == 6)
            #expect(Set(fold.train).union(fold.validation).count == 100)
        }
    }

    /// Keras' validation_split: of 569 Wisconsin rows it trains on the first ⌊569·0.8⌋ = 455.
    @Test func withoutShufflingThePartsAreTheLastRowsLikeKeras() {
        let labels569: [Int32] = (0..<569).map { Int32($0 % 3 == 0 ? 1 : 0) }
        let splitter = DataSplitter(split: SplitPlan(test: nil, validation: 0.2, folds: nil, stratify: false, shuffle: false), seed: 9)
        let (test, rest) = splitter.testSplit(labels: labels569, classCount: 2)
        #expect(test.isEmpty && rest == Array(0..<569))
        for repetition in 0..<3 {
            let parts = splitter.partitions(rest: rest, test: test, labels: labels569, classCount: 2, repetition: repetition)
            #expect(parts == [Partition(train: Array(0..<455), validation: Array(455..<569), test: [])])
        }
        let withTest = DataSplitter(split: SplitPlan(test: 0.2, validation: 0.25, folds: nil, stratify: false, shuffle: false), seed: 1)
        let (test2, rest2) = withTest.testSplit(labels: labels, classCount: 2)
        #expect(test2 == Array(80..<100) && rest2 == Array(0..<80))
        let parts = withTest.partitions(rest: rest2, test: test2, labels: labels, classCount: 2, repetition: 0)
        #expect(parts == [Partition(train: Array(0..<60), validation: Array(60..<80), test: Array(80..<100))])
    }

    @Test func withoutShufflingFoldsAreConsecutiveBlocks() {
        let splitter = DataSplitter(split: SplitPlan(test: nil, validation: nil, folds: 3, stratify: false, shuffle: false), seed: 1)
        let rest = Array(0..<10)
        let folds = splitter.partitions(rest: rest, test: [], labels: Array(labels[0..<10]), classCount: 2, repetition: 4)
        #expect(folds.map(\.validation) == [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]])
        #expect(folds.map(\.train) == [[4, 5, 6, 7, 8, 9], [0, 1, 2, 3, 7, 8, 9], [0, 1, 2, 3, 4, 5, 6]])
    }

    /// The splitter shuffles `Int32` rows in one array a group at a time; the rows it picks are the
    /// ones of the plain algorithm it stands for (an array of `Int`s per group, shuffled in turn, then
    /// filtered), for every split, class count and seed drawn here.
    @Test func shuffledGroupsPickTheRowsOfThePlainAlgorithm() {
        var draw = SplitMix64(seed: 3_524_578)
        let fractions = [0.1, 0.2, 0.25, 0.5, 0.9, 1.0 / 3.0]
        for _ in 0..<300 {
            let rows = Int(draw.next() % 120), classes = 1 + Int(draw.next() % 4)
            let labels = (0..<rows).map { _ in Int32(draw.next() % UInt64(classes)) }
            let folds = draw.next() % 3 == 0 ? 2 + Int(draw.next() % 5) : nil
            let split = SplitPlan(test: draw.next() % 4 == 0 ? nil : fractions[Int(draw.next() % 6)],
                                  validation: folds == nil && draw.next() % 5 != 0 ? fractions[Int(draw.next() % 6)] : nil,
                                  folds: folds, stratify: draw.next() % 2 == 0)
            let seed = draw.next()
            let splitter = DataSplitter(split: split, seed: seed), plain = PlainSplitter(split: split, seed: seed)
            let (test, rest) = splitter.testSplit(labels: labels, classCount: classes)
            #expect(test == plain.testSplit(labels: labels, classCount: classes).test && rest == plain.testSplit(labels: labels, classCount: classes).rest,
                    "\(split) seed \(seed), \(rows) rows")
            for repetition in 0..<2 {
                for fold in 0..<(folds ?? 1) {
                    #expect(splitter.partition(rest: rest, test: test, labels: labels, classCount: classes, repetition: repetition, fold: fold)
                        == plain.partition(rest: rest, test: test, labels: labels, classCount: classes, repetition: repetition, fold: fold),
                            "\(split) seed \(seed), \(rows) rows, repetition \(repetition), fold \(fold)")
                }
            }
        }
    }

    /// Above ``ShuffledGroups/concurrentRows`` the groups are shuffled on two threads, each from
    /// where the groups before it leave the generator: the same rows as one group after the other.
    @Test func largeSplitsShuffleTheirGroupsAtOnceAsOneThreadWould() {
        var draw = SplitMix64(seed: 832_040)
        let rows = ShuffledGroups.concurrentRows * 2 + 17
        let labels = (0..<rows).map { _ in Int32(draw.next() % 3) }
        var atOnce = SplitMix64(seed: 7), oneByOne = SplitMix64(seed: 7)
        let groups = ShuffledGroups(labels.indices, labels: labels, classCount: 3, stratify: true, rng: &atOnce)
        #expect(groups.shuffledAtOnce)
        let plain = PlainSplitter(split: SplitPlan(test: nil, validation: nil, folds: nil, stratify: true), seed: 0)
        #expect(groups.rows.map(Int.init) == Array(plain.groups(Array(labels.indices), labels: labels, classCount: 3, rng: &oneByOne).joined()))
        #expect(atOnce == oneByOne)
        for split in [SplitPlan(test: 0.2, validation: 0.25, folds: nil, stratify: true),
                      SplitPlan(test: 0.1, validation: nil, folds: 3, stratify: true)] {
            let splitter = DataSplitter(split: split, seed: 99), plain = PlainSplitter(split: split, seed: 99)
            let (test, rest) = splitter.testSplit(labels: labels, classCount: 3)
            let expected = plain.testSplit(labels: labels, classCount: 3)
            #expect(test == expected.test && rest == expected.rest, "\(split)")
            for fold in 0..<(split.folds ?? 1) {
                #expect(splitter.partition(rest: rest, test: test, labels: labels, classCount: 3, repetition: 1, fold: fold)
                    == plain.partition(rest: rest, test: test, labels: labels, classCount: 3, repetition: 1, fold: fold), "\(split), fold \(fold)")
            }
        }
    }

    /// The shuffled split written plainly (as runexp first wrote it): the reference the test above holds the splitter to.
    struct PlainSplitter {
        let split: SplitPlan, seed: UInt64

        func testSplit(labels: [Int32], classCount: Int) -> (test: [Int], rest: [Int]) {
            guard let fraction = split.test else { return ([], Array(labels.indices)) }
            var rng = SplitMix64(seed: deriveSeed(seed, 0x7465_7374))
            var inTest = [Bool](repeating: false, count: labels.count)
            for group in groups(Array(labels.indices), labels: labels, classCount: classCount, rng: &rng) {
                for row in group.prefix(Int((Double(group.count) * fraction).rounded())) { inTest[row] = true }
            }
            return (labels.indices.filter { inTest[$0] }, labels.indices.filter { !inTest[$0] })
        }

        func partition(rest: [Int], test: [Int], labels: [Int32], classCount: Int, repetition: Int, fold: Int) -> Partition {
            var rng = SplitMix64(seed: deriveSeed(seed, 0x7265_7374, UInt64(repetition)))
            let groups = groups(rest, labels: labels, classCount: classCount, rng: &rng)
            var inPart = [Bool](repeating: false, count: labels.count)
            if let folds = split.folds {
                var counter = 0
                for row in groups.joined() {
                    if counter % folds == fold { inPart[row] = true }
                    counter += 1
                }
            } else if let fraction = split.validation {
                for group in groups {
                    for row in group.prefix(Int((Double(group.count) * fraction).rounded())) { inPart[row] = true }
                }
            } else {
                return Partition(train: rest, validation: [], test: test)
            }
            return Partition(train: rest.filter { !inPart[$0] }, validation: rest.filter { inPart[$0] }, test: test)
        }

        func groups(_ rows: [Int], labels: [Int32], classCount: Int, rng: inout SplitMix64) -> [[Int]] {
            var groups = split.stratify ? [[Int]](repeating: [], count: classCount) : [rows]
            if split.stratify { for row in rows { groups[Int(labels[row])].append(row) } }
            for index in groups.indices { shuffleIndices(&groups[index], rng: &rng) }
            return groups
        }
    }

    @Test func standardizerUsesOnlyTheFittedRows() {
        let features: [Float] = [1, 10, 3, 10, 100, 0]
        let fitted = [0, 1]
        let scaler = Standardizer(width: 2, rows: fitted.count) { position, row in
            features.withUnsafeBufferPointer { row.update(from: $0.baseAddress! + fitted[position] * 2, count: 2) }
        }
        #expect(scaler.means == [2, 10])
        #expect(scaler.deviations == [1, 1])  // constant column: deviation 1, not 0
        var unfitted = Array(features[4...])
        scaler.transform(&unfitted, width: 2)
        #expect(unfitted == [98, -10])
    }
}
