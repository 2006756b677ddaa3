import Testing
@testable import RunexpExecution
@testable import RunexpResults
@testable import RunexpPlan

/// Values checked against scipy.stats.
@Suite struct StatisticsTests {
    @Test(arguments: [(2.0, 4.30265273), (10, 2.22813885), (30, 2.04227246), (5.5, 2.50185862)])
    func quantilesMatchScipy(degreesOfFreedom: Double, expected: Double) {
        #expect(abs(StudentT.quantile(0.975, degreesOfFreedom: degreesOfFreedom) - expected) < 1e-7)
    }

    @Test func cdfMatchesScipy() {
        #expect(abs(StudentT.cdf(-1.5, degreesOfFreedom: 3.7) - 0.10679908460100675) < 1e-9)
        #expect(StudentT.cdf(0, degreesOfFreedom: 4) == 0.5)
    }

    @Test func welchMatchesScipy() throws {
        let welch = try #require(StudentT.welch([1, 2, 3, 4, 5], [2, 4, 6, 8, 10]))
        #expect(welch.difference == 3)
        #expect(abs(welch.p - 0.10753119493062728) < 1e-9)
        #expect(abs(welch.degreesOfFreedom - 5.882352941176471) < 1e-9)
        #expect(!welch.isSignificant())
        #expect(StudentT.welch([1], [2, 3]) == nil)
        #expect(StudentT.welch([1, 1], [2, 2])?.p == 0)
    }

    /// The remembered critical values are the quantiles themselves, for any n and level, asked
    /// from many threads at once; Welch's interval is the quantile times the standard error.
    @Test func criticalValuesAreTheQuantiles() async throws {
        let cases = (2...40).flatMap { n in [0.95, 0.9, 0.99].map { (n, $0) } }
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    for (n, level) in cases {
                        let direct = StudentT.quantile(0.5 + level / 2, degreesOfFreedom: Double(n - 1)) * 0.3 / Double(n).squareRoot()
                        #expect(StudentT.confidenceHalfWidth(sd: 0.3, n: n, level: level) == direct)
                    }
                }
            }
        }
        let welch = try #require(StudentT.welch([1, 2, 3, 4, 5], [2, 4, 6, 8, 10]))
        #expect(welch.halfWidth == StudentT.quantile(0.975, degreesOfFreedom: welch.degreesOfFreedom) * welch.standardError)
        #expect(abs(welch.halfWidth - 3.887741643736975) < 1e-7)  // scipy: t.ppf(0.975, 5.88) · √(2.5/5 + 10/5)
        #expect(StudentT.welch([1, 1], [2, 2])?.halfWidth == 0)
    }

    @Test func metricStatisticsHaveAStudentTInterval() throws {
        let statistics = MetricStatistics([0.9, 0.95, 1.0])
        #expect(abs(statistics.mean! - 0.95) < 1e-12)
        #expect(abs(statistics.sd! - 0.05) < 1e-12)
        // t(0.975, 2) · 0.05 / √3
        #expect(abs(statistics.ci95! - 4.30265273 * 0.05 / 3.0.squareRoot()) < 1e-7)
        #expect(MetricStatistics([0.5]).ci95 == nil)
    }

    @Test func tiedWithBestFollowsWelch() throws {
        let results = try SyntheticResults.make(units: [1, 2, 3], accuracies: [[0.90, 0.91, 0.92, 0.93], [0.89, 0.92, 0.90, 0.93], [0.60, 0.61, 0.62, 0.60]])
        #expect(results.cells.map(\.rank) == [1, 2, 3])
        #expect(results.cells.map(\.tiedWithBest) == [true, true, false])
        #expect(ResultTables.cellsCSV(results).split(separator: "\n")[0].hasSuffix(",rank,tied_with_best"))
    }

    /// When every run diverged there is no best cell, and no cell is tied with it.
    @Test func withoutAnyValueNoCellIsTiedWithBest() throws {
        let results = try SyntheticResults.make(units: [1, 2], accuracies: [[0.9, 0.8], [0.7, 0.6]])
        let diverged = results.records.map { record -> RunRecord in
            var record = record
            record.diverged = true
            record.validation = nil
            return record
        }
        let all = ExperimentResults(plan: results.plan, classes: results.classes, records: diverged)
        #expect(all.cells.map(\.tiedWithBest) == [false, false])
        #expect(all.cells.map(\.rank) == [1, 2])
    }

    /// The same accuracies in another order sum to means that differ in the last bit; cells.csv prints
    /// them equal, so they must rank in plan order (they ranked by the last bit before).
    @Test func meansEqualAsPrintedRankInPlanOrder() throws {
        // (0.3 + 0.2) + 0.1 = 0.6, but (0.1 + 0.2) + 0.3 = (0.2 + 0.1) + 0.3 = 0.6000000000000001.
        let orders = [[0.3, 0.2, 0.1], [0.1, 0.2, 0.3], [0.2, 0.1, 0.3]]
        let means = orders.map { $0.reduce(0, +) / 3 }
        #expect(Set(means).count > 1, "the test needs means that differ in the last bits: \(means)")
        let results = try SyntheticResults.make(units: [1, 2, 3], accuracies: orders)
        #expect(results.cells.map(\.rank) == [1, 2, 3])
        #expect(results.ranked.map(\.cell) == [0, 1, 2])
    }

    /// A mean that differs in the sixth decimal still ranks by its value.
    @Test func aDifferenceInTheSixthDecimalStillRanks() throws {
        let results = try SyntheticResults.make(units: [1, 2], accuracies: [[0.900000, 0.900000], [0.900002, 0.900002]])
        #expect(results.cells.map(\.rank) == [2, 1])
    }
}

@Suite struct ResultTablesTests {
    @Test func cellsCSVHasStatisticsIntervalsRankAndTies() throws {
        let results = try SyntheticResults.make(units: [4, 16], accuracies: [[0.5, 0.7], [0.9, 0.9]])
        let plan = results.plan
        // Cell 0: mean 0.6, sd 0.141421, t(0.975, 1) = 12.706205 → ±1.270620; Welch p = 0.2048 → tied.
        #expect(ResultTables.cellsCSV(results) == """
            cell,cell_id,units,runs,n,diverged,val_loss_mean,val_loss_sd,val_loss_ci_low,val_loss_ci_high,val_accuracy_mean,val_accuracy_sd,val_accuracy_ci_low,val_accuracy_ci_high,val_precision_mean,val_precision_sd,val_precision_ci_low,val_precision_ci_high,val_recall_mean,val_recall_sd,val_recall_ci_low,val_recall_ci_high,val_f1_mean,val_f1_sd,val_f1_ci_low,val_f1_ci_high,rank,tied_with_best
            0,\(plan.cells[0].id),4,2,2,0,0.500000,0.000000,0.500000,0.500000,0.600000,0.141421,-0.670620,1.870620,0.600000,0.141421,-0.670620,1.870620,0.600000,0.141421,-0.670620,1.870620,0.600000,0.141421,-0.670620,1.870620,2,true
            1,\(plan.cells[1].id),16,2,2,0,0.500000,0.000000,0.500000,0.500000,0.900000,0.000000,0.900000,0.900000,0.900000,0.000000,0.900000,0.900000,0.900000,0.000000,0.900000,0.900000,0.900000,0.000000,0.900000,0.900000,1,true

            """)
    }
}

/// Results of a one-axis plan (`units`) whose runs have the given validation accuracies (loss 0.5;
/// precision, recall and f1 equal to the accuracy).
enum SyntheticResults {
    static func make(units: [Int], accuracies: [[Double]]) throws -> ExperimentResults {
        let yaml = """
            name: synthetic
            data: {file: d.csv, target: y}
            model:
              - dense: {units: $units}
              - dense: {units: classes, activation: softmax}
            training: {epochs: 1, optimizer: sgd}
            search:
              grid: {units: [\(units.map(String.init).joined(separator: ", "))]}
              repetitions: \(accuracies[0].count)

            """
        let plan = try PlanParser.parse(yaml: yaml, file: "t.yaml", directory: "")
        var records: [RunRecord] = []
        for (cell, values) in accuracies.enumerated() {
            for (repetition, value) in values.enumerated() {
                records.append(RunRecord(run: RunID(index: records.count, cell: cell, repetition: repetition, fold: 0), seed: 1,
                                         epochsRun: 1, diverged: false,
                                         validation: PartMetrics(loss: 0.5, accuracy: value, precision: value, recall: value, f1: value, rocAUC: nil),
                                         test: nil, curve: []))
            }
        }
        return ExperimentResults(plan: plan, classes: ["a", "b", "c"], records: records)
    }
}
