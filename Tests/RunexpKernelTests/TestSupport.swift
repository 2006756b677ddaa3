@testable import RunexpKernel

/// Small deterministic data sets and helpers shared by the suites.
enum Fixtures {
    /// Uniform features in [−scale, scale), labels uniform in 0..<classes.
    static func random(rows: Int, width: Int, classes: Int, seed: UInt64, scale: Float = 1) -> Samples {
        var rng = SplitMix64(seed: seed)
        let features = (0..<(rows * width)).map { _ in (rng.uniformFloat() * 2 - 1) * scale }
        let labels = (0..<rows).map { _ in Int32(rng.bounded(classes)) }
        return Samples(features: features, rows: rows, width: width, labels: labels)
    }

    /// Gaussian-ish blobs around well-separated centres, one per class (`perClass` rows each, interleaved).
    static func blobs(classes: Int, perClass: Int, width: Int, seed: UInt64, spread: Float = 0.5) -> Samples {
        var rng = SplitMix64(seed: seed)
        var features: [Float] = []
        var labels: [Int32] = []
        for _ in 0..<perClass {
            for label in 0..<classes {
                for c in 0..<width {
                    let centre: Float = c % classes == label ? 2 : -1
                    let noise = (rng.uniformFloat() + rng.uniformFloat() + rng.uniformFloat() - 1.5) * 2 * spread
                    features.append(centre + noise)
                }
                labels.append(Int32(label))
            }
        }
        return Samples(features: features, rows: classes * perClass, width: width, labels: labels)
    }

    /// Keep flags (0/1) for every `.dropout` layer of `network` for a batch of `rows` rows.
    static func keepMasks(for network: Network, rows: Int, seed: UInt64, keep: Float = 0.7) -> [[Float]] {
        var rng = SplitMix64(seed: seed)
        var masks: [[Float]] = []
        for (index, layer) in network.layers.enumerated() {
            guard case .dropout = layer else { continue }
            let width = network.layerWidths[index]
            masks.append((0..<(rows * width)).map { _ in rng.uniformFloat() < keep ? 1 : 0 })
        }
        return masks
    }
}

/// `|a − b| ≤ absolute + relative · max(|a|, |b|)`.
func isClose(_ a: Double, _ b: Double, relative: Double = 1e-6, absolute: Double = 1e-9) -> Bool {
    abs(a - b) <= absolute + relative * max(abs(a), abs(b))
}

/// Bit patterns, so that equality means bit-identical (NaN-safe).
func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }

extension KernelCodePath {
    /// The code paths this CPU can run (`simd8` always; `avx2-fma` on x86-64 with AVX2 and FMA).
    static var available: [KernelCodePath] { allCases.filter(isAvailable) }
}

/// `s + x·y` with the arithmetic of `path`: two roundings on `simd8`, one (fused) on `avx2-fma`.
func madd(_ s: Float, _ x: Float, _ y: Float, _ path: KernelCodePath) -> Float {
    switch path {
    case .simd8: return s + x * y
    case .avx2FMA: return s.addingProduct(x, y)
    }
}

/// An optimizer as the NumPy reference fixtures record it (`bench/reference/make_fixture.py`).
struct FixtureOptimizer: Decodable {
    var name: String
    var learning_rate: Double
    var momentum: Double?
    var nesterov: Bool?
    var rho: Double?
    var weight_decay: Double?
    var clip_norm: Double?
    var label_smoothing: Double?
    var schedule: Schedule?

    struct Schedule: Decodable {
        var name: String
        var every_epochs: Int?
        var factor: Double?
        var warmup_epochs: Int?
        var min_factor: Double?

        var kernel: LearningRateSchedule {
            switch name {
            case "step": .step(everyEpochs: every_epochs ?? 1, factor: factor ?? 1)
            case "exponential": .exponential(factor: factor ?? 1)
            case "cosine": .cosine(warmupEpochs: warmup_epochs ?? 0, minFactor: min_factor ?? 0)
            default: .constant
            }
        }
    }

    /// The kernel's optimizer with these settings (Adam, AdamW and RMSprop at their defaults but the
    /// learning rate, rho and momentum).
    var spec: OptimizerSpec {
        switch name {
        case "adam", "adamw": .adam(learningRate: learning_rate)
        case "rmsprop": .rmsprop(learningRate: learning_rate, rho: rho ?? 0.9, momentum: momentum ?? 0)
        default: .sgd(learningRate: learning_rate, momentum: momentum ?? 0, nesterov: nesterov ?? false)
        }
    }

    /// Its weight decay: AdamW's decoupled, the others' L2.
    var weightDecay: WeightDecay? {
        guard let weight_decay else { return nil }
        return name == "adamw" ? .decoupled(weight_decay) : .l2(weight_decay)
    }
}
