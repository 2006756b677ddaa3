#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
import CRunexpKernelAVX2
@testable import RunexpKernel

/// The kernel code paths (``KernelCodePath``): which one is selected, that each is deterministic, and that
/// `avx2-fma` (where the CPU has it) trains like `simd8` up to float32 rounding.
@Suite struct KernelCodePathTests {
    @Test func provenanceNamesTheSelectedPath() {
        #expect(kernelCodePath == KernelCodePath.selected.rawValue)
        let forced = getenv("RUNEXP_KERNEL").map { String(cString: $0) }
        let expected: KernelCodePath = forced == "simd8" || !KernelCodePath.isAvailable(.avx2FMA) ? .simd8 : .avx2FMA
        #expect(KernelCodePath.selected == expected)
        #expect(KernelCodePath.isAvailable(.simd8))
    }

    struct Config: Sendable, CustomStringConvertible {
        var units: Int, activation: Activation, dropout: Double, batch: Int, optimizer: OptimizerSpec
        var loss: LossKind = .categoricalCrossentropy
        var description: String { "u\(units) \(activation.rawValue) p\(dropout) bs\(batch) \(optimizer) \(loss)" }
    }

    /// The reference grid's shapes (1, 32, 64 units; batches 4–32), other activations and optimizers, a
    /// sigmoid head, odd widths (tails of the 32- and 8-column passes) and a wide layer (packed products).
    static let configs: [Config] = [
        Config(units: 1, activation: .relu, dropout: 0.3, batch: 4, optimizer: .sgd(learningRate: 0.01)),
        Config(units: 32, activation: .relu, dropout: 0, batch: 16, optimizer: .sgd(learningRate: 0.01)),
        Config(units: 64, activation: .linear, dropout: 0.6, batch: 32, optimizer: .sgd(learningRate: 0.1)),
        Config(units: 64, activation: .tanh, dropout: 0.3, batch: 7, optimizer: .sgd(learningRate: 0.05, momentum: 0.9)),
        Config(units: 13, activation: .sigmoid, dropout: 0, batch: 5, optimizer: .adam(learningRate: 0.01)),
        Config(units: 41, activation: .relu, dropout: 0.2, batch: 9, optimizer: .sgd(learningRate: 0.05),
               loss: .binaryCrossentropy),
        Config(units: 530, activation: .relu, dropout: 0.2, batch: 40, optimizer: .sgd(learningRate: 0.01)),
    ]

    static func network(_ c: Config, width: Int) -> Network {
        var rng = SplitMix64(seed: UInt64(c.units * 100 + c.batch))
        let head: LayerSpec = c.loss == .binaryCrossentropy
            ? .dense(units: 1, activation: .sigmoid) : .dense(units: 2, activation: .softmax)
        return Network(inputWidth: width, layers: [
            .dropout(rate: c.dropout), .dense(units: c.units, activation: c.activation), head,
        ], rng: &rng)
    }

    static func train(_ c: Config, path: KernelCodePath, epochs: Int = 5) -> TrainingOutcome {
        let data = Fixtures.blobs(classes: 2, perClass: 60, width: 30, seed: 5)
        let validation = Fixtures.blobs(classes: 2, perClass: 15, width: 30, seed: 6)
        let settings = TrainingSettings(epochs: epochs, batchSize: c.batch, optimizer: c.optimizer, loss: c.loss,
                                        classWeights: [1.2, 0.8])
        var rng = SplitMix64(seed: 17)
        return RunexpKernel.train(network(c, width: 30), on: data, validation: validation, classCount: 2,
                                  settings: settings, path: path, rng: &rng)
    }

    /// Both paths sum in the same order; `avx2-fma` only rounds each multiply-add once. After 5 epochs
    /// every parameter and every recorded loss agrees to 1e−5 relative (absolute 1e−6 below 0.1), and
    /// the bits differ somewhere (the fused path really ran).
    @Test(.enabled(if: KernelCodePath.isAvailable(.avx2FMA)), arguments: configs)
    func avx2FMAAgreesWithSIMD8ToRounding(_ c: Config) {
        let portable = Self.train(c, path: .simd8)
        let fused = Self.train(c, path: .avx2FMA)
        #expect(!portable.diverged && !fused.diverged)
        #expect(portable.epochsRun == fused.epochsRun)
        func scaled(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(a), abs(b), 0.1) }
        let parameters = zip(portable.network.parameters, fused.network.parameters).map { scaled(Double($0), Double($1)) }
        let losses = zip(portable.history, fused.history).flatMap { p, f in
            [scaled(p.trainLoss, f.trainLoss), scaled(p.validationLoss!, f.validationLoss!)]
        }
        let worst = (parameters + losses).max()!
        #expect(worst <= 1e-5, "\(c): worst scaled difference \(worst)")
        #expect(bits(portable.network.parameters) != bits(fused.network.parameters))
    }

    /// Same inputs, same path: the same bits, and a row's probabilities do not depend on the rows it is
    /// computed with (the C kernels block rows in pairs; each element's chain of operations is fixed).
    @Test(arguments: KernelCodePath.available)
    func eachPathIsRepeatableAndChunkingInvariant(_ path: KernelCodePath) {
        for c in [Self.configs[2], Self.configs[6]] {
            let first = Self.train(c, path: path, epochs: 2)
            let second = Self.train(c, path: path, epochs: 2)
            #expect(bits(first.network.parameters) == bits(second.network.parameters))
            #expect(first.history == second.history)
            let samples = Fixtures.random(rows: 37, width: 30, classes: 2, seed: 8)
            let all = first.network.probabilities(for: samples, path: path)
            for row in [0, 1, 17, 36] {
                let alone = first.network.probabilities(for: samples.selecting(rows: [row]), path: path)
                #expect(bits(alone) == bits(Array(all[(2 * row)..<(2 * row + 2)])))
            }
        }
    }

    /// Gradients agree with central finite differences on both paths (the public gradient checks run on
    /// the selected path only).
    @Test(arguments: KernelCodePath.available)
    func gradientsMatchFiniteDifferencesOnEachPath(_ path: KernelCodePath) {
        var rng = SplitMix64(seed: 3)
        let network = Network(inputWidth: 9, layers: [
            .dense(units: 40, activation: .tanh), .dense(units: 3, activation: .softmax),
        ], rng: &rng)
        let batch = Fixtures.random(rows: 6, width: 9, classes: 3, seed: 4)
        let analytic = network.lossAndGradients(
            batch: batch, classCount: 3, loss: .categoricalCrossentropy, classWeights: [], keepMasks: nil, path: path
        ).gradients
        let h: Float = 1e-2
        var worst: Float = -.infinity
        for i in 0..<network.parameterCount {
            func lossAt(_ delta: Float) -> Float {
                var shifted = network
                shifted.parameters[i] += delta
                return shifted.lossAndGradients(
                    batch: batch, classCount: 3, loss: .categoricalCrossentropy, classWeights: [], keepMasks: nil,
                    path: path
                ).loss
            }
            let numeric = (lossAt(h) - lossAt(-h)) / (2 * h)
            worst = max(worst, abs(numeric - analytic[i]) - (2e-3 + 1e-2 * max(abs(numeric), abs(analytic[i]))))
        }
        #expect(worst <= 0, "\(path.rawValue): worst excess \(worst)")
    }

    /// Dropout masks are integer work: the C draws (four SplitMix64 outputs per vector) give the Swift
    /// code's multipliers and generator state bit for bit, for every count (vector body, pair and odd
    /// tails) and rate, including rate 1 (everything dropped).
    @Test(.enabled(if: KernelCodePath.isAvailable(.avx2FMA)), arguments: [0.05, 0.3, 0.5, 0.6, 0.999, 1.0])
    func dropoutMasksAreTheSameBitsOnBothPaths(rate: Double) {
        for width in [1, 2, 3, 7, 8, 9, 15, 16, 17, 30, 64, 257] {
            for rows in [1, 2, 5] {
                let dropout = Dropout(rate: rate, width: width, input: 0, output: 0, mask: 0,
                                      inputGradient: nil, outputGradient: nil, maskIndex: 0)
                let count = rows * width
                var portableMask = [Float](repeating: -1, count: count + 8)
                var fusedMask = portableMask
                var portable = SplitMix64(seed: UInt64(width * 1000 + rows))
                var fused = portable
                for _ in 0..<3 {  // consecutive masks continue one stream
                    portableMask.withUnsafeMutableBufferPointer {
                        dropout.drawMask(arena: $0.baseAddress!, rows: rows, splitMix: &portable, path: .simd8)
                    }
                    fusedMask.withUnsafeMutableBufferPointer {
                        dropout.drawMask(arena: $0.baseAddress!, rows: rows, splitMix: &fused, path: .avx2FMA)
                    }
                    #expect(bits(portableMask) == bits(fusedMask), "rate \(rate), \(rows) × \(width)")
                    #expect(portable == fused)
                    #expect(portableMask[count...].allSatisfy { $0 == -1 }, "wrote past the mask")
                }
                let kept = portableMask[..<count].filter { $0 != 0 }.count
                if rate == 1.0 { #expect(kept == 0) }
            }
        }
        // The keep rate is right over a long stream.
        let dropout = Dropout(rate: rate, width: 10_000, input: 0, output: 0, mask: 0,
                              inputGradient: nil, outputGradient: nil, maskIndex: 0)
        var mask = [Float](repeating: 0, count: 10_000)
        var rng = SplitMix64(seed: 1)
        mask.withUnsafeMutableBufferPointer { dropout.drawMask(arena: $0.baseAddress!, rows: 1, splitMix: &rng, path: .avx2FMA) }
        let keptShare = Double(mask.filter { $0 != 0 }.count) / 10_000
        #expect(abs(keptShare - (1 - rate)) < 0.02, "kept \(keptShare) at rate \(rate)")
    }

    /// Plain SGD in C rounds the product and the difference separately, like the Swift code: the same
    /// parameters bit for bit, and the same verdict on non-finite results.
    @Test(.enabled(if: KernelCodePath.isAvailable(.avx2FMA)))
    func sgdStepsAreTheSameBitsOnBothPaths() {
        var rng = SplitMix64(seed: 9)
        for count in [0, 1, 7, 8, 9, 31, 64, 2114] {
            for poison in [Float?.none, .infinity, .nan, 1e38] {
                var weights = (0..<count).map { _ in Float(Double(rng.next() >> 11) / 0x1p53 * 2 - 1) }
                var gradients = (0..<count).map { _ in Float(Double(rng.next() >> 11) / 0x1p53 * 2 - 1) * 3 }
                if let poison, count > 0 { gradients[count - 1 - count / 3] = poison == 1e38 ? -1e38 : poison }
                if poison == 1e38, count > 0 { weights[count - 1 - count / 3] = 3.3e38 }  // + 0.37e38 overflows
                var portableWeights = weights, fusedWeights = weights
                var portable = SGD(learningRate: 0.37, parameterCount: count)
                var fused = portable
                let portableFinite = portableWeights.withUnsafeMutableBufferPointer { w in
                    gradients.withUnsafeBufferPointer { g in
                        portable.apply(parameters: w.baseAddress!, gradients: g.baseAddress!, count: count, path: .simd8)
                    }
                }
                let fusedFinite = fusedWeights.withUnsafeMutableBufferPointer { w in
                    gradients.withUnsafeBufferPointer { g in
                        fused.apply(parameters: w.baseAddress!, gradients: g.baseAddress!, count: count, path: .avx2FMA)
                    }
                }
                #expect(bits(portableWeights) == bits(fusedWeights), "count \(count), poison \(String(describing: poison))")
                #expect(portableFinite == fusedFinite)
                #expect(portableFinite == (poison == nil || count == 0), "count \(count), poison \(String(describing: poison))")
            }
        }
    }

    /// Adam in C rounds every operation like the Swift code: the same parameters and moments bit for
    /// bit over several steps, and the same verdict on non-finite results.
    @Test(.enabled(if: KernelCodePath.isAvailable(.avx2FMA)))
    func adamStepsAreTheSameBitsOnBothPaths() {
        var rng = SplitMix64(seed: 10)
        for count in [0, 1, 7, 8, 9, 31, 64, 2114] {
            for poison in [Float?.none, .infinity, .nan] {
                var portableWeights = (0..<count).map { _ in Float(Double(rng.next() >> 11) / 0x1p53 * 2 - 1) }
                var fusedWeights = portableWeights
                var portable = Adam(learningRate: 0.01, beta1: 0.8, beta2: 0.95, epsilon: 1e-6, parameterCount: count)
                var fused = portable
                var verdicts: [(Bool, Bool)] = []
                for step in 0..<3 {
                    var gradients = (0..<count).map { _ in Float(Double(rng.next() >> 11) / 0x1p53 * 2 - 1) * 3 }
                    if step == 2, let poison, count > 0 { gradients[count / 2] = poison }
                    let portableFinite = portableWeights.withUnsafeMutableBufferPointer { w in
                        gradients.withUnsafeBufferPointer { portable.apply(parameters: w.baseAddress!, gradients: $0.baseAddress!, count: count, path: .simd8) }
                    }
                    let fusedFinite = fusedWeights.withUnsafeMutableBufferPointer { w in
                        gradients.withUnsafeBufferPointer { fused.apply(parameters: w.baseAddress!, gradients: $0.baseAddress!, count: count, path: .avx2FMA) }
                    }
                    verdicts.append((portableFinite, fusedFinite))
                }
                #expect(bits(portableWeights) == bits(fusedWeights), "count \(count), poison \(String(describing: poison))")
                #expect(bits(portable.firstMoment) == bits(fused.firstMoment) && bits(portable.secondMoment) == bits(fused.secondMoment))
                #expect(verdicts.allSatisfy { $0.0 == $0.1 })
                #expect(verdicts.last?.0 == (poison == nil || count == 0), "count \(count), poison \(String(describing: poison))")
            }
        }
    }

    // MARK: AVX-512F products (same bits as AVX2)

    static let hasAVX512 = KernelCodePath.isAvailable(.avx2FMA) && runexp_cpu_has_avx512f() != 0

    /// The instruction-set constant names what the selected path runs.
    @Test func instructionSetMatchesThePath() {
        let forced = getenv("RUNEXP_KERNEL").map { String(cString: $0) }
        switch KernelCodePath.selected {
        case .simd8:
            #expect(kernelInstructionSet.hasSuffix("(simd8)"))
            #expect(!KernelCodePath.usesAVX512)
        case .avx2FMA:
            #expect(KernelCodePath.usesAVX512 == (Self.hasAVX512 && forced != "avx2"))
            #expect(kernelInstructionSet == (KernelCodePath.usesAVX512 ? "avx512f" : "avx2"))
        }
    }

    /// Random floats in [−1, 1) with a few specials (a NaN, ±0, an infinity, a huge value) when `specials`.
    static func values(_ count: Int, seed: UInt64, specials: Bool = false) -> [Float] {
        var rng = SplitMix64(seed: seed)
        var v = (0..<count).map { _ in rng.uniformFloat() * 2 - 1 }
        if specials && count > 40 {
            v[count / 2] = .nan; v[count / 3] = -0.0; v[count / 5] = 0; v[count / 7] = .infinity
            v[count - 3] = 3e38
        }
        return v
    }

    /// One axpy-form call on both variants (same inputs, outputs prefilled alike): the same bits, and
    /// nothing written outside the output block.
    static func compareAxpy(
        outRows: Int, inner: Int, columns: Int, transposedLeft: Bool, wPad: Int, outPad: Int,
        bias withBias: Bool, accumulate: Bool, relu: Bool, specials: Bool, seed: UInt64
    ) -> Bool {
        // multiply: a is outRows × inner (row step inner); aᵀ·g: a is inner × (outRows + 3) (inner step outRows + 3).
        let aStride = transposedLeft ? outRows + 3 : inner
        let a = values(transposedLeft ? inner * aStride : outRows * inner, seed: seed, specials: specials)
        let wStride = columns + wPad, outStride = columns + outPad
        let w = values(inner * wStride, seed: seed &+ 1, specials: specials)
        var bias = values(columns, seed: seed &+ 2)
        for c in Swift.stride(from: 0, to: columns, by: 3) { bias[c] = -0.0 }
        let start = values(outRows * outStride + 16, seed: seed &+ 3)
        var narrow = start, wide = start
        let rowStep = transposedLeft ? 1 : inner, innerStep = transposedLeft ? aStride : 1
        a.withUnsafeBufferPointer { a in
            w.withUnsafeBufferPointer { w in
                bias.withUnsafeBufferPointer { b in
                    let biasPointer = withBias ? b.baseAddress : nil
                    narrow.withUnsafeMutableBufferPointer { out in
                        runexp_avx2_axpy_product(a.baseAddress, outRows, inner, rowStep, innerStep, w.baseAddress, wStride,
                                                 columns, biasPointer, accumulate ? 1 : 0, relu ? 1 : 0, out.baseAddress, outStride)
                    }
                    wide.withUnsafeMutableBufferPointer { out in
                        runexp_avx512_axpy_product(a.baseAddress, outRows, inner, rowStep, innerStep, w.baseAddress, wStride,
                                                   columns, biasPointer, accumulate ? 1 : 0, relu ? 1 : 0, out.baseAddress, outStride)
                    }
                }
            }
        }
        var untouched = true
        for r in 0..<outRows {
            for c in columns..<outStride where wide[r * outStride + c].bitPattern != start[r * outStride + c].bitPattern {
                untouched = false
            }
        }
        for i in (outRows * outStride)..<start.count where wide[i].bitPattern != start[i].bitPattern { untouched = false }
        return untouched && bits(narrow) == bits(wide)
    }

    /// The axpy form on AVX-512F gives the AVX2 function's bits over row, inner and column counts
    /// around every blocking boundary (4-row blocks, 16-lane masks, 64-column strips, 64-row packed
    /// blocks), with and without bias, accumulate and relu, in the forms ``MatrixProducts`` uses:
    /// `a · b` over contiguous or strided (strip) operands, and `aᵀ · g`.
    @Test(.enabled(if: hasAVX512), arguments: [1, 2, 3, 4, 5, 6, 7, 8, 9, 33, 128])
    func axpyProductsAreTheSameBitsOnAVX512(rows: Int) {
        var failures: [String] = []
        var seed: UInt64 = UInt64(rows) << 32
        let columnCounts = Array(1...80) + [128, 256, 530]
        for inner in [1, 2, 4, 30, 64, 257] {
            for columns in columnCounts {
                if rows * inner * columns > 3_000_000 && columns != 530 && columns != 256 { continue }
                seed &+= 7
                let variant = Int(seed % 97)
                let transposedLeft = variant % 2 == 1
                let wPad = [0, 0, 5, 32][variant % 4], outPad = [0, 3, 0, 40][(variant / 4) % 4]
                let flags = [(true, false, false), (true, false, true), (false, false, false), (false, true, false),
                             (false, false, true), (false, true, true), (true, true, true)]
                for (withBias, accumulate, relu) in (rows * inner * columns > 200_000 ? [flags[variant % 7]] : flags) {
                    let specials = (variant + columns) % 5 == 0
                    if !Self.compareAxpy(outRows: rows, inner: inner, columns: columns, transposedLeft: transposedLeft,
                                         wPad: wPad, outPad: outPad, bias: withBias, accumulate: accumulate, relu: relu,
                                         specials: specials, seed: seed) {
                        failures.append("\(rows)×\(inner)×\(columns) aᵀ:\(transposedLeft) bias:\(withBias) acc:\(accumulate) relu:\(relu)")
                    }
                }
            }
        }
        // The forms MatrixProducts' packed paths call: a 32-column strip of a 32-wide packed block.
        for (rows2, inner) in [(rows, 64), (rows, 33)] {
            seed &+= 7
            for accumulate in [false, true] where !Self.compareAxpy(
                outRows: rows2, inner: inner, columns: 32, transposedLeft: false, wPad: 0, outPad: 498,
                bias: !accumulate, accumulate: accumulate, relu: true, specials: false, seed: seed) {
                failures.append("strip \(rows2)×\(inner)")
            }
        }
        let differing = failures.count
        #expect(differing == 0, "shapes differ, e.g. \(failures.prefix(5))")
    }

    /// The dot form on AVX-512F (two rows per register) gives the AVX2 function's bits, k tails included,
    /// also where it packs fewer row pairs (inner 4100) or hands over to AVX2 (inner 4111, < 16, few columns).
    @Test(.enabled(if: hasAVX512), arguments: [1, 2, 3, 4, 5, 6, 7, 8, 9, 33, 128])
    func dotProductsAreTheSameBitsOnAVX512(rows: Int) {
        var failures: [String] = []
        var seed: UInt64 = UInt64(rows) << 40
        for inner in [1, 2, 4, 8, 15, 16, 30, 64, 257, 1030, 4100, 4111] {
            for columns in Array(1...13) + [16, 31, 64, 256, 530] where rows * inner * columns <= 20_000_000 {
                seed &+= 5
                let a = Self.values(rows * inner, seed: seed, specials: seed % 3 == 0)
                let bt = Self.values(columns * inner, seed: seed &+ 1, specials: seed % 4 == 0)
                let bias = Self.values(columns, seed: seed &+ 2)
                for withBias in [false, true] {
                    var narrow = [Float](repeating: 7, count: rows * columns + 8), wide = narrow
                    a.withUnsafeBufferPointer { a in
                        bt.withUnsafeBufferPointer { bt in
                            bias.withUnsafeBufferPointer { b in
                                let biasPointer = withBias ? b.baseAddress : nil
                                narrow.withUnsafeMutableBufferPointer {
                                    runexp_avx2_dot_product(a.baseAddress, rows, inner, bt.baseAddress, columns, biasPointer, $0.baseAddress)
                                }
                                wide.withUnsafeMutableBufferPointer {
                                    runexp_avx512_dot_product(a.baseAddress, rows, inner, bt.baseAddress, columns, biasPointer, $0.baseAddress)
                                }
                            }
                        }
                    }
                    if bits(narrow) != bits(wide) { failures.append("\(rows)×\(inner)×\(columns) bias:\(withBias)") }
                }
            }
        }
        let differing = failures.count
        #expect(differing == 0, "shapes differ, e.g. \(failures.prefix(5))")
    }

    /// `run` with the AVX-512F products allowed, then refused on this thread (so AVX2 runs).
    static func trainBothWays(_ run: () -> TrainingOutcome) -> (wide: TrainingOutcome, narrow: TrainingOutcome) {
        let wide = run()
        runexp_set_avx512_allowed_on_this_thread(0)
        defer { runexp_set_avx512_allowed_on_this_thread(1) }
        return (wide, run())
    }

    /// Whole trainings (the configurations above, incl. the 530-unit layer) give the same parameters and
    /// history bit for bit with the AVX-512F products on and off.
    @Test(.enabled(if: hasAVX512 && KernelCodePath.usesAVX512), arguments: configs)
    func trainingIsTheSameBitsWithAVX512(_ c: Config) {
        let (wide, narrow) = Self.trainBothWays { Self.train(c, path: .avx2FMA, epochs: 3) }
        #expect(bits(wide.network.parameters) == bits(narrow.network.parameters), "\(c)")
        #expect(wide.history == narrow.history)
    }

    /// A 2 × 256 relu network at batch 128 (the large-layer benchmark's shape, smaller data), one with
    /// dropout and Adam, and a 1200-unit layer (several packed strips and inner blocks): the same bits.
    @Test(.enabled(if: hasAVX512 && KernelCodePath.usesAVX512))
    func wideNetworksTrainToTheSameBitsWithAVX512() {
        let data = Fixtures.random(rows: 300, width: 64, classes: 2, seed: 21)
        let validation = Fixtures.random(rows: 70, width: 64, classes: 2, seed: 22)
        for (layers, optimizer, batch) in [
            ([LayerSpec.dense(units: 256, activation: .relu), .dense(units: 256, activation: .relu),
              .dense(units: 2, activation: .softmax)], OptimizerSpec.sgd(learningRate: 0.05), 128),
            ([.dense(units: 256, activation: .relu), .dropout(rate: 0.3), .dense(units: 256, activation: .relu),
              .dense(units: 2, activation: .softmax)], .adam(learningRate: 0.001), 100),
            ([.dense(units: 1200, activation: .tanh), .dense(units: 40, activation: .relu),
              .dense(units: 2, activation: .softmax)], .sgd(learningRate: 0.01, momentum: 0.9), 33),
        ] {
            var initRng = SplitMix64(seed: 5)
            let network = Network(inputWidth: 64, layers: layers, rng: &initRng)
            let settings = TrainingSettings(epochs: 2, batchSize: batch, optimizer: optimizer,
                                            loss: .categoricalCrossentropy, classWeights: [])
            let (wide, narrow) = Self.trainBothWays {
                var rng = SplitMix64(seed: 9)
                return RunexpKernel.train(network, on: data, validation: validation, classCount: 2, settings: settings,
                                          path: .avx2FMA, rng: &rng)
            }
            #expect(!wide.diverged)
            #expect(bits(wide.network.parameters) == bits(narrow.network.parameters), "\(layers)")
            #expect(wide.history == narrow.history)
        }
    }
}
