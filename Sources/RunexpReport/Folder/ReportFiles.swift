import Foundation
import RunexpResults
import RunexpPlan

/// The report files of a result folder: `plots/*.svg` and `report.html`.
///
/// The single entry point both for `runexp run` (which appends these files to the folder it
/// writes) and for `runexp report DIR` (which redraws them from the folder's files). Drawing
/// starts from the numbers as the result files store them (six decimals, plan.json as written),
/// so a redraw from a folder gives the same bytes as the run did. Every SVG is deterministic
/// text; report.html is too, apart from what `provenanceJSON` says.
public enum ReportFiles {
    /// The report files for `results`, with `provenanceJSON` the text of provenance.json (nil
    /// leaves provenance out of the page). Names are relative to the result folder:
    /// `plots/heatmap-<x>-<y>[-max].svg` for each heatmap of `report.heatmaps` (or, when it asks
    /// for none, of the two categorical axes with the largest variance share),
    /// `plots/effects.svg`, `plots/curves.svg` (when runs recorded curves), `plots/predictions.svg`
    /// (with predictions), `plots/rungs.svg` (under a halving strategy), then `report.html`.
    public static func render(results: ExperimentResults, provenanceJSON: String?) -> [(name: String, text: String)] {
        draw(asStored(results), provenance: provenanceJSON.flatMap { ReportProvenance(json: $0) })
    }

    /// `plan` as its plan.json reads back, without encoding and decoding the whole plan (which took
    /// longer than drawing the report). The round trip changes only two things: an axis value that is
    /// a double with an integral value (`1.0`) prints as `1` and reads back as the integer, and
    /// `locations` is not stored. So each distinct integral double makes the JSON round trip on its
    /// own; every other value reads back as itself (a fraction's shortest text is not an integer).
    /// Idempotent; a test checks it against the whole-plan round trip on every plan in the repository.
    public static func storedPlan(of plan: Plan) -> Plan {
        var cache: [UInt64: AxisValue] = [:]
        func stored(_ value: AxisValue) -> AxisValue {
            guard case .double(let double) = value, double == double.rounded() else { return value }
            let key = double.bitPattern
            if let hit = cache[key] { return hit }
            let back = (try? JSONDecoder().decode([AxisValue].self, from: JSONEncoder().encode([value])))?.first ?? value
            cache[key] = back
            return back
        }
        var result = plan
        result.locations = PlanLocations()
        for axis in result.axes.indices {
            result.axes[axis].values = result.axes[axis].values.map(stored)
        }
        for cell in result.cells.indices {
            for value in result.cells[cell].values.indices {
                result.cells[cell].values[value].value = stored(result.cells[cell].values[value].value)
            }
        }
        return result
    }

    /// Draws from results that already hold stored values (read back from a folder).
    static func draw(_ results: ExperimentResults, provenance: ReportProvenance?) -> [(name: String, text: String)] {
        assemble(results, plots: plots(results), curves: curvesPlot(results), provenance: provenance)
    }

    /// ``render(results:provenanceJSON:)`` from the runs themselves, for a caller that summarizes
    /// the cells for itself meanwhile (the report summarizes the numbers as stored), with the
    /// learning curves drawn on another core: the report is the longest part of a run's end.
    public static func render(plan: Plan, classes: [String], records: [RunRecord], predictions: Predictions? = nil,
                              provenanceJSON: String?) async -> [(name: String, text: String)] {
        let results = asStored(plan: plan, classes: classes, records: records, predictions: predictions)
        async let curves = curvesPlot(results)
        let plots = plots(results)
        return assemble(results, plots: plots, curves: await curves, provenance: provenanceJSON.flatMap { ReportProvenance(json: $0) })
    }

    /// The effect analysis with the plots drawn from it.
    private typealias Plots = (analysis: EffectAnalysis, heatmaps: [ReportPage.Plot], effects: ReportPage.Plot, parallel: ReportPage.Plot?)

    /// The effect analysis, the heatmaps (a scatter plot where an axis is continuous), the effects
    /// plot and the parallel coordinates.
    private static func plots(_ results: ExperimentResults) -> Plots {
        let data = ObjectiveData(results)
        let analysis = EffectAnalysis(data)
        var heatmaps: [ReportPage.Plot] = []
        var seen: Set<String> = []
        for heatmap in heatmapsToDraw(analysis) {
            let x = AxisLevels(data.plan, axis: heatmap.x), y = AxisLevels(data.plan, axis: heatmap.y)
            if x.isContinuous || y.isContinuous {
                let name = ScatterPlot.fileName(heatmap)
                guard seen.insert(name).inserted else { continue }
                heatmaps.append(ReportPage.Plot(file: name, svg: ScatterPlot.svg(data, x: x, y: y)))
                continue
            }
            let grid = HeatmapGrid(data, heatmap: heatmap)
            let name = "plots/" + grid.fileName
            guard seen.insert(name).inserted else { continue }
            heatmaps.append(ReportPage.Plot(file: name, svg: HeatmapPlot.svg(grid)))
        }
        return (analysis, heatmaps, ReportPage.Plot(file: "plots/effects.svg", svg: EffectsPlot.svg(analysis)),
                ParallelCoordinatesPlot.plot(data))
    }

    /// The learning curves plot, when runs recorded curves.
    private static func curvesPlot(_ results: ExperimentResults) -> ReportPage.Plot? {
        LearningCurvesPlot.svg(LearningCurves(results)).map { ReportPage.Plot(file: "plots/curves.svg", svg: $0) }
    }

    /// The plot files, then report.html.
    private static func assemble(_ results: ExperimentResults, plots: Plots, curves: ReportPage.Plot?,
                                 provenance: ReportProvenance?) -> [(name: String, text: String)] {
        var files = plots.heatmaps.map { (name: $0.file, text: $0.svg) }
        files.append((plots.effects.file, plots.effects.svg))
        if let parallel = plots.parallel { files.append((parallel.file, parallel.svg)) }
        if let curves { files.append((curves.file, curves.svg)) }
        let predictions = PredictionsPlot.plot(results)
        if let predictions { files.append((predictions.file, predictions.svg)) }
        let rungs = RungsPlot.plot(results)
        if let rungs { files.append((rungs.file, rungs.svg)) }
        files.append((ResultFiles.report, ReportPage.html(results: results, analysis: plots.analysis, heatmaps: plots.heatmaps,
                                                     effects: plots.effects, parallel: plots.parallel, curves: curves,
                                                     predictions: predictions, rungs: rungs, provenance: provenance)))
        return files
    }

    /// The plan's heatmaps, or by default one of the two categorical axes (2 to
    /// ``AxisLevels/continuousThreshold`` values) with the largest variance share: the one with
    /// more values across (x), ties broken by plan order. Without two categorical axes, the two
    /// axes with the largest share when one is continuous (drawn as a scatter plot), the
    /// continuous one across.
    public static func heatmapsToDraw(_ analysis: EffectAnalysis) -> [Heatmap] {
        let asked = analysis.data.plan.report.heatmaps
        guard asked.isEmpty else { return asked }
        let candidates = analysis.byShare.filter { !$0.levels.isContinuous && $0.levels.count >= 2 }
        guard candidates.count >= 2 else {
            let pair = analysis.byShare.filter { $0.levels.count >= 2 }.prefix(2)
            guard pair.count == 2, let continuous = pair.first(where: \.levels.isContinuous),
                  let other = pair.first(where: { $0.axis != continuous.axis }) else { return [] }
            return [Heatmap(x: continuous.axis, y: other.axis, aggregate: .mean)]
        }
        let pair = Array(candidates.prefix(2))
        let order = analysis.data.plan.axes.map(\.name)
        let sorted = pair.sorted { a, b in
            a.levels.count != b.levels.count
                ? a.levels.count > b.levels.count
                : order.firstIndex(of: a.axis)! < order.firstIndex(of: b.axis)!
        }
        return [Heatmap(x: sorted[0].axis, y: sorted[1].axis, aggregate: .mean)]
    }

    /// `results` with the plan as plan.json stores it and every number as the CSV files store it
    /// (six decimals), so drawing from it equals drawing from the folder read back.
    static func asStored(_ results: ExperimentResults) -> ExperimentResults {
        asStored(plan: results.plan, classes: results.classes, records: results.records, predictions: results.predictions)
    }

    static func asStored(plan: Plan, classes: [String], records: [RunRecord], predictions: Predictions?) -> ExperimentResults {
        let storedPlan = storedPlan(of: plan)
        func stored(_ value: Double) -> Double { FixedFormat.stored(value) }
        func stored(_ value: Double?) -> Double? { value.map(stored) }
        func stored(_ part: PartMetrics?) -> PartMetrics? {
            part.map { PartMetrics($0.values.mapValues(stored)) }
        }
        let storedRecords = records.map { record in
            RunRecord(run: record.run, seed: record.seed, epochsRun: record.epochsRun, diverged: record.diverged,
                      validation: stored(record.validation), test: stored(record.test),
                      curve: record.curve.map {
                          CurvePoint(epoch: $0.epoch, trainLoss: stored($0.trainLoss), trainAccuracy: stored($0.trainAccuracy),
                                     validationLoss: stored($0.validationLoss), validationAccuracy: stored($0.validationAccuracy),
                                     validationRMSE: stored($0.validationRMSE))
                      },
                      rungs: record.rungs.map { $0.map(stored) })
        }
        func stored(_ value: Predictions.Value) -> Predictions.Value {
            if case .number(let number) = value { return .number(stored(number)) }
            return value
        }
        let storedPredictions = predictions.map { predictions in
            Predictions(cell: predictions.cell, part: predictions.part, rows: predictions.rows.map {
                Predictions.Row(run: $0.run, row: $0.row, actual: stored($0.actual), predicted: stored($0.predicted),
                                probabilities: $0.probabilities.map(stored))
            })
        }
        return ExperimentResults(plan: storedPlan, classes: classes, records: storedRecords, predictions: storedPredictions)
    }
}
