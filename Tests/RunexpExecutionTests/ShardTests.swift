import Testing
@testable import RunexpExecution
@testable import RunexpResults
@testable import RunexpPlan

@Suite struct ShardTests {
    @Test(arguments: [("1/4", Shard(index: 1, count: 4)), ("4/4", Shard(index: 4, count: 4)), ("1/1", Shard(index: 1, count: 1))])
    func parsesIOverN(text: String, shard: Shard) {
        #expect(Shard(text) == shard)
    }

    @Test(arguments: ["0/4", "5/4", "1/0", "a/b", "1", "1/2/3", ""])
    func refusesBadShards(text: String) {
        #expect(Shard(text) == nil)
    }

    @Test func readsSlurmAndKubernetesEnvironments() throws {
        #expect(try Shard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "4"], count: nil).get() == Shard(index: 3, count: 4))
        // A task resubmitted alone: Slurm says count 1, min 2; the given count wins.
        #expect(try Shard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "1", "SLURM_ARRAY_TASK_MIN": "2"], count: 4).get()
            == Shard(index: 3, count: 4))
        #expect(try Shard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "12", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "10"], count: nil).get()
            == Shard(index: 3, count: 4))
        #expect(try Shard.fromEnvironment(["JOB_COMPLETION_INDEX": "0"], count: 3).get() == Shard(index: 1, count: 3))
        #expect(throws: ShardError.self) { try Shard.fromEnvironment(["JOB_COMPLETION_INDEX": "0"], count: nil).get() }
        #expect(throws: ShardError.self) { try Shard.fromEnvironment([:], count: 2).get() }
        #expect(throws: ShardError.self) { try Shard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "4"], count: 4).get() }
    }

    @Test func assignmentIsBalancedByCostCompleteAndDeterministic() {
        let runs = (0..<10).map { RunID(index: $0, cell: $0, repetition: 0, fold: 0) }
        let costs: [Double] = [9, 1, 1, 1, 1, 1, 1, 1, 1, 1]
        let shards = ShardPlanner.assign(runs, costs: costs, shards: 2)
        #expect(shards.map { $0.map(\.index) } == [[0], [1, 2, 3, 4, 5, 6, 7, 8, 9]])
        let three = ShardPlanner.assign(runs, costs: runs.map { Double($0.index % 3 + 1) }, shards: 3)
        #expect(three.flatMap { $0 }.map(\.index).sorted() == Array(0..<10))
        let loads = three.map { $0.reduce(0.0) { $0 + Double($1.index % 3 + 1) } }
        #expect(loads.max()! - loads.min()! <= 3)
        #expect(three.map { $0.map(\.index) } == ShardPlanner.assign(runs, costs: runs.map { Double($0.index % 3 + 1) }, shards: 3).map { $0.map(\.index) })
    }
}
