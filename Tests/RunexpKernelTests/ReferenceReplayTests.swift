import Foundation
import Testing
@testable import RunexpKernel

/// Replays batches, dropout masks and initial weights recorded by an independent NumPy float64
/// reference (`bench/reference/make_fixture.py`) through ``Trainer/step(batch:keepMasks:)`` and
/// checks the loss and every parameter (a batch norm's moving statistics included) after each of the
/// 50 steps, then the inference probabilities of every row, on every kernel code path this CPU can run
/// (the selected one included).
@Suite struct ReferenceReplayTests {
    struct Fixture: Decodable {
        struct Case: Decodable {
            var name: String
            var optimizer: FixtureOptimizer
            var activation: String
            var weighted: Bool
            /// `batch_norm` or `layer_norm` between the hidden and the output layer.
            var norm: String?
            /// Each step's learning rate, for a case with a schedule (5 epochs of 10 steps).
            var learningRates: [Float]?
            var losses: [Double]
            var parameters: [[Double]]
            /// Inference on all rows after the last step, rows × classes.
            var probabilities: [Double]
        }
        var inputWidth: Int
        var classes: Int
        var dropoutRate: Double
        var hiddenUnits: Int
        var features: [Float]
        var labels: [Int32]
        var initialParameters: [Float]
        var batches: [[Int]]
        var keepMasks: [[Float]]
        var classWeights: [Float]
        var normMomentum: Double
        var normEpsilon: Double
        var cases: [Case]
    }

    static let fixture: Fixture = {
        let url = Bundle.module.url(forResource: "Fixtures/reference-replay", withExtension: "json")!
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }()

    /// `|kernel − reference| ≤ 1e−5 · max(|kernel|, |reference|, 0.1)`: 1e−5 relative, and for values
    /// below 0.1 (weights are of order 1 here) an absolute 1e−6. Float32 training lands about 5e−7 from
    /// the float64 reference after 50 steps.
    static func agrees(_ kernel: Float, _ reference: Double) -> Bool {
        let k = Double(kernel)
        return abs(k - reference) <= 1e-5 * max(abs(k), abs(reference), 0.1)
    }

    @Test func fixtureIsComplete() {
        let f = Self.fixture
        #expect(f.cases.count == 29)
        #expect(f.cases.filter { $0.norm == "batch_norm" }.count == 2 && f.cases.filter { $0.norm == "layer_norm" }.count == 2)
        #expect(f.cases.contains { $0.optimizer.label_smoothing != nil })
        #expect(f.cases.filter { $0.learningRates != nil }.count == 3 && f.cases.filter { $0.optimizer.clip_norm != nil }.count == 2)
        // Every activation a hidden layer can have but softmax and sigmoid (the output's) and linear.
        #expect(Set(f.cases.map(\.activation)) == Set(Activation.allCases.map(\.rawValue)).subtracting(["softmax", "sigmoid", "linear"]))
        #expect(f.batches.count == 50 && f.keepMasks.count == 50)
        #expect(f.cases.allSatisfy { $0.losses.count == 50 && $0.parameters.count == 50 })
        #expect(Set(f.cases.map(\.optimizer.name)) == ["sgd", "adam", "adamw", "rmsprop"])
        #expect(f.cases.contains { $0.optimizer.weight_decay != nil && $0.optimizer.name == "sgd" })
        #expect(f.keepMasks.joined().contains(0), "some units are dropped")
    }

    /// The kernel's schedules give the reference's learning rate of every step (epoch = step / 10 of 5).
    @Test func schedulesGiveTheReferencesLearningRates() throws {
        for reference in Self.fixture.cases {
            guard let rates = reference.learningRates, let schedule = reference.optimizer.schedule?.kernel else { continue }
            for (step, rate) in rates.enumerated() {
                let factor = schedule.factor(epoch: step / 10, of: 5)
                #expect(Float(reference.optimizer.learning_rate * factor) == rate, "\(reference.name) step \(step)")
            }
        }
    }

    @Test(arguments: fixture.cases.map(\.name), KernelCodePath.available)
    func replayMatchesTheReference(_ name: String, _ path: KernelCodePath) throws {
        let f = Self.fixture
        let reference = f.cases.first { $0.name == name }!
        let activation = Activation(rawValue: reference.activation)!
        var layers: [LayerSpec] = [
            .dropout(rate: f.dropoutRate),
            .dense(units: f.hiddenUnits, activation: activation),
            .dense(units: f.classes, activation: .softmax),
        ]
        // A norm's γ 1 and β 0 follow the hidden layer's values; a batch norm's moving mean 0 and
        // variance 1 follow every trainable value.
        var initial = f.initialParameters
        let hidden = f.inputWidth * f.hiddenUnits + f.hiddenUnits, ones = [Float](repeating: 1, count: f.hiddenUnits)
        let zeros = [Float](repeating: 0, count: f.hiddenUnits)
        switch reference.norm {
        case "batch_norm":
            layers.insert(.batchNorm(momentum: f.normMomentum, epsilon: f.normEpsilon), at: 2)
            initial.insert(contentsOf: ones + zeros, at: hidden)
            initial += zeros + ones
        case "layer_norm":
            layers.insert(.layerNorm(epsilon: f.normEpsilon), at: 2)
            initial.insert(contentsOf: ones + zeros, at: hidden)
        default:
            try #require(reference.norm == nil, "unknown norm \(reference.norm ?? "")")
        }
        let optimizer = reference.optimizer.spec
        var settings = TrainingSettings(
            epochs: 1, batchSize: f.batches.map(\.count).max()!, optimizer: optimizer, loss: .categoricalCrossentropy,
            classWeights: reference.weighted ? f.classWeights : [])
        settings.weightDecay = reference.optimizer.weightDecay
        settings.clipNorm = reference.optimizer.clip_norm
        settings.labelSmoothing = reference.optimizer.label_smoothing ?? 0
        let data = Samples(features: f.features, rows: f.labels.count, width: f.inputWidth, labels: f.labels)
        let network = Network(inputWidth: f.inputWidth, layers: layers, parameters: initial)
        var trainer = Trainer(network: network, settings: settings, classCount: f.classes, batchCapacity: nil, path: path)

        var worst = 0.0
        for (step, rows) in f.batches.enumerated() {
            if let rates = reference.learningRates { trainer.setLearningRate(rates[step]) }
            let loss = trainer.step(batch: data.selecting(rows: rows), keepMasks: [f.keepMasks[step]])
            let parameters = trainer.network.parameters
            let expected = reference.parameters[step]
            try #require(parameters.count == expected.count)
            try #require(Self.agrees(loss, reference.losses[step]),
                         "\(name) [\(path.rawValue)] step \(step + 1): loss \(loss), reference \(reference.losses[step])")
            let mismatch = zip(parameters, expected).enumerated().first { !Self.agrees($0.element.0, $0.element.1) }
            try #require(mismatch == nil, "\(name) [\(path.rawValue)] step \(step + 1), parameter \(mismatch!.offset): kernel \(mismatch!.element.0), reference \(mismatch!.element.1)")
            for (got, want) in zip(parameters, expected) {
                worst = max(worst, abs(Double(got) - want) / max(abs(Double(got)), abs(want), 0.1))
            }
        }
        #expect(!trainer.diverged && trainer.stepCount == 50)
        let probabilities = trainer.network.probabilities(for: data, path: path)
        try #require(probabilities.count == reference.probabilities.count)
        for (index, (got, want)) in zip(probabilities, reference.probabilities).enumerated() {
            #expect(Self.agrees(got, want), "\(name) [\(path.rawValue)] inference, row \(index / f.classes): kernel \(got), reference \(want)")
        }
        #expect(worst < 1e-5, "\(name) [\(path.rawValue)]: worst scaled difference \(worst)")
    }
}
