import Foundation
import Testing
@testable import RunexpExecution
@testable import RunexpPlan
import RunexpTestSupport

/// Real-world tables: categories, empty cells and delimiters, prepared on each run's training rows only.
@Suite struct DataPreparationTests {
    /// 40 rows: id, a number `x` (empty in every 4th row), a category `c` (a/b, and `z` in row 39
    /// only), a category `e` with empty cells, the label.
    static let csv: String = {
        var lines = ["id,x,c,e,label"]
        for row in 0..<40 {
            let x = row % 4 == 3 ? "" : String(row)
            let c = row == 39 ? "z" : (row % 2 == 0 ? "a" : "b")
            let e = row % 5 == 0 ? "" : (row % 3 == 0 ? "p" : "q")
            lines.append("\(row),\(x),\(c),\(e),\(row % 2 == 0 ? "yes" : "no")")
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    static func experiment(_ data: String, split: String = "{test: 0.25, validation: 0.25}") -> String {
        """
        name: prep
        data:
          file: data.csv
          target: label
          exclude: [id]
          standardize: false
        \(data)
          split: \(split)
        model:
          - dense: {units: classes, activation: softmax}
        training: {epochs: 1, batch_size: 4, optimizer: sgd}

        """
    }

    static let declared = """
          missing: mean
          columns:
            x: {missing: mean, indicator: true}
            c: categorical
            e: {type: categorical, missing: most_frequent}
        """

    static func prepare(_ yaml: String, csv: String = csv) throws -> PreparedExperiment {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("data.csv", csv)
        let plan = try PlanParser.parse(contentsOf: try directory.write("exp.yaml", yaml))
        return try PreparedExperiment.prepare(plan, experimentFile: directory.file("exp.yaml"))
    }

    static func refusal(_ yaml: String, csv: String = csv) throws -> [String] {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("data.csv", csv)
        let error = try #require(throws: DiagnosticError.self) {
            let plan = try PlanParser.parse(contentsOf: try directory.write("exp.yaml", yaml))
            _ = try PreparedExperiment.prepare(plan, experimentFile: directory.file("exp.yaml"))
        }
        return error.diagnostics.map { $0.description.replacingOccurrences(of: directory.path + "/", with: "") }
    }

    @Test func inputsAreNamedAfterTheirEncoding() throws {
        let experiment = try Self.prepare(Self.experiment(Self.declared))
        #expect(experiment.data.inputNames == ["x", "x (missing)", "c=a", "c=b", "c=z", "e=p", "e=q"])
        #expect(experiment.data.inputWidth == 7)
        let category = try Self.prepare(Self.experiment(Self.declared.replacingOccurrences(of: "missing: most_frequent", with: "missing: category")))
        #expect(category.data.inputNames == ["x", "x (missing)", "c=a", "c=b", "c=z", "e=(missing)", "e=p", "e=q"])
        #expect(category.data.inputWidth == 8)
        #expect(experiment.plan.data.column("c")?.kind == .categorical)
    }

    /// The leakage rule: every statistic comes from the run's training rows, none from its
    /// validation or test rows.
    @Test func fillsAndCategoriesComeFromTheTrainingRowsOnly() throws {
        let experiment = try Self.prepare(Self.experiment(Self.declared))
        for run in experiment.plan.runs.prefix(1) {
            let part = experiment.part(for: run)
            let train = part.partition.train
            let trainX = train.filter { $0 % 4 != 3 }.map(Double.init)
            let mean = Float(trainX.reduce(0, +) / Double(trainX.count))
            // e: the training rows' most frequent non-empty category.
            let trainE = train.filter { $0 % 5 != 0 }.map { $0 % 3 == 0 ? "p" : "q" }
            let frequent = trainE.filter { $0 == "p" }.count > trainE.filter { $0 == "q" }.count ? "p" : "q"
            for (samples, rows) in [(part.train, train), (try #require(part.validation), part.partition.validation),
                                    (try #require(part.test), part.partition.test)] {
                for (position, row) in rows.enumerated() {
                    let inputs = Array(samples.features[(position * 7)..<((position + 1) * 7)])
                    #expect(inputs[0] == (row % 4 == 3 ? mean : Float(row)), "row \(row)")
                    #expect(inputs[1] == (row % 4 == 3 ? 1 : 0))
                    let c = row == 39 ? "z" : (row % 2 == 0 ? "a" : "b")
                    let seen = train.contains(39) || c != "z"
                    #expect(inputs[2...4] == (seen ? (c == "a" ? [1, 0, 0] : c == "b" ? [0, 1, 0] : [0, 0, 1]) : [0, 0, 0]), "row \(row)")
                    let e = row % 5 == 0 ? frequent : (row % 3 == 0 ? "p" : "q")
                    #expect(inputs[5...6] == (e == "p" ? [1, 0] : [0, 1]), "row \(row)")
                }
            }
            // Row 39 ('z') is in one part only: where it is not a training row its category is unseen.
            if !train.contains(39) {
                let inTest = part.partition.test.firstIndex(of: 39).map { (part.test, $0) }
                let inValidation = part.partition.validation.firstIndex(of: 39).map { (part.validation, $0) }
                if let (samples, position) = inTest ?? inValidation, let samples {
                    #expect(samples.features[(position * 7 + 2)...(position * 7 + 4)] == [0, 0, 0])
                }
            }
        }
    }

    /// Standardization z-scores numbers on the training rows; one-hot and indicator inputs stay 0/1.
    @Test func onlyNumericInputsAreStandardized() throws {
        let experiment = try Self.prepare(Self.experiment(Self.declared).replacingOccurrences(of: "standardize: false", with: "standardize: true"))
        let part = experiment.part(for: experiment.plan.runs[0])
        let rows = part.train.rows
        let x = (0..<rows).map { Double(part.train.features[$0 * 7]) }
        #expect(abs(x.reduce(0, +) / Double(rows)) < 1e-5)
        for position in 0..<rows {
            for input in 1..<7 { #expect([0, 1].contains(part.train.features[position * 7 + input])) }
        }
    }

    /// A large table's runs read it through a view; its inputs are the copy's, bit for bit, with
    /// empty cells filled and numbers standardized on the training rows. Encoded columns (an
    /// indicator, categories) make a copy.
    @Test func viewedPartsHoldTheCopiedInputs() throws {
        let numeric = Self.experiment("  missing: median\n  exclude: [id, c, e]", split: "{test: 0.25, folds: 3}")
            .replacingOccurrences(of: "  exclude: [id]\n", with: "").replacingOccurrences(of: "standardize: false", with: "standardize: true")
        let experiment = try Self.prepare(numeric)
        for run in experiment.plan.runs {
            let viewed = experiment.part(for: run, viewing: true), copied = experiment.part(for: run, viewing: false)
            for (view, copy) in [(viewed.train, copied.train), (try #require(viewed.validation), try #require(copied.validation)),
                                 (try #require(viewed.test), try #require(copied.test))] {
                #expect(view.view != nil && copy.view == nil)
                #expect(view.labels == copy.labels)
                let all = Array(0..<view.rows)
                #expect(view.selecting(rows: all).features.map { $0.bitPattern } == copy.features.map { $0.bitPattern })
            }
        }
        let encoded = try Self.prepare(Self.experiment(Self.declared))
        #expect(encoded.part(for: encoded.plan.runs[0], viewing: true).train.view == nil)
    }

    @Test func theDelimiterSplitsTheFields() throws {
        let semicolons = Self.csv.replacingOccurrences(of: ",", with: ";")
        let experiment = try Self.prepare(Self.experiment(Self.declared + "\n  delimiter: \";\""), csv: semicolons)
        #expect(experiment.data.inputNames.count == 7)
        let tabs = Self.csv.replacingOccurrences(of: ",", with: "\t")
        #expect(try Self.prepare(Self.experiment(Self.declared + "\n  delimiter: tab"), csv: tabs).data.rows == 40)
        #expect(try Self.refusal(Self.experiment(Self.declared), csv: semicolons) == [
            "data.csv:1:1: error: the header is a single column with a semicolon in it: the fields seem separated by a semicolon, not ','; write data.delimiter: \";\"",
        ])
    }

    @Test(arguments: [
        ("    c: categorical", "    cc: categorical",
         "exp.yaml:10:5: error: data.columns.cc: no column 'cc' in data.csv; did you mean 'c'? valid feature columns: x, c, e"),
        ("    c: categorical", "    id: categorical",
         "exp.yaml:10:5: error: data.columns.id: 'id' is excluded, so it is no feature to declare; remove it from data.columns or from data.exclude"),
        ("    c: categorical", "    label: categorical",
         "exp.yaml:10:5: error: data.columns.label: 'label' is the target column, not a feature; remove it from data.columns"),
        ("    e: {type: categorical, missing: most_frequent}", "    e: {type: categorical, missing: mean}",
         "exp.yaml:11:37: error: data.columns.e.missing: mean does not fit a categorical column; use category, most_frequent or error"),
        ("    c: categorical", "    c: {type: categorical, indicator: true}",
         "exp.yaml:10:39: error: data.columns.c.indicator: a categorical column shows an empty cell as its own category, not an indicator; "
            + "remove indicator, or leave missing at category"),
        ("  missing: mean", "  missing: average",
         "exp.yaml:7:12: error: data.missing: 'average' is not a missing-value policy; valid policies: error, mean, median, constant, most_frequent, category, or {constant: value}"),
        ("  missing: mean", "  missing: category",
         "exp.yaml:7:12: error: data.missing: data.missing applies to numeric columns, and category fits categorical ones only; use error, mean, median, constant or most_frequent"),
        ("    c: categorical", "    c: text",
         "exp.yaml:10:8: error: data.columns.c: 'text' is not a valid column type; valid column types: numeric, categorical"),
    ] as [(String, String, String)])
    func aBadDeclarationIsRefusedWhereItWasWritten(_ find: String, _ replace: String, _ expected: String) throws {
        let yaml = Self.experiment(Self.declared.replacingOccurrences(of: find, with: replace))
        #expect(yaml != Self.experiment(Self.declared))
        let messages = try Self.refusal(yaml)
        #expect(messages == [expected])
    }

    /// A labelled test file is every run's test part; the data file alone is split into training
    /// and validation rows, and the preparation is fitted on those training rows only.
    @Test func aTestFileIsEveryRunsTestPart() throws {
        let lines = Self.csv.split(separator: "\n").map(String.init)
        let train = ([lines[0]] + lines[1...30]).joined(separator: "\n") + "\n"
        let test = ([lines[0]] + lines[31...]).joined(separator: "\n") + "\n"
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("data.csv", train)
        try directory.write("test.csv", test)
        let yaml = Self.experiment(Self.declared + "\n  test_file: test.csv", split: "{validation: 0.25}")
        let plan = try PlanParser.parse(contentsOf: try directory.write("exp.yaml", yaml))
        #expect(plan.data.hasTestPart && plan.objective.metric.description == "val_accuracy")
        let experiment = try PreparedExperiment.prepare(plan, experimentFile: directory.file("exp.yaml"))
        #expect(experiment.data.testRows == 30..<40)
        for run in plan.runs {
            let part = experiment.part(for: run)
            #expect(part.partition.test == Array(30..<40))
            #expect((part.partition.train + part.partition.validation).sorted() == Array(0..<30))
        }
        // Row 39 ('z') is a test row only: its category is unseen in every run.
        let part = experiment.part(for: plan.runs[0])
        let test39 = try #require(part.test)
        #expect(test39.features[(9 * 7 + 2)...(9 * 7 + 4)] == [0, 0, 0])
        #expect(experiment.data.testSHA256?.count == 64)
        // The header must be the data file's.
        try directory.write("test.csv", test.replacingOccurrences(of: "id,x,c,e,label", with: "id,x,c,label,e"))
        let error = try #require(throws: DiagnosticError.self) { try PreparedExperiment.prepare(plan, experimentFile: directory.file("exp.yaml")) }
        #expect(error.diagnostics.map(\.description) == [directory.file("test.csv").replacingOccurrences(of: "//", with: "/")
            + ":1:1: error: the test file's header differs from the data file's: it has the same columns in another order; give both files the same columns in the same order"])
        // A test file of a header alone is named as such (it used to read as a test fraction selecting no rows).
        try directory.write("test.csv", "id,x,c,e,label\n")
        let empty = try #require(throws: DiagnosticError.self) { try PreparedExperiment.prepare(plan, experimentFile: directory.file("exp.yaml")) }
        #expect(empty.diagnostics.map(\.description) == [directory.file("test.csv").replacingOccurrences(of: "//", with: "/")
            + ":2:1: error: the test file has a header but no data rows"])
    }

    @Test func aTestFileAndATestFractionAreRefusedTogether() throws {
        let messages = try Self.refusal(Self.experiment(Self.declared + "\n  test_file: data.csv"))
        #expect(messages == ["exp.yaml:12:14: error: data.test_file: test_file replaces split.test; the experiment has both; remove data.split.test, or data.test_file"])
        let missing = try Self.refusal(Self.experiment(Self.declared + "\n  test_file: nowhere.csv", split: "{validation: 0.25}"))
        #expect(missing == ["exp.yaml:12:14: error: data.test_file: test file 'nowhere.csv' no such file; the path is relative to the experiment file"])
    }

    /// A feature column that looks like a row id is named in a warning, unless excluded or declared.
    @Test func aRowIdColumnIsWarnedAbout() throws {
        #expect(try Self.prepare(Self.experiment(Self.declared)).data.warnings.isEmpty)
        let kept = try Self.prepare(Self.experiment(Self.declared).replacingOccurrences(of: "  exclude: [id]\n", with: ""))
        #expect(kept.data.warnings.count == 1)
        #expect(kept.data.warnings.first?.hasSuffix(":2:1: warning: feature column 'id' looks like a row id (its name ends in 'id'); "
            + "a model that learns from it learns the rows' order: add it to data.exclude, or declare it under data.columns to keep it") == true)
        let renamed = Self.csv.replacingOccurrences(of: "id,x,c,e,label", with: "n,x,c,e,label")
        let counted = try Self.prepare(Self.experiment(Self.declared).replacingOccurrences(of: "  exclude: [id]\n", with: ""), csv: renamed)
        #expect(counted.data.warnings.first?.contains("feature column 'n' looks like a row id (its values count the rows (0, 1, …))") == true)
        let declared = try Self.prepare(Self.experiment(Self.declared + "\n    n: numeric").replacingOccurrences(of: "  exclude: [id]\n", with: ""),
                                        csv: renamed)
        #expect(declared.data.warnings.isEmpty)
    }

    /// One-hot encoding can widen a small table past memory: an id declared categorical is refused
    /// before any run builds its inputs.
    @Test func aCategoricalIdIsRefusedBeforeItFillsMemory() throws {
        let csv = "id,x,label\n" + (0..<12_000).map { "u\($0),\($0 % 7),\($0 % 2)" }.joined(separator: "\n") + "\n"
        let yaml = Self.experiment("  columns:\n    id: categorical").replacingOccurrences(of: "  exclude: [id]\n", with: "")
        #expect(try Self.refusal(yaml, csv: csv) == [
            "exp.yaml:7:5: error: data.columns.id: the prepared data would have 12000 rows × 12001 inputs (column 'id' alone has 12000 categories); "
                + "at most 100000000 (ResourceLimits.inputCells); exclude the column, or leave it numeric; a column of as many categories as rows is an id",
        ])
    }

    /// plan.json keeps the declarations, and reads them back as written.
    @Test func theDeclarationsRoundTripThroughPlanJSON() throws {
        let yaml = Self.experiment(Self.declared.replacingOccurrences(of: "  missing: mean", with: "  missing: {constant: -1.5}") + "\n  delimiter: \";\"")
        let plan = try PlanParser.parse(yaml: yaml, file: "exp.yaml", directory: "")
        #expect(plan.data.missing == .constant(-1.5) && plan.data.delimiter == ";" && plan.data.columns.count == 3)
        let decoded = try JSONDecoder().decode(Plan.self, from: Data(try plan.prettyJSON().utf8))
        #expect(decoded.data == plan.data)
        #expect(decoded.data.column("e") == ColumnPlan(name: "e", kind: .categorical, missing: .mostFrequent))
        #expect(decoded.data.column("x") == ColumnPlan(name: "x", kind: .numeric, missing: .mean, indicator: true))
    }

    @Test func aBadDelimiterIsRefused() throws {
        let messages = try Self.refusal(Self.experiment(Self.declared + "\n  delimiter: \"|\""))
        #expect(messages == ["exp.yaml:12:14: error: data.delimiter: '|' is not a delimiter runexp reads; write \",\", \";\" or \"\\t\" (a tab)"])
    }
}
