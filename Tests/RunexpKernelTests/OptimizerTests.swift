import Testing
import RunexpKernel

@Suite struct OptimizerTests {
    /// Runs `gradients.count` updates of one parameter starting at 1 and returns the trajectory.
    static func trajectory(_ update: (inout [Float], [Float]) -> Void, gradients: [Float]) -> [Float] {
        var parameters: [Float] = [1]
        return gradients.map { g in
            update(&parameters, [g])
            return parameters[0]
        }
    }

    @Test func plainSGD() {
        var sgd = SGD(learningRate: 0.1, parameterCount: 1)
        let path = Self.trajectory({ sgd.update(&$0, gradients: $1) }, gradients: [0.5, -1, 0.25])
        // w − g·lr in float32: 1 − 0.05 = 0.95; + 0.1 = 1.05; − 0.025 = 1.025
        let lr = Float(0.1)
        let first = Float(1) - Float(0.5) * lr
        let second = first - Float(-1) * lr
        #expect(path == [first, second, second - Float(0.25) * lr])
        #expect(isClose(Double(path[2]), 1.025, relative: 1e-6))
        #expect(sgd.velocity.isEmpty)
    }

    @Test func sgdMomentum() {
        var sgd = SGD(learningRate: 0.1, momentum: 0.9, parameterCount: 1)
        let path = Self.trajectory({ sgd.update(&$0, gradients: $1) }, gradients: [0.5, 0.5, -1])
        // v = −0.05, −0.095, 0.0145; w = 0.95, 0.855, 0.8695
        for (got, want) in zip(path, [0.95, 0.855, 0.8695]) { #expect(isClose(Double(got), want, relative: 1e-6)) }
        #expect(isClose(Double(sgd.velocity[0]), 0.0145, relative: 1e-5))
    }

    @Test func sgdNesterov() {
        var sgd = SGD(learningRate: 0.1, momentum: 0.9, nesterov: true, parameterCount: 1)
        let path = Self.trajectory({ sgd.update(&$0, gradients: $1) }, gradients: [0.5, 0.5, -1])
        // w += 0.9·v − 0.1·g: 0.905, 0.7695, 0.88255
        for (got, want) in zip(path, [0.905, 0.7695, 0.88255]) { #expect(isClose(Double(got), want, relative: 1e-6)) }
    }

    @Test func adam() {
        var adam = Adam(learningRate: 0.1, parameterCount: 1)
        let path = Self.trajectory({ adam.update(&$0, gradients: $1) }, gradients: [0.5, -0.25, 0.125])
        // float64 reference of Keras' formulas: 0.90000063, 0.87336708, 0.83932435
        for (got, want) in zip(path, [0.900000632451532, 0.8733670792079218, 0.8393243524819284]) {
            #expect(isClose(Double(got), want, relative: 2e-6))
        }
        #expect(adam.step == 3)
        #expect(isClose(Double(adam.firstMoment[0]), 0.0305, relative: 1e-5))
    }

    /// The vectorised body (8 lanes) and the scalar tail must follow the same formula.
    static let specs: [OptimizerSpec] = [
        .sgd(learningRate: 0.05), .sgd(learningRate: 0.05, momentum: 0.8, nesterov: false),
        .sgd(learningRate: 0.05, momentum: 0.8, nesterov: true), .adam(learningRate: 0.01),
        .rmsprop(learningRate: 0.01), .rmsprop(learningRate: 0.01, rho: 0.8, momentum: 0.9),
    ]

    @Test(arguments: specs)
    func vectorAndScalarPathsAgree(_ spec: OptimizerSpec) {
        let count = 19
        let start: [Float] = (0..<count).map { Float($0) * 0.1 - 0.7 }
        let gradientSteps: [[Float]] = (0..<3).map { (step: Int) -> [Float] in
            (0..<count).map { (i: Int) -> Float in Float((i * 7 + step * 3) % 11) * 0.05 - 0.25 }
        }
        func run(_ indices: [Int]) -> [Float] {
            // Same values placed at lane positions (vector body) vs alone (scalar tail).
            switch spec {
            case .sgd(let lr, let momentum, let nesterov):
                var optimizer = SGD(learningRate: lr, momentum: momentum, nesterov: nesterov, parameterCount: indices.count)
                var w = indices.map { start[$0] }
                for g in gradientSteps { optimizer.update(&w, gradients: indices.map { g[$0] }) }
                return w
            case .adam(let lr, let b1, let b2, let eps):
                var optimizer = Adam(learningRate: lr, beta1: b1, beta2: b2, epsilon: eps, parameterCount: indices.count)
                var w = indices.map { start[$0] }
                for g in gradientSteps { optimizer.update(&w, gradients: indices.map { g[$0] }) }
                return w
            case .rmsprop(let lr, let rho, let momentum, let eps):
                var optimizer = RMSprop(learningRate: lr, rho: rho, momentum: momentum, epsilon: eps, parameterCount: indices.count)
                var w = indices.map { start[$0] }
                for g in gradientSteps { optimizer.update(&w, gradients: indices.map { g[$0] }) }
                return w
            }
        }
        let together = run(Array(0..<count))
        let alone = (0..<count).flatMap { run([$0]) }
        #expect(bits(together) == bits(alone))
    }

    @Test func trainerStepAppliesTheOptimizerToLossGradients() {
        var rng = SplitMix64(seed: 1)
        let layers: [LayerSpec] = [.dropout(rate: 0.3), .dense(units: 10, activation: .relu), .dense(units: 3, activation: .softmax)]
        let network = Network(inputWidth: 6, layers: layers, rng: &rng)
        let batch = Fixtures.random(rows: 5, width: 6, classes: 3, seed: 2)
        let masks = Fixtures.keepMasks(for: network, rows: 5, seed: 3)
        let settings = TrainingSettings(
            epochs: 1, batchSize: 5, optimizer: .sgd(learningRate: 0.2, momentum: 0.5, nesterov: true),
            loss: .categoricalCrossentropy, classWeights: [1, 2, 0.5])
        let expected = network.lossAndGradients(
            batch: batch, classCount: 3, loss: .categoricalCrossentropy, classWeights: [1, 2, 0.5], keepMasks: masks)
        var trainer = Trainer(network: network, settings: settings, classCount: 3)
        var sgd = SGD(learningRate: 0.2, momentum: 0.5, nesterov: true, parameterCount: network.parameterCount)
        var reference = network.parameters
        let loss = trainer.step(batch: batch, keepMasks: masks)
        sgd.update(&reference, gradients: expected.gradients)
        #expect(loss.bitPattern == expected.loss.bitPattern)
        #expect(bits(trainer.network.parameters) == bits(reference))
        #expect(trainer.stepCount == 1)
    }
}
