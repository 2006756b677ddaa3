import Foundation
import Testing
@testable import RunexpExecution
import RunexpPlan

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
}
