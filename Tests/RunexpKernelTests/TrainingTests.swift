import Testing
@testable import RunexpKernel

@Suite struct TrainingTests {
    static func run(
        _ layers: [LayerSpec], data: Samples, validation: Samples? = nil, classCount: Int, settings: TrainingSettings, seed: UInt64
    ) -> TrainingOutcome {
        var rng = SplitMix64(seed: seed)
        let network = Network(inputWidth: data.width, layers: layers, rng: &rng)
        return train(network, on: data, validation: validation, classCount: classCount, settings: settings, rng: &rng)
    }

    @Test(arguments: [
        (LossKind.categoricalCrossentropy, 2, OptimizerSpec.sgd(learningRate: 0.1)),
        (.categoricalCrossentropy, 2, .adam(learningRate: 0.01)),
        (.binaryCrossentropy, 2, .sgd(learningRate: 0.05, momentum: 0.9, nesterov: true)),
        (.categoricalCrossentropy, 3, .adam(learningRate: 0.01)),
        (.categoricalCrossentropy, 3, .sgd(learningRate: 0.05, momentum: 0.9, nesterov: false)),
    ])
    func separableProblemsAreLearned(loss: LossKind, classes: Int, optimizer: OptimizerSpec) {
        let data = Fixtures.blobs(classes: classes, perClass: 40, width: 6, seed: 1)
        let held = Fixtures.blobs(classes: classes, perClass: 30, width: 6, seed: 2)
        let head: LayerSpec = loss == .binaryCrossentropy
            ? .dense(units: 1, activation: .sigmoid) : .dense(units: classes, activation: .softmax)
        let layers: [LayerSpec] = [.dropout(rate: 0.1), .dense(units: 16, activation: .relu), head]
        let settings = TrainingSettings(epochs: 20, batchSize: 8, optimizer: optimizer, loss: loss)
        let outcome = Self.run(layers, data: data, validation: held, classCount: classes, settings: settings, seed: 3)
        #expect(!outcome.diverged && outcome.epochsRun == 20)
        let e = evaluate(probabilities: outcome.network.probabilities(for: held), labels: held.labels, classCount: classes,
                         positiveClass: classes == 2 ? 1 : nil)
        #expect(e.accuracy >= 0.95)
        #expect(outcome.history.last!.validationAccuracy! >= 0.95)
        #expect(outcome.history.last!.trainLoss < outcome.history.first!.trainLoss)
    }

    static let referenceLayers: [LayerSpec] = [
        .dropout(rate: 0.2), .dense(units: 32, activation: .relu), .dense(units: 2, activation: .softmax),
    ]

    @Test func sameSeedIsBitIdenticalDifferentSeedIsNot() async {
        let data = Fixtures.random(rows: 50, width: 30, classes: 2, seed: 4)
        let validation = Fixtures.random(rows: 20, width: 30, classes: 2, seed: 5)
        let settings = TrainingSettings(epochs: 4, batchSize: 16, optimizer: .adam(), loss: .categoricalCrossentropy,
                                        classWeights: [1, 1.5])
        let first = Self.run(Self.referenceLayers, data: data, validation: validation, classCount: 2, settings: settings, seed: 6)
        let concurrent = await withTaskGroup(of: [UInt32].self) { group in
            for _ in 0..<3 {
                group.addTask {
                    bits(Self.run(Self.referenceLayers, data: data, validation: validation, classCount: 2,
                                  settings: settings, seed: 6).network.parameters)
                }
            }
            return await group.reduce(into: [[UInt32]]()) { $0.append($1) }
        }
        let again = Self.run(Self.referenceLayers, data: data, validation: validation, classCount: 2, settings: settings, seed: 6)
        let other = Self.run(Self.referenceLayers, data: data, validation: validation, classCount: 2, settings: settings, seed: 7)
        #expect(bits(first.network.parameters) == bits(again.network.parameters))
        #expect(first.history == again.history)
        #expect(concurrent.allSatisfy { $0 == bits(first.network.parameters) })
        #expect(bits(first.network.parameters) != bits(other.network.parameters))
        #expect(first.history != other.history)
    }

    /// A generator that is not SplitMix64 takes the generic path and must see the very same draws.
    struct WrappedGenerator: RandomNumberGenerator {
        var inner: SplitMix64
        mutating func next() -> UInt64 { inner.next() }
    }

    @Test func genericGeneratorPathMatchesSplitMix() {
        let data = Fixtures.random(rows: 30, width: 7, classes: 3, seed: 8)
        var rng = SplitMix64(seed: 9)
        let layers: [LayerSpec] = [.dropout(rate: 0.3), .dense(units: 9, activation: .tanh), .dropout(rate: 0.1),
                                   .dense(units: 3, activation: .softmax)]
        let network = Network(inputWidth: 7, layers: layers, rng: &rng)
        let settings = TrainingSettings(epochs: 3, batchSize: 4, optimizer: .sgd(learningRate: 0.1), loss: .categoricalCrossentropy)
        var direct = SplitMix64(seed: 10)
        var wrapped = WrappedGenerator(inner: SplitMix64(seed: 10))
        let a = train(network, on: data, validation: nil, classCount: 3, settings: settings, rng: &direct)
        let b = train(network, on: data, validation: nil, classCount: 3, settings: settings, rng: &wrapped)
        #expect(bits(a.network.parameters) == bits(b.network.parameters))
        #expect(a.history == b.history)
        #expect(direct == wrapped.inner)
    }

    /// train() = per epoch: shuffle, then Trainer steps over consecutive slices (last one partial).
    @Test func trainIsAReplayOfTrainerSteps() {
        let data = Fixtures.random(rows: 10, width: 5, classes: 2, seed: 11)
        var rng = SplitMix64(seed: 12)
        let network = Network(inputWidth: 5, layers: Self.referenceLayers, rng: &rng)
        let settings = TrainingSettings(epochs: 2, batchSize: 4, optimizer: .sgd(learningRate: 0.3, momentum: 0.9, nesterov: true),
                                        loss: .categoricalCrossentropy, classWeights: [0.7, 1.3])
        var trainRng = SplitMix64(seed: 13)
        let outcome = train(network, on: data, validation: nil, classCount: 2, settings: settings, rng: &trainRng)

        var replayRng = SplitMix64(seed: 13)
        var trainer = Trainer(network: network, settings: settings, classCount: 2)
        var order = Array(0..<10)
        var epochLosses: [Double] = []
        for _ in 0..<2 {
            shuffleIndices(&order, rng: &replayRng)
            var total = 0.0
            for start in stride(from: 0, to: 10, by: 4) {
                let rows = Array(order[start..<min(start + 4, 10)])
                total += Double(trainer.step(on: data, rows: rows, rng: &replayRng)) * Double(rows.count)
            }
            epochLosses.append(total / 10)
        }
        #expect(trainer.stepCount == 6)
        #expect(bits(trainer.network.parameters) == bits(outcome.network.parameters))
        #expect(outcome.history.map(\.trainLoss) == epochLosses)
        #expect(replayRng == trainRng)
    }

    @Test func validationRecordMatchesEvaluate() {
        let data = Fixtures.blobs(classes: 2, perClass: 20, width: 4, seed: 14)
        let validation = Fixtures.random(rows: 300, width: 4, classes: 2, seed: 15)
        let settings = TrainingSettings(epochs: 3, batchSize: 5, optimizer: .adam(), loss: .binaryCrossentropy)
        let outcome = Self.run([.dense(units: 12, activation: .sigmoid), .dense(units: 1, activation: .sigmoid)],
                               data: data, validation: validation, classCount: 2, settings: settings, seed: 16)
        let e = evaluate(probabilities: outcome.network.probabilities(for: validation), labels: validation.labels,
                         classCount: 2, positiveClass: 1)
        #expect(outcome.history.last!.validationLoss == e.loss)
        #expect(outcome.history.last!.validationAccuracy == e.accuracy)
        #expect(outcome.history.map(\.epoch) == [1, 2, 3])
    }

    @Test func hugeLearningRateDivergesWithoutTrapping() {
        var data = Fixtures.random(rows: 64, width: 30, classes: 2, seed: 17, scale: 1000)
        data = Samples(features: data.features.map { $0 + 5000 }, rows: data.rows, width: data.width, labels: data.labels)
        for optimizer in [OptimizerSpec.sgd(learningRate: 1e6), .sgd(learningRate: 1e6, momentum: 0.9, nesterov: true)] {
            let settings = TrainingSettings(epochs: 25, batchSize: 4, optimizer: optimizer, loss: .categoricalCrossentropy)
            let outcome = Self.run([.dense(units: 64, activation: .linear), .dense(units: 2, activation: .softmax)],
                                   data: data, validation: data, classCount: 2, settings: settings, seed: 18)
            #expect(outcome.diverged)
            #expect(outcome.epochsRun < 25 && outcome.epochsRun == outcome.history.count)
        }
    }

    @Test func zeroEpochsLeaveTheNetworkUntouched() {
        let data = Fixtures.random(rows: 8, width: 3, classes: 2, seed: 19)
        var rng = SplitMix64(seed: 20)
        let network = Network(inputWidth: 3, layers: Self.referenceLayers, rng: &rng)
        let settings = TrainingSettings(epochs: 0, batchSize: 4, optimizer: .adam(), loss: .categoricalCrossentropy)
        let outcome = train(network, on: data, validation: nil, classCount: 2, settings: settings, rng: &rng)
        #expect(outcome.history.isEmpty && outcome.epochsRun == 0 && !outcome.diverged)
        #expect(bits(outcome.network.parameters) == bits(network.parameters))
    }

    @Test(arguments: [MonitoredMetric.valLoss, .valAccuracy])
    func earlyStoppingStopsAndRestoresTheBestEpoch(monitor: MonitoredMetric) {
        // Random labels: the validation metric gets worse as the network memorises noise.
        let data = Fixtures.random(rows: 40, width: 8, classes: 2, seed: 21)
        let validation = Fixtures.random(rows: 60, width: 8, classes: 2, seed: 22)
        let stopping = EarlyStopping(monitor: monitor, patience: 3, minDelta: 0, restoreBestWeights: true)
        let settings = TrainingSettings(epochs: 300, batchSize: 8, optimizer: .adam(learningRate: 0.03),
                                        loss: .categoricalCrossentropy, earlyStopping: stopping)
        let outcome = Self.run([.dense(units: 64, activation: .relu), .dense(units: 2, activation: .softmax)],
                               data: data, validation: validation, classCount: 2, settings: settings, seed: 23)
        #expect(!outcome.diverged)
        #expect(outcome.epochsRun < 300)
        let values = outcome.history.map { monitor.value(in: $0)! }
        let best = monitor.isMaximized ? values.max()! : values.min()!
        let bestIndex = values.firstIndex(of: best)!
        #expect(outcome.epochsRun == bestIndex + 1 + 3)
        let e = evaluate(probabilities: outcome.network.probabilities(for: validation), labels: validation.labels,
                         classCount: 2, positiveClass: nil)
        #expect((monitor == .valLoss ? e.loss : e.accuracy) == best)
        #expect(e.loss == outcome.history[bestIndex].validationLoss)
    }

    @Test func earlyStoppingFollowsKerasRules() {
        func record(_ epoch: Int, _ value: Double) -> EpochRecord {
            EpochRecord(epoch: epoch, trainLoss: value, trainAccuracy: 1 - value, validationLoss: nil, validationAccuracy: nil)
        }
        func stopEpoch(_ values: [Double], _ rule: EarlyStopping) -> Int? {
            var monitor = EarlyStoppingMonitor(rule: rule, parameterCount: 1)
            for (index, value) in values.enumerated()
            where monitor.observe(record(index + 1, value), epochIndex: index, parameters: [Float(index)]) {
                return index + 1
            }
            return nil
        }
        let values = [1.0, 0.9, 0.95, 0.89, 0.88, 0.87, 0.5]
        #expect(stopEpoch(values, EarlyStopping(monitor: .loss, patience: 1)) == 3)
        #expect(stopEpoch(values, EarlyStopping(monitor: .loss, patience: 2)) == nil)
        // minDelta 0.02: 0.89 and 0.88 do not beat 0.9 by more than 0.02; 0.87 does not either (0.87 + 0.02 = 0.89 ≮ 0.9? it is).
        #expect(stopEpoch(values, EarlyStopping(monitor: .loss, patience: 3, minDelta: 0.02)) == 5)
        #expect(stopEpoch(values, EarlyStopping(monitor: .loss, patience: 0)) == 3)
        // Maximising accuracy = 1 − value: same decisions.
        #expect(stopEpoch(values, EarlyStopping(monitor: .accuracy, patience: 1)) == 3)
        // Missing validation metrics are ignored.
        #expect(stopEpoch(values, EarlyStopping(monitor: .valLoss, patience: 0)) == nil)
        var monitor = EarlyStoppingMonitor(rule: EarlyStopping(monitor: .loss, patience: 5, restoreBestWeights: true), parameterCount: 1)
        for (index, value) in values.enumerated() {
            _ = monitor.observe(record(index + 1, value), epochIndex: index, parameters: [Float(index)])
        }
        #expect(monitor.bestParameters == [6] && monitor.bestEpoch == 7)
    }

    @Test func restoreBestWeightsAppliesWithoutStoppingEarly() {
        let data = Fixtures.random(rows: 40, width: 8, classes: 2, seed: 21)
        let validation = Fixtures.random(rows: 60, width: 8, classes: 2, seed: 22)
        let stopping = EarlyStopping(monitor: .valLoss, patience: 1000, restoreBestWeights: true)
        let settings = TrainingSettings(epochs: 15, batchSize: 8, optimizer: .adam(learningRate: 0.03),
                                        loss: .categoricalCrossentropy, earlyStopping: stopping)
        let outcome = Self.run([.dense(units: 64, activation: .relu), .dense(units: 2, activation: .softmax)],
                               data: data, validation: validation, classCount: 2, settings: settings, seed: 23)
        #expect(outcome.epochsRun == 15)
        let best = outcome.history.compactMap(\.validationLoss).min()!
        let e = evaluate(probabilities: outcome.network.probabilities(for: validation), labels: validation.labels,
                         classCount: 2, positiveClass: nil)
        #expect(e.loss == best)
    }

    /// Masks: layer order, row-major, two units per next() (bits 63…40, then 31…8), keep iff u ≥ ⌈rate·2²⁴⌉.
    @Test func dropoutMasksFollowTheDocumentedDrawOrder() {
        let data = Fixtures.random(rows: 6, width: 3, classes: 2, seed: 30)
        var rng = SplitMix64(seed: 31)
        let layers: [LayerSpec] = [.dropout(rate: 0.3), .dense(units: 5, activation: .tanh), .dropout(rate: 0),
                                   .dropout(rate: 0.5), .dense(units: 2, activation: .softmax)]
        let network = Network(inputWidth: 3, layers: layers, rng: &rng)
        let settings = TrainingSettings(epochs: 1, batchSize: 3, optimizer: .sgd(learningRate: 0.5), loss: .categoricalCrossentropy)
        let rows = [4, 0, 5]

        var drawing = Trainer(network: network, settings: settings, classCount: 2)
        var stepRng = SplitMix64(seed: 32)
        let loss = drawing.step(on: data, rows: rows, rng: &stepRng)

        var reference = SplitMix64(seed: 32)
        func flags(count: Int, rate: Double) -> [Float] {
            let threshold = UInt64((Float(rate) * 0x1p24).rounded(.up))
            var draws: [UInt64] = []
            while draws.count < count {
                let word = reference.next()
                draws.append(word >> 40)
                if draws.count < count { draws.append((word >> 8) & 0xFF_FFFF) }
            }
            return draws.map { $0 >= threshold ? 1 : 0 }
        }
        let masks = [flags(count: 9, rate: 0.3), [], flags(count: 15, rate: 0.5)]
        var replaying = Trainer(network: network, settings: settings, classCount: 2)
        let replayed = replaying.step(batch: data.selecting(rows: rows), keepMasks: masks)
        #expect(loss.bitPattern == replayed.bitPattern)
        #expect(bits(drawing.network.parameters) == bits(replaying.network.parameters))
        #expect(stepRng == reference)
        #expect(masks[0].contains(0) && masks[2].contains(0) && masks[2].contains(1))
    }

    @Test func dropoutKeepsAboutOneMinusRate() {
        let settings = TrainingSettings(epochs: 1, batchSize: 1, optimizer: .sgd(), loss: .categoricalCrossentropy)
        // The first kernel row sees only the kept copies of x0 = 1: its gradient counts them.
        let layers: [LayerSpec] = [.dropout(rate: 0.25), .dense(units: 2, activation: .softmax)]
        let network = Network(inputWidth: 4000, layers: layers,
                              parameters: [Float](repeating: 0, count: 4000 * 2 + 2))
        let data = Samples(features: [Float](repeating: 1, count: 4000), rows: 1, width: 4000, labels: [0])
        var trainer = Trainer(network: network, settings: settings, classCount: 2)
        var rng = SplitMix64(seed: 33)
        trainer.step(on: data, rows: [0], rng: &rng)
        let kernel = trainer.network.weights[0].kernel
        let kept = stride(from: 0, to: kernel.count, by: 2).filter { kernel[$0] != 0 }.count
        #expect(abs(Double(kept) / 4000 - 0.75) < 0.03)
    }
}
