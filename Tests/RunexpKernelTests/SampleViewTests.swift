import Testing
@testable import RunexpKernel

/// Samples read through a ``SampleView`` (rows of a shared matrix, filled and standardized on the
/// fly) train and predict to the same bits as the same inputs copied into samples of their own:
/// the view saves a large table's second matrix, never a result.
@Suite struct SampleViewTests {
    /// A raw matrix with empty (NaN) cells, rows in another order than the view's, and the view's
    /// transform; and the inputs the transform makes, copied.
    static func parts(width: Int, seed: UInt64) -> (view: Samples, copy: Samples, validationView: Samples, validationCopy: Samples) {
        let base = Fixtures.blobs(classes: 2, perClass: 60, width: width, seed: seed)
        var rng = SplitMix64(seed: seed + 1)
        // The raw values: the blobs shifted and scaled back by the transform, a few cells emptied.
        var matrix = base.features.map { $0 * 3 + 1.5 }
        for _ in 0..<40 { matrix[Int(rng.next() % UInt64(matrix.count))] = .nan }
        let fills = (0..<width).map { Float($0) * 0.25 - 1 }
        let means = (0..<width).map { _ in Float(rng.next() % 100) / 37 }
        let deviations = (0..<width).map { _ in 0.5 + Float(rng.next() % 100) / 41 }
        var order = Array(0..<base.rows)
        shuffleIndices(&order, rng: &rng)
        let trainRows = Array(order.prefix(90)), validationRows = Array(order.dropFirst(90))
        func copy(_ rows: [Int]) -> Samples {
            var features: [Float] = []
            for row in rows {
                for column in 0..<width {
                    let value = matrix[row * width + column]
                    features.append(((value.isNaN ? fills[column] : value) - means[column]) / deviations[column])
                }
            }
            return Samples(features: features, rows: rows.count, width: width, labels: rows.map { base.labels[$0] })
        }
        func view(_ rows: [Int]) -> Samples {
            Samples(matrix: matrix, width: width, view: SampleView(rows: rows, fills: fills, means: means, deviations: deviations),
                    labels: rows.map { base.labels[$0] }, targets: [])
        }
        return (view(trainRows), copy(trainRows), view(validationRows), copy(validationRows))
    }

    @Test(arguments: KernelCodePathTests.configs.prefix(6))
    func viewsTrainAndPredictAsCopies(_ c: KernelCodePathTests.Config) {
        let width = 30
        let (view, copy, validationView, validationCopy) = Self.parts(width: width, seed: UInt64(c.units + c.batch))
        #expect(view.rows == copy.rows && view.width == copy.width)
        let settings = TrainingSettings(epochs: 3, batchSize: c.batch, optimizer: c.optimizer, loss: c.loss, classWeights: [1.2, 0.8])
        func trained(_ train: Samples, _ validation: Samples) -> TrainingOutcome {
            var rng = SplitMix64(seed: 29)
            return RunexpKernel.train(KernelCodePathTests.network(c, width: width), on: train, validation: validation, classCount: 2,
                                      settings: settings, rng: &rng)
        }
        let viewed = trained(view, validationView), copied = trained(copy, validationCopy)
        #expect(viewed.network.parameters.map { $0.bitPattern } == copied.network.parameters.map { $0.bitPattern }, "\(c)")
        #expect(viewed.history == copied.history, "\(c)")
        #expect(viewed.network.probabilities(for: validationView).map { $0.bitPattern }
                == copied.network.probabilities(for: validationCopy).map { $0.bitPattern }, "\(c)")
        #expect(view.selecting(rows: [3, 0, 3]).features.map { $0.bitPattern } == copy.selecting(rows: [3, 0, 3]).features.map { $0.bitPattern })
    }
}
