import Testing
@testable import RunexpPlan

/// The rung schedule: which epochs, how many cells go on, which cells a Hyperband bracket holds.
@Suite struct SearchStrategyTests {
    @Test func rungsGrowByTheFactorAndEndAtTheCellsEpochs() {
        #expect(SearchStrategy(kind: .halving, minEpochs: 3, factor: 3).rungEpochs(epochs: 25) == [3, 9, 25])
        #expect(SearchStrategy(kind: .halving, minEpochs: 1, factor: 5).rungEpochs(epochs: 25) == [1, 5, 25])
        #expect(SearchStrategy(kind: .halving, minEpochs: 2, factor: 2).rungEpochs(epochs: 3) == [2, 3])
        // A factor whose powers overflow stops growing instead of trapping.
        let huge = SearchStrategy(kind: .halving, minEpochs: 1 << 40, factor: 1 << 30)
        #expect(huge.rungEpochs(epochs: Int.max) == [1 << 40, Int.max])
    }

    @Test func aThirdRoundedUpGoesOnAndAlwaysOne() {
        let strategy = SearchStrategy(kind: .halving, minEpochs: 1, factor: 3)
        #expect([0, 1, 2, 3, 4, 216, 217].map(strategy.survivors(of:)) == [0, 1, 1, 1, 2, 72, 73])
    }

    @Test func theReferenceGridHalvedTrainsAQuarterOfItsEpochs() {
        let schedule = RungSchedule(strategy: SearchStrategy(kind: .halving, minEpochs: 3, factor: 3), epochs: 25,
                                    cells: (0..<216).map(UInt64.init), seed: 42)
        #expect(schedule.brackets == [RungSchedule.Bracket(firstRung: 0, cells: Array(0..<216))])
        #expect(schedule.counts(of: schedule.brackets[0]) == [216, 72, 24])
        #expect(schedule.plannedCellEpochs == 216 * 3 + 72 * 6 + 24 * 16)
        #expect(Double(schedule.plannedCellEpochs) / Double(216 * 25) < 0.28)
    }

    @Test func hyperbandSharesTheCellsOutByItsBracketWeights() {
        let cells = (0..<216).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 }
        let schedule = RungSchedule(strategy: SearchStrategy(kind: .hyperband, minEpochs: 3, factor: 3), epochs: 25, cells: cells, seed: 42)
        // Weights ⌈3/3·9⌉ = 9, ⌈3/2·3⌉ = 5, ⌈3/1·1⌉ = 3 of 17.
        #expect(schedule.brackets.map(\.firstRung) == [0, 1, 2])
        #expect(schedule.brackets.map(\.cells.count) == [114, 64, 38])
        #expect(schedule.brackets.flatMap(\.cells).sorted() == Array(0..<216))
        #expect(schedule.brackets.allSatisfy { $0.cells == $0.cells.sorted() })
        #expect(schedule.counts(of: schedule.brackets[1]) == [64, 22])
        #expect(schedule.counts(of: schedule.brackets[2]) == [38])
        // Another seed draws other cells for each bracket; the same seed the same.
        let again = RungSchedule(strategy: schedule.strategy, epochs: 25, cells: cells, seed: 42)
        let other = RungSchedule(strategy: schedule.strategy, epochs: 25, cells: cells, seed: 7)
        #expect(again == schedule)
        #expect(other.brackets.map(\.cells) != schedule.brackets.map(\.cells))
        #expect(other.brackets.map(\.cells.count) == [114, 64, 38])
    }

    @Test func aCellKeepsItsDrawingKeyWhenCellsAreAdded() {
        // Bracket sizes change with the count, but the order cells are drawn in is by their ids.
        let strategy = SearchStrategy(kind: .hyperband, minEpochs: 1, factor: 2)
        let few = RungSchedule(strategy: strategy, epochs: 2, cells: [10, 20, 30, 40], seed: 1)
        #expect(few.brackets.flatMap(\.cells).sorted() == [0, 1, 2, 3])
        #expect(few.epochs == [1, 2])
    }

    @Test func thePlanWritesTheStrategyOnlyWhenItHasOne() throws {
        let text = """
            name: s
            data: {file: d.csv, target: y}
            model:
              - dense: {units: classes, activation: softmax}
            training: {epochs: 9, optimizer: sgd}
            search:
              strategy:
                halving:

            """
        let plan = try PlanParser.parse(yaml: text, file: "s.yaml", directory: "")
        #expect(plan.strategy == SearchStrategy(kind: .halving, minEpochs: 1, factor: 3))
        let json = try plan.prettyJSON()
        #expect(json.contains("\"strategy\" : {\n    \"factor\" : 3,\n    \"kind\" : \"halving\",\n    \"minEpochs\" : 1\n  }"))
        let plain = try PlanParser.parse(yaml: text.replacingOccurrences(of: "  strategy:\n    halving:\n", with: "  repetitions: 1\n"),
                                         file: "s.yaml", directory: "")
        #expect(try !plain.prettyJSON().contains("strategy"))
        #expect(RungSchedule(plain) == nil)
    }
}

/// A metric's range moves an interval's end to its edge, on the side it has one.
@Suite struct MetricRangeTests {
    @Test func clampingKeepsValuesInsideAndMovesOthersToTheEdge() {
        #expect(MetricRange.fraction.clamped(1.07) == 1)
        #expect(MetricRange.fraction.clamped(-0.2) == 0)
        #expect(MetricRange.fraction.clamped(0.4) == 0.4)
        #expect(MetricRange.nonNegative.clamped(-0.1394) == 0)
        #expect(MetricRange.nonNegative.clamped(12.5) == 12.5)
        #expect(MetricRange.atMostOne.clamped(-3) == -3)
        #expect(MetricRange.atMostOne.clamped(1.2) == 1)
    }
}
