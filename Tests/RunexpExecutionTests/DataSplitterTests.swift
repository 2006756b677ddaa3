import Testing
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
