import Testing
@testable import RunexpKernel

/// The guard of the run cache: fixed runs through every layer kind, activation, optimizer,
/// schedule and loss train to the recorded bits of ``KernelArithmetic/version``, per code path.
///
/// When a kernel change alters these bits on purpose, raise `KernelArithmetic.version` (so no
/// cache serves runs of the old arithmetic) and record the new fingerprints below, which the
/// failure prints. A change of bits without a new version fails here.
@Suite struct KernelArithmeticTests {
    /// FNV-1a over the bits of every trained parameter of every run, per code path and version.
    static let recorded: [KernelCodePath: [Int: UInt64]] = [
        .simd8: [1: 12_895_262_312_289_540_886],
        .avx2FMA: [1: 846_727_430_229_954_077],
    ]

    struct Run: Sendable {
        var layers: [LayerSpec]
        var optimizer: OptimizerSpec
        var loss: LossKind = .categoricalCrossentropy
        var configure: @Sendable (inout TrainingSettings) -> Void = { _ in }
    }

    static let runs: [Run] = [
        Run(layers: [.dropout(rate: 0.2), .dense(units: 9, activation: .relu), .dense(units: 3, activation: .softmax)],
            optimizer: .sgd(learningRate: 0.1, momentum: 0.9, nesterov: true)),
        Run(layers: [.dense(units: 16, activation: .gelu), .batchNorm(momentum: 0.9, epsilon: 1e-3), .dropout(rate: 0.1),
                     .dense(units: 3, activation: .softmax)],
            optimizer: .adam(learningRate: 0.01), configure: {
                $0.weightDecay = .decoupled(0.01)
                $0.schedule = .cosine(warmupEpochs: 1, minFactor: 0.1)
                $0.labelSmoothing = 0.1
            }),
        Run(layers: [.dense(units: 12, activation: .tanh), .layerNorm(epsilon: 1e-3), .dense(units: 7, activation: .silu),
                     .dense(units: 3, activation: .softmax)],
            optimizer: .rmsprop(learningRate: 0.003, rho: 0.9, momentum: 0.5, epsilon: 1e-7), configure: {
                $0.weightDecay = .l2(0.01)
                $0.clipNorm = 1
                $0.schedule = .step(everyEpochs: 2, factor: 0.5)
            }),
        Run(layers: [.dense(units: 10, activation: .elu), .dense(units: 6, activation: .selu), .dense(units: 5, activation: .leakyRelu),
                     .dense(units: 4, activation: .softplus), .dense(units: 1, activation: .sigmoid)],
            optimizer: .adam(learningRate: 0.01), loss: .binaryCrossentropy, configure: { $0.schedule = .exponential(factor: 0.9) }),
        Run(layers: [.dense(units: 8, activation: .sigmoid), .dense(units: 1, activation: .linear)],
            optimizer: .sgd(learningRate: 0.05, momentum: 0, nesterov: false), loss: .huber(delta: 1)),
    ]

    static func fingerprint(_ path: KernelCodePath) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for (index, run) in runs.enumerated() {
            let classes = run.loss.isRegression ? 1 : run.loss == .binaryCrossentropy ? 2 : 3
            var data = Fixtures.random(rows: 40, width: 6, classes: max(classes, 2), seed: 100 + UInt64(index))
            if run.loss.isRegression {
                data = Samples(features: data.features, rows: data.rows, width: data.width,
                               targets: data.labels.enumerated().map { Float($0.element) + Float($0.offset % 5) / 10 })
            }
            var rng = SplitMix64(seed: 7 + UInt64(index))
            let network = Network(inputWidth: 6, layers: run.layers, rng: &rng)
            var settings = TrainingSettings(epochs: 4, batchSize: 8, optimizer: run.optimizer, loss: run.loss)
            run.configure(&settings)
            let outcome = train(network, on: data, validation: nil, classCount: classes, settings: settings, path: path, rng: &rng)
            for value in outcome.network.parameters {
                for shift in stride(from: 0, to: 32, by: 8) {
                    hash = (hash ^ UInt64((value.bitPattern >> UInt32(shift)) & 0xFF)) &* 0x0000_0100_0000_01B3
                }
            }
        }
        return hash
    }

    @Test(arguments: KernelCodePath.available)
    func fixedRunsTrainToTheRecordedBits(_ path: KernelCodePath) {
        let fingerprint = Self.fingerprint(path)
        let recorded = Self.recorded[path]?[KernelArithmetic.version]
        #expect(fingerprint == recorded, """
            the kernel's bits on \(path.rawValue) changed (fingerprint \(fingerprint), recorded \(String(describing: recorded)) \
            for KernelArithmetic.version \(KernelArithmetic.version)): raise KernelArithmetic.version and record the new \
            fingerprints in KernelArithmeticTests.recorded
            """)
        #expect(Self.fingerprint(path) == fingerprint, "training is deterministic")
    }
}
