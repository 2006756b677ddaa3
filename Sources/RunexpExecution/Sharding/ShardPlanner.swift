import Foundation
import RunexpPlan
import RunexpResults

/// Divides runs among shards, balanced by estimated cost rather than count.
public enum ShardPlanner {
    /// The runs of each shard (index 0 is shard 1), each in plan order. Longest-processing-time
    /// first: runs sorted by cost (ties by plan order) go to the least-loaded shard (ties to the
    /// lowest shard), so the split is deterministic.
    public static func assign(_ runs: [RunID], costs: [Double], shards: Int) -> [[RunID]] {
        precondition(costs.count == runs.count && shards >= 1)
        var loads = [Double](repeating: 0, count: shards)
        var assigned = [[RunID]](repeating: [], count: shards)
        let order = runs.indices.sorted { costs[$0] != costs[$1] ? costs[$0] > costs[$1] : runs[$0].index < runs[$1].index }
        for position in order {
            var target = 0
            for shard in 1..<shards where loads[shard] < loads[target] { target = shard }
            loads[target] += costs[position]
            assigned[target].append(runs[position])
        }
        return assigned.map { $0.sorted { $0.index < $1.index } }
    }

    /// The runs of `shard` of `experiment`, balanced by ``CostEstimator/units(of:in:)``.
    public static func runs(of shard: Shard, in experiment: PreparedExperiment) -> [RunID] {
        let runs = experiment.plan.runs
        let costs = runs.map { CostEstimator.units(of: $0, in: experiment) }
        return assign(runs, costs: costs, shards: shard.count)[shard.index - 1]
    }
}
