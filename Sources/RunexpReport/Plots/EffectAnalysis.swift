import RunexpResults
import RunexpPlan

/// The main effect of one axis on the objective: statistics per value and its variance share.
public struct AxisEffect: Sendable {
    /// The objective over the converged runs of the cells with one value of the axis.
    public struct Level: Sendable {
        /// As in ``AxisLevels/labels``.
        public let label: String
        /// The numeric value, nil for text and `none`.
        public let number: Double?
        /// Mean, sd and 95% Student-t interval over the level's converged runs.
        public let statistics: MetricStatistics
        /// Runs of the level without a value (diverged).
        public let failed: Int

        /// Runs of the level in all.
        public var runs: Int { statistics.n + failed }
    }

    /// The axis' values.
    public let levels: AxisLevels
    /// One entry per level, in level order.
    public let perLevel: [Level]
    /// Sum of squares of the objective explained by the axis' main effect (see ``EffectAnalysis``).
    public let sumOfSquares: Double
    /// `sumOfSquares` over the total sum of squares, in [0, 1]; nil when the runs do not vary.
    public let share: Double?
    /// The fitted curve of a continuous axis, nil for categories.
    public let fit: QuadraticFit?
    /// Under the joint method, the axis the design cannot tell this one from (its share is then nil).
    public var confoundedWith: String? = nil

    /// The axis name.
    public var axis: String { levels.axis }
}

/// Which axes move the objective: a main-effect analysis of variance over the converged runs.
///
/// Observations are the objective of every converged run. The total sum of squares
/// SS = Σ (y − ȳ)² splits into the axes' shares, noise between the runs of one cell
/// (SS_within = Σ_cells Σ (y − ȳ_cell)²) and the rest, reported as max(0, 1 − the others).
///
/// On a full grid (every combination of the axes' values is a cell, once) the axes are
/// orthogonal and each is analysed on its own (``Method/oneWay``): for a categorical axis
/// SS_axis = Σ_levels n_l (ȳ_l − ȳ)², for a continuous one the sum of squares a quadratic in its
/// (log) value explains; without diverged runs the shares add up with the rest to 1. Otherwise
/// (random search, `include`, `exclude`) one-way shares would credit each axis with what the axes
/// drawn with it do, so the axes are estimated together (``Method/joint``, ``JointEffects``): an
/// axis' share is what a regression on all axes loses without it, the part they explain together
/// stays in the rest, and an axis the design cannot separate from another gets no share.
public struct EffectAnalysis: Sendable {
    /// The objective's values.
    public let data: ObjectiveData
    /// One entry per plan axis, in plan order.
    public let axes: [AxisEffect]
    /// Mean of every converged run, nil without any.
    public let grandMean: Double?
    /// Σ (y − ȳ)² over the converged runs.
    public let totalSumOfSquares: Double
    /// Share of the differences between runs of the same cell (repetitions, folds); nil without variation.
    public let withinShare: Double?
    /// How the shares were estimated.
    public let method: Method

    /// One-way main effects on a full grid, or all axes together otherwise.
    public enum Method: Sendable, Equatable {
        case oneWay
        /// With the reason a joint fit was not possible, when it was not (the shares are then nil).
        case joint(unavailable: String?, quadratic: Bool)
    }

    /// Analyses `data`.
    public init(_ data: ObjectiveData) {
        self.data = data
        let all = data.valuesByCell.flatMap { $0 }
        let mean = all.isEmpty ? nil : all.reduce(0, +) / Double(all.count)
        grandMean = mean
        let total = mean.map { m in all.reduce(0) { $0 + ($1 - m) * ($1 - m) } } ?? 0
        totalSumOfSquares = total
        let varies = total > 1e-15 * max(1, Double(all.count))
        var within = 0.0
        for values in data.valuesByCell where values.count > 1 {
            let cellMean = values.reduce(0, +) / Double(values.count)
            within += values.reduce(0) { $0 + ($1 - cellMean) * ($1 - cellMean) }
        }
        withinShare = varies ? within / total : nil
        let levels = data.plan.axes.map { AxisLevels(data.plan, axis: $0.name) }
        var axes = levels.map { Self.effect(of: $0, data: data, grandMean: mean ?? 0, total: varies ? total : nil) }
        if Self.isFullGrid(data.plan, levels: levels) {
            method = .oneWay
        } else {
            let joint = JointEffects(data, levels: levels)
            method = .joint(unavailable: joint.unavailable, quadratic: joint.quadratic)
            for index in axes.indices {
                let sumOfSquares = joint.sumsOfSquares[index]
                axes[index] = AxisEffect(levels: axes[index].levels, perLevel: axes[index].perLevel, sumOfSquares: sumOfSquares ?? 0,
                                         share: varies ? sumOfSquares.map { $0 / total } : nil, fit: axes[index].fit,
                                         confoundedWith: joint.confoundedWith[index])
            }
        }
        self.axes = axes
    }

    /// Every combination of the axes' values is a cell, exactly once, and every cell has every axis.
    static func isFullGrid(_ plan: Plan, levels: [AxisLevels]) -> Bool {
        guard !levels.contains(where: { $0.labels.contains(AxisLevels.noneLabel) }) else { return false }
        var product = 1
        for axis in levels {
            let (next, overflow) = product.multipliedReportingOverflow(by: axis.count)
            guard !overflow, next <= plan.cells.count else { return false }
            product = next
        }
        guard product == plan.cells.count else { return false }
        let combinations = Set(plan.cells.indices.map { cell in levels.map { $0.levelOfCell[cell] } })
        return combinations.count == plan.cells.count
    }

    private var analysisHasContinuousAxis: Bool { axes.contains { $0.levels.isContinuous } }

    /// A sentence on how the shares were estimated, and why.
    public var methodNote: String {
        switch method {
        case .oneWay:
            return "The cells form a full grid, so the axes are orthogonal: each axis' share is its own main effect (one-way)."
        case .joint(let unavailable?, _):
            return "The axes were not crossed in a full grid, and a joint fit is not possible: \(unavailable). No axis gets a share."
        case .joint(nil, let quadratic):
            let continuous = analysisHasContinuousAxis
                ? (quadratic ? ", a quadratic in the (log) value of a continuous axis"
                    : ", a line in the (log) value of a continuous axis (too few cells for a quadratic)")
                : ""
            var text = "The axes were not crossed in a full grid (random search, include or exclude), so one-way shares would credit each axis "
                + "with what the axes drawn with it do: each share is what a regression on all axes loses without that axis "
                + "(indicators for categories\(continuous)); what they explain together stays in the rest."
            let confounded = axes.filter { $0.confoundedWith != nil }
            if !confounded.isEmpty {
                text += " " + confounded.map { "\($0.axis) cannot be separated from \($0.confoundedWith ?? "")" }.joined(separator: "; ")
                    + ": the design draws them together, so neither gets a share."
            }
            return text
        }
    }

    private static func effect(of levels: AxisLevels, data: ObjectiveData, grandMean: Double, total: Double?) -> AxisEffect {
        var values = [[Double]](repeating: [], count: levels.count)
        var failed = [Int](repeating: 0, count: levels.count)
        for cell in data.plan.cells.indices {
            let level = levels.levelOfCell[cell]
            values[level] += data.valuesByCell[cell]
            failed[level] += data.failedByCell[cell]
        }
        let perLevel = (0..<levels.count).map { index in
            AxisEffect.Level(label: levels.labels[index], number: levels.numbers[index],
                             statistics: MetricStatistics(values[index]), failed: failed[index])
        }
        var sumOfSquares = 0.0
        var fit: QuadraticFit?
        if levels.isContinuous {
            var points: [(x: Double, y: Double)] = []
            for (index, levelValues) in values.enumerated() {
                guard let x = levels.numbers[index] else { continue }
                points += levelValues.map { (x, $0) }
            }
            fit = QuadraticFit(points, logarithmic: levels.isLogarithmic)
            if let fit { sumOfSquares = points.reduce(0) { $0 + (fit($1.x) - grandMean) * (fit($1.x) - grandMean) } }
        } else {
            for level in perLevel {
                guard let mean = level.statistics.mean else { continue }
                sumOfSquares += Double(level.statistics.n) * (mean - grandMean) * (mean - grandMean)
            }
        }
        return AxisEffect(levels: levels, perLevel: perLevel, sumOfSquares: sumOfSquares,
                          share: total.map { sumOfSquares / $0 }, fit: fit)
    }

    /// The share no axis and no noise explains (interactions), at least 0; nil without variation.
    public var restShare: Double? {
        guard let withinShare else { return nil }
        return max(0, 1 - withinShare - axes.reduce(0) { $0 + ($1.share ?? 0) })
    }

    /// Axes by share, largest first; equal shares keep plan order.
    public var byShare: [AxisEffect] {
        axes.enumerated().sorted { a, b in
            let (x, y) = (a.element.share ?? 0, b.element.share ?? 0)
            return x != y ? x > y : a.offset < b.offset
        }.map(\.element)
    }

    /// The best level of `effect` by the objective's goal, nil when no level has a value.
    public func bestLevel(of effect: AxisEffect) -> AxisEffect.Level? {
        effect.perLevel.filter { $0.statistics.mean != nil }.min { a, b in
            data.isBetter(a.statistics.mean!, than: b.statistics.mean!)
        }
    }

    /// The worst level of `effect` by the objective's goal.
    public func worstLevel(of effect: AxisEffect) -> AxisEffect.Level? {
        effect.perLevel.filter { $0.statistics.mean != nil }.min { a, b in
            data.isBetter(b.statistics.mean!, than: a.statistics.mean!)
        }
    }

    /// One or two sentences naming the axes that matter most, and how much is noise.
    public var headline: String {
        let metric = data.objective.metric.description
        guard let withinShare, let top = byShare.first, let topShare = top.share else {
            return data.convergedRuns < 2
                ? "Too few converged runs to compare the axes."
                : "Every converged run has the same \(metric): no axis makes a difference."
        }
        let leaders = byShare.prefix(3).filter { ($0.share ?? 0) >= topShare / 2 }
        let names = leaders.map { "\($0.axis) (\(Self.percent($0.share)))" }
        var text = Self.list(names) + (leaders.count == 1 ? " matters most" : " matter most")
        text += " for \(metric)"
        let others = byShare.dropFirst(leaders.count)
        if let next = others.first {
            text += "; every other axis explains \(Self.percent(next.share)) or less"
        }
        text += "."
        if withinShare > topShare {
            text += " Differences between repetitions of the same cell explain more (\(Self.percent(withinShare)))"
            text += " than any axis: much of what separates the cells is noise."
        }
        return text
    }

    /// A sentence on the runs left out for diverging, naming the value with the highest failure
    /// rate; nil when every run has a value.
    public var divergenceNote: String? {
        let failed = data.failedRuns
        guard failed > 0 else { return nil }
        let runs = failed + data.convergedRuns
        let undefined = data.undefinedRuns
        let metric = data.objective.metric
        let undefinedNote = "\(undefined) of \(runs) runs have no \(metric): it is undefined on their part of the data"
            + (metric.kind == .rocAUC ? " (ROC AUC needs both classes in it)" : "") + ", and they are left out of every mean."
        guard undefined < failed else { return undefinedNote }
        var text = "\(failed - undefined) of \(runs) runs diverged and are left out of every mean"
        var worst: (axis: String, level: AxisEffect.Level, rate: Double)?
        for effect in axes {
            for level in effect.perLevel where level.failed > 0 {
                let rate = Double(level.failed) / Double(level.runs)
                if worst == nil || rate > worst!.rate { worst = (effect.axis, level, rate) }
            }
        }
        if let worst, worst.level.failed > 1, worst.rate > Double(failed) / Double(runs) {
            text += "; they concentrate at \(worst.axis) = \(worst.level.label) (\(worst.level.failed) of \(worst.level.runs) runs)"
        }
        return text + "." + (undefined > 0 ? " " + undefinedNote : "")
    }

    /// `4.4%`; `—` for nil.
    public static func percent(_ share: Double?) -> String {
        guard let share else { return "—" }
        return FixedFormat.string(share * 100, digits: 1) + "%"
    }

    /// `a`, `a and b`, `a, b and c`.
    static func list(_ items: [String]) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + items.last!
    }
}
