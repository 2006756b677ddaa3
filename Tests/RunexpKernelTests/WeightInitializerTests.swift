import Foundation
import Testing
@testable import RunexpKernel

/// Each initializer draws what Keras' VarianceScaling draws: the spread, the bounds, the seed's
/// determinism; the default keeps runexp's Glorot-uniform bits.
@Suite struct WeightInitializerTests {
    static func weights(_ initializer: WeightInitializer, fanIn: Int = 200, fanOut: Int = 100, seed: UInt64 = 7) -> [Float] {
        var rng = SplitMix64(seed: seed)
        let network = Network(inputWidth: fanIn, layers: [.dense(units: fanOut, activation: .relu)], initializers: [initializer], rng: &rng)
        return Array(network.parameters.prefix(fanIn * fanOut))
    }

    @Test(arguments: WeightInitializer.allCases)
    func spreadAndBoundsAreKeras(_ initializer: WeightInitializer) {
        let (fanIn, fanOut) = (200, 100)
        let w = Self.weights(initializer).map(Double.init)
        let n = initializer == .glorotUniform || initializer == .glorotNormal ? Double(fanIn + fanOut) / 2 : Double(fanIn)
        let scale = initializer == .heUniform || initializer == .heNormal ? 2.0 : 1.0
        let target = (scale / n).squareRoot()  // every one of them aims at this standard deviation
        let mean = w.reduce(0, +) / Double(w.count)
        let deviation = (w.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(w.count)).squareRoot()
        #expect(abs(mean) < 0.02 * target * 10, "\(initializer)")
        #expect(abs(deviation / target - 1) < 0.02, "\(initializer): σ \(deviation), target \(target)")
        let bound = initializer.rawValue.hasSuffix("uniform") ? (3 * scale / n).squareRoot() : 2 * target / 0.87962566103423978
        #expect(w.allSatisfy { abs($0) <= bound * (1 + 1e-6) }, "\(initializer)")
        #expect(Self.weights(initializer) == Self.weights(initializer))
        #expect(Self.weights(initializer) != Self.weights(initializer, seed: 8))
    }

    @Test func theDefaultIsTheFirstGlorotUniform() {
        var a = SplitMix64(seed: 3), b = SplitMix64(seed: 3)
        let layers: [LayerSpec] = [.dense(units: 5, activation: .tanh), .dropout(rate: 0.2), .dense(units: 2, activation: .softmax)]
        let implicit = Network(inputWidth: 4, layers: layers, rng: &a)
        let explicit = Network(inputWidth: 4, layers: layers, initializers: [.glorotUniform, .glorotUniform], rng: &b)
        #expect(implicit.parameters == explicit.parameters)
        // And its values are (2u − 1)·√(6/(4 + 5)) of the stream's floats.
        var stream = SplitMix64(seed: 3)
        let limit = Float((6.0 / 9).squareRoot())
        #expect(implicit.parameters[0] == (2 * stream.uniformFloat() - 1) * limit)
    }
}
