import Foundation
import Testing
@testable import RunexpExecution
@testable import RunexpResults
import RunexpPlan
import RunexpTestSupport

/// Networks and splits are checked against ``ResourceLimits`` once the data is known, before any
/// run allocates: the refusal names the cell, the layer, the limit and what would pass.
@Suite struct ResourceBudgetTests {
    /// `rows` rows of one feature and two classes, and an experiment over them with `model` and `training`.
    func prepareError(rows: Int, model: String, training: String, grid: String) throws -> [String] {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("data.csv", "a,label\n" + (0..<rows).map { "\($0 % 97),\($0 % 2 == 0 ? "x" : "y")" }.joined(separator: "\n") + "\n")
        let file = try directory.write("exp.yaml", """
            name: budget
            data: {file: data.csv, target: label, split: {validation: 0.25}}
            model:
            \(model)
            training: \(training)
            search:
              grid:
                \(grid)

            """)
        let plan = try PlanParser.parse(contentsOf: file)
        let error = #expect(throws: DiagnosticError.self) { try PreparedExperiment.prepare(plan, experimentFile: file) }
        return error?.diagnostics.map { $0.description.replacingOccurrences(of: directory.path + "/", with: "") } ?? []
    }

    @Test func parametersBeyondTheLimitPointAtTheLargestLayer() throws {
        let errors = try prepareError(rows: 40, model: """
              - dense: {units: 1000000, activation: relu}
              - dense: {units: $units, activation: relu}
              - dense: {units: classes, activation: softmax}
            """, training: "{epochs: 1, batch_size: 4, optimizer: adam}", grid: "units: [8, 1000000]")
        #expect(errors == ["exp.yaml:5:5: error: model: the network of cell 1 (units=1000000) has 1000005000002 trainable parameters; "
                           + "at most 50000000 (ResourceLimits.parameters); use fewer units or fewer layers "
                           + "(a dense layer has inputs × units + units parameters; the data has 1 features)"])
    }

    @Test func trainingMemoryBeyondTheLimitNamesTheBatchSize() throws {
        // 49 million parameters (4 copies with Adam: 784 MB) and batches of 3000 rows through two
        // layers of 7000 units (336 MB): over 1 GiB, though under the parameter limit.
        let errors = try prepareError(rows: 5_000, model: """
              - dense: {units: $units, activation: relu}
              - dense: {units: $units, activation: relu}
              - dense: {units: classes, activation: softmax}
            """, training: "{epochs: 1, batch_size: 3000, optimizer: adam}", grid: "units: [7000]")
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("exp.yaml:5:5: error: model: the network of cell 0 (units=7000) needs ") == true, "\(errors)")
        #expect(errors.first?.contains(" MiB to train a run (batch size 3000, 5000 rows, 49035002 parameters); at most 1024 MiB (ResourceLimits.arenaBytes)") == true,
                "\(errors)")
    }

    /// A plan that did not come through the parser's checks (here a dropout rate of 1, which the
    /// parser refuses) is refused in the kernel's words before a run starts, never trapped in it.
    @Test func whatOnlyTheKernelWouldCatchIsRefusedBeforeAnyRun() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("data.csv", "a,label\n" + (0..<40).map { "\($0 % 7),\($0 % 2 == 0 ? "x" : "y")" }.joined(separator: "\n") + "\n")
        let file = try directory.write("exp.yaml", """
            name: kernel
            data: {file: data.csv, target: label, split: {validation: 0.25}}
            model:
              - dropout: 0.5
              - dense: {units: classes, activation: softmax}
            training: {epochs: 1, batch_size: 4, optimizer: sgd}

            """)
        var plan = try PlanParser.parse(contentsOf: file)
        plan.cells[0].model[0] = .dropout(rate: 1)
        let error = #expect(throws: DiagnosticError.self) { try PreparedExperiment.prepare(plan, experimentFile: file) }
        #expect(error?.diagnostics.map(\.message) == ["cell 0: the training kernel refuses this configuration: layer 0: dropout rate 1.0 outside [0, 1)"])
    }
}
