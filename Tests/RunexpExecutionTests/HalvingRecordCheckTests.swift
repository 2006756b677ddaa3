import Testing
@testable import RunexpResults
import RunexpPlan

/// A journal line of a halving search is held to the plan's rungs, and a plain plan's to none:
/// a damaged or foreign line is refused with what is wrong, never used.
@Suite struct HalvingRecordCheckTests {
    static func plan(strategy: String?) throws -> Plan {
        try PlanParser.parse(yaml: """
            name: h
            data: {file: d.csv, target: y, split: {validation: 0.2}}
            model:
              - dropout: $x
              - dense: {units: classes, activation: softmax}
            training: {epochs: 9, optimizer: sgd}
            search:
              grid: {x: [0.1, 0.2]}
            \(strategy.map { "  strategy: {\($0)}" } ?? "")
            """, file: "h.yaml", directory: "")
    }

    static func record(_ plan: Plan, epochs: Int, rungs: [Double?]?) -> RunRecord {
        let run = RunID(index: 1, cell: 1, repetition: 0, fold: 0)
        let curve = (0..<epochs).map { CurvePoint(epoch: $0 + 1, trainLoss: 0.5, trainAccuracy: 0.5, validationLoss: 0.5, validationAccuracy: 0.5) }
        return RunRecord(run: run, seed: RunSeed.of(run, in: plan), epochsRun: epochs, diverged: false,
                         validation: PartMetrics(loss: 0.5, accuracy: 0.5, precision: 0.5, recall: 0.5, f1: 0.5, rocAUC: 0.5),
                         test: nil, curve: curve, rungs: rungs)
    }

    @Test func rungsMustFitThePlansStrategy() throws {
        let halving = try Self.plan(strategy: "halving: {min_epochs: 1, factor: 3}")  // rungs at 1, 3, 9
        let check = RunRecordCheck(plan: halving, classCount: 2)
        #expect(check.problem(with: Self.record(halving, epochs: 3, rungs: [0.5, 0.6])) == nil)
        #expect(check.problem(with: Self.record(halving, epochs: 9, rungs: [0.5, 0.6, 0.7])) == nil)
        #expect(check.problem(with: Self.record(halving, epochs: 9, rungs: [0.5, 0.6, 0.7, 0.8]))
            == "run 1 reached rung 3; this plan's rungs are 0...2")
        #expect(check.problem(with: Self.record(halving, epochs: 3, rungs: []))
            == "run 1 has an empty list of rungs; a halving run reaches rung 0 at least")
        #expect(check.problem(with: Self.record(halving, epochs: 5, rungs: [0.5, 0.6]))
            == "run 1 ran 5 epochs; its last rung trains 3")
        #expect(check.problem(with: Self.record(halving, epochs: 9, rungs: nil)) == "run 1 has no rungs; this plan halves its cells")
        let plain = try Self.plan(strategy: nil)
        #expect(RunRecordCheck(plan: plain, classCount: 2).problem(with: Self.record(plain, epochs: 9, rungs: [0.5]))
            == "run 1 has rungs; this plan has no halving strategy")
    }
}
