/// A cell's model and training in words, as `runexp plan` and the report show them.
extension LayerPlan: CustomStringConvertible {
    /// `dense 64 gelu (he_normal)`, `dropout 0.2`, `batch norm (momentum 0.99, ε 0.001)`, `layer norm (ε 0.001)`.
    public var description: String {
        switch self {
        case .dense(let units, let activation, let initializer):
            "dense \(units) \(activation.rawValue)" + (initializer.map { " (\($0.rawValue))" } ?? "")
        case .dropout(let rate): "dropout \(ScalarSyntax.format(rate))"
        case .batchNorm(let momentum, let epsilon):
            "batch norm (momentum \(ScalarSyntax.format(momentum)), ε \(ScalarSyntax.format(epsilon)))"
        case .layerNorm(let epsilon): "layer norm (ε \(ScalarSyntax.format(epsilon)))"
        }
    }
}

extension Cell {
    /// `input → dense 64 relu → dense classes softmax`.
    public var modelDescription: String {
        (["input"] + model.map(\.description)).joined(separator: " → ")
    }
}

extension TrainingPlan {
    /// The optimizer with every setting: `adamw, learning rate 0.001, β1 0.9, β2 0.999, ε 1e-07, weight decay 0.01 (decoupled)`.
    public var optimizerDescription: String {
        var text = "\(optimizer.name.rawValue), learning rate \(ScalarSyntax.format(optimizer.learningRate))"
        switch optimizer {
        case .sgd(_, let momentum, let nesterov):
            if momentum != 0 { text += ", momentum \(ScalarSyntax.format(momentum))" }
            if nesterov { text += ", Nesterov" }
        case .adam(_, let beta1, let beta2, let epsilon), .adamw(_, let beta1, let beta2, let epsilon):
            text += ", β1 \(ScalarSyntax.format(beta1)), β2 \(ScalarSyntax.format(beta2)), ε \(ScalarSyntax.format(epsilon))"
        case .rmsprop(_, let rho, let momentum, let epsilon):
            text += ", ρ \(ScalarSyntax.format(rho)), ε \(ScalarSyntax.format(epsilon))"
            if momentum != 0 { text += ", momentum \(ScalarSyntax.format(momentum))" }
        }
        if let weightDecay {
            text += optimizer.name == .adamw ? ", weight decay \(ScalarSyntax.format(weightDecay)) (decoupled)"
                : ", weight decay \(ScalarSyntax.format(weightDecay)) (L2)"
        }
        return text
    }

    /// Epochs, batch size, loss, schedule, clipping and smoothing: `30 epochs, batch size 32, categorical_crossentropy, …`.
    public var summary: String {
        var text = "\(epochs) epochs, batch size \(batchSize), \(loss.rawValue)"
        switch schedule {
        case nil: break
        case .step(let every, let factor)?:
            text += ", learning rate × \(ScalarSyntax.format(factor)) every \(every) epochs"
        case .exponential(let factor)?:
            text += ", learning rate × \(ScalarSyntax.format(factor)) every epoch"
        case .cosine(let warmup, let minimum)?:
            text += ", cosine learning rate" + (warmup > 0 ? " after \(warmup) warmup epochs" : "")
                + (minimum > 0 ? " down to × \(ScalarSyntax.format(minimum))" : "")
        }
        if let clipNorm { text += ", gradients clipped to norm \(ScalarSyntax.format(clipNorm))" }
        if let labelSmoothing { text += ", label smoothing \(ScalarSyntax.format(labelSmoothing))" }
        return text
    }
}
