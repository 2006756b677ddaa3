import Foundation
import Testing
@testable import RunexpKernel

/// The regression losses (mse, mae, huber): an independent NumPy reference replayed by the kernel,
/// finite differences, hand-computed values, `evaluateRegression`, the configuration checks, and
/// training on a tiny linear problem.
@Suite struct RegressionLossTests {
    /// Regression samples: `features` rows × `width`, one target per row.
    static func samples(_ features: [Float], width: Int, targets: [Float]) -> Samples {
        Samples(features: features, rows: targets.count, width: width, targets: targets)
    }

    // MARK: - NumPy reference

    /// Replays `bench/reference/make_regression_fixture.py`'s NumPy float64 reference: for four
    /// networks 5 → 7 → 1 (linear, tanh and relu last layers) and mse, mae, huber(0.5), huber(1), the
    /// loss and every parameter gradient of one fixed batch; and 40 optimizer steps over a recorded
    /// batch sequence (mse with SGD, momentum and a tanh output; huber and mae), loss and all
    /// parameters after each step. On every kernel code path this CPU can run.
    @Suite struct Reference {
        struct Fixture: Decodable {
            struct NetworkCase: Decodable {
                var name: String
                var hidden: String
                var output: String
                var initialParameters: [Float]
            }
            struct GradientCase: Decodable {
                var network: String
                var loss: String
                var delta: Float?
                var value: Double
                var gradients: [Double]
            }
            struct TrainingCase: Decodable {
                var name: String
                var network: String
                var loss: String
                var delta: Float?
                var optimizer: FixtureOptimizer
                var losses: [Double]
                var parameters: [[Double]]
            }
            var inputWidth: Int
            var hiddenUnits: Int
            var features: [Float]
            var targets: [Float]
            var networks: [NetworkCase]
            var gradientRows: [Int]
            var gradientCases: [GradientCase]
            var batches: [[Int]]
            var trainingCases: [TrainingCase]
        }

        static let fixture: Fixture = {
            let url = Bundle.module.url(forResource: "Fixtures/regression-replay", withExtension: "json")!
            return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        }()

        static func lossKind(_ name: String, delta: Float?) -> LossKind {
            switch name {
            case "mse": return .meanSquaredError
            case "mae": return .meanAbsoluteError
            case "huber": return .huber(delta: delta!)
            default: preconditionFailure("unknown loss \(name)")
            }
        }

        static func network(_ name: String) -> Network {
            let f = fixture
            let spec = f.networks.first { $0.name == name }!
            let layers: [LayerSpec] = [
                .dense(units: f.hiddenUnits, activation: Activation(rawValue: spec.hidden)!),
                .dense(units: 1, activation: Activation(rawValue: spec.output)!),
            ]
            return Network(inputWidth: f.inputWidth, layers: layers, parameters: spec.initialParameters)
        }

        static var data: Samples {
            RegressionLossTests.samples(fixture.features, width: fixture.inputWidth, targets: fixture.targets)
        }

        static func label(_ c: Fixture.GradientCase) -> String {
            "\(c.network) \(c.loss)\(c.delta.map { "(\($0))" } ?? "")"
        }

        /// `|kernel − reference| ≤ 1e−5 · max(|kernel|, |reference|, floor)`.
        static func agrees(_ kernel: Float, _ reference: Double, floor: Double) -> Bool {
            let k = Double(kernel)
            return abs(k - reference) <= 1e-5 * max(abs(k), abs(reference), floor)
        }

        @Test func fixtureIsComplete() {
            let f = Self.fixture
            #expect(f.networks.count == 4)
            #expect(Set(f.networks.map(\.output)) == ["linear", "tanh", "relu"])
            #expect(f.gradientCases.count == 16)
            let kinds = Set(f.gradientCases.map { Self.lossKind($0.loss, delta: $0.delta) })
            #expect(kinds == [.meanSquaredError, .meanAbsoluteError, .huber(delta: 0.5), .huber(delta: 1)])
            #expect(f.gradientCases.allSatisfy { $0.gradients.count == 50 })
            #expect(f.trainingCases.contains { $0.loss == "mse" && $0.optimizer.name == "sgd" && $0.optimizer.momentum == nil })
            #expect(f.trainingCases.allSatisfy { $0.losses.count == 40 && $0.parameters.count == 40 })
            #expect(f.batches.count == 40 && f.batches.contains { $0.count == 1 })
        }

        /// Loss within 1e−5 relative; each gradient within 1e−5 relative with a floor of 0.1 × the
        /// case's largest |gradient| (an absolute ~1e−7 here: a gradient summed from cancelling rows is
        /// only as exact as its terms). float32 NumPy lands within 1e−6 of the reference.
        @Test(arguments: fixture.gradientCases.map(label), KernelCodePath.available)
        func lossAndGradientsMatchTheReference(_ name: String, _ path: KernelCodePath) throws {
            let reference = Self.fixture.gradientCases.first { Self.label($0) == name }!
            let network = Self.network(reference.network)
            let batch = Self.data.selecting(rows: Self.fixture.gradientRows)
            let result = network.lossAndGradients(
                batch: batch, classCount: 1, loss: Self.lossKind(reference.loss, delta: reference.delta),
                classWeights: [], keepMasks: nil, path: path)
            #expect(Self.agrees(result.loss, reference.value, floor: 0),
                    "\(name) [\(path.rawValue)]: loss \(result.loss), reference \(reference.value)")
            try #require(result.gradients.count == reference.gradients.count)
            let floor = 0.1 * reference.gradients.map(abs).max()!
            var worst = 0.0
            for (index, (got, want)) in zip(result.gradients, reference.gradients).enumerated() {
                #expect(Self.agrees(got, want, floor: floor),
                        "\(name) [\(path.rawValue)] parameter \(index): kernel \(got), reference \(want)")
                worst = max(worst, abs(Double(got) - want) / max(abs(Double(got)), abs(want), floor))
            }
            #expect(worst < 1e-5, "\(name) [\(path.rawValue)]: worst scaled difference \(worst)")
        }

        /// Loss (before the update) and every parameter after each of the 40 steps, within 1e−5
        /// relative with a floor of 0.1 (parameters are of order 1), as ``ReferenceReplayTests``.
        @Test(arguments: fixture.trainingCases.map(\.name), KernelCodePath.available)
        func trainingStepsMatchTheReference(_ name: String, _ path: KernelCodePath) throws {
            let f = Self.fixture
            let reference = f.trainingCases.first { $0.name == name }!
            let optimizer = reference.optimizer.spec
            let settings = TrainingSettings(
                epochs: 1, batchSize: f.batches.map(\.count).max()!, optimizer: optimizer,
                loss: Self.lossKind(reference.loss, delta: reference.delta))
            let data = Self.data
            var trainer = Trainer(network: Self.network(reference.network), settings: settings, classCount: 1,
                                  batchCapacity: nil, path: path)
            var worst = 0.0
            for (step, rows) in f.batches.enumerated() {
                let loss = trainer.step(batch: data.selecting(rows: rows))
                let parameters = trainer.network.parameters
                let expected = reference.parameters[step]
                try #require(parameters.count == expected.count)
                try #require(Self.agrees(loss, reference.losses[step], floor: 0.1),
                             "\(name) [\(path.rawValue)] step \(step + 1): loss \(loss), reference \(reference.losses[step])")
                let mismatch = zip(parameters, expected).enumerated().first { !Self.agrees($0.element.0, $0.element.1, floor: 0.1) }
                try #require(mismatch == nil, "\(name) [\(path.rawValue)] step \(step + 1), parameter \(mismatch!.offset): kernel \(mismatch!.element.0), reference \(mismatch!.element.1)")
                for (got, want) in zip(parameters, expected) {
                    worst = max(worst, abs(Double(got) - want) / max(abs(Double(got)), abs(want), 0.1))
                }
            }
            #expect(!trainer.diverged && trainer.stepCount == 40)
            #expect(worst < 1e-5, "\(name) [\(path.rawValue)]: worst scaled difference \(worst)")
        }
    }

    // MARK: - Finite differences and hand computations

    @Suite struct Gradients {
        /// Which loss, and the errors e = p − t the batch's rows get (all at least 0.2 from every kink).
        struct Case: Sendable, CustomStringConvertible {
            var name: String
            var loss: LossKind
            var errors: [Float]
            var description: String { name }
        }

        static let cases: [Case] = [
            Case(name: "mse", loss: .meanSquaredError, errors: [0.9, -0.4, 1.7, -1.2, 0.3, -2.1, 0.6, -0.8]),
            Case(name: "mae", loss: .meanAbsoluteError, errors: [0.9, -0.4, 1.7, -1.2, 0.3, -2.1, 0.6, -0.8]),
            Case(name: "huber(1) quadratic", loss: .huber(delta: 1), errors: [0.5, -0.3, 0.7, -0.6, 0.2, -0.4, 0.35, -0.65]),
            Case(name: "huber(1) linear", loss: .huber(delta: 1), errors: [1.5, -1.3, 2.2, -1.8, 1.4, -2.5, 1.6, -3]),
            Case(name: "huber(0.5) both", loss: .huber(delta: 0.5), errors: [0.2, -0.3, 0.9, -1.4, 0.1, -0.75, 2, -0.25]),
        ]

        /// Central differences of the float32 batch loss against the analytic gradients
        /// (``GradientCheckTests/check(_:batch:classCount:loss:classWeights:keepMasks:h:)``): a tanh and a
        /// relu hidden layer (relu pre-activations kept ≥ 1 from 0) and a linear or tanh last layer, whose
        /// derivative the backward pass must apply (it is not fused with the loss).
        @Test(arguments: cases, [Activation.linear, .tanh])
        func finiteDifferences(_ testCase: Case, _ last: Activation) {
            var rng = SplitMix64(seed: deriveSeed(21, UInt64(last == .tanh ? 1 : 0)))
            let layers: [LayerSpec] = [
                .dense(units: 10, activation: .tanh),
                .dense(units: 6, activation: .relu),
                .dense(units: 1, activation: last),
            ]
            let network = GradientCheckTests.awayFromKinks(Network(inputWidth: 6, layers: layers, rng: &rng), denseIndex: 1)
            let inputs = Fixtures.random(rows: 8, width: 6, classes: 1, seed: 22)
            let predictions = network.predictions(for: inputs)
            let targets = zip(predictions, testCase.errors).map { $0 - $1 }
            let batch = RegressionLossTests.samples(inputs.features, width: 6, targets: targets)
            // The targets reproduce the intended errors (to float32 rounding): every row sits in its regime.
            let errors = zip(network.predictions(for: batch), targets).map { $0 - $1 }
            for (error, intended) in zip(errors, testCase.errors) { #expect(abs(error - intended) < 1e-5) }
            let result = GradientCheckTests.check(network, batch: batch, classCount: 1, loss: testCase.loss, classWeights: [])
            #expect(result.worst <= 0, "parameter \(result.index): numeric \(result.numeric), analytic \(result.analytic)")
            let analytic = network.lossAndGradients(batch: batch, classCount: 1, loss: testCase.loss).gradients
            #expect(analytic.contains { $0 != 0 })
        }

        /// One linear unit, w = 2, b = 0.5, x = (1, −1, 0.5, 2): p = (2.5, −1.5, 1.5, 4.5) against
        /// t = (2, −1.5, 3.5, 3.5), e = (0.5, 0, −2, 1); every value below is exact in binary.
        @Test(arguments: [
            // loss, value, ∂L/∂w, ∂L/∂b
            (LossKind.meanSquaredError, 1.3125, 0.75, -0.25),
            // sign(0) = 0: the row with e = 0 contributes nothing.
            (.meanAbsoluteError, 0.875, 0.625, 0.25),
            // |e| = 1 = delta is on the quadratic side: ½·1² (value), e = 1 (derivative).
            (.huber(delta: 1), 0.53125, 0.5, 0.125),
            // |e| = 0.5 = delta likewise; the others are linear: 0.5·|e| − 0.125, derivative ±0.5.
            (.huber(delta: 0.5), 0.34375, 0.3125, 0.125),
        ] as [(LossKind, Double, Double, Double)])
        func handComputedLinearUnit(_ loss: LossKind, _ value: Double, _ dw: Double, _ db: Double) {
            let network = Network(inputWidth: 1, layers: [.dense(units: 1, activation: .linear)], parameters: [2, 0.5])
            let batch = RegressionLossTests.samples([1, -1, 0.5, 2], width: 1, targets: [2, -1.5, 3.5, 3.5])
            #expect(network.predictions(for: batch) == [2.5, -1.5, 1.5, 4.5])
            let result = network.lossAndGradients(batch: batch, classCount: 1, loss: loss)
            #expect(Double(result.loss) == value, "\(loss): loss \(result.loss)")
            #expect(Double(result.gradients[0]) == dw && Double(result.gradients[1]) == db,
                    "\(loss): gradients \(result.gradients)")
            let evaluation = evaluateRegression(predictions: network.predictions(for: batch), targets: batch.targets, loss: loss)
            #expect(evaluation.loss == value)
        }

        /// MAE's gradient at e = 0 is 0 (TensorFlow's sign(0)): a batch fitted exactly has zero gradients.
        @Test func maeGradientIsZeroAtZeroError() {
            let network = Network(inputWidth: 1, layers: [.dense(units: 1, activation: .linear)], parameters: [2, 0.5])
            let batch = RegressionLossTests.samples([1, -1, 0.25], width: 1, targets: [2.5, -1.5, 1])
            let result = network.lossAndGradients(batch: batch, classCount: 1, loss: .meanAbsoluteError)
            #expect(result.loss == 0 && result.gradients == [0, 0])
        }

        /// The last layer's activation is backpropagated, not fused: with p = tanh(z) = 0.5 and t = 0,
        /// ∂L/∂b = 2e·(1 − p²) = 0.75 (a fused backward would give 2e = 1); with relu, a row whose
        /// pre-activation is negative contributes nothing.
        @Test func squashedLastLayerIsBackpropagated() {
            let tanhNet = Network(inputWidth: 1, layers: [.dense(units: 1, activation: .tanh)],
                                  parameters: [0, Float(atanh(0.5))])
            let tanhResult = tanhNet.lossAndGradients(
                batch: RegressionLossTests.samples([2], width: 1, targets: [0]), classCount: 1, loss: .meanSquaredError)
            #expect(isClose(Double(tanhResult.loss), 0.25, relative: 1e-6))
            #expect(isClose(Double(tanhResult.gradients[1]), 0.75, relative: 1e-6))
            #expect(isClose(Double(tanhResult.gradients[0]), 1.5, relative: 1e-6))

            // z = (0.5, −0.25): p = (0.5, 0), t = (0, 1), e = (0.5, −1); loss (0.25 + 1)/2.
            let reluNet = Network(inputWidth: 1, layers: [.dense(units: 1, activation: .relu)], parameters: [1, -0.5])
            let reluResult = reluNet.lossAndGradients(
                batch: RegressionLossTests.samples([1, 0.25], width: 1, targets: [0, 1]), classCount: 1, loss: .meanSquaredError)
            #expect(reluResult.loss == 0.625)
            // Only row 0 passes: ∂L/∂z0 = 2·0.5/2 = 0.5, so ∂L/∂w = 0.5·x0 = 0.5 and ∂L/∂b = 0.5.
            #expect(reluResult.gradients == [0.5, 0.5])
        }
    }

    // MARK: - evaluateRegression

    @Suite struct Metrics {
        /// e = (0.5, 0.5, −0.5, 0.5): rmse 0.5, mae 0.5; ȳ = 2.5, Σ(y − ȳ)² = 5, R² = 1 − 1/5.
        @Test func handComputedMetrics() {
            let predictions: [Float] = [1.5, 2.5, 2.5, 4.5]
            let targets: [Float] = [1, 2, 3, 4]
            let e = evaluateRegression(predictions: predictions, targets: targets, loss: .meanSquaredError)
            #expect(e.loss == 0.25 && e.rmse == 0.5 && e.mae == 0.5)
            #expect(isClose(e.r2!, 0.8, relative: 1e-12))
            #expect(evaluateRegression(predictions: predictions, targets: targets, loss: .meanAbsoluteError).loss == 0.5)
            #expect(evaluateRegression(predictions: predictions, targets: targets, loss: .huber(delta: 1)).loss == 0.125)
            // |e| = 0.5 > 0.25: 0.25·0.5 − ½·0.25² = 0.09375 per row.
            #expect(evaluateRegression(predictions: predictions, targets: targets, loss: .huber(delta: 0.25)).loss == 0.09375)

            // A worse-than-the-mean fit: e = (−0.5, 0, 1), Σe² = 1.25, Σ(y − ȳ)² = 7/6, R² = −1/14.
            let worse = evaluateRegression(predictions: [1, 2, 4], targets: [1.5, 2, 3], loss: .meanSquaredError)
            #expect(isClose(worse.rmse, (1.25 / 3).squareRoot(), relative: 1e-12))
            #expect(worse.mae == 0.5)
            #expect(isClose(worse.r2!, -1.0 / 14, relative: 1e-12))
            #expect(isClose(worse.loss, 1.25 / 3, relative: 1e-12))
        }

        /// Errors are measured in the target's units (`value · scale + offset`); the loss stays on the
        /// training scale, and R² does not depend on an affine map.
        @Test func backTransformGivesMetricsInTargetUnits() {
            let predictions: [Float] = [1.5, 2.5, 2.5, 4.5]
            let targets: [Float] = [1, 2, 3, 4]
            let e = evaluateRegression(predictions: predictions, targets: targets, loss: .meanSquaredError, scale: TargetScale(scale: 10, offset: 100))
            #expect(e.loss == 0.25)
            #expect(isClose(e.rmse, 5, relative: 1e-12) && isClose(e.mae, 5, relative: 1e-12))
            #expect(isClose(e.r2!, 0.8, relative: 1e-12))
            let shifted = evaluateRegression(predictions: predictions, targets: targets, loss: .meanAbsoluteError, scale: TargetScale(scale: 1, offset: -7))
            #expect(isClose(shifted.rmse, 0.5, relative: 1e-12) && isClose(shifted.mae, 0.5, relative: 1e-12))
            #expect(isClose(shifted.r2!, 0.8, relative: 1e-12) && shifted.loss == 0.5)
            // A standardized target, z = (y − 42)/3: predictions and targets given as z.
            let z: [Float] = [-1, 0, 1]
            let zPredictions: [Float] = [-0.5, 0, 2]
            let standardized = evaluateRegression(predictions: zPredictions, targets: z, loss: .meanSquaredError, scale: TargetScale(scale: 3, offset: 42))
            // y = (39, 42, 45), ŷ = (40.5, 42, 48): e = (1.5, 0, 3).
            #expect(isClose(standardized.mae, 1.5, relative: 1e-12))
            #expect(isClose(standardized.rmse, (11.25 / 3).squareRoot(), relative: 1e-12))
            #expect(isClose(standardized.r2!, 1 - 11.25 / 18, relative: 1e-12))
            #expect(isClose(standardized.loss, 1.25 / 3, relative: 1e-7))
        }

        @Test func constantTargetHasNoR2() {
            let e = evaluateRegression(predictions: [2.5, 3, 4], targets: [3, 3, 3], loss: .meanSquaredError)
            #expect(e.r2 == nil)
            #expect(isClose(e.rmse, (1.25 / 3).squareRoot(), relative: 1e-12) && e.mae == 0.5)
            let scaled = evaluateRegression(predictions: [2.5, 3, 4], targets: [3, 3, 3], loss: .meanSquaredError, scale: TargetScale(scale: 2, offset: 1))
            #expect(scaled.r2 == nil)
            let exact = evaluateRegression(predictions: [3, 3], targets: [3, 3], loss: .meanAbsoluteError)
            #expect(exact.r2 == nil && exact.rmse == 0 && exact.mae == 0 && exact.loss == 0)
        }

        @Test func nonFinitePredictionHasNoR2() {
            let e = evaluateRegression(predictions: [1, .nan], targets: [1, 2], loss: .meanSquaredError)
            #expect(e.r2 == nil)
        }

        @Test func zeroRows() {
            for loss in [LossKind.meanSquaredError, .meanAbsoluteError, .huber(delta: 1)] {
                let e = evaluateRegression(predictions: [], targets: [], loss: loss, scale: TargetScale(scale: 3, offset: 2))
                #expect(e.loss == 0 && e.rmse == 0 && e.mae == 0 && e.r2 == nil)
            }
        }
    }

    // MARK: - Configuration checks

    @Suite struct Validation {
        static let hidden: LayerSpec = .dense(units: 4, activation: .tanh)

        static func settings(_ loss: LossKind, monitor: MonitoredMetric? = nil, classWeights: [Float] = []) -> TrainingSettings {
            TrainingSettings(epochs: 3, batchSize: 4, optimizer: .sgd(learningRate: 0.1), loss: loss,
                             classWeights: classWeights, earlyStopping: monitor.map { EarlyStopping(monitor: $0) })
        }

        @Test(arguments: [Activation.linear, .relu, .tanh])
        func acceptedLastLayers(_ activation: Activation) throws {
            for loss in [LossKind.meanSquaredError, .meanAbsoluteError, .huber(delta: 1), .huber(delta: 0.01)] {
                try Network.validate(layers: [Self.hidden, .dense(units: 1, activation: activation)], classCount: 1,
                                     settings: Self.settings(loss))
                try Network.validate(layers: [.dense(units: 1, activation: activation)], classCount: 1,
                                     settings: Self.settings(loss, monitor: .valLoss))
                try Network.validate(layers: [.dense(units: 1, activation: activation)], classCount: 1,
                                     settings: Self.settings(loss, monitor: .loss, classWeights: [1]))
            }
        }

        @Test(arguments: [LossKind.meanSquaredError, .meanAbsoluteError, .huber(delta: 1)])
        func refusedLastLayers(_ loss: LossKind) {
            let expected = LayerSpec.dense(units: 1, activation: .linear)
            for last: LayerSpec in [
                .dense(units: 1, activation: .softmax), .dense(units: 1, activation: .sigmoid),
                .dense(units: 2, activation: .linear), .dense(units: 2, activation: .softmax), .dropout(rate: 0.1),
            ] {
                #expect(throws: ConfigurationError.lastLayerMismatch(loss: loss, expected: expected, actual: last)) {
                    try Network.validate(layers: [Self.hidden, last], classCount: 1, settings: Self.settings(loss))
                }
            }
            #expect(throws: ConfigurationError.lastLayerMismatch(loss: loss, expected: expected, actual: nil)) {
                try Network.validate(layers: [], classCount: 1, settings: Self.settings(loss))
            }
            // The instance method checks the same.
            var rng = SplitMix64(seed: 1)
            let network = Network(inputWidth: 3, layers: [Self.hidden, .dense(units: 1, activation: .sigmoid)], rng: &rng)
            #expect(throws: ConfigurationError.lastLayerMismatch(
                loss: loss, expected: expected, actual: .dense(units: 1, activation: .sigmoid))) {
                try network.validate(classCount: 1, settings: Self.settings(loss))
            }
        }

        @Test(arguments: [0, 2, 3, -1])
        func regressionNeedsClassCountOne(_ classCount: Int) {
            let layers: [LayerSpec] = [Self.hidden, .dense(units: 1, activation: .linear)]
            #expect(throws: ConfigurationError.invalidClassCount(classCount)) {
                try Network.validate(layers: layers, classCount: classCount, settings: Self.settings(.meanSquaredError))
            }
            // And a classification loss refuses classCount 1.
            #expect(throws: ConfigurationError.invalidClassCount(1)) {
                try Network.validate(layers: [.dense(units: 1, activation: .sigmoid)], classCount: 1,
                                     settings: Self.settings(.binaryCrossentropy))
            }
        }

        @Test(arguments: [Float(0), -0.0, -1, .infinity, -.infinity, .nan])
        func huberDeltaMustBeFinitePositive(_ delta: Float) {
            let layers: [LayerSpec] = [Self.hidden, .dense(units: 1, activation: .linear)]
            let error = #expect(throws: ConfigurationError.self) {
                try Network.validate(layers: layers, classCount: 1, settings: Self.settings(.huber(delta: delta)))
            }
            // ConfigurationError's == compares the Float, and NaN ≠ NaN: match the case instead.
            guard case .invalidHuberDelta(let reported)? = error else {
                Issue.record("delta \(delta): expected invalidHuberDelta, got \(String(describing: error))")
                return
            }
            #expect(reported.bitPattern == delta.bitPattern)
        }

        @Test(arguments: [MonitoredMetric.accuracy, .valAccuracy])
        func accuracyMonitorIsRefused(_ monitor: MonitoredMetric) {
            let layers: [LayerSpec] = [Self.hidden, .dense(units: 1, activation: .linear)]
            for loss in [LossKind.meanSquaredError, .meanAbsoluteError, .huber(delta: 1)] {
                #expect(throws: ConfigurationError.accuracyInRegression(monitor)) {
                    try Network.validate(layers: layers, classCount: 1, settings: Self.settings(loss, monitor: monitor))
                }
            }
        }

        @Test func classWeightsAreRefused() {
            let layers: [LayerSpec] = [.dense(units: 1, activation: .linear)]
            #expect(throws: ConfigurationError.classWeightCount(expected: 0, actual: 2)) {
                try Network.validate(layers: layers, classCount: 1, settings: Self.settings(.meanSquaredError, classWeights: [1, 2]))
            }
            #expect(throws: ConfigurationError.classWeightCount(expected: 0, actual: 1)) {
                try Network.validate(layers: layers, classCount: 1, settings: Self.settings(.meanAbsoluteError, classWeights: [0.5]))
            }
        }

        @Test func samplesNeedFiniteTargets() throws {
            var rng = SplitMix64(seed: 2)
            let network = Network(inputWidth: 2, layers: [.dense(units: 1, activation: .linear)], rng: &rng)
            let features: [Float] = [1, 2, 3, 4, 5, 6]
            try network.validate(samples: RegressionLossTests.samples(features, width: 2, targets: [1, -2, 3e30]),
                                 classCount: 1, regression: true)
            let refused: [(targets: [Float], row: Int)] = [
                ([1, .nan, 2], 1), ([.infinity, 0, 0], 0), ([0, 1, -.infinity], 2), ([.nan, .nan, .nan], 0),
            ]
            for (targets, row) in refused {
                #expect(throws: ConfigurationError.nonFiniteTarget(row: row)) {
                    try network.validate(samples: RegressionLossTests.samples(features, width: 2, targets: targets),
                                         classCount: 1, regression: true)
                }
            }
            let labelled = Samples(features: features, rows: 3, width: 2, labels: [0, 1, 0])
            #expect(throws: ConfigurationError.missingTargets) {
                try network.validate(samples: labelled, classCount: 1, regression: true)
            }
            #expect(throws: ConfigurationError.missingLabels) {
                try network.validate(samples: RegressionLossTests.samples(features, width: 2, targets: [1, 2, 3]),
                                     classCount: 2, regression: false)
            }
            #expect(throws: ConfigurationError.widthMismatch(expected: 2, actual: 3)) {
                try network.validate(samples: RegressionLossTests.samples(features, width: 3, targets: [1, 2]),
                                     classCount: 1, regression: true)
            }
        }
    }

    // MARK: - Training

    @Suite struct Training {
        /// y = 2x + 1 at 16 points of [−1, 1], nothing else.
        static let line: Samples = {
            let x = (0..<16).map { Float(-1 + 2 * Double($0) / 15) }
            return RegressionLossTests.samples(x, width: 1, targets: x.map { 2 * $0 + 1 })
        }()
        static let held: Samples = RegressionLossTests.samples([-0.9, 0.1, 0.7], width: 1, targets: [-0.8, 1.2, 2.4])

        static func run(seed: UInt64, epochs: Int = 150) -> TrainingOutcome {
            var rng = SplitMix64(seed: seed)
            let network = Network(inputWidth: 1, layers: [.dense(units: 1, activation: .linear)], rng: &rng)
            let settings = TrainingSettings(epochs: epochs, batchSize: 4, optimizer: .sgd(learningRate: 0.1), loss: .meanSquaredError)
            return train(network, on: line, validation: held, classCount: 1, settings: settings, rng: &rng)
        }

        @Test func linearProblemConverges() throws {
            let outcome = Self.run(seed: 5)
            #expect(!outcome.diverged && outcome.epochsRun == 150)
            let losses = outcome.history.map(\.trainLoss)
            #expect(losses[0] > 0.1, "first epoch loss \(losses[0])")
            // Noise-free data: the loss falls every epoch (about halving) until float32 rounding, ~1e−14.
            #expect(zip(losses.prefix(15), losses.dropFirst()).allSatisfy { $1 < $0 }, "\(losses.prefix(16))")
            #expect(losses.last! < 1e-8, "last epoch loss \(losses.last!)")
            #expect(outcome.history.last!.validationLoss! < 1e-8)
            #expect(outcome.history.allSatisfy { $0.trainAccuracy == nil && $0.validationAccuracy == nil })
            let parameters = outcome.network.parameters
            #expect(abs(parameters[0] - 2) < 1e-3 && abs(parameters[1] - 1) < 1e-3, "w, b = \(parameters)")
            let e = evaluateRegression(predictions: outcome.network.predictions(for: Self.held), targets: Self.held.targets,
                                       loss: .meanSquaredError)
            #expect(e.rmse < 1e-3 && e.r2! > 0.999999)
        }

        @Test func sameSeedIsBitIdentical() {
            let first = Self.run(seed: 7, epochs: 40)
            let again = Self.run(seed: 7, epochs: 40)
            let other = Self.run(seed: 8, epochs: 40)
            #expect(bits(first.network.parameters) == bits(again.network.parameters))
            #expect(first.history == again.history)
            #expect(bits(first.network.parameters) != bits(other.network.parameters))
        }

        /// A hidden layer and every regression loss: training lowers the loss and is reproducible.
        @Test(arguments: [LossKind.meanSquaredError, .meanAbsoluteError, .huber(delta: 0.5)])
        func hiddenLayerLearnsTheLine(_ loss: LossKind) {
            func run() -> TrainingOutcome {
                var rng = SplitMix64(seed: 9)
                let layers: [LayerSpec] = [.dense(units: 8, activation: .tanh), .dense(units: 1, activation: .linear)]
                let network = Network(inputWidth: 1, layers: layers, rng: &rng)
                let settings = TrainingSettings(epochs: 60, batchSize: 4, optimizer: .adam(learningRate: 0.02), loss: loss)
                return train(network, on: Self.line, validation: Self.held, classCount: 1, settings: settings, rng: &rng)
            }
            let outcome = run()
            #expect(!outcome.diverged && outcome.epochsRun == 60)
            #expect(outcome.history.last!.trainLoss < 0.1 * outcome.history.first!.trainLoss,
                    "\(loss.name): \(outcome.history.first!.trainLoss) → \(outcome.history.last!.trainLoss)")
            #expect(bits(run().network.parameters) == bits(outcome.network.parameters))
        }
    }
}
