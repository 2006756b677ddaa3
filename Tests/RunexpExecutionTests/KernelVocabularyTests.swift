import Foundation
import RunexpKernel
import RunexpPlan
import Testing
@testable import RunexpExecution
@testable import RunexpResults

/// The plan and the kernel spell their vocabulary the same way, case for case (the mappings are
/// exhaustive switches; this holds each case to its namesake).
@Suite struct KernelVocabularyTests {
    @Test func everyPlanNameMapsToTheKernelsNamesake() {
        #expect(ActivationName.allCases.map { Activation($0).rawValue } == ActivationName.allCases.map(\.rawValue))
        #expect(LossName.allCases.map { LossKind($0, huberDelta: nil).name } == LossName.allCases.map(\.rawValue))
        #expect(LossName.allCases.map { LossKind($0, huberDelta: nil).isRegression } == LossName.allCases.map { $0.task == .regression })
        #expect(MonitorName.allCases.map { MonitoredMetric($0).rawValue } == MonitorName.allCases.map(\.rawValue))
        #expect(Set(Activation.allCases.map(\.rawValue)) == Set(ActivationName.allCases.map(\.rawValue)))
    }

    @Test func huberKeepsItsDelta() {
        #expect(LossKind(.huber, huberDelta: 0.25) == .huber(delta: 0.25))
        #expect(LossKind(.huber, huberDelta: nil) == .huber(delta: 1))
    }

    /// The result folder knows the kernel's code paths by name, to tell a damaged journal header
    /// from one started on another machine.
    @Test func theFolderKnowsTheKernelsCodePaths() {
        #expect(JournalHeader.kernelCodePaths == kernelCodePaths)
        #expect(JournalHeader.kernelCodePaths.contains(TrainingKernel.codePath))
    }

    @Test func optimizersKeepTheirOwnSettings() {
        #expect(OptimizerSpec(.sgd(learningRate: 0.5, momentum: 0.9, nesterov: true))
                == .sgd(learningRate: 0.5, momentum: 0.9, nesterov: true))
        #expect(OptimizerSpec(.adam(learningRate: 0.002, beta1: 0.8, beta2: 0.99, epsilon: 1e-8))
                == .adam(learningRate: 0.002, beta1: 0.8, beta2: 0.99, epsilon: 1e-8))
    }

    /// plan.json keeps the flat object the optimizer struct had: every key, the other optimizer's
    /// at its defaults; reading refuses an object that mixes the two.
    @Test func theOptimizerIsStoredAsBeforeAndReadBack() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let sgd = String(decoding: try encoder.encode(OptimizerPlan.sgd(learningRate: 0.1, momentum: 0.5)), as: UTF8.self)
        #expect(sgd == #"{"beta1":0.9,"beta2":0.999,"epsilon":1e-07,"learningRate":0.1,"momentum":0.5,"name":"sgd","nesterov":false}"#)
        for plan in [OptimizerPlan.sgd(learningRate: 0.1, momentum: 0.5, nesterov: true), .adam(learningRate: 0.01, beta1: 0.5)] {
            #expect(try JSONDecoder().decode(OptimizerPlan.self, from: try encoder.encode(plan)) == plan)
        }
        let mixed = #"{"beta1":0.5,"beta2":0.999,"epsilon":1e-07,"learningRate":0.1,"momentum":0,"name":"sgd","nesterov":false}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(OptimizerPlan.self, from: Data(mixed.utf8)) }
    }

    /// AdamW's weight decay reaches the kernel decoupled, every other optimizer's as an L2 term.
    @Test func weightDecayIsDecoupledForAdamWOnly() {
        for name in OptimizerName.allCases {
            let training = TrainingPlan(epochs: 1, batchSize: 8, optimizer: .defaults(name), loss: .categoricalCrossentropy,
                                        classWeight: .none, earlyStopping: nil, weightDecay: 0.01)
            let settings = TrainingSettings(training, classWeights: [])
            #expect(settings.weightDecay == (name == .adamw ? .decoupled(0.01) : .l2(0.01)), "\(name)")
            #expect(settings.optimizer.learningRate == training.optimizer.learningRate)
        }
        let none = TrainingPlan(epochs: 1, batchSize: 8, optimizer: .defaults(.adamw), loss: .categoricalCrossentropy,
                                classWeight: .none, earlyStopping: nil)
        #expect(TrainingSettings(none, classWeights: []).weightDecay == nil)
        #expect(TrainingSettings(none, classWeights: []).schedule == .constant)
        var scheduled = none
        scheduled.schedule = .cosine(warmupEpochs: 2, minFactor: 0.1)
        scheduled.clipNorm = 0.5
        #expect(TrainingSettings(scheduled, classWeights: []).schedule == .cosine(warmupEpochs: 2, minFactor: 0.1))
        #expect(TrainingSettings(scheduled, classWeights: []).clipNorm == 0.5)
        scheduled.labelSmoothing = 0.1
        #expect(TrainingSettings(scheduled, classWeights: []).labelSmoothing == 0.1)
        #expect(TrainingSettings(none, classWeights: []).labelSmoothing == 0)
    }
}
