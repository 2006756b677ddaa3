import Testing
@testable import RunexpKernel

/// A training run stopped after some epochs and continued later ends with the bits of one that
/// never stopped: network, history, generator, divergence and early stopping alike.
@Suite struct TrainingRunTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var layers: [LayerSpec]
        var settings: TrainingSettings
        var description: String { name }
    }

    static let cases: [Case] = {
        var cosine = TrainingSettings(epochs: 7, batchSize: 6, optimizer: .adam(learningRate: 0.01), loss: .categoricalCrossentropy)
        cosine.schedule = .cosine(warmupEpochs: 2, minFactor: 0.1)
        cosine.weightDecay = .decoupled(0.01)
        var stopping = TrainingSettings(epochs: 30, batchSize: 8, optimizer: .sgd(learningRate: 0.2, momentum: 0.9), loss: .categoricalCrossentropy)
        stopping.earlyStopping = EarlyStopping(monitor: .valLoss, patience: 2, minDelta: 0, restoreBestWeights: true)
        let diverging = TrainingSettings(epochs: 6, batchSize: 4, optimizer: .sgd(learningRate: 1e6), loss: .categoricalCrossentropy)
        return [
            Case(name: "dropout, batch norm, cosine AdamW", layers: [.dropout(rate: 0.2), .dense(units: 9, activation: .gelu),
                                                                   .batchNorm(momentum: 0.9, epsilon: 1e-3), .dense(units: 3, activation: .softmax)],
                 settings: cosine),
            Case(name: "early stopping restoring the best weights", layers: [.dense(units: 8, activation: .relu), .dense(units: 3, activation: .softmax)],
                 settings: stopping),
            Case(name: "diverging", layers: [.dense(units: 5, activation: .linear), .dense(units: 3, activation: .softmax)], settings: diverging),
        ]
    }()

    static func bits(_ outcome: TrainingOutcome) -> [UInt32] { outcome.network.parameters.map(\.bitPattern) }

    @Test(arguments: cases)
    func stoppingAndGoingOnGivesTheBitsOfOneRun(_ testCase: Case) {
        let data = Fixtures.random(rows: 30, width: 5, classes: 3, seed: 3)
        let validation = Fixtures.random(rows: 12, width: 5, classes: 3, seed: 4)
        var rng = SplitMix64(seed: 11)
        let network = Network(inputWidth: 5, layers: testCase.layers, rng: &rng)
        var whole = rng
        let reference = train(network, on: data, validation: validation, classCount: 3, settings: testCase.settings, rng: &whole)

        var run = TrainingRun(network, on: data, validation: validation, classCount: 3, settings: testCase.settings, rng: rng)
        for end in [1, 3, 3, 5, testCase.settings.epochs] {
            run.run(throughEpoch: end)
            #expect(run.epochsRun <= end)
        }
        let continued = run.outcome
        #expect(Self.bits(continued) == Self.bits(reference))
        #expect("\(continued.history)" == "\(reference.history)" && continued.diverged == reference.diverged)  // NaN equal to NaN
        #expect(continued.epochsRun == reference.epochsRun && run.rng.state == whole.state)
        #expect(run.isFinished)
        // Each case reaches its own way of finishing.
        if testCase.name == "diverging" { #expect(reference.diverged && reference.epochsRun < 6) }
        if testCase.name.hasPrefix("early stopping") { #expect(!reference.diverged && reference.epochsRun < 30) }
    }
}
