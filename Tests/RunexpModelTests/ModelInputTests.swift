import Foundation
import Testing
@testable import RunexpModel
import RunexpExecution
import RunexpPlan
import RunexpResults
import RunexpSession
import RunexpTestSupport

/// Every way `fit` and `predict` can be handed something unusable: a clear message naming the
/// file (and line and column), and no model folder or predictions written.
@Suite(.serialized) struct ModelInputTests {
    static let experiment = """
        name: tiny
        seed: 2
        data: {file: data.csv, target: label, split: {test: 0.25, validation: 0.25}}
        model:
          - dense: {units: 4, activation: $activation}
          - dense: {units: classes, activation: softmax}
        training: {epochs: 5, batch_size: 8, optimizer: {name: sgd, learning_rate: $lr}}
        search: {grid: {activation: [relu, linear], lr: [0.1, 10000000]}, repetitions: 1}

        """

    static let csv: String = {
        var lines = ["a,b,label"]
        for row in 0..<48 {
            lines.append("\(Double(row % 2) * 2 + Double(row % 7) / 10),\(Double(row % 5) / 5),\(row % 2 == 1 ? "yes" : "no")")
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    static func run(_ directory: TemporaryDirectory, stopAfter: Int? = nil) async throws -> String {
        let request = RunRequest(experimentFile: directory.file("exp.yaml"), jobs: 1, out: directory.path + "/results",
                                 commandLine: ["runexp", "run"], runexpVersion: "test")
        let done = Counter()
        var events = RunSession.Events()
        events.progress = { _ in done.increment() }
        let outcome = try await RunSession.run(request, events: events, shouldStop: { stopAfter.map { done.value >= $0 } ?? false })
        switch outcome {
        case .finished(let run): return run.folder
        case .interrupted(_, _, let folder): return folder
        default: throw ModelError("unexpected outcome \(outcome)")
        }
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        var value: Int { lock.withLock { count } }
        func increment() { lock.withLock { count += 1 } }
    }

    static func workspace() throws -> TemporaryDirectory {
        try TemporaryDirectory(prefix: "runexp-model-", files: ["data.csv": csv, "exp.yaml": experiment])
    }

    /// The message `body` throws, or nil.
    static func message(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as ModelError {
            return error.description
        } catch {
            return "not a ModelError: \(error)"
        }
    }

    @Test func fitRefusesWhatItCannotRefit() async throws {
        let directory = try Self.workspace()
        defer { directory.remove() }
        let folder = try await Self.run(directory)
        let out = directory.path + "/model"
        #expect(Self.message { _ = try ModelFitter.fit(resultFolder: folder, selection: .rank(9), out: out) }
            == "\(folder): error: there is no rank 9; the folder ranks 4 cells (--rank 1 to 4)")
        let unknown = Self.message { _ = try ModelFitter.fit(resultFolder: folder, selection: .cell("0123456789abcdef"), out: out) }
        #expect(unknown?.hasPrefix("\(folder): error: no cell has id '0123456789abcdef'; cells.csv lists the ids (the best: ") == true)
        // The cells of learning rate 10⁷ diverge: the last ranks are theirs.
        let diverged = Self.message { _ = try ModelFitter.fit(resultFolder: folder, selection: .rank(4), out: out) }
        #expect(diverged?.contains("every run of cell") == true && diverged?.contains("diverged; there is no training to repeat") == true,
                "\(diverged ?? "accepted")")
        #expect(Self.message { _ = try ModelFitter.fit(resultFolder: directory.path + "/nothing", out: out) }?.contains("nothing") == true)
        // The data changed since the run.
        try directory.write("data.csv", Self.csv.replacingOccurrences(of: "0.2,0.2,no", with: "0.3,0.2,no"))
        let changed = Self.message { _ = try ModelFitter.fit(resultFolder: folder, out: out) }
        #expect(changed?.contains("error: the data file changed since the run") == true, "\(changed ?? "accepted")")
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).allSatisfy { !$0.hasPrefix(".model") })
    }

    @Test func fitRefusesACellThatHalvingStopped() async throws {
        let directory = try TemporaryDirectory(prefix: "runexp-model-", files: [
            "data.csv": Self.csv,
            "exp.yaml": Self.experiment.replacingOccurrences(of: "repetitions: 1}", with: "repetitions: 1, strategy: {halving: {min_epochs: 1}}}"),
        ])
        defer { directory.remove() }
        let folder = try await Self.run(directory)
        let out = directory.path + "/model"
        // Rungs at 1, 3 and 5 epochs train 4, then 2, then 1 cell: rank 2 stopped at epoch 3, ranks 3 and 4 at epoch 1.
        let message = Self.message { _ = try ModelFitter.fit(resultFolder: folder, selection: .rank(2), out: out) }
        #expect(message?.hasPrefix("\(folder): error: halving stopped cell ") == true, "\(message ?? "accepted")")
        #expect(message?.hasSuffix("(rank 2) at epoch 3; its runs never trained 5 epochs, so nothing measured a full refit of it. "
                                   + "Fit a cell that reached the last rung (--rank 1 to 1)") == true, "\(message ?? "accepted")")
        #expect(!FileManager.default.fileExists(atPath: out))
        _ = try ModelFitter.fit(resultFolder: folder, selection: .rank(1), out: out)
        #expect(FileManager.default.fileExists(atPath: out + "/model.json"))
    }

    @Test func fitRefusesAnUnfinishedFolder() async throws {
        let directory = try Self.workspace()
        defer { directory.remove() }
        let folder = try await Self.run(directory, stopAfter: 1)
        let message = Self.message { _ = try ModelFitter.fit(resultFolder: folder, out: directory.path + "/model") }
        #expect(message == "\(folder): error: the result folder is not finished (its runs are still in its journal); "
                + "finish it first (runexp run --resume) and fit a finished folder")
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/model"))
    }

    @Test func fitOnTheTrainingRowsAloneKeepsTheirCount() async throws {
        let directory = try Self.workspace()
        defer { directory.remove() }
        let folder = try await Self.run(directory)
        let all = try ModelFitter.fit(resultFolder: folder, out: directory.path + "/all")
        let train = try ModelFitter.fit(resultFolder: folder, rows: .train, out: directory.path + "/train")
        // 36 rows outside the test part; the first repetition validates on 10 of them.
        #expect(all.description.training.rowCount == 36 && train.description.training.rowCount == 26)
        #expect(train.description.training.rows == "train")
        let seeded = try ModelFitter.fit(resultFolder: folder, seed: 99, out: directory.path + "/seeded")
        #expect(seeded.description.training.seed == 99)
    }

    @Test func predictRefusesRowsItCannotRead() async throws {
        let directory = try Self.workspace()
        defer { directory.remove() }
        let folder = try await Self.run(directory)
        let model = try ModelFolder.read(try ModelFitter.fit(resultFolder: folder, out: directory.path + "/model").folder)
        func predict(_ text: String) -> String? {
            let path = try? directory.write("new.csv", text)
            return Self.message { _ = try ModelPredictor.predict(model, dataPath: path ?? "", idColumn: nil) }
        }
        let file = directory.file("new.csv")
        #expect(predict("a,label\n1,yes\n") == "\(file): error: no column 'b', which the model takes as a feature; the file's columns: a, label")
        #expect(predict("a,b\n1,x2\n") == "\(file):2:3: error: 'x2' in column 'b' is not a finite number")
        #expect(predict("a,b\n1,\n") == "\(file):2:3: error: column 'b' is empty here, and the model was trained without empty cells in it "
                + "(no missing: policy); fill the cell")
        #expect(predict("a,b,label\n1,2,maybe\n")?.hasPrefix("\(file):2:5: error: 'maybe' in column 'label' is not one of the model's classes") == true)
        #expect(predict("a,b\n") == "\(file): error: the file has a header but no rows to predict")
        _ = try directory.write("new.csv", "a,b\n1,2\n")
        let noID = Self.message { _ = try ModelPredictor.predict(model, dataPath: file, idColumn: "passenger") }
        #expect(noID?.hasPrefix("\(file): error: no column 'passenger', which the model takes as the --id column") == true, "\(noID ?? "accepted")")
        // With the target, the metrics; the id first.
        let good = try ModelPredictor.predict(model, dataPath: try directory.write("good.csv", "b,a,label,key\n0.2,2.1,yes,k1\n0.4,0.1,no,k2\n"),
                                              idColumn: "key", probabilities: true)
        #expect(good.csv.hasPrefix("key,prediction,probability_no,probability_yes\nk1,"))
        #expect(good.metrics["accuracy"] != nil && good.rows == 2)
    }

    @Test func aDamagedOrNewerModelFolderIsRefused() async throws {
        let directory = try Self.workspace()
        defer { directory.remove() }
        let folder = try await Self.run(directory)
        let path = try ModelFitter.fit(resultFolder: folder, out: directory.path + "/model").folder
        let json = path + "/model.json", onnx = path + "/model.onnx"
        let original = try String(contentsOfFile: json, encoding: .utf8)
        try original.replacingOccurrences(of: "\"formatVersion\" : 1", with: "\"formatVersion\" : 7").write(toFile: json, atomically: true, encoding: .utf8)
        #expect(Self.message { _ = try ModelFolder.read(path) }
            == "\(json): error: model format version 7 is newer than this runexp reads (1); upgrade runexp")
        try original.replacingOccurrences(of: "\"task\"", with: "\"tusk\"").write(toFile: json, atomically: true, encoding: .utf8)
        #expect(Self.message { _ = try ModelFolder.read(path) } == "\(json): error: not a model description runexp wrote: missing key 'task'")
        // Shapes that ask for more than model.onnx holds (10¹² units) are refused before anything is allocated.
        let huge = original.replacingOccurrences(of: "\"units\" : 4", with: "\"units\" : 1000000000000")
        try #require(huge != original)
        try huge.write(toFile: json, atomically: true, encoding: .utf8)
        #expect(Self.message { _ = try ModelFolder.read(path) }
            == "\(onnx): error: its weights do not fit the layers of model.json; the two files are not one model")
        try original.write(toFile: json, atomically: true, encoding: .utf8)
        let weights = try Data(contentsOf: URL(fileURLWithPath: onnx))
        try weights.prefix(weights.count / 2).write(to: URL(fileURLWithPath: onnx))
        #expect(Self.message { _ = try ModelFolder.read(path) }?.hasPrefix("\(onnx): error: not an ONNX model") == true)
        try Data("not protobuf at all".utf8).write(to: URL(fileURLWithPath: onnx))
        let garbage = Self.message { _ = try ModelFolder.read(path) }
        #expect(garbage?.hasPrefix("\(onnx): error:") == true, "\(garbage ?? "accepted")")
        try FileManager.default.removeItem(atPath: onnx)
        #expect(Self.message { _ = try ModelFolder.read(path) }
            == "\(onnx): error: no such file; a model folder holds model.json and model.onnx (made by runexp fit)")
    }

    /// A model trained on a semicolon-separated file reads new rows the same way; a file that is not
    /// UTF-8 is refused by name.
    @Test func predictReadsTheTrainingFilesSeparatorAndRefusesOtherEncodings() async throws {
        let directory = try TemporaryDirectory(prefix: "runexp-model-", files: [
            "data.csv": Self.csv.replacingOccurrences(of: ",", with: ";"),
            "exp.yaml": Self.experiment.replacingOccurrences(of: "target: label,", with: "target: label, delimiter: \";\","),
        ])
        defer { directory.remove() }
        let folder = try await Self.run(directory)
        let model = try ModelFolder.read(try ModelFitter.fit(resultFolder: folder, out: directory.path + "/model").folder)
        #expect(model.description.delimiter == ";")
        let semicolons = try ModelPredictor.predict(model, dataPath: try directory.write("new.csv", "a;b;label\n2.1;0.2;yes\n0.1;0.4;no\n"))
        #expect(semicolons.rows == 2 && semicolons.metrics["accuracy"] != nil)
        let commas = try directory.write("commas.csv", "a,b\n1,2\n")
        #expect(Self.message { _ = try ModelPredictor.predict(model, dataPath: commas) }?.contains("no column 'a', which the model takes as a feature") == true)
        let latin1 = directory.file("latin1.csv")
        try Data([0x61, 0x3B, 0x62, 0x0A, 0xE9, 0x3B, 0x31, 0x0A]).write(to: URL(fileURLWithPath: latin1))
        #expect(Self.message { _ = try ModelPredictor.predict(model, dataPath: latin1) }
            == "\(latin1): error: the file is not UTF-8 text; save it as UTF-8 (the training data was)")
    }
}
