import Foundation
import Testing
import RunexpTestSupport

/// Runs the built `runexp` binary and checks stdout, stderr, the exit code and the files it leaves.
@Suite struct CLITests {
    /// A new temporary folder holding `exp/data.csv` and `exp/tiny.yaml`; removed by the caller.
    func workspace(csv: String = Self.csv, experiment: String = Self.experiment) throws -> String {
        try TemporaryDirectory(prefix: "runexp-cli-", files: ["exp/data.csv": csv, "exp/tiny.yaml": experiment]).path
    }

    static let csv: String = {
        var lines = ["a,b,label"]
        for row in 0..<60 {
            let label = row % 2
            lines.append("\(Double(label) * 2 + Double(row % 7) / 10),\(Double(row % 5) / 5),\(label == 1 ? "M" : "B")")
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    static let experiment = """
        name: tiny
        data:
          file: data.csv
          target: label
          split: {test: 0.2, validation: 0.25}
        model:
          - dense: {units: $units, activation: relu}
          - dense: {units: classes, activation: softmax}
        training:
          epochs: 4
          batch_size: 8
          optimizer: {name: adam, learning_rate: 0.01}
        search:
          grid:
            units: [2, 4]
          repetitions: 2

        """

    func resultFiles(_ folder: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        // provenance.json and report.html (which shows the provenance) differ between runs.
        for name in try FileManager.default.contentsOfDirectory(atPath: folder)
        where name != "provenance.json" && name != "report.html" && name != "plots" {
            files[name] = FileManager.default.contents(atPath: folder + "/" + name)
        }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder + "/plots")) ?? [] {
            files["plots/" + name] = FileManager.default.contents(atPath: folder + "/plots/" + name)
        }
        return files
    }

    @Test func runWritesAResultFolderAndPrintsTheBestCells() throws {
        let directory = try workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let output = try RunexpBinary.run(["exp/tiny.yaml", "--jobs", "2"], in: directory)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("Best cells by val_accuracy (maximize):"))
        #expect(output.stdout.contains("rank  units  val_accuracy (mean ± sd)"))
        let folder = try #require(output.stdout.split(separator: "\n").last { $0.hasPrefix("Results: ") }?.dropFirst(9))
        let files = try FileManager.default.contentsOfDirectory(atPath: directory + "/" + folder).sorted()
        #expect(files == ["cells.csv", "curves.csv", "experiment.yaml", "plan.json", "plots", "predictions.csv", "provenance.json",
                          "report.html", "runs.csv", "summary.json"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/" + folder + "/plots").sorted()
            == ["curves.svg", "effects.svg", "parallel.svg", "predictions.svg"])
        #expect(output.stdout.contains("Axis effects on val_accuracy (share of the variance of "))
        #expect(output.stdout.contains("Report: \(folder)/report.html\n"))
        #expect(FileManager.default.fileExists(atPath: directory + "/results/tiny/latest/runs.csv"))
        #expect(folder.hasPrefix("results/tiny/"))
        #expect(folder.hasSuffix("_nogit"))
        let provenance = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: directory + "/" + folder + "/provenance.json"))) as? [String: Any])
        for key in ["runexp_version", "swift_version", "kernel", "kernel_instructions", "git", "experiment_file", "experiment_sha256", "plan_sha256", "data_sha256",
                    "host", "os", "cpu", "cores", "jobs", "command_line", "resumed_runs", "started", "finished", "wall_seconds"] {
            #expect(provenance[key] != nil, "provenance.json lacks \(key)")
        }
        #expect((provenance["data_sha256"] as? [String: String])?["exp/data.csv"]?.count == 64)
        #expect((provenance["git"] as? [String: Any])?["commit"] == nil)
    }

    @Test func jobsOneAndTwoWriteIdenticalFolders() throws {
        let directory = try workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let one = try RunexpBinary.run(["run", "exp/tiny.yaml", "--jobs", "1", "--out", "one", "--quiet"], in: directory)
        let two = try RunexpBinary.run(["run", "exp/tiny.yaml", "--jobs", "2", "--out", "two", "--quiet"], in: directory)
        #expect(one.status == 0 && two.status == 0)
        let a = try resultFiles(directory + "/one/tiny/latest")
        let b = try resultFiles(directory + "/two/tiny/latest")
        #expect(a.count == 11)
        #expect(a == b)
    }

    @Test(arguments: [
        ("unknown key", "  optimizer: {name: adam, learning_rate: 0.01}", "  optimizer: {name: adam, learning_rat: 0.01}",
         "exp/tiny.yaml:12:27: error: training.optimizer.learning_rat: unknown key; did you mean 'learning_rate'?"),
        ("undefined axis", "{units: $units, activation: relu}", "{units: $unit, activation: relu}",
         "exp/tiny.yaml:7:20: error: model[0].dense.units: '$unit' is not an axis; did you mean 'units'?"),
        ("missing data file", "file: data.csv", "file: missing.csv",
         "exp/tiny.yaml:3:9: error: data.file: data file 'exp/missing.csv' no such file"),
        ("missing target column", "target: label", "target: labels",
         "exp/tiny.yaml:4:11: error: data.target: no column 'labels' in exp/data.csv; did you mean 'label'?"),
    ])
    func badExperimentExitsOneWithALocatedMessageAndWritesNothing(name: String, from: String, to: String, message: String) throws {
        let directory = try workspace(experiment: Self.experiment.replacingOccurrences(of: from, with: to))
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let output = try RunexpBinary.run(["exp/tiny.yaml"], in: directory)
        #expect(output.status == 1)
        #expect(output.stderr.hasPrefix(message), "\(output.stderr)")
        #expect(!output.stderr.contains("Fatal error"))
        #expect(output.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: directory + "/results"))
    }

    @Test func nonNumericFeatureCellIsReportedAtItsCSVPosition() throws {
        let csv = Self.csv.replacingOccurrences(of: "\n2.1,0.6,M\n", with: "\n2.1,n/a,M\n")
        #expect(csv != Self.csv)
        let directory = try workspace(csv: csv)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let output = try RunexpBinary.run(["exp/tiny.yaml"], in: directory)
        #expect(output.status == 1)
        #expect(output.stderr.hasPrefix("exp/data.csv:45:5: error: feature column 'b' holds text in 1 of 60 rows ('n/a'), not numbers; "
                                        + "declare it a category under data.columns — b: categorical"), "\(output.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/results"))
    }

    /// Training starts before the folder exists (its name waits for git); a folder that cannot be
    /// made still stops the run with the old message and exit code, and nothing is left behind.
    @Test func anUnwritableResultsLocationStopsTheRun() throws {
        let directory = try workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "not a folder".write(toFile: directory + "/taken", atomically: true, encoding: .utf8)
        let output = try RunexpBinary.run(["exp/tiny.yaml", "--out", "taken", "--quiet"], in: directory)
        #expect(output.status == 3)
        #expect(output.stderr.hasPrefix("error: cannot create a result folder under 'taken/tiny'"), "\(output.stderr)")
        #expect(try String(contentsOfFile: directory + "/taken", encoding: .utf8) == "not a folder")
        #expect(output.stdout.isEmpty)
    }

    @Test func missingExperimentFileExitsOne() throws {
        let directory = try workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let output = try RunexpBinary.run(["exp/nope.yaml"], in: directory)
        #expect(output.status == 1)
        #expect(output.stderr.hasPrefix("exp/nope.yaml: error: no such file"), "\(output.stderr)")
    }

    @Test(arguments: [["run", "exp/tiny.yaml", "--jobs", "0"], ["run"], ["run", "exp/tiny.yaml", "--bogus"]])
    func usageErrorsExitTwo(arguments: [String]) throws {
        let directory = try workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let output = try RunexpBinary.run(arguments, in: directory)
        #expect(output.status == 2)
        #expect(output.stderr.contains("Error:"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/results"))
    }

    @Test func validatePrintsNothingForAGoodFileAndErrorsForABadOne() throws {
        let directory = try workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "name: Bad\n".write(toFile: directory + "/exp/bad.yaml", atomically: true, encoding: .utf8)
        let good = try RunexpBinary.run(["validate", "exp/tiny.yaml"], in: directory)
        #expect(good.status == 0)
        #expect(good.stdout.isEmpty && good.stderr.isEmpty)
        let bad = try RunexpBinary.run(["validate", "exp/tiny.yaml", "exp/bad.yaml"], in: directory)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("exp/bad.yaml:1:7: error: name: 'Bad' is not a valid name"))
        #expect(!bad.stderr.contains("exp/tiny.yaml"))
    }

    @Test func planShowsCellsAndRuns() throws {
        let directory = try workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let output = try RunexpBinary.run(["plan", "exp/tiny.yaml"], in: directory)
        #expect(output.status == 0)
        #expect(output.stdout.contains("cells: 2\n"))
        #expect(output.stdout.contains("runs: 4 (2 cells × 2 repetitions)\n"))
        #expect(output.stdout.contains("estimated wall time: "))
        #expect(output.stdout.contains("\nfirst cell (units=2):\nmodel: input → dense 2 relu → dense classes softmax\noptimizer: adam, learning rate 0.01, β1 0.9, β2 0.999, ε 1e-07\ntraining: 4 epochs, batch size 8, categorical_crossentropy\n"), "\(output.stdout)")
        let json = try RunexpBinary.run(["plan", "exp/tiny.yaml", "--format", "json"], in: directory)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((object?["cells"] as? [Any])?.count == 2)
    }

    /// `runexp validate` over the whole invalid corpus prints exactly the planted diagnostics,
    /// each at its line and column, and exits 1.
    @Test func validateReportsEveryPlantedErrorOfTheInvalidCorpus() throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("RunexpPlanTests/Fixtures/invalid")
        let files = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files.count >= 40)
        let output = try RunexpBinary.run(["validate"] + files, in: corpus.path)
        #expect(output.status == 1)
        #expect(output.stdout.isEmpty)
        let printed = output.stderr.split(separator: "\n").filter { $0.contains(": error: ") && $0.hasSuffix(".yaml") == false }
            .filter { line in files.contains { line.hasPrefix($0 + ":") } }.map(String.init)
        var expected: [String] = []
        for file in files {
            let text = try String(contentsOf: corpus.appendingPathComponent(file), encoding: .utf8)
            expected += text.split(separator: "\n").filter { $0.hasPrefix("# expect: ") }.map { "\(file):" + $0.dropFirst(10) }
        }
        #expect(printed == expected)
    }
}

