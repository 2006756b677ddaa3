import Foundation
import Testing
@testable import RunexpPlan
import RunexpTestSupport

/// Small rules of the experiment language.
@Suite struct ParsingRulesTests {
    static let base = """
        name: rules
        data: {file: d.csv, target: y}
        model:
          - dense: {units: classes, activation: softmax}
        training: {epochs: 2, optimizer: sgd}

        """

    /// The data section is handed over once it is read (so the data can load while cells resolve),
    /// and only when it has no problems; the plan then holds the same data plan.
    @Test func theDataSectionIsHandedOverBeforeTheCells() throws {
        let directory = try TemporaryDirectory(prefix: "runexp-rules-")
        defer { directory.remove() }
        let file = directory.file("e.yaml")
        var handed: [DataPlan] = []
        try Self.base.write(toFile: file, atomically: true, encoding: .utf8)
        let plan = try PlanParser.parse(contentsOf: file) { data, _ in handed.append(data) }
        #expect(handed == [plan.data])
        #expect(handed.first?.path == directory.path + "/d.csv")
        handed = []
        try Self.base.replacingOccurrences(of: "target: y", with: "target: y, standardize: maybe").write(toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: DiagnosticError.self) { try PlanParser.parse(contentsOf: file) { data, _ in handed.append(data) } }
        #expect(handed.isEmpty)
    }

    @Test func defaultsAreFilledIn() throws {
        let plan = try PlanParser.parse(yaml: Self.base, file: "f.yaml", directory: "exp")
        #expect(plan.seed == 0)
        #expect(plan.repetitions == 1)
        #expect(plan.cells.count == 1)
        #expect(plan.data.split == SplitPlan(test: nil, validation: 0.2, folds: nil, stratify: true))
        #expect(plan.data.standardize)
        #expect(plan.data.path == "exp/d.csv")
        let training = plan.cells[0].training
        #expect(training.batchSize == 32)
        #expect(training.optimizer.learningRate == 0.01)
        #expect(training.loss == .categoricalCrossentropy)
        #expect(training.classWeight == .none)
    }

    @Test func unshuffledSplitsAreNotStratifiedAndStoreTheirKey() throws {
        let yaml = Self.base.replacingOccurrences(of: "data: {file: d.csv, target: y}",
                                                  with: "data: {file: d.csv, target: y, split: {validation: 0.2, shuffle: false}}")
        let plan = try PlanParser.parse(yaml: yaml, file: "f.yaml", directory: "exp")
        #expect(plan.data.split == SplitPlan(test: nil, validation: 0.2, folds: nil, stratify: false, shuffle: false))
        let json = String(decoding: try JSONEncoder().encode(plan.data.split), as: UTF8.self)
        #expect(json.contains("\"shuffle\":false"))
        #expect(try JSONDecoder().decode(SplitPlan.self, from: Data(json.utf8)) == plan.data.split)
        // A shuffled split (every plan before the key) stores no shuffle key: plan.json is unchanged.
        let shuffled = SplitPlan(test: 0.2, validation: 0.2, folds: nil, stratify: true)
        let shuffledJSON = String(decoding: try JSONEncoder().encode(shuffled), as: UTF8.self)
        #expect(!shuffledJSON.contains("shuffle"))
        #expect(try JSONDecoder().decode(SplitPlan.self, from: Data(shuffledJSON.utf8)) == shuffled)
    }

    @Test(arguments: [
        ("010", AxisValue.int(10)), ("no", .string("no")), ("off", .string("off")), ("0x1F", .string("0x1F")),
        ("'32'", .string("32")), ("1e-3", .double(0.001)), ("true", .bool(true)), (".5", .double(0.5)),
    ])
    func axisValuesAreReadAsWritten(written: String, value: AxisValue) throws {
        let yaml = Self.base.replacingOccurrences(of: "training: {epochs: 2, optimizer: sgd}",
                                                  with: "training: {epochs: 2, optimizer: sgd, loss: $x}")
            + "search:\n  grid:\n    x: [\(written)]\n"
        let error = #expect(throws: DiagnosticError.self) {
            try PlanParser.parse(yaml: yaml, file: "f.yaml", directory: "")
        }
        // Not a loss, so the plan fails, and the message quotes the value as written.
        let raw = written.trimmingCharacters(in: ["'"])
        #expect(error?.diagnostics.first?.message == "'\(raw)' is not a valid loss")
        #expect(AxisValue(text: written.trimmingCharacters(in: ["'"]), quoted: written.hasPrefix("'")) == value)
    }

    @Test func dollarDollarIsALiteralDollar() throws {
        let yaml = Self.base.replacingOccurrences(of: "training: {epochs: 2, optimizer: sgd}",
                                                  with: "training: {epochs: 2, optimizer: sgd, class_weight: $$balanced}")
        let error = try #require(throws: DiagnosticError.self) {
            try PlanParser.parse(yaml: yaml, file: "f.yaml", directory: "")
        }
        #expect(error.diagnostics.map(\.message) == ["'$balanced' is not a class weighting"])
    }

    @Test(arguments: [("learning_rat", "learning_rate"), ("relu6", "relu"), ("sofmax", "softmax"), ("epoch", "epochs")])
    func didYouMeanFindsNearMisses(typo: String, intended: String) {
        let candidates = ["learning_rate", "relu", "softmax", "epochs", "linear", "momentum"]
        #expect(Suggestions.closest(to: typo, in: candidates) == intended)
    }

    /// Quoted user text never carries a control character to the terminal.
    @Test func excerptsEscapeControlCharacters() {
        #expect(Diagnostic.excerpt("a\rb\u{1B}[31mc\td\u{85}") == "a\\rb\\u{1B}[31mc\\td\\u{85}")
        #expect(Diagnostic.excerpt("x\r\ny") == "x\\r\\ny")
        #expect(Diagnostic.excerpt("é😀") == "é😀")
    }

    @Test func unrelatedWordsGetNoSuggestion() {
        #expect(Suggestions.closest(to: "banana", in: ["relu", "tanh", "linear"]) == nil)
    }

    /// The nearest of the first ``Suggestions/scanned`` candidates, the first of equals; the rest
    /// of a header of millions of columns is not compared.
    @Test func didYouMeanComparesTheFirstScannedCandidates() {
        let filler = (0..<(Suggestions.scanned - 2)).map { "column\($0)" }
        #expect(Suggestions.closest(to: "lable", in: filler + ["label", "lables"]) == "label")
        #expect(Suggestions.closest(to: "lable", in: filler + ["lables", "label"]) == "lables")
        #expect(Suggestions.closest(to: "lable", in: filler + ["xx", "yy", "label"]) == nil)
        #expect(Suggestions.closest(to: "val_acc", in: filler + ["val_accuracy"]) == "val_accuracy")
    }

    @Test func stableIDIgnoresAxisOrderButNotValues() {
        let a = Cell.stableID(for: [AxisAssignment(axis: "a", value: .int(1)), AxisAssignment(axis: "b", value: .string("x"))])
        let b = Cell.stableID(for: [AxisAssignment(axis: "b", value: .string("x")), AxisAssignment(axis: "a", value: .int(1))])
        let c = Cell.stableID(for: [AxisAssignment(axis: "a", value: .string("1")), AxisAssignment(axis: "b", value: .string("x"))])
        #expect(a == b)
        #expect(a != c)
        #expect(a.count == 16)
    }
}
