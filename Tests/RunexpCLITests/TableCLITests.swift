import Foundation
import Testing
import RunexpTestSupport

/// A Titanic-style table from the command line: words, empty cells and an id column.
@Suite struct TableCLITests {
    static let csv: String = {
        var lines = ["PassengerId,Survived,Pclass,Sex,Age,Embarked,Fare"]
        for id in 1...120 {
            let female = id % 3 == 0
            let pclass = id % 3 + 1
            let age = id % 6 == 0 ? "" : String(18 + id % 50)
            let embarked = id % 17 == 0 ? "" : ["S", "C", "Q"][id % 3]
            let survived = female || pclass == 1 ? (id % 5 == 0 ? 0 : 1) : (id % 7 == 0 ? 1 : 0)
            lines.append("\(id),\(survived),\(pclass),\(female ? "female" : "male"),\(age),\(embarked),\(Double(id % 40) * 2.5)")
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    static let experiment = """
        name: titanic
        data:
          file: train.csv
          target: Survived
          exclude: [PassengerId]
          columns:
            Sex: categorical
            Pclass: categorical
            Embarked: {type: categorical, missing: most_frequent}
            Age: {missing: median, indicator: true}
          split: {test: 0.2, validation: 0.2}
        model:
          - dense: {units: 8, activation: relu}
          - dense: {units: classes, activation: softmax}
        training: {epochs: 10, batch_size: 8, optimizer: {name: adam, learning_rate: 0.01}}
        search: {repetitions: 2}

        """

    func workspace(experiment: String = Self.experiment) throws -> String {
        try TemporaryDirectory(prefix: "runexp-table-", files: ["train.csv": Self.csv, "exp.yaml": experiment]).path
    }

    @Test func aDeclaredTableRunsAndPlanListsItsInputs() throws {
        let directory = try workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let plan = try RunexpBinary.run(["plan", "exp.yaml", "--no-estimate"], in: directory)
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("5 feature columns (11 inputs)"), "\(plan.stdout)")
        #expect(plan.stdout.contains("inputs: Pclass=1, Pclass=2, Pclass=3, Sex=female, Sex=male, Age, Age (missing), Embarked=C, Embarked=Q, Embarked=S, Fare"))
        let run = try RunexpBinary.run(["exp.yaml", "--quiet", "--out", "out"], in: directory)
        #expect(run.status == 0, "\(run.stderr)")
        let planJSON = try String(contentsOfFile: directory + "/out/titanic/latest/plan.json", encoding: .utf8)
        #expect(planJSON.contains("\"columns\" : [") && planJSON.contains("\"kind\" : \"categorical\""))
    }

    @Test func anIdColumnLeftInIsWarnedAboutAndRuns() throws {
        let directory = try workspace(experiment: Self.experiment.replacingOccurrences(of: "  exclude: [PassengerId]\n", with: ""))
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let output = try RunexpBinary.run(["exp.yaml", "--quiet", "--out", "out"], in: directory)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stderr.contains("train.csv:2:1: warning: feature column 'PassengerId' looks like a row id"), "\(output.stderr)")
    }

    @Test func undeclaredWordsAndGapsAreOneMessagePerColumnAndNoFolder() throws {
        let bare = Self.experiment.components(separatedBy: "\n").filter { !$0.contains("columns:") && !$0.contains("Sex:") && !$0.contains("Pclass:")
            && !$0.contains("Embarked:") && !$0.contains("Age:") }.joined(separator: "\n")
        let directory = try workspace(experiment: bare)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let output = try RunexpBinary.run(["exp.yaml"], in: directory)
        #expect(output.status == 1)
        let errors = output.stderr.split(separator: "\n").filter { $0.contains(": error: ") }
        #expect(errors.count == 3, "\(output.stderr)")
        #expect(errors.contains { $0.hasPrefix("train.csv:2:7: error: feature column 'Sex' holds text in 120 of 120 rows ('male', 'female'), not numbers") })
        #expect(errors.contains { $0.contains("feature column 'Age' has 20 empty cells of 120") })
        #expect(errors.contains { $0.contains("feature column 'Embarked' holds text") })
        #expect(!FileManager.default.fileExists(atPath: directory + "/results"))
    }
}
