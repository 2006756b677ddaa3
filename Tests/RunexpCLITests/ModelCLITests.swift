import Foundation
import Testing
import RunexpTestSupport

/// `runexp fit` and `runexp predict` as a user types them: the default model folder, what they
/// print, usage errors (exit 2) and refused input (exit 1) with nothing written.
@Suite struct ModelCLITests {
    @Test func fitThenPredictFromTheCommandLine() throws {
        let directory = try TemporaryDirectory(prefix: "runexp-cli-model-", files: ["exp/data.csv": CLITests.csv, "exp/tiny.yaml": CLITests.experiment])
        defer { directory.remove() }
        let run = try RunexpBinary.run(["exp/tiny.yaml", "--jobs", "2"], in: directory.path)
        try #require(run.status == 0, "\(run.stderr)")
        let fit = try RunexpBinary.run(["fit", "results/tiny"], in: directory.path)
        #expect(fit.status == 0, "\(fit.stderr)")
        #expect(fit.stdout.hasPrefix("Refitted cell ") && fit.stdout.contains(" on 48 train+validation rows for 4 epochs, seed "))
        #expect(fit.stdout.contains("\ntest: test_accuracy "))
        let folder = try #require(fit.stdout.split(separator: "\n").last { $0.hasPrefix("Model: ") }?
            .dropFirst(7).split(separator: " ").first.map(String.init))
        #expect(folder.hasPrefix("models/tiny/"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.file(folder)).sorted() == ["model.json", "model.onnx"])

        let predict = try RunexpBinary.run(["predict", folder, "exp/data.csv", "--proba", "--id", "a"], in: directory.path)
        #expect(predict.status == 0, "\(predict.stderr)")
        #expect(predict.stdout.hasPrefix("a,prediction,probability_B,probability_M\n"))
        #expect(predict.stdout.split(separator: "\n").count == 61)
        #expect(predict.stderr.hasPrefix("metrics on 60 rows: accuracy "))
        let saved = try RunexpBinary.run(["predict", folder, "exp/data.csv", "--out", "predictions.csv"], in: directory.path)
        #expect(saved.status == 0 && saved.stdout.hasSuffix("Predictions: predictions.csv (60 rows)\n"), "\(saved.stdout)\(saved.stderr)")
        #expect(FileManager.default.fileExists(atPath: directory.file("predictions.csv")))
    }

    @Test(arguments: [
        (["fit", "results/tiny", "--rank", "1", "--cell", "abc"], "give --rank or --cell, not both"),
        (["fit", "results/tiny", "--rank", "0"], "--rank starts at 1 (the best cell)"),
        (["fit", "results/tiny", "--on", "everything"], "--on takes train or train+validation, not 'everything'"),
    ])
    func usageErrorsExit2(_ arguments: [String], _ message: String) throws {
        let directory = try TemporaryDirectory(prefix: "runexp-cli-model-")
        defer { directory.remove() }
        let output = try RunexpBinary.run(arguments, in: directory.path)
        #expect(output.status == 2)
        #expect(output.stderr.contains(message), "\(output.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.file("models")))
    }

    @Test func refusedInputExits1AndWritesNothing() throws {
        let directory = try TemporaryDirectory(prefix: "runexp-cli-model-", files: ["rows.csv": "x,y\n1,2\n"])
        defer { directory.remove() }
        let fit = try RunexpBinary.run(["fit", "results/none"], in: directory.path)
        #expect(fit.status == 1 && fit.stderr.contains("results/none"), "\(fit.stderr)")
        let predict = try RunexpBinary.run(["predict", "models/none", "rows.csv", "--out", "out.csv"], in: directory.path)
        #expect(predict.status == 1)
        #expect(predict.stderr == "models/none/model.json: error: no such file; a model folder holds model.json and model.onnx (made by runexp fit)\n")
        #expect(!FileManager.default.fileExists(atPath: directory.file("out.csv")) && !FileManager.default.fileExists(atPath: directory.file("models")))
    }
}
