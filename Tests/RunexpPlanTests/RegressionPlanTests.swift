import Foundation
import Testing
@testable import RunexpPlan

/// `task: regression` in the experiment language: its defaults, and every misuse refused where it
/// was written with what would fit.
@Suite struct RegressionPlanTests {
    static let base = """
        name: reg
        task: regression
        data: {file: d.csv, target: y}
        model:
          - dense: {units: 8, activation: relu}
          - dense: {units: 1, activation: linear}
        training: {epochs: 2, optimizer: adam}

        """

    static func parse(_ yaml: String) throws -> Plan {
        try PlanParser.parse(yaml: yaml, file: "r.yaml", directory: "")
    }

    /// The one diagnostic `yaml` gets, as printed (`r.yaml:line:column: error: …`).
    static func refusal(_ yaml: String) throws -> String {
        let error = try #require(throws: DiagnosticError.self) { try parse(yaml) }
        #expect(error.diagnostics.count == 1, "\(error.diagnostics)")
        return error.diagnostics.first?.description ?? ""
    }

    @Test func regressionDefaultsFollowTheTask() throws {
        let plan = try Self.parse(Self.base)
        #expect(plan.task == .regression)
        #expect(plan.cells[0].training.loss == .mse)
        #expect(plan.cells[0].training.huberDelta == nil)
        #expect(plan.objective == Objective(metric: MetricName(split: .val, kind: .rmse), goal: .minimize))
        #expect(plan.data.split.stratify == false)
        #expect(plan.data.standardizeTarget == true)
        #expect(plan.task(classCount: 0) == .regression)
        let classification = try Self.parse(Self.base.replacingOccurrences(of: "task: regression\n", with: "")
            .replacingOccurrences(of: "{units: 1, activation: linear}", with: "{units: classes, activation: softmax}"))
        #expect(classification.task == .classification && classification.data.standardizeTarget == nil)
        #expect(classification.data.split.stratify && classification.cells[0].training.loss == .categoricalCrossentropy)
    }

    @Test func huberTakesItsDeltaAndTheOtherKeysTheirValues() throws {
        let huber = try Self.parse(Self.base.replacingOccurrences(of: "optimizer: adam}", with: "optimizer: adam, loss: {huber: {delta: 0.5}}}"))
        #expect(huber.cells[0].training.loss == .huber && huber.cells[0].training.huberDelta == 0.5)
        let plain = try Self.parse(Self.base.replacingOccurrences(of: "optimizer: adam}", with: "optimizer: adam, loss: huber}"))
        #expect(plain.cells[0].training.huberDelta == 1)
        let mae = try Self.parse(Self.base.replacingOccurrences(of: "optimizer: adam}", with: "optimizer: adam, loss: mae}")
            .replacingOccurrences(of: "target: y}", with: "target: y, standardize_target: false}")
            + "search: {objective: {metric: val_r2}}\n")
        #expect(mae.cells[0].training.loss == .mae && mae.data.standardizeTarget == false)
        #expect(mae.objective.goal == .maximize)
    }

    /// plan.json names the task only for regression, so classification plans keep their bytes.
    @Test func planJSONNamesTheTaskOnlyForRegression() throws {
        let regression = try Self.parse(Self.base)
        let json = try regression.prettyJSON()
        #expect(json.contains("\"task\" : \"regression\"") && json.contains("\"standardizeTarget\" : true"))
        let decoded = try JSONDecoder().decode(Plan.self, from: Data(json.utf8))
        #expect(decoded.task == .regression && decoded.data.standardizeTarget == true)
        var classification = regression
        classification.task = .classification
        classification.data.standardizeTarget = nil
        let text = try classification.prettyJSON()
        #expect(!text.contains("task") && !text.contains("standardizeTarget"))
        #expect(try JSONDecoder().decode(Plan.self, from: Data(text.utf8)).task == .classification)
    }

    @Test(arguments: [
        ("optimizer: adam}", "optimizer: adam, loss: categorical_crossentropy}",
         "r.yaml:7:46: error: training.loss: categorical_crossentropy is a classification loss, and this is a regression task; use one of: mse, mae, huber"),
        ("{units: 1, activation: linear}", "{units: 1, activation: softmax}",
         "r.yaml:6:5: error: model[1]: a regression net's output cannot be softmax: it squashes the prediction into (0, 1); end the model with - dense: {units: 1, activation: linear}"),
        ("{units: 1, activation: linear}", "{units: 1, activation: sigmoid}",
         "r.yaml:6:5: error: model[1]: a regression net's output cannot be sigmoid: it squashes the prediction into (0, 1); end the model with - dense: {units: 1, activation: linear}"),
        ("{units: 1, activation: linear}", "{units: 3, activation: linear}",
         "r.yaml:6:5: error: model[1]: mse needs a last layer of one unit, the predicted value; end the model with - dense: {units: 1, activation: linear}"),
        ("{units: 1, activation: linear}", "{units: classes, activation: linear}",
         "r.yaml:6:20: error: model[1].dense.units: a regression task has no classes; a regression net ends in one unit: units: 1"),
        ("optimizer: adam}", "optimizer: adam, class_weight: balanced}",
         "r.yaml:7:54: error: training.class_weight: a regression target has no classes to weight; remove class_weight, or set task: classification"),
        ("optimizer: adam}", "optimizer: adam, early_stopping: {monitor: val_accuracy}}",
         "r.yaml:7:66: error: training.early_stopping.monitor: val_accuracy is not measured in a regression task; monitor val_loss or loss"),
        ("target: y}", "target: y, positive: M}",
         "r.yaml:3:42: error: data.positive: a regression target has no classes, so no positive class; remove data.positive, or set task: classification"),
        ("target: y}", "target: y, split: {validation: 0.2, stratify: true}}",
         "r.yaml:3:67: error: data.split.stratify: a regression target has no classes to stratify on; its parts are drawn at random; remove stratify"),
        ("optimizer: adam}", "optimizer: adam, loss: {huber: {delta: 0}}}",
         "r.yaml:7:62: error: training.loss.huber.delta: 0 is out of range; expected a number > 0"),
        ("optimizer: adam}", "optimizer: adam, loss: {huber: 2}}",
         "r.yaml:7:54: error: training.loss.huber: expected the huber options as a mapping, got '2'; write loss: {huber: {delta: 1.0}}, or loss: huber"),
        ("task: regression", "task: regresion",
         "r.yaml:2:7: error: task: 'regresion' is not a valid task; did you mean 'regression'? valid tasks: classification, regression"),
    ] as [(String, String, String)])
    func misuseInARegressionIsRefusedWhereItWasWritten(_ find: String, _ replace: String, _ expected: String) throws {
        let refusal = try Self.refusal(Self.base.replacingOccurrences(of: find, with: replace))
        #expect(refusal == expected)
    }

    @Test func aClassificationMetricObjectiveInARegressionIsRefused() throws {
        let refusal = try Self.refusal(Self.base + "search: {objective: {metric: val_accuracy}}\n")
        #expect(refusal == "r.yaml:8:30: error: search.objective.metric: val_accuracy is a classification metric, and this is a regression task; "
                + "use one of: val_loss, val_rmse, val_mae, val_r2")
    }

    /// The other way round: a classification file with a regression loss, metric or key.
    @Test func regressionPartsInAClassificationAreRefused() throws {
        let classification = Self.base.replacingOccurrences(of: "task: regression\n", with: "")
            .replacingOccurrences(of: "{units: 1, activation: linear}", with: "{units: classes, activation: softmax}")
        let loss = try Self.refusal(classification.replacingOccurrences(of: "optimizer: adam}", with: "optimizer: adam, loss: mse}"))
        #expect(loss == "r.yaml:6:46: error: training.loss: mse is a regression loss, and this is a classification task; "
                + "set task: regression, or use one of: categorical_crossentropy, binary_crossentropy")
        let metric = try Self.refusal(classification + "search: {objective: {metric: test_rmse}}\n")
        #expect(metric == "r.yaml:7:30: error: search.objective.metric: test_rmse is a regression metric, and this is a classification task; "
                + "use one of: test_loss, test_accuracy, test_precision, test_recall, test_f1, test_roc_auc, or set task: regression")
        let key = try Self.refusal(classification.replacingOccurrences(of: "target: y}", with: "target: y, standardize_target: true}"))
        #expect(key == "r.yaml:2:52: error: data.standardize_target: standardize_target applies to task: regression only; remove it, or set task: regression")
    }
}
