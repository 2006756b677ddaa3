import Foundation
import Testing
@testable import RunexpModel
import RunexpExecution
import RunexpPlan
import RunexpResults
import RunexpSession
import RunexpTestSupport

/// `fit` and `predict` on five kinds of data (three, thirteen and thirty features; categories with
/// empty cells; a regression) and every layer kind: the same bytes twice, predict reproducing the
/// refit's test metrics, and onnxruntime agreeing with predict on every row.
@Suite(.serialized) struct ModelFitTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        /// The experiment; `DATA` stands for the data file's path.
        var experiment: String
        /// A repository file, or a generated table's text.
        var data: Data
        var description: String { name }

        enum Data: Sendable {
            case repository(String)
            case text(String)
        }
    }

    static let cases: [Case] = [
        Case(name: "iris", experiment: """
            name: iris
            seed: 3
            data: {file: DATA, target: species, split: {test: 0.3, validation: 0.2}}
            model:
              - dense: {units: $units, activation: relu}
              - batch_norm: {momentum: 0.9}
              - dense: {units: classes, activation: softmax}
            training: {epochs: 30, batch_size: 16, optimizer: {name: adam, learning_rate: 0.01}}
            search: {grid: {units: [8, 16]}, repetitions: 1}
            """, data: .repository("Data/iris.csv")),
        Case(name: "wine", experiment: """
            name: wine
            seed: 4
            data: {file: DATA, target: cultivar, split: {test: 0.25, validation: 0.2}}
            model:
              - dense: {units: 16, activation: gelu, initializer: he_normal}
              - layer_norm: {}
              - dropout: 0.1
              - dense: {units: $units, activation: silu}
              - dense: {units: classes, activation: softmax}
            training: {epochs: 25, batch_size: 16, optimizer: {name: rmsprop, learning_rate: 0.003}}
            search: {grid: {units: [8, 12]}, repetitions: 1}
            """, data: .repository("Data/wine.csv")),
        Case(name: "wisconsin", experiment: """
            name: wisconsin
            seed: 5
            data: {file: DATA, target: diagnosis, positive: M, split: {test: 0.2, validation: 0.2}}
            model:
              - dense: {units: 12, activation: elu}
              - dense: {units: 8, activation: selu, initializer: lecun_normal}
              - dense: {units: 8, activation: leaky_relu}
              - dense: {units: 6, activation: softplus}
              - dense: {units: $units, activation: tanh}
              - dense: {units: 1, activation: sigmoid}
            training: {epochs: 20, batch_size: 32, loss: binary_crossentropy, optimizer: {name: adamw, learning_rate: 0.003}}
            search: {grid: {units: [4, 6]}, repetitions: 1}
            """, data: .repository("Data/wisconsin.csv")),
        Case(name: "passengers", experiment: """
            name: passengers
            seed: 6
            data:
              file: DATA
              target: survived
              exclude: [id]
              columns:
                sex: categorical
                port: {type: categorical, missing: most_frequent}
                age: {missing: median, indicator: true}
                class: categorical
              split: {test: 0.25, validation: 0.2}
            model:
              - dense: {units: $units, activation: relu}
              - dense: {units: classes, activation: softmax}
            training: {epochs: 20, batch_size: 16, optimizer: {name: adam, learning_rate: 0.01}}
            search: {grid: {units: [6, 10]}, repetitions: 1}
            """, data: .text(passengers)),
        Case(name: "diabetes", experiment: """
            name: diabetes
            seed: 7
            task: regression
            data: {file: DATA, target: progression, standardize_target: true, split: {test: 0.2, validation: 0.2}}
            model:
              - dense: {units: $units, activation: relu}
              - dense: {units: 1, activation: linear}
            training: {epochs: 30, batch_size: 32, loss: mse, optimizer: {name: adam, learning_rate: 0.01}}
            search: {grid: {units: [8, 16]}, repetitions: 1}
            """, data: .repository("Data/diabetes.csv")),
    ]

    /// A Titanic-like table: an id, two categorical columns (one with empty cells), a class given
    /// as integers, an age with empty cells, a fare; survival depends on sex, class and age.
    static let passengers: String = {
        var lines = ["id,sex,port,age,class,fare,survived"]
        var state: UInt64 = 12345
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / 0x1p53
        }
        for id in 1...240 {
            let female = next() < 0.45
            let ports = ["S", "C", "Q", ""]
            let port = ports[Int(next() * 4)]
            let age = next() < 0.2 ? "" : String(Int(2 + next() * 70))
            let travelClass = 1 + Int(next() * 3)
            let fare = String(format: "%.2f", 5 + next() * 100 / Double(travelClass))
            let chance = (female ? 0.75 : 0.2) + (travelClass == 1 ? 0.15 : 0) - ((Int(age) ?? 30) > 60 ? 0.15 : 0)
            lines.append("\(id),\(female ? "female" : "male"),\(port),\(age),\(travelClass),\(fare),\(next() < chance ? 1 : 0)")
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    /// A workspace with the case's experiment and data, and its finished result folder.
    static func finished(_ testCase: Case) async throws -> (directory: TemporaryDirectory, folder: String, experiment: String) {
        let directory = try TemporaryDirectory()
        let dataPath: String
        switch testCase.data {
        case .repository(let relative): dataPath = RepositoryFiles.path(relative)
        case .text(let text): dataPath = try directory.write("data.csv", text)
        }
        let experiment = try directory.write("exp.yaml", testCase.experiment.replacingOccurrences(of: "DATA", with: dataPath) + "\n")
        let request = RunRequest(experimentFile: experiment, jobs: 2, out: directory.path + "/results",
                                 commandLine: ["runexp", "run"], runexpVersion: "test")
        let outcome = try await RunSession.run(request)
        guard case .finished(let run) = outcome else {
            Issue.record("the run did not finish: \(outcome)")
            throw ModelError("unfinished")
        }
        return (directory, run.folder, experiment)
    }

    /// The rows of the data file at `rows` (indexes into its records), as a CSV with its header.
    static func rows(_ rows: [Int], of dataPath: String) throws -> String {
        let lines = try String(contentsOfFile: dataPath, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        return ([lines[0]] + rows.map { lines[$0 + 1] }).joined(separator: "\n") + "\n"
    }

    @Test(arguments: cases)
    func fitIsDeterministicAndPredictReproducesItsTestMetrics(_ testCase: Case) async throws {
        let (directory, folder, experimentFile) = try await Self.finished(testCase)
        defer { directory.remove() }
        let first = try ModelFitter.fit(resultFolder: folder, out: directory.path + "/model-a")
        let second = try ModelFitter.fit(resultFolder: folder, out: directory.path + "/model-b")
        for file in [ModelFolder.descriptionFile, ModelFolder.onnxFile] {
            let a = try Data(contentsOf: URL(fileURLWithPath: first.folder + "/" + file))
            let b = try Data(contentsOf: URL(fileURLWithPath: second.folder + "/" + file))
            #expect(a == b, "\(testCase.name): \(file) differs between two fits")
        }
        let description = first.description
        #expect(description.training.rows == "train+validation" && !description.testMetrics.isEmpty)
        if testCase.name == "passengers" {
            #expect(description.categoricalFeatures == ["sex", "port", "class"] && description.numericFeatures == ["age", "fare"])
            #expect(description.inputs == ["sex=female", "sex=male", "port=C", "port=Q", "port=S", "age", "age (missing)",
                                           "class=1", "class=2", "class=3", "fare"])
        }

        // The test rows, as fit split them: predict gives the metrics fit printed, to the bit.
        let plan = try PlanParser.parse(contentsOf: experimentFile)
        let experiment = try PreparedExperiment.prepare(plan, experimentFile: experimentFile)
        let (part, _) = experiment.refitPart(validationToo: true)
        #expect(part.train.rows == description.training.rowCount)
        let testCSV = try directory.write("test-rows.csv", try Self.rows(part.partition.test, of: plan.data.path))
        let model = try ModelFolder.read(first.folder)
        let prediction = try ModelPredictor.predict(model, dataPath: testCSV, probabilities: true)
        #expect(prediction.rows == part.partition.test.count)
        for (name, value) in description.testMetrics where name != "test_loss" || description.task == "classification" {
            #expect(prediction.metrics[String(name.dropFirst(5))] == value, "\(testCase.name): \(name) \(value) vs predict's")
        }
    }

    @Test(.enabled(if: ONNXRuntime.available, ONNXRuntime.skipReason), arguments: cases)
    func onnxruntimeAgreesWithPredictOnEveryRow(_ testCase: Case) async throws {
        let (directory, folder, experimentFile) = try await Self.finished(testCase)
        defer { directory.remove() }
        let fitted = try ModelFitter.fit(resultFolder: folder, out: directory.path + "/model")
        let plan = try PlanParser.parse(contentsOf: experimentFile)
        let prediction = try ModelPredictor.predict(try ModelFolder.read(fitted.folder), dataPath: plan.data.path, probabilities: true)
        let predictions = try directory.write("predictions.csv", prediction.csv)
        let output = try ChildProcess.run(ONNXRuntime.python, [ONNXRuntime.script, fitted.folder, plan.data.path, predictions], timeout: 300)
        try #require(output.status == 0, "\(output.stdout)\(output.stderr)")
        let result = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(result["rows"] as? Int == prediction.rows && result["labels_equal"] as? Int == prediction.rows, "\(result)")
        // predict writes six decimals: 5e-7 of rounding, within the 1e-5 the issue asks.
        let tolerance = fitted.description.task == "classification" ? 1e-5 : 1e-3
        #expect((result["max_difference"] as? Double ?? .infinity) <= tolerance, "\(testCase.name): \(result)")
    }
}

/// onnxruntime and onnx in a Python (`.ci/run` installs them in a virtual environment and sets
/// `RUNEXP_ONNX_PYTHON`); the comparison is skipped without them unless `RUNEXP_REQUIRE_TOOLS=1`.
enum ONNXRuntime {
    static let python = ProcessInfo.processInfo.environment["RUNEXP_ONNX_PYTHON"] ?? "/tmp/runexp-peers/venv/bin/python"
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scripts/check_onnx.py").path
    static let skipReason: Comment = "no Python with onnx and onnxruntime at RUNEXP_ONNX_PYTHON; RUNEXP_REQUIRE_TOOLS=1 makes this a failure"
    static let available: Bool = {
        if ProcessInfo.processInfo.environment["RUNEXP_REQUIRE_TOOLS"] == "1" { return true }
        guard FileManager.default.isExecutableFile(atPath: python) else { return false }
        return (try? ChildProcess.run(python, ["-c", "import onnx, onnxruntime, numpy"], timeout: 60).status) == 0
    }()
}
