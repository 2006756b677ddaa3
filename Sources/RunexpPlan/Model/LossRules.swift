/// What a loss needs of the model's last layer and of the data's classes: the one place these
/// rules are written. The parser checks the last layer of every cell, `PlanDataChecks` the classes
/// (only the data knows them); the kernel checks both again before it trains
/// (`Network.validate`), as a guard against a caller that skipped them, and traps.
extension LossName {
    /// A problem of one of the plan's rules: the key it points at, what is wrong and the fix.
    public struct RuleProblem: Sendable, Equatable {
        public var keyPath: String
        public var message: String
        public var help: String
    }

    /// Why `last` cannot end a model trained with this loss, or nil.
    public func lastLayerProblem(_ last: LayerPlan) -> RuleProblem? {
        switch (self, last) {
        case (.categoricalCrossentropy, .dense(_, .softmax, _)), (.binaryCrossentropy, .dense(.count(1), .sigmoid, _)):
            nil
        case (.mse, .dense(.count(1), let activation, _)), (.mae, .dense(.count(1), let activation, _)),
             (.huber, .dense(.count(1), let activation, _)):
            activation == .softmax || activation == .sigmoid
                ? RuleProblem(keyPath: "model", message: "a regression net's output cannot be \(activation.rawValue): it squashes the prediction into (0, 1)",
                              help: "end the model with - dense: {units: 1, activation: linear}")
                : nil
        case (.mse, _), (.mae, _), (.huber, _):
            RuleProblem(keyPath: "model", message: "\(rawValue) needs a last layer of one unit, the predicted value",
                        help: "end the model with - dense: {units: 1, activation: linear}")
        case (.categoricalCrossentropy, _):
            RuleProblem(keyPath: "model", message: "categorical_crossentropy needs a last layer with one softmax unit per class",
                        help: "end the model with - dense: {units: classes, activation: softmax}")
        case (.binaryCrossentropy, _):
            RuleProblem(keyPath: "model", message: "binary_crossentropy needs a last layer of one sigmoid unit",
                        help: "end the model with - dense: {units: 1, activation: sigmoid}")
        }
    }

    /// Why data of `classCount` classes cannot train a model ending in `last` with this loss, or nil.
    public func classProblem(classCount: Int, last: LayerPlan?) -> RuleProblem? {
        switch self {
        case .categoricalCrossentropy:
            guard case .dense(.count(let units), _, _)? = last, units != classCount else { return nil }
            return RuleProblem(keyPath: "model", message: "the last layer has \(units) units but the data has \(classCount) classes",
                               help: "write units: classes")
        case .mse, .mae, .huber:
            return nil
        case .binaryCrossentropy:
            guard classCount != 2 else { return nil }
            return RuleProblem(keyPath: "training.loss", message: "binary_crossentropy needs two classes, and the data has \(classCount)",
                               help: "use categorical_crossentropy with a last layer of units: classes, activation: softmax")
        }
    }
}
