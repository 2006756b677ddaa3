import Foundation
import Testing
import RunexpTestSupport

/// A regression experiment from the command line: the run, its folder read back by `report` and
/// `diff` (where a lower rmse is better), and every misuse refused with exit 1 and no folder.
@Suite struct RegressionCLITests {
    /// y = 3·a − 2·b + 50 plus a little deterministic wobble, 80 rows.
    static let csv: String = {
        var lines = ["a,b,y"]
        for row in 0..<80 {
            let a = Double(row % 9) / 2, b = Double(row % 7) / 3
            lines.append("\(a),\(b),\(3 * a - 2 * b + 50 + Double(row % 5) / 10)")
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    static let experiment = """
        name: reg
        task: regression
        seed: 1
        data:
          file: data.csv
          target: y
          split: {test: 0.2, validation: 0.25}
        model:
          - dense: {units: $units, activation: relu}
          - dense: {units: 1, activation: linear}
        training:
          epochs: 30
          batch_size: 8
          optimizer: {name: adam, learning_rate: $lr}
          loss: mse
        search:
          grid:
            units: [4, 8]
            lr: [0.03, 0.00001]
          repetitions: 4
          objective: {metric: val_rmse, goal: minimize}

        """

    func workspace(csv: String = Self.csv, experiment: String = Self.experiment) throws -> String {
        try TemporaryDirectory(prefix: "runexp-reg-", files: ["data.csv": csv, "exp.yaml": experiment]).path
    }

    @Test func aRegressionRunsReportsAndDiffsWithLowerRMSEBetter() throws {
        let directory = try workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let output = try RunexpBinary.run(["exp.yaml", "--out", "a", "--jobs", "2"], in: directory)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("Best cells by val_rmse (minimize):"))
        let folder = directory + "/a/reg/latest"
        let runs = try String(contentsOfFile: folder + "/runs.csv", encoding: .utf8)
        #expect(runs.hasPrefix("run,cell,cell_id,units,lr,repetition,fold,seed,epochs_run,diverged,"
                               + "val_loss,val_rmse,val_mae,val_r2,test_loss,test_rmse,test_mae,test_r2\n"))
        let curves = try String(contentsOfFile: folder + "/curves.csv", encoding: .utf8)
        #expect(curves.hasPrefix("run,cell_id,repetition,fold,epoch,train_loss,val_loss,val_rmse\n"))
        // The last epoch's validation RMSE is the run's val_rmse (no early stopping here).
        let lastPoint = try #require(curves.split(separator: "\n").first { $0.hasPrefix("0,") && $0.split(separator: ",")[4] == "30" })
        let firstRun = try #require(runs.split(separator: "\n").dropFirst().first)
        #expect(lastPoint.split(separator: ",")[7] == firstRun.split(separator: ",")[11])
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/summary.json")))
            as? [String: Any])
        #expect(summary["classes"] as? [String] == [])
        // The learning rate that learns wins, and its rmse is in y's units (y spans about 45…64).
        let best = try #require(summary["best"] as? [String: Any])
        #expect((best["values"] as? [String: Any])?["lr"] as? Double == 0.03)
        let rmse = try #require(((best["metrics"] as? [String: Any])?["test_rmse"] as? [String: Any])?["mean"] as? Double)
        #expect(rmse > 0 && rmse < 5, "test rmse \(rmse)")

        // The best cell's predictions of the test rows: 16 rows × 4 repetitions, numbers in y's units.
        let predictions = try String(contentsOfFile: folder + "/predictions.csv", encoding: .utf8).split(separator: "\n")
        #expect(predictions.first == "cell_id,run,repetition,fold,part,row,actual,predicted" && predictions.count == 1 + 16 * 4)
        // `report` redraws the same report from the folder.
        let html = try String(contentsOfFile: folder + "/report.html", encoding: .utf8)
        let report = try RunexpBinary.run(["report", "a/reg/latest"], in: directory)
        #expect(report.status == 0, "\(report.stderr)")
        #expect(try String(contentsOfFile: folder + "/report.html", encoding: .utf8) == html)

        // --jobs 1 writes the same folder.
        let one = try RunexpBinary.run(["exp.yaml", "--out", "one", "--jobs", "1", "--quiet"], in: directory)
        #expect(one.status == 0)
        for name in ["runs.csv", "cells.csv", "curves.csv", "summary.json", "plan.json", "predictions.csv", "plots/predictions.svg"] {
            #expect(FileManager.default.contents(atPath: folder + "/" + name) == FileManager.default.contents(atPath: directory + "/one/reg/latest/" + name),
                    "\(name) differs between --jobs 2 and --jobs 1")
        }

        // B trains 2 epochs instead of 30: its rmse is higher, which is worse.
        try Self.experiment.replacingOccurrences(of: "epochs: 30", with: "epochs: 2")
            .write(toFile: directory + "/exp.yaml", atomically: true, encoding: .utf8)
        #expect(try RunexpBinary.run(["exp.yaml", "--out", "b", "--quiet"], in: directory).status == 0)
        let diff = try RunexpBinary.run(["diff", "a/reg/latest", "b/reg/latest", "--fail-on-regression"], in: directory)
        #expect(diff.status == 4, "\(diff.stdout)\(diff.stderr)")
        let last = try #require(diff.stdout.split(separator: "\n").last)
        #expect(last.hasPrefix("best val_rmse ") && last.hasSuffix(", worse"), "\(last)")
        let back = try RunexpBinary.run(["diff", "b/reg/latest", "a/reg/latest", "--fail-on-regression"], in: directory)
        #expect(back.status == 0, "\(back.stdout)\(back.stderr)")
        #expect(back.stdout.split(separator: "\n").last?.hasSuffix(", better") == true)
    }

    @Test(arguments: [
        ("a classification of measurements", "task: regression\n", "",
         "data.csv:3:24: error: '50.93333333333334' in target column 'y' is not a whole number: the column holds measurements, not class labels; set task: regression"),
        ("a cross-entropy loss", "loss: mse", "loss: categorical_crossentropy",
         "exp.yaml:15:9: error: training.loss: categorical_crossentropy is a classification loss, and this is a regression task; use one of: mse, mae, huber"),
        ("a softmax output", "{units: 1, activation: linear}", "{units: 1, activation: softmax}",
         "exp.yaml:10:5: error: model[1]: a regression net's output cannot be softmax"),
        ("a classification metric", "metric: val_rmse, goal: minimize", "metric: val_accuracy",
         "exp.yaml:21:23: error: search.objective.metric: val_accuracy is a classification metric, and this is a regression task"),
    ])
    func misuseExitsOneWithALocatedMessageAndWritesNothing(name: String, from: String, to: String, message: String) throws {
        var experiment = Self.experiment.replacingOccurrences(of: from, with: to)
        if name == "a classification of measurements" {
            experiment = experiment.replacingOccurrences(of: "{units: 1, activation: linear}", with: "{units: classes, activation: softmax}")
                .replacingOccurrences(of: "loss: mse", with: "loss: categorical_crossentropy")
                .replacingOccurrences(of: "metric: val_rmse, goal: minimize", with: "metric: val_accuracy")
        }
        let directory = try workspace(experiment: experiment)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let output = try RunexpBinary.run(["exp.yaml"], in: directory)
        #expect(output.status == 1)
        #expect(output.stderr.hasPrefix(message), "\(output.stderr)")
        #expect(!output.stderr.contains("Fatal error"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/results"))
    }

    /// `plan` estimates a regression's time by drawing its report from stand-in runs (that once
    /// looped forever on a heatmap of values equal but for the last bits).
    @Test func planDescribesTheTargetAndEstimatesTheTime() throws {
        let directory = try workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let output = try RunexpBinary.run(["plan", "exp.yaml"], in: directory)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("regression target y from "), "\(output.stdout)")
        #expect(output.stdout.contains("standardized on each run's training rows"))
        #expect(output.stdout.contains("objective: minimize val_rmse"))
        #expect(output.stdout.contains("estimated wall time: "))
    }

    @Test func aMissingTargetIsRefusedAtItsCSVCell() throws {
        var lines = Self.csv.split(separator: "\n").map(String.init)
        lines[2] = "0.5,0.25,"  // line 3 of the file
        let csv = lines.joined(separator: "\n") + "\n"
        let directory = try workspace(csv: csv)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let output = try RunexpBinary.run(["exp.yaml"], in: directory)
        #expect(output.status == 1)
        #expect(output.stderr.hasPrefix("data.csv:3:10: error: empty target in target column 'y'"), "\(output.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/results"))
    }
}
