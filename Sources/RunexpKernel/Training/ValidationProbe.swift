/// Measures a network on fixed validation rows with buffers allocated once per training run.
struct ValidationProbe: Sendable {
    let samples: Samples
    let classCount: Int
    let loss: LossKind
    let targetScale: TargetScale
    private let layout: ArenaLayout
    private var arena: [Float]
    private var probabilities: [Float]

    init(network: Network, samples: Samples, loss: LossKind, targetScale: TargetScale = .identity, path: KernelCodePath = .selected) {
        self.samples = samples
        self.loss = loss
        self.targetScale = targetScale
        self.classCount = network.probabilityColumns
        self.layout = ArenaLayout(network: network, capacity: max(1, min(samples.rows, 256)), training: false, path: path)
        self.arena = [Float](repeating: 0, count: layout.arenaCount)
        self.probabilities = [Float](repeating: 0, count: samples.rows * network.probabilityColumns)
    }

    /// Unweighted mean clipped cross-entropy and argmax accuracy, exactly as ``evaluate`` computes them
    /// on ``Network/probabilities(for:)``; for a regression loss its unweighted mean and no accuracy,
    /// as ``evaluateRegression`` computes the loss.
    mutating func measure(_ network: Network) -> (loss: Double, accuracy: Double?, rmse: Double?) {
        layout.predict(
            parameters: network.storage, arena: &arena, samples: samples, into: &probabilities)
        let rows = samples.rows, classCount = classCount
        if loss.isRegression {
            let loss = loss, scale = targetScale
            return probabilities.withUnsafeBufferPointer { p in
                samples.targets.withUnsafeBufferPointer { t in
                    let mean = RegressionLoss.mean(loss, predictions: p.baseAddress, targets: t.baseAddress, rows: rows)
                    let errors = regressionErrors(predictions: p.baseAddress, targets: t.baseAddress, rows: rows, scale: scale)
                    return (mean, nil, rows > 0 ? (errors.squares / Double(rows)).squareRoot() : 0)
                }
            }
        }
        return probabilities.withUnsafeBufferPointer { p in
            samples.labels.withUnsafeBufferPointer { y in
                let measured = meanLossAndAccuracy(probabilities: p.baseAddress, labels: y.baseAddress, rows: rows, classCount: classCount)
                return (measured.loss, Optional(measured.accuracy), nil)
            }
        }
    }
}
