// Kernel micro-benchmark, compiled together with Sources/RunexpKernel by bench/micro/build.sh (one
// module, so it reaches internal API). CPU time of this thread, best of several trainings:
//   kernel-micro [UNITS,.. [BATCH,..]]       ns per optimizer step and GFLOP/s per shape (455 × 30 rows)
//   kernel-micro one UNITS BATCH RATE ACT    one number (ns/step), for bench/micro/ab.sh
//   kernel-micro grid                        CPU ms of the peers' 216 grid shapes (validation included)
//   kernel-micro digest                      a fingerprint per training configuration: diff two builds'
//                                            output to prove a kernel change bit-identical
// The kernel code path is chosen as in runexp (avx2-fma where the CPU has it; RUNEXP_KERNEL=simd8 forces
// the portable one, RUNEXP_KERNEL=avx2 keeps avx2-fma's products off AVX-512, same bits); `digest` and
// the shape table print it first, `one` and `grid` on standard error (with the instruction set).
#if canImport(Glibc)
import Glibc
#endif

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

func cpuNow() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}


/// FNV-1a over bit patterns: a fingerprint of a training outcome, to prove a kernel change bit-identical.
func fingerprint(_ outcome: TrainingOutcome) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    func eat(_ x: UInt64) { h = (h ^ x) &* 0x100_0000_01b3 }
    for p in outcome.network.parameters { eat(UInt64(p.bitPattern)) }
    for r in outcome.history {
        eat(r.trainLoss.bitPattern); eat((r.trainAccuracy?.bitPattern ?? 1))
        eat(r.validationLoss?.bitPattern ?? 1); eat(r.validationAccuracy?.bitPattern ?? 1)
    }
    eat(UInt64(outcome.epochsRun)); eat(outcome.diverged ? 1 : 0)
    return h
}

/// Prints one fingerprint per configuration of a fixed list (`kernel-micro digest`); diff two outputs.
func digest() {
    var dataRng = SplitMix64(seed: 11)
    func samples(_ rows: Int, _ width: Int, _ classes: Int) -> Samples {
        let f = (0..<(rows * width)).map { _ in (dataRng.uniformFloat() * 2 - 1) * 1.5 }
        let l = (0..<rows).map { _ in Int32(dataRng.bounded(classes)) }
        return Samples(features: f, rows: rows, width: width, labels: l)
    }
    let train2 = samples(97, 30, 2), valid2 = samples(31, 30, 2)
    let train3 = samples(61, 13, 3), valid3 = samples(17, 13, 3)
    let optimizers: [OptimizerSpec] = [
        .sgd(learningRate: 0.01), .sgd(learningRate: 1), .sgd(learningRate: 0.1, momentum: 0.9),
        .sgd(learningRate: 0.05, momentum: 0.8, nesterov: true), .adam(learningRate: 0.01),
    ]
    print("path", kernelCodePath)
    var count = 0
    var combined: UInt64 = 0
    func run(_ label: String, _ layers: [LayerSpec], _ trainRows: Samples, _ valid: Samples, classes: Int,
             batch: Int, optimizer: OptimizerSpec, loss: LossKind = .categoricalCrossentropy, weights: [Float]) {
        var rng = SplitMix64(seed: UInt64(count) &+ 99)
        let network = Network(inputWidth: trainRows.width, layers: layers, rng: &rng)
        let settings = TrainingSettings(epochs: 3, batchSize: batch, optimizer: optimizer, loss: loss, classWeights: weights)
        let outcome = train(network, on: trainRows, validation: valid, classCount: classes, settings: settings, rng: &rng)
        let f = fingerprint(outcome)
        combined = (combined ^ f) &* 0x100_0000_01b3
        print(String(f, radix: 16), label, outcome.diverged ? "diverged" : "")
        count += 1
    }
    for units in [1, 2, 7, 8, 9, 31, 32, 64, 100, 256] {
        for activation in [Activation.linear, .relu, .tanh, .sigmoid] {
            for rate in [0.0, 0.3, 0.6] {
                for batch in [1, 4, 13, 32, 97] {
                    for (o, optimizer) in optimizers.enumerated() where (units + batch + o) % 3 == 0 || o < 2 {
                        run("u\(units) \(activation) p\(rate) bs\(batch) opt\(o)",
                            [.dropout(rate: rate), .dense(units: units, activation: activation), .dense(units: 2, activation: .softmax)],
                            train2, valid2, classes: 2, batch: batch, optimizer: optimizer, weights: [1.3, 0.7])
                    }
                }
            }
        }
    }
    // Wide layers: the packed products (≥ 512 columns), strip tails (600 = 18·32 + 24, 1030 = 32·32 + 6),
    // row blocks (batch 70 > 64) and inner blocks (a 600-wide input to a 520-unit layer).
    for (units, batch) in [(600, 70), (1030, 9), (512, 4)] {
        run("wide u\(units) bs\(batch)",
            [.dropout(rate: 0.3), .dense(units: units, activation: .relu), .dense(units: 2, activation: .softmax)],
            train2, valid2, classes: 2, batch: batch, optimizer: .sgd(learningRate: 0.05), weights: [1.3, 0.7])
    }
    run("wide deep", [.dense(units: 600, activation: .tanh), .dropout(rate: 0.2), .dense(units: 520, activation: .relu),
                      .dense(units: 3, activation: .softmax)],
        train3, valid3, classes: 3, batch: 61, optimizer: .adam(learningRate: 0.001), weights: [])
    for rate in [0.0, 0.5] {
        for batch in [1, 5, 16] {
            for (o, optimizer) in optimizers.enumerated() {
                run("deep3 p\(rate) bs\(batch) opt\(o)",
                    [.dense(units: 20, activation: .relu), .dropout(rate: rate), .dense(units: 9, activation: .tanh),
                     .dropout(rate: rate / 2), .dense(units: 3, activation: .softmax)],
                    train3, valid3, classes: 3, batch: batch, optimizer: optimizer, weights: [])
                run("binary p\(rate) bs\(batch) opt\(o)",
                    [.dropout(rate: rate), .dense(units: 12, activation: .relu), .dense(units: 1, activation: .sigmoid)],
                    train2, valid2, classes: 2, batch: batch, optimizer: optimizer, loss: .binaryCrossentropy, weights: [0.6, 1.4])
            }
        }
    }
    print("combined", String(combined, radix: 16), "configs", count)
}

if CommandLine.arguments.dropFirst().first == "digest" {
    digest()
    exit(0)
}

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "one" || arguments.first == "grid" {
    fputs("path \(kernelCodePath) (\(kernelInstructionSet))\n", stderr)
}
let rows = 455, width = 30
var dataRng = SplitMix64(seed: 1)
let features = (0..<(rows * width)).map { _ in dataRng.uniformFloat() * 2 - 1 }
let labels = (0..<rows).map { _ in Int32(dataRng.bounded(2)) }
let data = Samples(features: features, rows: rows, width: width, labels: labels)

/// Best CPU time per optimizer step over `repeats` trainings of one epoch-count budget, in ns.
func nanosecondsPerStep(units: Int, batch: Int, rate: Double, activation: Activation, repeats: Int) -> Double {
    var rng = SplitMix64(seed: 2)
    let network = Network(inputWidth: width, layers: [
        .dropout(rate: rate), .dense(units: units, activation: activation), .dense(units: 2, activation: .softmax),
    ], rng: &rng)
    let epochs = max(1, min(25, 1_000_000 / (units * 455 * 8)))
    let settings = TrainingSettings(epochs: epochs, batchSize: batch, optimizer: .sgd(learningRate: 0.01),
                                    loss: .categoricalCrossentropy, classWeights: [1.2, 0.8])
    var best = Double.infinity
    for _ in 0..<repeats {
        var r = rng
        let start = cpuNow()
        let outcome = train(network, on: data, validation: nil, classCount: 2, settings: settings, rng: &r)
        best = min(best, cpuNow() - start)
        precondition(outcome.epochsRun == epochs)
    }
    return best / Double(epochs * ((rows + batch - 1) / batch)) * 1e9
}

// `kernel-micro one UNITS BATCH RATE ACTIVATION`: one number (ns/step), for A/B runs of two builds.
if arguments.first == "one" {
    let ns = nanosecondsPerStep(units: Int(arguments[1])!, batch: Int(arguments[2])!, rate: Double(arguments[3])!,
                                activation: Activation(rawValue: arguments[4])!, repeats: arguments.count > 5 ? Int(arguments[5])! : 9)
    print(Int(ns))
    exit(0)
}

// `kernel-micro grid`: CPU seconds for the peers' 216-cell grid shapes (455 rows, 25 epochs, validation
// on 114 rows every epoch), learning rate 0.01 throughout so that no run stops early.
if arguments.first == "grid" {
    var validationRng = SplitMix64(seed: 3)
    let validation = Samples(
        features: (0..<(114 * width)).map { _ in validationRng.uniformFloat() * 2 - 1 }, rows: 114, width: width,
        labels: (0..<114).map { _ in Int32(validationRng.bounded(2)) })
    var total = 0.0
    for units in [1, 32, 64] {
        for activation in [Activation.linear, .relu] {
            for rate in [0.0, 0.3, 0.6] {
                for batch in [4, 16, 32] {
                    var rng = SplitMix64(seed: UInt64(units * 1000 + batch))
                    let network = Network(inputWidth: width, layers: [
                        .dropout(rate: rate), .dense(units: units, activation: activation), .dense(units: 2, activation: .softmax),
                    ], rng: &rng)
                    let settings = TrainingSettings(epochs: 25, batchSize: batch, optimizer: .sgd(learningRate: 0.01),
                                                    loss: .categoricalCrossentropy, classWeights: [1.2, 0.8])
                    var best = Double.infinity
                    for _ in 0..<3 {
                        var r = rng
                        let start = cpuNow()
                        _ = train(network, on: data, validation: validation, classCount: 2, settings: settings, rng: &r)
                        best = min(best, cpuNow() - start)
                    }
                    total += best * 4  // four learning rates per shape
                }
            }
        }
    }
    print(Int(total * 1000))
    exit(0)
}

let unitsList = arguments.first.map { $0.split(separator: ",").compactMap { Int($0) } } ?? [1, 32, 64, 256, 1024]
let batches = arguments.dropFirst().first.map { $0.split(separator: ",").compactMap { Int($0) } } ?? [4, 16, 32]
print("path", kernelCodePath, "(\(kernelInstructionSet))")
print("units  bs  dropout  act     ns/step  GFLOP/s(4·params·rows)")
for units in unitsList {
    for batch in batches {
        for (rate, activation) in [(0.0, Activation.relu), (0.3, Activation.relu), (0.6, Activation.linear)] {
            let ns = nanosecondsPerStep(units: units, batch: batch, rate: rate, activation: activation, repeats: 5)
            let flops = 4.0 * Double(width * units + units * 2) * Double(batch)
            print("\(units)".padding(5), "\(batch)".padding(3), "\(rate)".padding(8), activation.rawValue.padding(6),
                  String(Int(ns)).padding(8), String(Double(Int(flops / ns * 100)) / 100))
        }
    }
}

extension String {
    func padding(_ n: Int) -> String { String(repeating: " ", count: max(0, n - count)) + self }
}
