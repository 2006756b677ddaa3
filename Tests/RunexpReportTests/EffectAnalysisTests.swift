import Foundation
import Testing
@testable import RunexpExecution
@testable import RunexpResults
@testable import RunexpPlan
@testable import RunexpReport
import RunexpTestSupport

@Suite struct EffectAnalysisTests {
    /// units × activation, 2 repetitions; `values[cell]` are the runs' val_accuracy, nil = diverged.
    static func grid(_ values: [[Double?]], units: String = "[1, 2]", activation: String = "[relu, tanh]",
                     extraSearch: String = "") throws -> ExperimentResults {
        let yaml = """
            name: tiny
            data: {file: d.csv, target: y}
            model:
              - dense: {units: $units, activation: $activation}
              - dense: {units: classes, activation: softmax}
            training: {epochs: 2, optimizer: sgd}
            search:
              grid: {units: \(units), activation: \(activation)}
              repetitions: \(values[0].count)
            \(extraSearch)
            """
        let plan = try PlanParser.parse(yaml: yaml, file: "t.yaml", directory: "")
        let records = plan.runs.map { run -> RunRecord in
            let value = values[run.cell][run.repetition]
            return RunRecord(run: run, seed: 1, epochsRun: 2, diverged: value == nil,
                             validation: value.map { PartMetrics(loss: 1 - $0, accuracy: $0, precision: nil, recall: nil, f1: nil, rocAUC: nil) },
                             test: nil, curve: [])
        }
        return ExperimentResults(plan: plan, classes: ["a", "b", "c"], records: records)
    }

    /// Cells in plan order: (1, relu), (1, tanh), (2, relu), (2, tanh).
    static let balanced: [[Double?]] = [[0.1, 0.3], [0.3, 0.5], [0.5, 0.7], [0.7, 0.9]]

    @Test func mainEffectSharesOfABalancedGridAreExact() throws {
        // Grand mean 0.5; SS = 0.48. units: means 0.3 / 0.7 over 4 runs each → 0.32 (2/3).
        // activation: 0.4 / 0.6 → 0.08 (1/6). Within cells: ±0.1 on 8 runs → 0.08 (1/6). Rest 0.
        let analysis = EffectAnalysis(ObjectiveData(try Self.grid(Self.balanced)))
        #expect(abs(analysis.totalSumOfSquares - 0.48) < 1e-12)
        #expect(abs((analysis.axes[0].share ?? 0) - 2.0 / 3) < 1e-12)
        #expect(abs((analysis.axes[1].share ?? 0) - 1.0 / 6) < 1e-12)
        #expect(abs((analysis.withinShare ?? 0) - 1.0 / 6) < 1e-12)
        #expect((analysis.restShare ?? 1) < 1e-12)
        #expect(analysis.byShare.map(\.axis) == ["units", "activation"])
        let units = analysis.axes[0]
        #expect(units.perLevel.map(\.label) == ["1", "2"])
        #expect(units.perLevel.map { $0.statistics.n } == [4, 4])
        #expect(abs((units.perLevel[1].statistics.mean ?? 0) - 0.7) < 1e-12)
        // t(0.975, 3) = 3.182446; sd of 0.5, 0.7, 0.7, 0.9 = 0.163299; half-width = 3.182446 × 0.163299 / 2.
        #expect(abs((units.perLevel[1].statistics.ci95 ?? 0) - 0.259843) < 1e-5)
        #expect(analysis.bestLevel(of: units)?.label == "2")
        #expect(analysis.worstLevel(of: units)?.label == "1")
    }

    @Test func headlineNamesTheAxesThatMatterAndComparesWithNoise() throws {
        let analysis = EffectAnalysis(ObjectiveData(try Self.grid(Self.balanced)))
        #expect(analysis.headline == "units (66.7%) matters most for val_accuracy; every other axis explains 16.7% or less.")
        let noisy = EffectAnalysis(ObjectiveData(try Self.grid([[0.1, 0.9], [0.2, 0.8], [0.15, 0.95], [0.2, 0.9]])))
        #expect(noisy.headline.hasSuffix("Differences between repetitions of the same cell explain more (99.5%) than any axis: much of what separates the cells is noise."),
                "\(noisy.headline)")
        let flat = EffectAnalysis(ObjectiveData(try Self.grid([[0.5, 0.5], [0.5, 0.5], [0.5, 0.5], [0.5, 0.5]])))
        #expect(flat.headline == "Every converged run has the same val_accuracy: no axis makes a difference.")
        #expect(flat.withinShare == nil && flat.axes[0].share == nil)
    }

    @Test func divergedRunsAreLeftOutAndNamedWhereTheyConcentrate() throws {
        let results = try Self.grid([[0.1, 0.3], [0.3, 0.5], [nil, nil], [0.7, nil]])
        let analysis = EffectAnalysis(ObjectiveData(results))
        #expect(analysis.data.convergedRuns == 5)
        #expect(analysis.axes[0].perLevel.map(\.failed) == [0, 3])
        #expect(analysis.divergenceNote == "3 of 8 runs diverged and are left out of every mean; they concentrate at units = 2 (3 of 4 runs).")
        #expect(EffectAnalysis(ObjectiveData(try Self.grid(Self.balanced))).divergenceNote == nil)
    }

    @Test func aReportIsDrawnEvenWhenEveryRunDivergedOrThereIsOneCell() throws {
        let diverged = try Self.grid([[nil, nil], [nil, nil], [nil, nil], [nil, nil]])
        let analysis = EffectAnalysis(ObjectiveData(diverged))
        #expect(analysis.headline == "Too few converged runs to compare the axes.")
        #expect(analysis.divergenceNote == "8 of 8 runs diverged and are left out of every mean.")
        let files = ReportFiles.render(results: diverged, provenanceJSON: nil)
        // No shares to rank by: plan order decides; no curves were recorded.
        // Nor parallel coordinates: no cell has a converged run.
        #expect(files.map(\.name) == ["plots/heatmap-units-activation.svg", "plots/effects.svg", "report.html"])
        #expect(files.last?.text.contains("provenance.json could not be read.") == true)
        let single = try Self.grid([[0.5, 0.6]], units: "[3]", activation: "[relu]")
        let names = ReportFiles.render(results: single, provenanceJSON: "not json").map(\.name)
        #expect(names == ["plots/effects.svg", "plots/parallel.svg", "report.html"])
    }

    @Test func aCellWithoutAnAxisFallsInALevelNamedNone() throws {
        let yaml = """
            name: inc
            data: {file: d.csv, target: y}
            model:
              - dense: {units: $units}
              - dropout: $drop
              - dense: {units: classes, activation: softmax}
            training: {epochs: 1, optimizer: sgd}
            search:
              grid: {units: [2, 8]}
              include:
                - {units: 8, drop: 0.3}
            """
        let plan = try PlanParser.parse(yaml: yaml, file: "t.yaml", directory: "")
        let levels = AxisLevels(plan, axis: "drop")
        #expect(levels.labels == ["0.3", "none"])
        #expect(levels.levelOfCell == plan.cells.map { $0.value(of: "drop") == nil ? 1 : 0 })
        #expect(!levels.isContinuous)
    }

    @Test func manyNumericValuesMakeAContinuousLogAxis() throws {
        let rates = (1...12).map { String(Double($0) / 10000) }.joined(separator: ", ")
        let yaml = """
            name: cont
            data: {file: d.csv, target: y}
            model:
              - dense: {units: 4}
              - dense: {units: classes, activation: softmax}
            training: {epochs: 1, optimizer: {name: adam, learning_rate: $lr}}
            search:
              grid: {lr: [\(rates), 0.5]}
            """
        let plan = try PlanParser.parse(yaml: yaml, file: "t.yaml", directory: "")
        let levels = AxisLevels(plan, axis: "lr")
        #expect(levels.count == 13)
        #expect(levels.isContinuous)
        #expect(levels.isLogarithmic)
        #expect(!AxisLevels(try Self.grid(Self.balanced).plan, axis: "units").isContinuous)
    }

    @Test func quadraticFitRecoversAParabolaAndFallsBackToALine() throws {
        let points = [-2.0, -1, 0, 1, 3].map { (x: $0, y: 1 + 2 * $0 - 0.5 * $0 * $0) }
        let fit = try #require(QuadraticFit(points, logarithmic: false))
        for x in [-1.5, 0.25, 2.0] { #expect(abs(fit(x) - (1 + 2 * x - 0.5 * x * x)) < 1e-9) }
        let line = try #require(QuadraticFit([(x: 1, y: 2), (x: 1, y: 4), (x: 3, y: 8)], logarithmic: false))
        #expect(abs(line(1) - 3) < 1e-9 && abs(line(3) - 8) < 1e-9)
        let log = try #require(QuadraticFit([(x: 0.001, y: 1), (x: 0.01, y: 2), (x: 0.1, y: 3), (x: 1, y: 4)], logarithmic: true))
        #expect(abs(log(0.0316227766) - 2.5) < 1e-6)
    }

    @Test func heatmapSquaresAverageRunsOrTakeTheBestCell() throws {
        let results = try ReportFixtures.synthetic()
        let data = ObjectiveData(results)
        let mean = HeatmapGrid(data, heatmap: Heatmap(x: "batch_size", y: "dropout", aggregate: .mean))
        #expect(mean.xLevels.labels == ["8", "32"] && mean.yLevels.labels == ["0", "0.5"])
        #expect(mean.otherAxes == ["units"])
        // Square (batch 8, dropout 0): units 4 (one run diverged) and 16: 5 runs.
        let first = mean.squares[0]
        #expect(first.runs == 5 && first.failed == 1 && first.cells == 2)
        let expected = [0.79, 0.80, 0.80, 0.81, 0.822]
        #expect(abs((first.value ?? 0) - expected.reduce(0, +) / 5) < 1e-12)
        // Best square: batch 32, dropout 0 (row 0, column 1).
        #expect(mean.bestValue == mean.squares[1].value)
        #expect(mean.fileName == "heatmap-batch_size-dropout.svg")
        let best = HeatmapGrid(data, heatmap: Heatmap(x: "batch_size", y: "dropout", aggregate: .max))
        #expect(best.fileName == "heatmap-batch_size-dropout-max.svg")
        #expect(best.squares[0].runs == 3)
        #expect(abs((best.squares[0].value ?? 0) - 0.810667) < 1e-6)
    }

    @Test func withoutHeatmapsInThePlanTheTwoStrongestCategoricalAxesAreCrossed() throws {
        let results = try ReportFixtures.synthetic(heatmaps: "")
        let analysis = EffectAnalysis(ObjectiveData(results))
        #expect(analysis.byShare.map(\.axis) == ["batch_size", "dropout", "units"])
        #expect(ReportFiles.heatmapsToDraw(analysis) == [Heatmap(x: "dropout", y: "batch_size", aggregate: .mean)])
        let asked = EffectAnalysis(ObjectiveData(try ReportFixtures.synthetic()))
        #expect(ReportFiles.heatmapsToDraw(asked) == [Heatmap(x: "batch_size", y: "dropout", aggregate: .mean)])
    }

    @Test func learningCurvesAverageTheConvergedRunsOfTheBestCells() throws {
        let results = try ReportFixtures.synthetic()
        let curves = LearningCurves(results, count: 5)
        #expect(curves.curves.count == 5)
        #expect(curves.curves.map(\.rank) == [1, 2, 3, 4, 5])
        let first = curves.curves[0]
        #expect(first.runs == 3)
        #expect(first.configuration == ["units = 16", "dropout = 0", "batch_size = 32"])
        // Train loss at epoch 1: 0.9 + 0.01 × repetition, averaged over repetitions 0, 1, 2.
        #expect(first.train.map(\.epoch) == [1, 2, 3])
        #expect(abs(first.train[0].loss - 0.91) < 1e-12)
        #expect(abs(first.validation[2].loss - 1.0 / 3) < 1e-12)
        // The cell with the diverged run averages its two converged runs.
        let divergedCell = try #require(LearningCurves(results, count: 8).curves.first { $0.cell == 0 })
        #expect(divergedCell.runs == 2)
    }
}

/// Axes drawn together in a random search are estimated jointly, and a full grid keeps its one-way shares.
@Suite struct JointEffectTests {
    /// A random search over `a` and `b` (uniform on [0, 1]), `samples` cells of 2 repetitions, with
    /// `objective(a, b, repetition)` as each run's val_accuracy.
    static func random(samples: Int, seed: Int = 5, objective: (Double, Double, Int) -> Double) throws -> ExperimentResults {
        let yaml = """
            name: random
            seed: \(seed)
            data: {file: d.csv, target: y}
            model:
              - dropout: $b
              - dense: {units: 4, activation: relu}
              - dropout: $a
              - dense: {units: classes, activation: softmax}
            training: {epochs: 2, optimizer: sgd}
            search:
              grid: {a: {uniform: [0, 0.9]}, b: {uniform: [0, 0.9]}}
              random: {samples: \(samples)}
              repetitions: 2
            """
        let plan = try PlanParser.parse(yaml: yaml, file: "r.yaml", directory: "")
        let records = plan.runs.map { run -> RunRecord in
            let cell = plan.cells[run.cell]
            let value = objective(cell.value(of: "a")?.number ?? 0, cell.value(of: "b")?.number ?? 0, run.repetition)
            return RunRecord(run: run, seed: 1, epochsRun: 2, diverged: false,
                             validation: PartMetrics(loss: 1 - value, accuracy: value, precision: nil, recall: nil, f1: nil, rocAUC: nil),
                             test: nil, curve: [])
        }
        return ExperimentResults(plan: plan, classes: ["x", "y"], records: records)
    }

    /// The objective depends on `a` only, and the sample draws `b` half from `a` (b = a/2 plus an
    /// independent half, correlation about 0.7): one-way, `b` seems to matter about half as much as
    /// `a`; jointly `a` keeps what only it explains and `b` gets about none.
    @Test func aPlantedEffectGoesToItsAxisAndNotToTheOneDrawnWithIt() throws {
        let results = try Self.random(samples: 40) { a, _, repetition in 0.5 + 0.4 * a + (repetition == 0 ? 0.001 : -0.001) }
        // A plan whose b follows a halfway: b = a/2 + (an independent value on [0, 0.45]).
        var plan = results.plan
        for index in plan.cells.indices {
            let a = plan.cells[index].value(of: "a")?.number ?? 0
            let own = (Double(index) * 0.618_034).truncatingRemainder(dividingBy: 1) * 0.45
            if let slot = plan.cells[index].values.firstIndex(where: { $0.axis == "b" }) {
                plan.cells[index].values[slot].value = .double(a / 2 + own)
            }
        }
        let correlated = ExperimentResults(plan: plan, classes: results.classes, records: results.records)
        let analysis = EffectAnalysis(ObjectiveData(correlated))
        #expect(analysis.method == .joint(unavailable: nil, quadratic: true))
        let a = try #require(analysis.axes.first { $0.axis == "a" }?.share)
        let b = try #require(analysis.axes.first { $0.axis == "b" }?.share)
        #expect(a > 0.3, "a's share \(a)")
        #expect(b < 0.01, "b's share \(b)")
        // The one-way share of b, for contrast: the quadratic in b alone explains most of what a does.
        let effectB = try #require(analysis.axes.first { $0.axis == "b" })
        let points = zip(effectB.levels.numbers, effectB.perLevel).flatMap { number, level in
            level.statistics.values.map { (x: number ?? 0, y: $0) }
        }
        let fit = try #require(QuadraticFit(points, logarithmic: false))
        let mean = points.map(\.y).reduce(0, +) / Double(points.count)
        let oneWayB = points.reduce(0) { $0 + (fit($1.x) - mean) * (fit($1.x) - mean) } / analysis.totalSumOfSquares
        #expect(oneWayB > 0.3, "one-way b \(oneWayB) against joint a \(a)")
        #expect(analysis.methodNote.hasPrefix("The axes were not crossed in a full grid"))
    }

    @Test func independentDrawsSplitTheSharesByEffect() throws {
        let results = try Self.random(samples: 60) { a, b, repetition in 0.5 + 0.3 * a + 0.1 * b * b + (repetition == 0 ? 0.002 : -0.002) }
        let analysis = EffectAnalysis(ObjectiveData(results))
        let a = try #require(analysis.axes.first { $0.axis == "a" }?.share)
        let b = try #require(analysis.axes.first { $0.axis == "b" }?.share)
        #expect(a > 4 * b && b > 0.01, "a \(a), b \(b)")
        #expect(a + b + (analysis.withinShare ?? 0) <= 1 + 1e-9)
    }

    @Test func axesAlwaysDrawnTogetherGetNoShareAndAreNamed() throws {
        let results = try Self.random(samples: 20) { a, _, repetition in 0.5 + 0.3 * a + (repetition == 0 ? 0.01 : -0.01) }
        var plan = results.plan
        for index in plan.cells.indices {
            let a = plan.cells[index].value(of: "a")?.number ?? 0
            if let slot = plan.cells[index].values.firstIndex(where: { $0.axis == "b" }) { plan.cells[index].values[slot].value = .double(2 * a) }
        }
        let analysis = EffectAnalysis(ObjectiveData(ExperimentResults(plan: plan, classes: results.classes, records: results.records)))
        #expect(analysis.axes.map(\.share) == [nil, nil])
        #expect(analysis.axes.map(\.confoundedWith) == ["b", "a"])
        #expect(analysis.methodNote.hasSuffix("a cannot be separated from b; b cannot be separated from a: the design draws them together, so neither gets a share."))
    }

    /// A full grid keeps its one-way shares, diverged runs or not.
    @Test func aFullGridKeepsItsOneWayShares() throws {
        let analysis = EffectAnalysis(ObjectiveData(try EffectAnalysisTests.grid(EffectAnalysisTests.balanced)))
        #expect(analysis.method == .oneWay)
        #expect(abs((analysis.axes[0].share ?? 0) - 2.0 / 3) < 1e-12)
        let diverged = EffectAnalysis(ObjectiveData(try EffectAnalysisTests.grid([[0.1, nil], [0.3, 0.5], [0.5, 0.7], [0.7, 0.9]])))
        #expect(diverged.method == .oneWay)
        #expect(analysis.methodNote.hasPrefix("The cells form a full grid"))
    }

    @Test func tooFewCellsForTheAxesSaySo() throws {
        let results = try Self.random(samples: 3) { a, b, repetition in a + b + Double(repetition) / 100 }
        let analysis = EffectAnalysis(ObjectiveData(results))
        #expect(analysis.method == .joint(unavailable: "3 cells with a value are too few to separate 2 axes (3 terms) jointly", quadratic: false))
        #expect(analysis.axes.allSatisfy { $0.share == nil })
    }
}

/// Intervals past a metric's range are drawn to its edge and said to be, the stored numbers whole.
@Suite struct ClippedIntervalTests {
    @Test func anAccuracyIntervalAboveOneIsClippedAndNoted() throws {
        // The runs at 1 unit: 1.0, 0.9, 1.0, 1.0, 0.92, 1.0 → mean 0.97, the interval's top above 1.
        let results = try EffectAnalysisTests.grid([[1.0, 0.9, 1.0], [1.0, 0.92, 1.0], [0.9, 0.92, 0.91], [0.85, 0.86, 0.87]])
        let analysis = EffectAnalysis(ObjectiveData(results))
        let high = try #require(analysis.axes.flatMap(\.perLevel).compactMap(\.statistics.ciHigh).max())
        #expect(high > 1, "the stored interval stays whole: \(high)")
        let svg = EffectsPlot.svg(analysis)
        #expect(svg.contains("leaves val_accuracy&#39;s range (between 0 and 1): drawn to its edge (▲ ▼); cells.csv keeps the whole interval.")
                || svg.contains("leaves val_accuracy's range (between 0 and 1): drawn to its edge (▲ ▼); cells.csv keeps the whole interval."))
        #expect(svg.contains(">▲</text>"))
        let unclipped = EffectsPlot.svg(EffectAnalysis(ObjectiveData(try EffectAnalysisTests.grid(
            [[0.5, 0.52, 0.51], [0.55, 0.56, 0.57], [0.6, 0.61, 0.62], [0.45, 0.46, 0.47]]))))
        #expect(!unclipped.contains("drawn to its edge"))
    }

    @Test func aValueOfTwoRunsShowsItsRunsNotAnInterval() throws {
        let analysis = EffectAnalysis(ObjectiveData(try EffectAnalysisTests.grid(EffectAnalysisTests.balanced)))
        let svg = EffectsPlot.svg(analysis)
        // Each level of units and activation holds 4 runs: intervals. A grid of one repetition per cell, two per level:
        #expect(!svg.contains("show the runs (dots)"))
        let pairs = EffectsPlot.svg(EffectAnalysis(ObjectiveData(try EffectAnalysisTests.grid([[0.1], [0.3], [0.5], [0.7]]))))
        #expect(pairs.contains("Values of 1 or 2 runs show the runs (dots), not an interval."))
    }
}

/// The report ranks as cells.csv does, whether drawn from the run's exact numbers or from the
/// folder's six-decimal ones.
@Suite struct RankOrderTests {
    @Test func cellsWhoseExactMeansTieRankTheSameFromTheFolder() throws {
        // Exact means 1/3 and 1/3; as runs.csv prints them, 0.083333 + 0.583333 and 0.416667 + 0.25,
        // whose means round to 0.333333 and 0.333334 when summed exactly: the rank key averages the
        // printed values, so both sources rank the cells alike.
        let values: [[Double?]] = [[1.0 / 12, 7.0 / 12], [5.0 / 12, 3.0 / 12], [0.2, 0.2], [0.1, 0.1]]
        let grid = try EffectAnalysisTests.grid(values)
        let results = ExperimentResults(plan: grid.plan, classes: grid.classes, records: grid.records.map { record in
            let value = values[record.run.cell][record.run.repetition] ?? 0
            return RunRecord(run: record.run, seed: RunSeed.of(record.run, in: grid.plan), epochsRun: 2, diverged: false,
                             validation: PartMetrics(loss: 1 - value, accuracy: value, precision: value, recall: value, f1: value, rocAUC: nil),
                             test: nil,
                             curve: (1...2).map { CurvePoint(epoch: $0, trainLoss: 0.5, trainAccuracy: 0.5, validationLoss: 0.5, validationAccuracy: 0.5) })
        })
        let stored = ReportFiles.asStored(results)
        #expect(results.cells.map(\.rank) == stored.cells.map(\.rank))
        let folder = try TemporaryDirectory(prefix: "runexp-rank-").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try ReportFixtures.write(ReportFixtures.folderFiles(results), to: folder)
        let readBack = try ResultFolderReader.read(folder).results
        #expect(readBack.cells.map(\.rank) == results.cells.map(\.rank))
        // The report's table lists the cells in cells.csv's rank order.
        let page = try #require(ReportFiles.render(results: readBack, provenanceJSON: nil).last?.text)
        let rows = page.components(separatedBy: "<tr><td>").dropFirst().prefix(4).compactMap { $0.split(separator: "<").first.map(String.init) }
        #expect(rows == ["1", "2", "3", "4"])
        #expect(readBack.ranked.map(\.cell) == results.ranked.map(\.cell))
    }
}

/// A search of thousands of cells draws its best ones and says so, rather than an SVG of megabytes.
@Suite struct LargeSearchPlotTests {
    @Test func scatterParallelAndSliceDrawAtMostTheirShare() throws {
        let results = try JointEffectTests.random(samples: 6_000) { a, b, repetition in 0.5 + 0.3 * a - 0.1 * b + Double(repetition) / 1000 }
        let data = ObjectiveData(results)
        let a = AxisLevels(results.plan, axis: "a"), b = AxisLevels(results.plan, axis: "b")
        let scatter = ScatterPlot.svg(data, x: a, y: b)
        #expect(scatter.components(separatedBy: "<circle").count - 1 <= ScatterPlot.drawnCells + 1)
        #expect(scatter.contains("The 5000 best of 6000 cells are drawn."))
        let parallel = try #require(ParallelCoordinatesPlot.plot(data)).svg
        #expect(parallel.components(separatedBy: "<polyline").count - 1 == ParallelCoordinatesPlot.drawnCells)
        #expect(parallel.contains("The 2000 best of 6000 cells are drawn."))
        let effects = EffectsPlot.svg(EffectAnalysis(data))
        // Two continuous panels of 12,000 runs each, 4,000 dots apiece.
        #expect(effects.components(separatedBy: "<circle").count - 1 == 2 * EffectsPlot.drawnRuns)
    }
}
