import Foundation
import Testing
@testable import RunexpKernel

/// batch_norm and layer_norm beyond the NumPy replay: their starting values, the two modes of a
/// batch norm, when its moving statistics change, and the checks that refuse bad settings.
@Suite struct NormLayerTests {
    /// input(2) → batch norm → dense(2, softmax) with W = I, b = 0: the logits are the norm's output.
    static let layers: [LayerSpec] = [.batchNorm(momentum: 0.5, epsilon: 1e-3), .dense(units: 2, activation: .softmax)]

    @Test func normsStartAsTheIdentityWithStatisticsAfterTheTrainableValues() {
        var rng = SplitMix64(seed: 1)
        let network = Network(inputWidth: 3, layers: [.batchNorm(momentum: 0.99, epsilon: 1e-3), .dense(units: 4, activation: .relu),
                                                      .layerNorm(epsilon: 1e-3), .dense(units: 2, activation: .softmax)], rng: &rng)
        // γ β (3 + 3), W b (12 + 4), γ β (4 + 4), W b (8 + 2) trainable; then the moving mean and variance (3 + 3).
        #expect(network.parameterCount == 40 && network.parameters.count == 46)
        let p = network.parameters
        #expect(p[0..<3].allSatisfy { $0 == 1 } && p[3..<6].allSatisfy { $0 == 0 })
        #expect(p[22..<26].allSatisfy { $0 == 1 } && p[26..<30].allSatisfy { $0 == 0 })
        #expect(p[40..<43].allSatisfy { $0 == 0 } && p[43..<46].allSatisfy { $0 == 1 })
        // Glorot draws for the dense kernels only: the same as without the norms.
        var plain = SplitMix64(seed: 1)
        let without = Network(inputWidth: 3, layers: [.dense(units: 4, activation: .relu), .dense(units: 2, activation: .softmax)], rng: &plain)
        #expect(network.weights.map(\.kernel) == without.weights.map(\.kernel))
    }

    @Test func inferenceUsesTheMovingStatistics() {
        // γ (2, 1), β (0, 0.5), identity dense; moving mean (1, −1), variance (4, 0.25).
        let parameters: [Float] = [2, 1, 0, 0.5, 1, 0, 0, 1, 0, 0, 1, -1, 4, 0.25]
        let network = Network(inputWidth: 2, layers: Self.layers, parameters: parameters)
        let samples = Samples(features: [3, 0], rows: 1, width: 2, labels: [0])
        let z0 = 2 * (3 - 1) / (4 + 1e-3).squareRoot(), z1 = (0 + 1) / (0.25 + 1e-3).squareRoot() + 0.5
        let p = network.probabilities(for: samples)
        let expected = 1 / (1 + exp(z1 - z0))
        #expect(isClose(Double(p[0]), expected, relative: 1e-5))
    }

    @Test func aTrainingStepMovesTheStatisticsAndAGradientAloneDoesNot() {
        let parameters: [Float] = [1, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1, 1]
        let network = Network(inputWidth: 2, layers: Self.layers, parameters: parameters)
        let batch = Samples(features: [1, 2, 3, 6], rows: 2, width: 2, labels: [0, 1])
        let settings = TrainingSettings(epochs: 1, batchSize: 2, optimizer: .sgd(learningRate: 0), loss: .categoricalCrossentropy)
        var trainer = Trainer(network: network, settings: settings, classCount: 2)
        _ = trainer.gradients(batch: batch, keepMasks: nil)
        #expect(Array(trainer.network.parameters[10...]) == [0, 0, 1, 1])
        trainer.step(batch: batch)
        // Batch mean (2, 4), biased variance (1, 4); momentum 0.5.
        #expect(Array(trainer.network.parameters[10...]) == [1, 2, 1, 2.5])
        // A learning rate of 0 leaves every trainable value as it was.
        #expect(Array(trainer.network.parameters[..<10]) == Array(parameters[..<10]))
    }

    @Test func weightDecayLeavesTheStatisticsAlone() {
        let parameters: [Float] = [1, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0.5, 0.5, 2, 2]
        let network = Network(inputWidth: 2, layers: Self.layers, parameters: parameters)
        let batch = Samples(features: [1, 1, 1, 1], rows: 2, width: 2, labels: [0, 1])
        var settings = TrainingSettings(epochs: 1, batchSize: 2, optimizer: .adam(learningRate: 0.1), loss: .categoricalCrossentropy)
        settings.weightDecay = .decoupled(0.5)
        settings.clipNorm = 1e-3
        var trainer = Trainer(network: network, settings: settings, classCount: 2)
        trainer.step(batch: batch)
        // Batch mean 1 and variance 0 for both features; only the moving average moves them.
        #expect(Array(trainer.network.parameters[10...]) == [0.75, 0.75, 1, 1])
    }

    @Test func badNormSettingsAreRefused() {
        let settings = TrainingSettings(epochs: 1, batchSize: 2, optimizer: .sgd(learningRate: 0.1), loss: .categoricalCrossentropy)
        let cases: [(LayerSpec, String)] = [
            (.batchNorm(momentum: 1, epsilon: 1e-3), "layer 0: batch norm momentum 1.0 outside [0, 1)"),
            (.batchNorm(momentum: .nan, epsilon: 1e-3), "layer 0: batch norm momentum nan outside [0, 1)"),
            (.batchNorm(momentum: 0.9, epsilon: 0), "layer 0: batch norm epsilon 0.0 must be finite and > 0"),
            (.layerNorm(epsilon: .infinity), "layer 0: layer norm epsilon inf must be finite and > 0"),
        ]
        for (norm, message) in cases {
            do {
                try Network.validate(layers: [norm, .dense(units: 2, activation: .softmax)], classCount: 2, settings: settings)
                Issue.record("\(norm) was accepted")
            } catch {
                #expect(error.description == message)
            }
        }
    }

    /// The C training passes of the `avx2-fma` path give the Swift code's bits: statistics, x̂, y, and
    /// every gradient, for widths with and without a tail and for a batch of one row.
    @Test(.enabled(if: KernelCodePath.isAvailable(.avx2FMA)), arguments: [(1, 13), (5, 8), (32, 19), (7, 128)])
    func batchNormHasTheSameBitsOnBothPaths(_ shape: (rows: Int, width: Int)) {
        let (rows, width) = shape
        var rng = SplitMix64(seed: UInt64(rows * 1000 + width))
        func uniform(_ count: Int, _ scale: Float) -> [Float] { (0..<count).map { _ in (rng.uniformFloat() * 2 - 1) * scale } }
        let x = uniform(rows * width, 3), dy = uniform(rows * width, 1)
        // Parameters: γ, β, moving mean, moving variance; arena: x̂, statistics, y, ∂L/∂y, ∂L/∂x.
        let parameters = uniform(width, 1).map { $0 + 1.5 } + uniform(width, 1) + [Float](repeating: 0, count: width)
            + [Float](repeating: 1, count: width)
        let stride = (width + 15) & ~15, block = (rows * width + 15) & ~15
        func run(_ path: KernelCodePath) -> (arena: [Float], gradients: [Float]) {
            let layer = BatchNorm(momentum: 0.9, epsilon: 1e-3, width: width, scale: 0, offset: width, statistics: 2 * width,
                                  input: ArenaLayout.external, output: block + 3 * stride, normalized: 0, moments: block,
                                  inputGradient: 3 * block + 3 * stride, outputGradient: 2 * block + 3 * stride, path: path)
            var arena = [Float](repeating: 0, count: 4 * block + 3 * stride)
            var gradients = [Float](repeating: 0, count: 2 * width)
            arena.replaceSubrange((2 * block + 3 * stride)..<(2 * block + 3 * stride + dy.count), with: dy)
            parameters.withUnsafeBufferPointer { p in
                x.withUnsafeBufferPointer { input in
                    arena.withUnsafeMutableBufferPointer { a in
                        gradients.withUnsafeMutableBufferPointer { g in
                            layer.forward(parameters: p.baseAddress!, arena: a.baseAddress!, input: input.baseAddress!, rows: rows)
                            layer.backward(parameters: p.baseAddress!, gradients: g.baseAddress!, arena: a.baseAddress!, rows: rows)
                        }
                    }
                }
            }
            return (arena, gradients)
        }
        let portable = run(.simd8), fused = run(.avx2FMA)
        #expect(portable.arena.map(\.bitPattern) == fused.arena.map(\.bitPattern))
        #expect(portable.gradients.map(\.bitPattern) == fused.gradients.map(\.bitPattern))
        #expect(portable.gradients.contains { $0 != 0 } && portable.arena.contains { $0 != 0 })
    }
}
