import Foundation
import RunexpResults
import RunexpPlan

/// What changed between two result folders of one experiment: the plan, and the objective of
/// every cell, with a verdict that tells signal from noise.
///
/// Cells are aligned by their id (a hash of their axis values), so a cell keeps its identity
/// when axes gain values or settings change. Each common cell's Δ = mean(B) − mean(A) comes with
/// a 95% Welch confidence interval; a Δ whose interval excludes 0 is `better` or `worse` in the
/// objective's direction, anything else is `within noise`. A cell whose runs are the same bits on
/// both sides (the same seeds, curves and metrics: the run cache's reuse) is `identical`.
public struct ResultDiff: Sendable {
    /// A verdict on one difference.
    public enum Verdict: String, Sendable, Codable {
        /// Every run the same bits on both sides: nothing changed, not merely nothing significant.
        case identical
        case better, worse
        case withinNoise = "within noise"
        /// Fewer than two runs on a side: no test is possible.
        case untested = "untested"
    }

    /// One cell present in both folders.
    public struct CellDelta: Sendable {
        public var id: String
        /// `axis=value` pairs.
        public var values: [String]
        public var meanA: Double?
        public var meanB: Double?
        public var delta: Double?
        /// Half-width of the 95% interval of Δ.
        public var halfWidth: Double?
        public var p: Double?
        public var verdict: Verdict
    }

    /// The best cell of one side.
    public struct Best: Sendable {
        public var id: String
        public var values: [String]
        public var mean: Double?
    }

    public var experiment: String
    public var metric: MetricName
    public var goal: Goal
    public var folderA: String
    public var folderB: String
    /// Plan, data and version changes, one line each.
    public var planChanges: [String]
    public var common: [CellDelta]
    public var onlyA: [Best]
    public var onlyB: [Best]
    public var bestA: Best?
    public var bestB: Best?
    /// The best objective before and after, compared with Welch's test.
    public var bestVerdict: Verdict
    public var bestDelta: Double?
    public var bestHalfWidth: Double?

    /// Compares folder A (before) with folder B (after). Throws when they hold different
    /// experiments or B's objective is not measured in A.
    public static func compare(_ a: ResultFolderReader.Contents, _ b: ResultFolderReader.Contents) throws -> ResultDiff {
        let planA = a.results.plan, planB = b.results.plan
        guard planA.name == planB.name else {
            throw ResultFolderReadError(b.folder, "holds experiment '\(planB.name)' but \(a.folder) holds '\(planA.name)'; diff compares two runs of one experiment")
        }
        let metric = planB.objective.metric
        guard a.results.metrics.contains(metric) else {
            throw ResultFolderReadError(a.folder, "does not measure \(metric), the objective of \(b.folder)")
        }
        let goal = planB.objective.goal
        var changes = PlanDifferences.between(planA, planB)
        let provenanceA = Provenance.fields(a.provenanceJSON), provenanceB = Provenance.fields(b.provenanceJSON)
        // The data's hashes decide, not its paths (a revision run reads its copy elsewhere).
        if provenanceA.hashes != provenanceB.hashes {
            changes.append("data changed: \(provenanceA.data ?? "?") → \(provenanceB.data ?? "?")")
        }
        if provenanceA.version != provenanceB.version {
            changes.append("runexp version: \(provenanceA.version ?? "?") → \(provenanceB.version ?? "?")")
        }
        if provenanceA.kernel != provenanceB.kernel {
            changes.append("kernel code path: \(provenanceA.kernel ?? "?") → \(provenanceB.kernel ?? "?") (the last bits of every number may differ)")
        }

        func values(_ summary: CellSummary, in results: ExperimentResults) -> [Double] {
            summary.diverged > 0 ? [] : (summary.metrics[metric]?.values ?? [])
        }
        func describe(_ cell: Cell) -> [String] { cell.values.map { "\($0.axis)=\($0.value)" } }
        // Each cell's runs by repetition and fold (an added axis value renumbers runs and cells).
        let recordsA = Dictionary(grouping: a.results.records, by: \.run.cell), recordsB = Dictionary(grouping: b.results.records, by: \.run.cell)
        func sorted(_ records: [RunRecord]?) -> [RunRecord] {
            (records ?? []).sorted { ($0.run.repetition, $0.run.fold) < ($1.run.repetition, $1.run.fold) }
        }
        let cellsA = Dictionary(a.results.cells.map { (planA.cells[$0.cell].id, $0) }, uniquingKeysWith: { first, _ in first })
        let idsB = Set(planB.cells.map(\.id))

        var common: [CellDelta] = []
        var onlyB: [Best] = []
        for summary in b.results.cells {
            let cell = planB.cells[summary.cell]
            let valuesB = values(summary, in: b.results)
            guard let before = cellsA[cell.id] else {
                onlyB.append(Best(id: cell.id, values: describe(cell), mean: summary.metrics[metric]?.mean))
                continue
            }
            let valuesA = values(before, in: a.results)
            var compared = delta(id: cell.id, values: describe(cell), valuesA, valuesB, goal: goal)
            let runsA = sorted(recordsA[before.cell]), runsB = sorted(recordsB[summary.cell])
            if !runsA.isEmpty, runsA.count == runsB.count, provenanceA.kernel == provenanceB.kernel,
               zip(runsA, runsB).allSatisfy({ $0.sameBits(as: $1) }) {
                compared.verdict = .identical
            }
            common.append(compared)
        }
        let onlyA = a.results.cells.filter { !idsB.contains(planA.cells[$0.cell].id) }.map {
            Best(id: planA.cells[$0.cell].id, values: describe(planA.cells[$0.cell]), mean: $0.metrics[metric]?.mean)
        }
        let bestSummaryA = a.results.ranked.first, bestSummaryB = b.results.ranked.first
        let bestA = bestSummaryA.map { Best(id: planA.cells[$0.cell].id, values: describe(planA.cells[$0.cell]), mean: $0.metrics[metric]?.mean) }
        let bestB = bestSummaryB.map { Best(id: planB.cells[$0.cell].id, values: describe(planB.cells[$0.cell]), mean: $0.metrics[metric]?.mean) }
        var bestVerdict = Verdict.untested
        var bestDelta: Double?, bestHalfWidth: Double?
        if let bestSummaryA, let bestSummaryB {
            let comparison = delta(id: "", values: [], values(bestSummaryA, in: a.results), values(bestSummaryB, in: b.results), goal: goal)
            (bestVerdict, bestDelta, bestHalfWidth) = (comparison.verdict, comparison.delta, comparison.halfWidth)
        }
        return ResultDiff(experiment: planB.name, metric: metric, goal: goal, folderA: a.folder, folderB: b.folder,
                          planChanges: changes, common: common, onlyA: onlyA, onlyB: onlyB, bestA: bestA, bestB: bestB,
                          bestVerdict: bestVerdict, bestDelta: bestDelta, bestHalfWidth: bestHalfWidth)
    }

    static func delta(id: String, values: [String], _ a: [Double], _ b: [Double], goal: Goal) -> CellDelta {
        let meanA = a.isEmpty ? nil : a.reduce(0, +) / Double(a.count)
        let meanB = b.isEmpty ? nil : b.reduce(0, +) / Double(b.count)
        let difference = meanA.flatMap { x in meanB.map { $0 - x } }
        guard let welch = StudentT.welch(a, b) else {
            return CellDelta(id: id, values: values, meanA: meanA, meanB: meanB, delta: difference, halfWidth: nil, p: nil,
                             verdict: .untested)
        }
        var verdict = Verdict.withinNoise
        if welch.isSignificant() {
            let improved = goal == .maximize ? welch.difference > 0 : welch.difference < 0
            verdict = improved ? .better : .worse
        }
        return CellDelta(id: id, values: values, meanA: meanA, meanB: meanB, delta: welch.difference, halfWidth: welch.halfWidth,
                         p: welch.p, verdict: verdict)
    }

    /// Common cells with each verdict.
    public func count(_ verdict: Verdict) -> Int {
        common.filter { $0.verdict == verdict }.count
    }

    /// True when the best objective got significantly worse.
    public var isRegression: Bool { bestVerdict == .worse }

    /// True when the best objective got significantly worse, by at least `minEffect` in it.
    public func isRegression(minEffect: Double) -> Bool {
        isRegression && abs(bestDelta ?? 0) >= minEffect
    }
}

extension Provenance {
    /// The data hash, runexp version and kernel code path of a provenance.json text, tolerant
    /// of missing keys.
    static func fields(_ json: String) -> (data: String?, hashes: [String], version: String?, kernel: String?) {
        let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any]
        let hashes = object?["data_sha256"] as? [String: String]
        let data = hashes.map { hashes in
            hashes.keys.sorted().map { "\($0) \(hashes[$0]!.prefix(12))" }.joined(separator: ", ")
        }
        return (data, (hashes?.values).map { $0.sorted() } ?? [], object?["runexp_version"] as? String, object?["kernel"] as? String)
    }
}

extension RunRecord {
    /// The same run's outcome to the bit (NaN equal to NaN): seed, epochs, divergence, every metric
    /// and curve value; the run and cell numbers aside (an added axis value renumbers them).
    func sameBits(as other: RunRecord) -> Bool {
        func same(_ a: Double?, _ b: Double?) -> Bool { a?.bitPattern == b?.bitPattern }
        func same(_ a: PartMetrics?, _ b: PartMetrics?) -> Bool {
            guard let a, let b else { return a == nil && b == nil }
            return a.values.count == b.values.count && a.values.allSatisfy { same($0.value, b.values[$0.key]) }
        }
        guard run.repetition == other.run.repetition, run.fold == other.run.fold, seed == other.seed, epochsRun == other.epochsRun,
              diverged == other.diverged, same(validation, other.validation), same(test, other.test), curve.count == other.curve.count
        else { return false }
        return zip(curve, other.curve).allSatisfy { p, q in
            p.epoch == q.epoch && same(p.trainLoss, q.trainLoss) && same(p.trainAccuracy, q.trainAccuracy)
                && same(p.validationLoss, q.validationLoss) && same(p.validationAccuracy, q.validationAccuracy)
                && same(p.validationRMSE, q.validationRMSE)
        }
    }
}
