import Testing
import RunexpKernel

@Suite struct NetworkTests {
    @Test func glorotUniformInitialisation() {
        var rng = SplitMix64(seed: 3)
        let layers: [LayerSpec] = [.dense(units: 64, activation: .relu), .dropout(rate: 0.5), .dense(units: 2, activation: .softmax)]
        let network = Network(inputWidth: 30, layers: layers, rng: &rng)
        #expect(network.parameterCount == 30 * 64 + 64 + 64 * 2 + 2)
        let weights = network.weights
        #expect(weights.count == 2)
        let limit0 = Float((6.0 / 94).squareRoot()), limit1 = Float((6.0 / 66).squareRoot())
        #expect(weights[0].kernel.allSatisfy { abs($0) <= limit0 })
        #expect(weights[1].kernel.allSatisfy { abs($0) <= limit1 })
        #expect(weights[0].bias.allSatisfy { $0 == 0 } && weights[1].bias.allSatisfy { $0 == 0 })
        #expect(weights[0].kernel.max()! > 0.9 * limit0 && weights[0].kernel.min()! < -0.9 * limit0)
        // Drawn in layer order, row-major: the first value comes from the first draw.
        var replay = SplitMix64(seed: 3)
        #expect(weights[0].kernel[0] == (2 * replay.uniformFloat() - 1) * limit0)
        for _ in 1..<(30 * 64) { _ = replay.uniformFloat() }
        #expect(weights[1].kernel[0] == (2 * replay.uniformFloat() - 1) * limit1)
    }

    @Test func parametersRoundTripThroughWeights() {
        var rng = SplitMix64(seed: 4)
        var network = Network(inputWidth: 3, layers: [.dense(units: 4, activation: .tanh), .dense(units: 2, activation: .softmax)], rng: &rng)
        var weights = network.weights
        weights[0].kernel[5] = 7
        weights[1].bias[1] = -3
        network.weights = weights
        #expect(network.parameters[5] == 7)
        #expect(network.parameters[3 * 4 + 4 + 4 * 2 + 1] == -3)
        let copy = Network(inputWidth: 3, layers: network.layers, parameters: network.parameters)
        #expect(copy.weights == network.weights)
    }

    @Test func probabilitiesOfSoftmaxByHand() {
        // W = [[1, −1]], b = [0, 0]: logits (x, −x); p1 = 1/(1 + e^{2x}).
        let network = Network(inputWidth: 1, layers: [.dense(units: 2, activation: .softmax)], parameters: [1, -1, 0, 0])
        let p = network.probabilities(for: Samples(features: [0, 100], rows: 2, width: 1, labels: [0, 0]))
        #expect(p[0] == 0.5 && p[1] == 0.5)
        #expect(p[2] == 1 && p[3] == 0)
    }

    @Test func sigmoidOutputReportsBothClasses() {
        let network = Network(inputWidth: 1, layers: [.dense(units: 1, activation: .sigmoid)], parameters: [1, 0])
        let p = network.probabilities(for: Samples(features: [0, 2], rows: 2, width: 1, labels: [0, 1]))
        #expect(network.probabilityColumns == 2)
        #expect(p.count == 4)
        #expect(p[0] == 0.5 && p[1] == 0.5)
        #expect(abs(p[3] - 0.880797) < 1e-6 && p[2] == 1 - p[3])
    }

    @Test(arguments: [Activation.linear, .relu, .tanh, .sigmoid, .softmax])
    func rowsDoNotDependOnTheirCompanions(_ activation: Activation) {
        var rng = SplitMix64(seed: 5)
        let layers: [LayerSpec] = [.dropout(rate: 0.5), .dense(units: 37, activation: activation), .dense(units: 5, activation: .relu),
                                   .dense(units: 3, activation: .softmax)]
        let network = Network(inputWidth: 13, layers: layers, rng: &rng)
        let samples = Fixtures.random(rows: 600, width: 13, classes: 3, seed: 6)
        let all = network.probabilities(for: samples)
        let picked = [599, 0, 257, 256, 3]
        let some = network.probabilities(for: samples.selecting(rows: picked))
        for (i, row) in picked.enumerated() {
            #expect(bits(Array(all[(row * 3)..<(row * 3 + 3)])) == bits(Array(some[(i * 3)..<(i * 3 + 3)])))
        }
        for row in 0..<600 {
            let total = all[row * 3] + all[row * 3 + 1] + all[row * 3 + 2]
            #expect(abs(total - 1) < 1e-5)
        }
    }

    @Test func validationRejectsMismatchedLastLayers() {
        var rng = SplitMix64(seed: 1)
        let network = Network(inputWidth: 2, layers: [.dense(units: 3, activation: .softmax)], rng: &rng)
        let categorical = TrainingSettings(epochs: 1, batchSize: 2, optimizer: .sgd(), loss: .categoricalCrossentropy)
        #expect(throws: ConfigurationError.self) { try network.validate(classCount: 2, settings: categorical) }
        #expect(throws: Never.self) { try network.validate(classCount: 3, settings: categorical) }
        var binary = categorical
        binary.loss = .binaryCrossentropy
        #expect(throws: ConfigurationError.self) { try network.validate(classCount: 2, settings: binary) }
        let sigmoid = Network(inputWidth: 2, layers: [.dropout(rate: 1.5), .dense(units: 1, activation: .sigmoid)], rng: &rng)
        #expect(throws: ConfigurationError.invalidDropoutRate(layer: 0, rate: 1.5)) {
            try sigmoid.validate(classCount: 2, settings: binary)
        }
        var weighted = categorical
        weighted.classWeights = [1, 2]
        #expect(throws: ConfigurationError.classWeightCount(expected: 3, actual: 2)) {
            try network.validate(classCount: 3, settings: weighted)
        }
        let samples = Samples(features: [0, 0], rows: 1, width: 2, labels: [3])
        #expect(throws: ConfigurationError.labelOutOfRange(row: 0, label: 3, classCount: 3)) {
            try network.validate(samples: samples, classCount: 3)
        }
    }

    @Test func dropoutIsOffAtInference() {
        let network = Network(inputWidth: 2, layers: [.dropout(rate: 0.9)], parameters: [])
        let samples = Samples(features: [1, 2, 3, 4], rows: 2, width: 2, labels: [0, 1])
        #expect(network.probabilities(for: samples) == [1, 2, 3, 4])
        #expect(network.probabilities(for: Samples(features: [], rows: 0, width: 2, labels: [])).isEmpty)
    }
}
