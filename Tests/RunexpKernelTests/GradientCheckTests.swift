import Foundation
import Testing
@testable import RunexpKernel

/// Central finite differences (h = 1e−2, float32 losses) against the analytic gradients.
@Suite struct GradientCheckTests {
    struct Case: Sendable, CustomStringConvertible {
        var activation: Activation
        var hiddenUnits: Int
        var description: String { "\(activation.rawValue)×\(hiddenUnits)" }
    }

    static let cases: [Case] = Activation.allCases.flatMap { activation in
        [3, 12, 40].map { Case(activation: activation, hiddenUnits: $0) }
    }

    /// Largest violation of `|numeric − analytic| ≤ 2e−3 + 1e−2·max(|numeric|, |analytic|)` (≤ 0 passes).
    static func check(
        _ network: Network, batch: Samples, classCount: Int, loss: LossKind, classWeights: [Float],
        keepMasks: [[Float]]? = nil, h: Float = 1e-2, labelSmoothing: Double = 0
    ) -> (worst: Float, index: Int, numeric: Float, analytic: Float) {
        let analytic = network.lossAndGradients(
            batch: batch, classCount: classCount, loss: loss, classWeights: classWeights, keepMasks: keepMasks, path: .selected,
            labelSmoothing: labelSmoothing
        ).gradients
        var worst: (worst: Float, index: Int, numeric: Float, analytic: Float) = (-.infinity, -1, 0, 0)
        for i in 0..<network.parameterCount {
            func lossAt(_ delta: Float) -> Float {
                var shifted = network
                shifted.parameters[i] += delta
                return shifted.lossAndGradients(
                    batch: batch, classCount: classCount, loss: loss, classWeights: classWeights, keepMasks: keepMasks, path: .selected,
                    labelSmoothing: labelSmoothing
                ).loss
            }
            let numeric = (lossAt(h) - lossAt(-h)) / (2 * h)
            let excess = abs(numeric - analytic[i]) - (2e-3 + 1e-2 * max(abs(numeric), abs(analytic[i])))
            if excess > worst.worst { worst = (excess, i, numeric, analytic[i]) }
        }
        return worst
    }

    /// Keeps every pre-activation of dense layer `denseIndex` at least 1 away from 0 (so ReLU kinks are never
    /// crossed): its biases alternate ±1.5 and its kernel is scaled so that |x·W| ≤ 0.5 for inputs in [−1, 1].
    static func awayFromKinks(_ network: Network, denseIndex: Int = 0) -> Network {
        var network = network
        var weights = network.weights
        let layer = weights[denseIndex]
        let largest = layer.kernel.map { abs($0) }.max() ?? 1
        let scale = 0.5 / (Float(layer.inputWidth) * largest)
        weights[denseIndex].kernel = layer.kernel.map { $0 * scale }
        weights[denseIndex].bias = (0..<layer.units).map { $0 % 2 == 0 ? 1.5 : -1.5 }
        network.weights = weights
        return network
    }

    @Test(arguments: cases)
    func categoricalWithClassWeightsThroughEveryActivation(_ testCase: Case) {
        var rng = SplitMix64(seed: deriveSeed(1, UInt64(testCase.hiddenUnits)))
        let layers: [LayerSpec] = [
            .dense(units: testCase.hiddenUnits, activation: testCase.activation),
            .dense(units: 9, activation: .tanh),
            .dense(units: 3, activation: .softmax),
        ]
        let network = Self.awayFromKinks(Network(inputWidth: 11, layers: layers, rng: &rng))
        let batch = Fixtures.random(rows: 6, width: 11, classes: 3, seed: 2)
        let result = Self.check(
            network, batch: batch, classCount: 3, loss: .categoricalCrossentropy, classWeights: [0.5, 2, 1.25])
        #expect(result.worst <= 0, "parameter \(result.index): numeric \(result.numeric), analytic \(result.analytic)")
    }

    @Test(arguments: [Activation.linear, .relu, .sigmoid])
    func activationInTheMiddleWithNarrowOutput(_ activation: Activation) {
        var rng = SplitMix64(seed: 4)
        let layers: [LayerSpec] = [
            .dense(units: 5, activation: .tanh),
            .dense(units: 33, activation: activation),
            .dense(units: 2, activation: .softmax),
        ]
        let network = Self.awayFromKinks(Network(inputWidth: 4, layers: layers, rng: &rng), denseIndex: 1)
        let batch = Fixtures.random(rows: 5, width: 4, classes: 2, seed: 5)
        let result = Self.check(network, batch: batch, classCount: 2, loss: .categoricalCrossentropy, classWeights: [])
        #expect(result.worst <= 0, "parameter \(result.index): numeric \(result.numeric), analytic \(result.analytic)")
    }

    /// Label smoothing's targets, for softmax and sigmoid outputs with class weights.
    @Test(arguments: [0.1, 0.45])
    func labelSmoothingOfBothCrossEntropies(_ smoothing: Double) {
        var rng = SplitMix64(seed: 12)
        let softmax = Network(inputWidth: 6, layers: [.dense(units: 7, activation: .tanh), .dense(units: 4, activation: .softmax)], rng: &rng)
        let categorical = Self.check(softmax, batch: Fixtures.random(rows: 6, width: 6, classes: 4, seed: 13), classCount: 4,
                                     loss: .categoricalCrossentropy, classWeights: [1, 0.5, 2, 1.5], labelSmoothing: smoothing)
        #expect(categorical.worst <= 0, "parameter \(categorical.index): numeric \(categorical.numeric), analytic \(categorical.analytic)")
        let sigmoid = Network(inputWidth: 6, layers: [.dense(units: 7, activation: .tanh), .dense(units: 1, activation: .sigmoid)], rng: &rng)
        let binary = Self.check(sigmoid, batch: Fixtures.random(rows: 6, width: 6, classes: 2, seed: 14), classCount: 2,
                                loss: .binaryCrossentropy, classWeights: [1.5, 0.7], labelSmoothing: smoothing)
        #expect(binary.worst <= 0, "parameter \(binary.index): numeric \(binary.numeric), analytic \(binary.analytic)")
    }

    @Test(arguments: [[0.0, 0.3], [0.25, 0.0], [0.4, 0.5]])
    func dropoutWithFixedMasks(rates: [Double]) {
        var rng = SplitMix64(seed: 6)
        let layers: [LayerSpec] = [
            .dropout(rate: rates[0]),
            .dense(units: 12, activation: .tanh),
            .dropout(rate: rates[1]),
            .dense(units: 3, activation: .softmax),
        ]
        let network = Network(inputWidth: 9, layers: layers, rng: &rng)
        let batch = Fixtures.random(rows: 7, width: 9, classes: 3, seed: 7)
        let masks = Fixtures.keepMasks(for: network, rows: 7, seed: 8)
        let result = Self.check(
            network, batch: batch, classCount: 3, loss: .categoricalCrossentropy, classWeights: [1, 0.5, 3],
            keepMasks: masks)
        #expect(result.worst <= 0, "parameter \(result.index): numeric \(result.numeric), analytic \(result.analytic)")
    }

    /// A norm on the input (no gradient flows further), between hidden layers, before dropout and
    /// before the output, on widths that are not multiples of eight, with γ and β away from 1 and 0.
    @Test(arguments: [LayerSpec.batchNorm(momentum: 0.99, epsilon: 1e-3), .layerNorm(epsilon: 1e-3)])
    func normLayersInEveryPosition(_ norm: LayerSpec) {
        var rng = SplitMix64(seed: 15)
        let layers: [LayerSpec] = [
            norm, .dense(units: 12, activation: .tanh), norm, .dropout(rate: 0.3),
            .dense(units: 9, activation: .elu), norm, .dense(units: 3, activation: .softmax),
        ]
        var network = Network(inputWidth: 11, layers: layers, rng: &rng)
        for i in 0..<network.parameterCount {
            network.parameters[i] += Float(rng.next() % 1000) / 1000 * 0.6 - 0.3
        }
        let batch = Fixtures.random(rows: 7, width: 11, classes: 3, seed: 16)
        let masks = Fixtures.keepMasks(for: network, rows: 7, seed: 17)
        let result = Self.check(network, batch: batch, classCount: 3, loss: .categoricalCrossentropy, classWeights: [1, 0.5, 3],
                                keepMasks: masks)
        #expect(result.worst <= 0, "parameter \(result.index): numeric \(result.numeric), analytic \(result.analytic)")
    }

    @Test func dropoutMaskScalesKeptValuesAndZeroesDropped() {
        let layers: [LayerSpec] = [.dropout(rate: 0.5), .dense(units: 2, activation: .softmax)]
        // W = [[1, 0], [0, 1]], b = 0: logits are the masked, rescaled inputs.
        let network = Network(inputWidth: 2, layers: layers, parameters: [1, 0, 0, 1, 0, 0])
        let batch = Samples(features: [0.25, 0.5], rows: 1, width: 2, labels: [1])
        let kept = network.lossAndGradients(batch: batch, classCount: 2, loss: .categoricalCrossentropy, keepMasks: [[1, 1]])
        let dropped = network.lossAndGradients(batch: batch, classCount: 2, loss: .categoricalCrossentropy, keepMasks: [[0, 1]])
        // logits (0.5, 1.0) and (0, 1.0); loss = log(1 + e^(l0 − l1)).
        #expect(isClose(Double(kept.loss), log(1 + exp(-0.5)), relative: 1e-5))
        #expect(isClose(Double(dropped.loss), log(1 + exp(-1.0)), relative: 1e-5))
        // Kernel gradient row 0 is x0·scale·(p − y): zero once x0 is dropped.
        #expect(dropped.gradients[0] == 0 && dropped.gradients[1] == 0)
        #expect(kept.gradients[0] != 0)
    }

    @Test(arguments: [3, 10])
    func binaryCrossEntropyWithClassWeights(hiddenUnits: Int) {
        var rng = SplitMix64(seed: 9)
        let layers: [LayerSpec] = [
            .dense(units: hiddenUnits, activation: .tanh),
            .dense(units: 1, activation: .sigmoid),
        ]
        let network = Network(inputWidth: 10, layers: layers, rng: &rng)
        let batch = Fixtures.random(rows: 8, width: 10, classes: 2, seed: 10)
        let result = Self.check(network, batch: batch, classCount: 2, loss: .binaryCrossentropy, classWeights: [1.5, 0.7])
        #expect(result.worst <= 0, "parameter \(result.index): numeric \(result.numeric), analytic \(result.analytic)")
    }

    @Test func categoricalLossMatchesHandComputation() {
        // One dense softmax layer, W = 0, b = (0, ln 3): p = (1/4, 3/4).
        let network = Network(
            inputWidth: 1, layers: [.dense(units: 2, activation: .softmax)], parameters: [0, 0, 0, Float(log(3.0))])
        let batch = Samples(features: [1, -1], rows: 2, width: 1, labels: [0, 1])
        let result = network.lossAndGradients(
            batch: batch, classCount: 2, loss: .categoricalCrossentropy, classWeights: [2, 1])
        // (2·ln 4 + 1·ln(4/3)) / 2
        #expect(isClose(Double(result.loss), (2 * log(4.0) + log(4.0 / 3)) / 2, relative: 1e-5))
        // ∂L/∂b0 = (2/2)(1/4 − 1) + (1/2)(1/4) = −0.625
        #expect(isClose(Double(result.gradients[2]), -0.625, relative: 1e-5))
    }

    @Test func binaryLossMatchesHandComputation() {
        // p = sigmoid(ln 3) = 3/4 for every row.
        let network = Network(
            inputWidth: 1, layers: [.dense(units: 1, activation: .sigmoid)], parameters: [0, Float(log(3.0))])
        let batch = Samples(features: [0.5, 2], rows: 2, width: 1, labels: [1, 0])
        let result = network.lossAndGradients(batch: batch, classCount: 2, loss: .binaryCrossentropy)
        #expect(isClose(Double(result.loss), (log(4.0 / 3) + log(4.0)) / 2, relative: 1e-5))
        // ∂L/∂b = ((3/4 − 1) + 3/4) / 2 = 0.25; ∂L/∂w = (0.5·(−1/4) + 2·(3/4)) / 2 = 0.6875
        #expect(isClose(Double(result.gradients[1]), 0.25, relative: 1e-5))
        #expect(isClose(Double(result.gradients[0]), 0.6875, relative: 1e-5))
    }
}
