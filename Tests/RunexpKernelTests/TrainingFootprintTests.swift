import Testing
@testable import RunexpKernel

@Suite struct TrainingFootprintTests {
    static let networks: [(String, [LayerSpec])] = [
        ("softmax only", [.dense(units: 3, activation: .softmax)]),
        ("narrow hidden", [.dense(units: 4, activation: .relu), .dropout(rate: 0.5), .dense(units: 2, activation: .softmax)]),
        ("leading dropout", [.dropout(rate: 0.2), .dense(units: 16, activation: .tanh), .dense(units: 1, activation: .sigmoid)]),
        ("kept pre-activations", [.dense(units: 12, activation: .gelu), .dense(units: 5, activation: .silu), .dense(units: 2, activation: .softmax)]),
        ("wide hidden", [.dense(units: 600, activation: .relu), .dropout(rate: 0.1), .dense(units: 520, activation: .relu),
                         .dense(units: 2, activation: .softmax)]),
    ]

    /// The parameters are counted exactly, and the bytes bound what a trainer and an evaluation allocate.
    @Test(arguments: 0..<networks.count)
    func boundsWhatATrainingRunAllocates(index: Int) {
        let (name, layers) = Self.networks[index]
        var rng = SplitMix64(seed: 1)
        let network = Network(inputWidth: 30, layers: layers, rng: &rng)
        let rows = 300
        for (optimizer, copies) in [(OptimizerSpec.adam(), 4), (.sgd(momentum: 0.9), 3), (.sgd(), 2)] {
            for restore in [false, true] {
                guard let footprint = TrainingFootprint(inputWidth: 30, layers: layers, batchSize: 32, optimizer: optimizer,
                                                        restoresBestWeights: restore, evaluationRows: rows) else {
                    Issue.record("\(name): no footprint")
                    continue
                }
                #expect(footprint.parameters == network.parameterCount, "\(name)")
                let training = ArenaLayout(network: network, capacity: 32, training: true).arenaCount
                let inference = ArenaLayout(network: network, capacity: min(rows, 256), training: false).arenaCount
                let floats = network.parameterCount * (copies - 1 + (restore ? 1 : 0)) + training + inference
                    + rows * network.probabilityColumns
                #expect(footprint.bytes >= 4 * floats, "\(name): \(footprint.bytes) < \(4 * floats)")
                // A bound, not a guess: within twice what is allocated.
                #expect(footprint.bytes <= 8 * floats + 64 * rows, "\(name)")
            }
        }
    }

    @Test func shapesWhoseCountsOverflowHaveNoFootprint() {
        let huge = Int.max / 2
        #expect(TrainingFootprint(inputWidth: 30, layers: [.dense(units: huge, activation: .relu), .dense(units: huge, activation: .relu)],
                                  batchSize: 8, optimizer: .adam(), restoresBestWeights: false, evaluationRows: 10) == nil)
        #expect(TrainingFootprint(inputWidth: 30, layers: [.dense(units: 2, activation: .softmax)], batchSize: Int.max,
                                  optimizer: .adam(), restoresBestWeights: false, evaluationRows: 10) == nil)
        #expect(TrainingFootprint(inputWidth: 30, layers: [.dense(units: 0, activation: .softmax)], batchSize: 8,
                                  optimizer: .adam(), restoresBestWeights: false, evaluationRows: 10) == nil)
        // Two layers of 10^6 units: 10^12 parameters, counted without allocating them.
        let big = TrainingFootprint(inputWidth: 30, layers: [.dense(units: 1_000_000, activation: .relu),
                                                             .dense(units: 1_000_000, activation: .relu)],
                                    batchSize: 8, optimizer: .adam(), restoresBestWeights: false, evaluationRows: 10)
        #expect(big?.parameters == 30 * 1_000_000 + 1_000_000 + 1_000_000 * 1_000_000 + 1_000_000)
    }
}
