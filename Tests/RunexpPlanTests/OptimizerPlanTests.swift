import Foundation
import Testing
@testable import RunexpPlan

/// The messages `parse` throws (none when it parses).
func diagnostics(_ parse: () throws -> Void) -> [String] {
    do {
        try parse()
        return []
    } catch let error as DiagnosticError {
        return error.diagnostics.map(\.description)
    } catch {
        return ["\(error)"]
    }
}

/// A one-layer plan whose `training:` mapping holds `training` (line 5 of exp.yaml).
func planTraining(_ training: String) throws -> Plan {
    try PlanParser.parse(yaml: """
        name: opt
        data: {file: data.csv, target: label}
        model:
          - dense: {units: classes, activation: softmax}
        training: {\(training)}

        """, file: "exp.yaml", directory: "/tmp")
}

/// adamw and rmsprop, and every optimizer's `weight_decay`: read from the file with their
/// defaults, refused where a key belongs to another optimizer, and kept through plan.json.
@Suite struct OptimizerPlanTests {
    static func parse(_ optimizer: String) throws -> Plan {
        try planTraining("epochs: 1, optimizer: \(optimizer)")
    }

    static func errors(_ optimizer: String) -> [String] {
        diagnostics { _ = try parse(optimizer) }
    }

    @Test func adamwAndRmspropTakeKerasDefaults() throws {
        let adamw = try Self.parse("adamw").cells[0].training
        #expect(adamw.optimizer == .adamw(learningRate: 0.001))
        #expect(adamw.weightDecay == 0.004)
        let given = try Self.parse("{name: adamw, learning_rate: 0.01, weight_decay: 0.01}").cells[0].training
        #expect(given.optimizer == .adamw(learningRate: 0.01) && given.weightDecay == 0.01)
        #expect(try Self.parse("{name: adamw, weight_decay: 0}").cells[0].training.weightDecay == nil)
        let rmsprop = try Self.parse("{name: rmsprop, rho: 0.8, momentum: 0.5}").cells[0].training
        #expect(rmsprop.optimizer == .rmsprop(learningRate: 0.001, rho: 0.8, momentum: 0.5))
        #expect(rmsprop.weightDecay == nil)
        let sgd = try Self.parse("{name: sgd, weight_decay: 0.001}").cells[0].training
        #expect(sgd.optimizer == .sgd(learningRate: 0.01) && sgd.weightDecay == 0.001)
        #expect(try Self.parse("adam").cells[0].training.weightDecay == nil)
    }

    @Test func keysOfAnotherOptimizerAndBadDecaysAreRefused() {
        #expect(Self.errors("{name: adam, rho: 0.9}") == ["exp.yaml:5:47: error: training.optimizer.rho: rho applies to rmsprop only, not adam"])
        #expect(Self.errors("{name: adamw, nesterov: true}") == ["exp.yaml:5:48: error: training.optimizer.nesterov: nesterov applies to sgd only, not adamw"])
        #expect(Self.errors("{name: sgd, beta_1: 0.8}") == ["exp.yaml:5:46: error: training.optimizer.beta_1: beta_1 applies to adam and adamw only, not sgd"])
        #expect(Self.errors("{name: rmsprop, weight_decay: -1}")
                == ["exp.yaml:5:64: error: training.optimizer.weight_decay: -1 is out of range; expected a number ≥ 0"])
        #expect(Self.errors("{name: rmsprop, rho: 1}").first?.contains("a number in [0, 1)") == true)
        #expect(Self.errors("adamx") == ["exp.yaml:5:34: error: training.optimizer: 'adamx' is not a valid optimizer; did you mean 'adam'? "
                                         + "valid optimizers: sgd, adam, adamw, rmsprop"])
    }

    /// plan.json holds rho only for rmsprop and the weight decay only when there is one: the plans
    /// of every other optimizer keep their bytes. Every optimizer reads back as it was written.
    @Test func planJSONKeepsThemAndOnlyThem() throws {
        for optimizer in ["sgd", "{name: sgd, momentum: 0.9, weight_decay: 0.01}", "adam", "adamw", "{name: adamw, weight_decay: 0.1}",
                          "rmsprop", "{name: rmsprop, rho: 0.7, momentum: 0.2, epsilon: 0.001}"] {
            let training = try Self.parse(optimizer).cells[0].training
            let json = try PrettyJSON.encode(training)
            #expect(json.contains("\"rho\"") == (training.optimizer.name == .rmsprop), "\(optimizer)")
            #expect(json.contains("\"weightDecay\"") == (training.weightDecay != nil), "\(optimizer)")
            let decoded = try JSONDecoder().decode(TrainingPlan.self, from: Data(json.utf8))
            #expect(decoded == training, "\(optimizer)")
        }
    }
}

/// `training.schedule` and `training.clip_norm`: defaults, refusals, plan.json.
@Suite struct SchedulePlanTests {
    static func parse(_ training: String) throws -> TrainingPlan {
        try planTraining("epochs: 10, optimizer: adam, \(training)").cells[0].training
    }

    static func errors(_ training: String) -> [String] {
        diagnostics { _ = try parse(training) }
    }

    @Test func schedulesTakeTheirDefaultsAndGivenValues() throws {
        #expect(try Self.parse("schedule: constant").schedule == nil)
        #expect(try Self.parse("schedule: {name: constant}").schedule == nil)
        #expect(try Self.parse("schedule: step").schedule == .step(everyEpochs: 10, factor: 0.5))
        #expect(try Self.parse("schedule: {name: step, every_epochs: 3, factor: 0.1}").schedule == .step(everyEpochs: 3, factor: 0.1))
        #expect(try Self.parse("schedule: {name: exponential, factor: 0.9}").schedule == .exponential(factor: 0.9))
        #expect(try Self.parse("schedule: {name: cosine, warmup_epochs: 2}").schedule == .cosine(warmupEpochs: 2, minFactor: 0))
        #expect(try Self.parse("clip_norm: 1.5").clipNorm == 1.5)
        #expect(try Self.parse("clip_norm: 1.5").schedule == nil)
    }

    @Test func badSchedulesAndNormsAreRefusedAtTheirKeys() {
        #expect(Self.errors("schedule: {name: cosine, factor: 0.5}")
                == ["exp.yaml:5:66: error: training.schedule.factor: factor applies to step and exponential only, not cosine"])
        #expect(Self.errors("schedule: {name: cosine, warmup_epochs: 10}")
                == ["exp.yaml:5:81: error: training.schedule.warmup_epochs: 10 warmup epochs leave none of training.epochs (10) for the cosine; "
                    + "use at most 9 warmup epochs"])
        #expect(Self.errors("schedule: {name: step, factor: 2}").first?.contains("expected a number in (0, 1]") == true)
        #expect(Self.errors("schedule: cosin").first?.contains("did you mean 'cosine'?") == true)
        #expect(Self.errors("clip_norm: 0").first?.contains("training.clip_norm") == true)
    }

    @Test func planJSONWritesThemOnlyWhenGiven() throws {
        for training in ["schedule: constant", "schedule: {name: step, every_epochs: 3, factor: 0.1}", "schedule: exponential",
                         "schedule: {name: cosine, warmup_epochs: 2, min_factor: 0.1}, clip_norm: 0.5"] {
            let plan = try Self.parse(training)
            let json = try PrettyJSON.encode(plan)
            #expect(json.contains("\"schedule\"") == (plan.schedule != nil), "\(training)")
            #expect(json.contains("\"clipNorm\"") == (plan.clipNorm != nil), "\(training)")
            #expect(try JSONDecoder().decode(TrainingPlan.self, from: Data(json.utf8)) == plan, "\(training)")
        }
    }

    @Test func labelSmoothingIsACrossEntropysOption() throws {
        #expect(try Self.parse("loss: {categorical_crossentropy: {label_smoothing: 0.1}}").labelSmoothing == 0.1)
        #expect(try Self.parse("loss: {categorical_crossentropy: {label_smoothing: 0}}").labelSmoothing == nil)
        #expect(try Self.parse("loss: categorical_crossentropy").labelSmoothing == nil)
        let json = try PrettyJSON.encode(try Self.parse("loss: {categorical_crossentropy: {label_smoothing: 0.2}}"))
        #expect(json.contains("\"labelSmoothing\" : 0.2"))
        #expect(Self.errors("loss: {categorical_crossentropy: {label_smoothing: 1}}")
                == ["exp.yaml:5:92: error: training.loss.categorical_crossentropy.label_smoothing: 1 is out of range; expected a number in [0, 1)"])
        #expect(Self.errors("loss: {categorical_crossentropy: {label_smoothing: 0.1}, huber: {delta: 1}}").first?
            .contains("the loss mapping names 2 losses; name one") == true)
        #expect(Self.errors("loss: {categorical_crossentropy: 0.1}").first?.contains("expected the loss's options as a mapping") == true)
    }

    @Test func initializersAreReadAndTheDefaultIsWrittenAsNone() throws {
        func model(_ dense: String) throws -> [LayerPlan] {
            try PlanParser.parse(yaml: """
                name: init
                data: {file: data.csv, target: label}
                model:
                  - dense: {\(dense)}
                  - dense: {units: classes, activation: softmax}
                training: {epochs: 1, optimizer: adam}

                """, file: "exp.yaml", directory: "/tmp").cells[0].model
        }
        #expect(try model("units: 4, activation: relu, initializer: he_normal")[0] == .dense(units: .count(4), activation: .relu, initializer: .heNormal))
        #expect(try model("units: 4, activation: relu, initializer: glorot_uniform")[0] == .dense(units: .count(4), activation: .relu))
        #expect(try model("units: 4")[0] == .dense(units: .count(4), activation: .linear))
        let json = try PrettyJSON.encode(try model("units: 4, initializer: lecun_normal"))
        let plain = try PrettyJSON.encode(try model("units: 4"))
        #expect(json.contains("lecun_normal") && !plain.contains("initializer"))
        let decoded = try JSONDecoder().decode([LayerPlan].self, from: Data(json.utf8))
        #expect(decoded == (try model("units: 4, initializer: lecun_normal")))
        #expect(throws: DiagnosticError.self) { try model("units: 4, initializer: he_norm") }
    }

    @Test func repeatBlocksMakeDepthAnAxis() throws {
        let plan = try PlanParser.parse(yaml: """
            name: depth
            data: {file: data.csv, target: label}
            model:
              - repeat:
                  times: $depth
                  layers:
                    - dense: {units: 8, activation: gelu, initializer: he_normal}
                    - dropout: 0.1
              - dense: {units: classes, activation: softmax}
            training: {epochs: 1, optimizer: adam}
            search:
              grid: {depth: [0, 1, 3]}

            """, file: "exp.yaml", directory: "/tmp")
        let block: [LayerPlan] = [.dense(units: .count(8), activation: .gelu, initializer: .heNormal), .dropout(rate: 0.1)]
        let head = LayerPlan.dense(units: .classes, activation: .softmax)
        #expect(plan.cells.map(\.model) == [[head], block + [head], block + block + block + [head]])
        func refusal(_ model: String) -> [String] {
            diagnostics {
                _ = try PlanParser.parse(yaml: "name: depth\ndata: {file: data.csv, target: label}\nmodel:\n\(model)\n"
                                             + "training: {epochs: 1, optimizer: adam}\n", file: "exp.yaml", directory: "/tmp")
            }
        }
        #expect(refusal("  - repeat: {times: 0, layers: [{dropout: 0.1}]}").first?
            .contains("no layers once its repeat blocks are expanded") == true)
        #expect(refusal("  - repeat: {times: 2, layers: []}\n  - dense: {units: classes, activation: softmax}").first?
            .contains("a repeat block needs at least one layer") == true)
        #expect(refusal("  - repeat: {times: 600, layers: [{dropout: 0.1}, {dropout: 0.2}]}\n  - dense: {units: classes, activation: softmax}")
            .first?.contains("600 repeats of 2 layers make more than 1000 layers") == true)
        #expect(refusal("  - repeat: {times: 2, layers: [{dense: {units: classes, activation: softmax}}]}").first?
            .contains("'classes' is only allowed as the units of the last layer") == true)
        #expect(refusal("  - repeat: {layers: [{dropout: 0.1}]}\n  - dense: {units: classes, activation: softmax}").first?
            .contains("times") == true)
    }

    @Test func normLayersTakeKerasDefaultsAxesAndRefuseBadValuesAtTheirKeys() throws {
        func parse(_ layer: String, grid: String = "") throws -> Plan {
            try PlanParser.parse(yaml: """
                name: norms
                data: {file: data.csv, target: label}
                model:
                  - dense: {units: 8, activation: relu}
                  - \(layer)
                  - dense: {units: classes, activation: softmax}
                training: {epochs: 1, optimizer: adam}
                \(grid)
                """, file: "exp.yaml", directory: "/tmp")
        }
        #expect(try parse("batch_norm:").cells[0].model[1] == .batchNorm(momentum: 0.99, epsilon: 0.001))
        #expect(try parse("batch_norm: {}").cells[0].model[1] == .batchNorm(momentum: 0.99, epsilon: 0.001))
        #expect(try parse("batch_norm: {momentum: 0.9}").cells[0].model[1] == .batchNorm(momentum: 0.9, epsilon: 0.001))
        #expect(try parse("layer_norm: {epsilon: 1e-5}").cells[0].model[1] == .layerNorm(epsilon: 1e-5))
        #expect(try parse("layer_norm:").cells[0].model[1] == .layerNorm(epsilon: 0.001))
        let axis = try parse("batch_norm: {momentum: $m}", grid: "search: {grid: {m: [0.9, 0.99]}}")
        #expect(axis.cells.map { $0.model[1] } == [.batchNorm(momentum: 0.9, epsilon: 0.001), .batchNorm(momentum: 0.99, epsilon: 0.001)])
        // plan.json keeps them, and reads them back.
        let json = try PrettyJSON.encode(try parse("batch_norm: {momentum: 0.9}").cells[0].model)
        #expect(json.contains("\"batchNorm\"") && json.contains("\"momentum\" : 0.9"))
        #expect(try JSONDecoder().decode([LayerPlan].self, from: Data(json.utf8)) == (try parse("batch_norm: {momentum: 0.9}").cells[0].model))

        func errors(_ layer: String) -> [String] { diagnostics { _ = try parse(layer) } }
        #expect(errors("batch_norm: {momentum: 1}") == ["exp.yaml:5:28: error: model[1].batch_norm.momentum: 1 is out of range; expected a momentum in [0, 1)"])
        #expect(errors("batch_norm: {momentum: 0.5, epsilon: 0}")
            == ["exp.yaml:5:42: error: model[1].batch_norm.epsilon: 0 is out of range; expected a number > 0"])
        #expect(errors("layer_norm: {momentum: 0.5}")
            == ["exp.yaml:5:18: error: model[1].layer_norm.momentum: unknown key; valid keys: epsilon"])
        #expect(errors("batch_norm: {epsiln: 0.01}")
            == ["exp.yaml:5:18: error: model[1].batch_norm.epsiln: unknown key; did you mean 'epsilon'? valid keys: momentum, epsilon"])
        #expect(errors("batch_norm: 0.9") == ["exp.yaml:5:17: error: model[1].batch_norm: expected a mapping, got '0.9'; valid keys: momentum, epsilon"])
        #expect(errors("batchnorm: {}") == ["exp.yaml:5:5: error: model[1].batchnorm: unknown layer; did you mean 'batch_norm'? valid layers: dense, dropout, batch_norm, layer_norm, repeat"])
    }
}
