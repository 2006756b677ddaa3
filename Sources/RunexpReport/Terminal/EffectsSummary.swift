import RunexpResults

/// The terminal's closing lines about the axes: which matter, by how much, and where the report is.
///
/// Example (the reference experiment):
///
///     Axis effects on val_accuracy (share of the variance of 535 converged runs):
///     axis                          share  best value    worst value
///     learning_rate                  4.4%  0.1 (0.9648)  1 (0.9290)
///     ...
///     noise between runs of a cell  53.4%
///     the rest (interactions)       36.1%
///     learning_rate (4.4%) and units (4.2%) matter most for val_accuracy; ...
///     Report: results/wisconsin/…/report.html
public enum EffectsSummary {
    /// The summary for `results`; `reportPath` adds the last line `Report: <path>`.
    public static func render(_ results: ExperimentResults, reportPath: String? = nil) -> String {
        let analysis = EffectAnalysis(ObjectiveData(results))
        let metric = results.plan.objective.metric.description
        let at = analysis.data.rungEpochs.map { " at \($0) epoch\($0 == 1 ? "" : "s"), the first rung" } ?? ""
        var text = "Axis effects on \(metric)\(at) (share of the variance of \(analysis.data.convergedRuns) converged runs):\n"
        var rows: [[String]] = [["axis", "share", "best value", "worst value"]]
        for effect in analysis.byShare {
            if effect.levels.isContinuous {
                rows.append([effect.axis, EffectAnalysis.percent(effect.share), "(continuous)", ""])
            } else {
                rows.append([effect.axis, EffectAnalysis.percent(effect.share),
                             level(analysis.bestLevel(of: effect)), level(analysis.worstLevel(of: effect))])
            }
        }
        rows.append(["noise between runs of a cell", EffectAnalysis.percent(analysis.withinShare), "", ""])
        rows.append(["the rest (interactions)", EffectAnalysis.percent(analysis.restShare), "", ""])
        text += TextTable.render(rows, rightAligned: [1])
        text += analysis.headline + "\n"
        if case .joint = analysis.method { text += analysis.methodNote + "\n" }
        if let note = analysis.divergenceNote { text += note + "\n" }
        if let reportPath { text += "Report: \(reportPath)\n" }
        return text
    }

    private static func level(_ level: AxisEffect.Level?) -> String {
        guard let level, let mean = level.statistics.mean else { return "—" }
        return "\(level.label) (\(FixedFormat.string(mean, digits: 4)))"
    }
}
