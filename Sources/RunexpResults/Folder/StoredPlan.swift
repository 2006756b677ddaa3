import Foundation
import RunexpPlan

/// Checks a plan read back from a folder (plan.json of a result or shard folder) before anything
/// uses it: the file may be damaged or hand-made, and the parser's limits no longer guard it.
public enum StoredPlan {
    /// Why plan.json cannot be used.
    public enum Problem: Error, Equatable, CustomStringConvertible {
        /// It does not decode as a plan.
        case notAPlan
        /// It decodes, but holds what the parser would have refused (``problem(_:)``).
        case invalid(String)

        public var description: String {
            switch self {
            case .notAPlan: "is not a runexp plan (the resolved plan a run writes)"
            case .invalid(let problem): problem
            }
        }
    }

    /// The plan in plan.json's bytes, checked: the one reader of plan.json (resume, merge, status,
    /// report and diff read it through here).
    public static func read(_ data: Data) -> Result<Plan, Problem> {
        guard let plan = try? JSONDecoder().decode(Plan.self, from: data) else { return .failure(.notAPlan) }
        if let problem = problem(plan) { return .failure(.invalid(problem)) }
        return .success(plan)
    }

    /// What makes a plan read back from plan.json unusable (counts that the parser would have
    /// refused, which the run numbering and the tables rely on), or nil. Merge, status, report and
    /// diff check every plan.json they read with it.
    public static func problem(_ plan: Plan) -> String? {
        // The name becomes a folder under --out: nothing but what the parser allows.
        guard !plan.name.isEmpty, plan.name.utf8.count <= ResourceLimits.nameLength,
              plan.name.utf8.allSatisfy({ (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                  || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") })
        else {
            return "name '\(plan.name.prefix(ResourceLimits.nameLength))' is not [a-z0-9_-]+ of at most \(ResourceLimits.nameLength) characters"
        }
        guard !plan.cells.isEmpty, plan.cells.count <= ResourceLimits.cells else {
            return "\(plan.cells.count) cells; a plan has 1...\(ResourceLimits.cells) (ResourceLimits.cells)"
        }
        guard plan.repetitions >= 1, plan.repetitions <= ResourceLimits.repetitions else {
            return "repetitions \(plan.repetitions); 1...\(ResourceLimits.repetitions) (ResourceLimits.repetitions)"
        }
        if let folds = plan.data.split.folds, folds < 2 || folds > ResourceLimits.folds {
            return "folds \(folds); 2...\(ResourceLimits.folds) (ResourceLimits.folds)"
        }
        let (runs, overflow) = (plan.cells.count * plan.repetitions).multipliedReportingOverflow(by: plan.foldsPerRepetition)
        guard !overflow, runs <= ResourceLimits.runs else { return "more than \(ResourceLimits.runs) runs (ResourceLimits.runs)" }
        if let cell = plan.cells.first(where: { $0.training.epochs < 1 || $0.training.epochs > ResourceLimits.epochs }) {
            return "cell \(cell.index) trains \(cell.training.epochs) epochs; 1...\(ResourceLimits.epochs) (ResourceLimits.epochs)"
        }
        guard let points = plan.curvePoints, points <= ResourceLimits.curvePoints else {
            return "more than \(ResourceLimits.curvePoints) epochs in all (ResourceLimits.curvePoints)"
        }
        if let strategy = plan.strategy {
            guard strategy.factor >= 2, strategy.factor <= ResourceLimits.epochs, strategy.minEpochs >= 1 else {
                return "search strategy factor \(strategy.factor), min_epochs \(strategy.minEpochs); factor 2...\(ResourceLimits.epochs), min_epochs ≥ 1"
            }
            let epochs = Set(plan.cells.map(\.training.epochs))
            guard epochs.count == 1, let only = epochs.first, strategy.minEpochs < only else {
                return "a halving strategy needs one training.epochs for every cell, above min_epochs \(strategy.minEpochs)"
            }
        }
        return nil
    }
}
