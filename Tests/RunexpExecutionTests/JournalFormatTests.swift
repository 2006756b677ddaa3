import Foundation
import Testing
@testable import RunexpExecution
@testable import RunexpResults
@testable import RunexpPlan
import RunexpKernel

/// The journal's line format is the result folder's, written down here: the JSON keys of a run
/// record belong to RunexpExecution's own types, so no rename elsewhere (the kernel's evaluation
/// or epoch record) can change what a folder holds or what `--resume` and `merge` read.
@Suite struct JournalFormatTests {
    static let record = RunRecord(
        run: RunID(index: 7, cell: 3, repetition: 1, fold: 0), seed: 12_345_678_901_234_567_890, epochsRun: 2, diverged: false,
        validation: PartMetrics(loss: 0.25, accuracy: 0.875, precision: 0.5, recall: 1, f1: 0.625, rocAUC: 0.75),
        test: PartMetrics(loss: 0.5, accuracy: 0.75, precision: nil, recall: nil, f1: nil, rocAUC: nil),
        curve: [CurvePoint(epoch: 1, trainLoss: 0.5, trainAccuracy: 0.625, validationLoss: 0.375, validationAccuracy: 0.75),
                CurvePoint(epoch: 2, trainLoss: 0.25, trainAccuracy: 0.875, validationLoss: nil, validationAccuracy: nil)])

    static let line = #"{"curve":[{"epoch":1,"trainAccuracy":0.625,"trainLoss":0.5,"validationAccuracy":0.75,"validationLoss":0.375},"#
        + #"{"epoch":2,"trainAccuracy":0.875,"trainLoss":0.25}],"diverged":false,"epochsRun":2,"#
        + #""run":{"cell":3,"fold":0,"index":7,"repetition":1},"seed":12345678901234567890,"#
        + #""test":{"accuracy":0.75,"loss":0.5},"#
        + #""validation":{"accuracy":0.875,"f1":0.625,"loss":0.25,"precision":0.5,"recall":1.0,"rocAUC":0.75}}"# + "\n"

    @Test func aRecordIsWrittenAsTheFormatSays() {
        #expect(RunJournal.line(Self.record) == Self.line)
    }

    @Test func theFormatReadsBackAsTheRecord() throws {
        #expect(try JSONDecoder().decode(RunRecord.self, from: Data(Self.line.utf8)) == Self.record)
    }

    /// A halving search's record: the objective at each rung, null where the run had none, between
    /// `run` and `seed` in sorted key order.
    @Test func aHalvingRecordCarriesItsRungs() throws {
        var record = Self.record
        record.rungs = [nil, 0.5, 0.8125]
        let line = RunJournal.line(record)
        #expect(line == Self.line.replacingOccurrences(of: #""repetition":1},"seed""#,
                                                       with: #""repetition":1},"rungs":[null,0.5,0.8125],"seed""#))
        #expect(try JSONDecoder().decode(RunRecord.self, from: Data(line.utf8)) == record)
    }
}

/// The plan's seed derivation (what checks a folder's seeds) is the kernel's (what trains with them).
@Suite struct RunSeedTests {
    @Test func thePlansSeedIsTheKernels() throws {
        var rng = SplitMix64(seed: 99)
        for _ in 0..<10_000 {
            let base = rng.next(), id = rng.next(), repetition = rng.next() % 10_000, fold = rng.next() % 1_000
            #expect(RunSeed.derive(base, [id, repetition, fold]) == deriveSeed(base, id, repetition, fold))
        }
        let plan = try PlanParser.parse(yaml: """
            name: seeds
            seed: 7
            data: {file: d.csv, target: y, split: {folds: 3}}
            model:
              - dense: {units: $units, activation: relu}
              - dense: {units: classes, activation: softmax}
            training: {epochs: 1, optimizer: sgd}
            search:
              grid: {units: [1, 2, 3]}
              repetitions: 2
            """, file: "seeds.yaml", directory: "")
        for run in plan.runs {
            #expect(RunSeed.of(run, in: plan)
                    == deriveSeed(plan.seed, plan.cells[run.cell].idHash, UInt64(run.repetition), UInt64(run.fold)))
        }
    }
}
