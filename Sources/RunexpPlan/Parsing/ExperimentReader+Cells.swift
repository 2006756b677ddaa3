/// `$axis` references, grid expansion and the per-cell reading of `model` and `training`.
extension ExperimentReader {
    /// A `$name` scalar found in `model` or `training`.
    struct AxisReference {
        var name: String
        var location: SourceLocation
        var path: String
    }

    /// Reports references to undefined axes and axes never referenced.
    mutating func checkAxisReferences(model: YAMLNode?, training: YAMLNode?, search: SearchSection) {
        var references: [AxisReference] = []
        if let model { collectReferences(model, path: "model", into: &references) }
        if let training { collectReferences(training, path: "training", into: &references) }
        let names = search.axes.map(\.name)
        for reference in references where !names.contains(reference.name) {
            if reference.name.isEmpty || !Self.isAxisName(reference.name) {
                reader.error(reference.location, reference.path, "'$\(reference.name)' is not a valid axis reference",
                             help: "write $name for an axis of search.grid, or $$ for a literal '$'")
            } else {
                reader.error(reference.location, reference.path, "'$\(reference.name)' is not an axis",
                             help: names.isEmpty
                                 ? "define it under search.grid"
                                 : Suggestions.help(for: reference.name, valid: names, noun: "axes"))
            }
        }
        let used = Set(references.map(\.name))
        for axis in search.axes where !used.contains(axis.name) {
            let location = search.axisKeyLocations[axis.name] ?? SourceLocation(file: file, line: 1, column: 1)
            reader.error(location, "search.grid.\(axis.name)", "axis '\(axis.name)' is never used",
                         help: "refer to it as $\(axis.name) in model or training, or remove it")
        }
    }

    private func collectReferences(_ node: YAMLNode, path: String, into references: inout [AxisReference]) {
        switch node {
        case .scalar(let text, let quoted, let location):
            if !quoted, let name = Self.referencedAxis(text) {
                references.append(AxisReference(name: name, location: location, path: path))
            }
        case .mapping(let entries, _):
            for entry in entries {
                collectReferences(entry.value, path: "\(path).\(entry.key)", into: &references)
            }
        case .sequence(let items, _):
            for (index, item) in items.enumerated() {
                collectReferences(item, path: "\(path)[\(index)]", into: &references)
            }
        }
    }

    /// The axis name of a `$name` scalar; nil for ordinary text and for `$$` escapes.
    static func referencedAxis(_ text: String) -> String? {
        guard text.hasPrefix("$"), !text.hasPrefix("$$") else { return nil }
        return String(text.dropFirst())
    }

    // MARK: - Cells

    /// Expands the grid (first axis slowest) and reads model and training for every cell.
    mutating func resolveCells(model: YAMLNode, training: YAMLNode, search: SearchSection, split: SplitPlan) -> [Cell] {
        var assignments: [[(axis: String, value: AxisValue, node: YAMLNode)]] = [[]]
        for axis in search.axes {
            let nodes = search.axisNodes[axis.name] ?? []
            var next: [[(axis: String, value: AxisValue, node: YAMLNode)]] = []
            next.reserveCapacity(assignments.count * axis.values.count)
            for prefix in assignments {
                for (value, node) in zip(axis.values, nodes) {
                    next.append(prefix + [(axis.name, value, node)])
                }
            }
            assignments = next
        }

        var cells: [Cell] = []
        cells.reserveCapacity(assignments.count)
        var seen = Set<String>()
        var failures = 0
        for assignment in assignments {
            let substitutions = Dictionary(uniqueKeysWithValues: assignment.map { ($0.axis, $0.node) })
            let before = reader.diagnostics.count
            let layers = readModel(substitute(model, substitutions))
            let trainingPlan = readTraining(substitute(training, substitutions), split: split)
            if reader.diagnostics.count > before {
                // De-duplicate as we go: the same literal mistake repeats in every cell.
                var unique = Set(reader.diagnostics[..<before])
                let fresh = reader.diagnostics[before...].filter { unique.insert($0).inserted }
                reader.diagnostics = Array(reader.diagnostics[..<before]) + fresh
                failures += 1
                if failures > 10_000 { break }
                continue
            }
            guard let layers, let trainingPlan else { continue }
            if let layers = checkLayers(layers, loss: trainingPlan.loss, model: model) {
                let values = assignment.map { AxisAssignment(axis: $0.axis, value: $0.value) }
                let id = Cell.stableID(for: values)
                guard seen.insert(id).inserted else { continue }
                cells.append(Cell(index: cells.count, id: id, values: values, model: layers, training: trainingPlan))
            }
        }
        return cells
    }

    /// Replaces `$axis` scalars by the cell's value nodes and `$$` by a literal `$`.
    private func substitute(_ node: YAMLNode, _ values: [String: YAMLNode]) -> YAMLNode {
        switch node {
        case .scalar(let text, let quoted, let location):
            guard !quoted, text.hasPrefix("$") else { return node }
            if text.hasPrefix("$$") { return .scalar(text: String(text.dropFirst()), quoted: true, location: location) }
            return values[String(text.dropFirst())] ?? node
        case .mapping(let entries, let location):
            return .mapping(entries.map { YAMLEntry(key: $0.key, keyLocation: $0.keyLocation, value: substitute($0.value, values)) },
                            location: location)
        case .sequence(let items, let location):
            return .sequence(items.map { substitute($0, values) }, location: location)
        }
    }

    // MARK: - model

    private mutating func readModel(_ node: YAMLNode) -> [(LayerPlan, SourceLocation)]? {
        guard let items = reader.list(node, "model") else { return nil }
        guard !items.isEmpty else {
            reader.error(node.location, "model", "the model needs at least one layer",
                         help: "e.g. - dense: {units: classes, activation: softmax}")
            return nil
        }
        var layers: [(LayerPlan, SourceLocation)] = []
        var failed = false
        for (index, item) in items.enumerated() {
            let path = "model[\(index)]"
            guard case .mapping(let entries, _) = item, entries.count == 1, let entry = entries.first else {
                reader.error(item.location, path, "a layer is a mapping with one key, got \(item.shortDescription)",
                             help: "valid layers: \(LayerKey.names.joined(separator: ", ")), e.g. - dense: {units: 32, activation: relu}")
                failed = true
                continue
            }
            guard let kind = LayerKey(rawValue: entry.key) else {
                reader.error(entry.keyLocation, "\(path).\(entry.key)", "unknown layer",
                             help: Suggestions.help(for: entry.key, valid: LayerKey.names, noun: "layers"))
                failed = true
                continue
            }
            let layerPath = "\(path).\(kind.rawValue)"
            let layer: LayerPlan?
            switch kind {
            case .dense: layer = readDense(entry.value, layerPath, isLast: index == items.count - 1)
            case .dropout: layer = readDropout(entry.value, layerPath)
            }
            if let layer { layers.append((layer, entry.keyLocation)) } else { failed = true }
        }
        return failed ? nil : layers
    }

    private mutating func readDense(_ node: YAMLNode, _ path: String, isLast: Bool) -> LayerPlan? {
        guard let section = reader.section(node, path, DenseKey.self) else { return nil }
        reader.require([.units], in: section)
        var units: UnitsPlan?
        if let unitsNode = section[.units] {
            if case .scalar("classes", false, _) = unitsNode {
                if isLast {
                    units = .classes
                } else {
                    reader.error(unitsNode.location, section.path(.units), "'classes' is only allowed as the units of the last layer",
                                 help: "give hidden layers a number of units")
                }
            } else if let count = reader.int(unitsNode, section.path(.units), in: 1...1_000_000,
                                             what: isLast ? "a whole number ≥ 1 or 'classes'" : "a whole number ≥ 1") {
                units = .count(count)
            }
        }
        let activation = section[.activation].map {
            reader.choice($0, section.path(.activation), ActivationName.self, noun: "activation")
        } ?? .linear
        guard let units, let activation else { return nil }
        return .dense(units: units, activation: activation)
    }

    private mutating func readDropout(_ node: YAMLNode, _ path: String) -> LayerPlan? {
        var rateNode = node
        var ratePath = path
        if case .mapping = node {
            guard let section = reader.section(node, path, DropoutKey.self) else { return nil }
            reader.require([.rate], in: section)
            guard let rate = section[.rate] else { return nil }
            rateNode = rate
            ratePath = section.path(.rate)
        }
        guard let rate = reader.double(rateNode, ratePath, what: "a rate in [0, 1)", isValid: { $0 >= 0 && $0 < 1 }) else {
            return nil
        }
        return .dropout(rate: rate)
    }

    /// Checks the last layer against the loss; returns the layers without locations.
    private mutating func checkLayers(_ layers: [(LayerPlan, SourceLocation)], loss: LossName, model: YAMLNode) -> [LayerPlan]? {
        guard let (last, location) = layers.last else { return nil }
        let path = "model[\(layers.count - 1)]"
        switch (loss, last) {
        case (.categoricalCrossentropy, .dense(_, .softmax)):
            break
        case (.binaryCrossentropy, .dense(.count(1), .sigmoid)):
            break
        case (.categoricalCrossentropy, _):
            reader.error(location, path, "categorical_crossentropy needs a last layer with one softmax unit per class",
                         help: "end the model with - dense: {units: classes, activation: softmax}")
            return nil
        case (.binaryCrossentropy, _):
            reader.error(location, path, "binary_crossentropy needs a last layer of one sigmoid unit",
                         help: "end the model with - dense: {units: 1, activation: sigmoid}")
            return nil
        }
        return layers.map(\.0)
    }

    // MARK: - training

    private mutating func readTraining(_ node: YAMLNode, split: SplitPlan) -> TrainingPlan? {
        guard let section = reader.section(node, "training", TrainingKey.self) else { return nil }
        reader.require([.epochs, .optimizer], in: section)
        let positive = "a whole number ≥ 1"
        let epochs = section[.epochs].flatMap { reader.int($0, section.path(.epochs), in: 1...1_000_000, what: positive) }
        let batchSize = section[.batchSize].map { reader.int($0, section.path(.batchSize), in: 1...Int(Int32.max), what: positive) } ?? 32
        let optimizer = section[.optimizer].flatMap { readOptimizer($0, section.path(.optimizer)) }
        let loss = section[.loss].map { reader.choice($0, section.path(.loss), LossName.self, noun: "loss") } ?? .categoricalCrossentropy
        let classWeight = section[.classWeight].map { readClassWeight($0, section.path(.classWeight)) } ?? ClassWeightPlan.none
        var earlyStopping: EarlyStoppingPlan??
        if let node = section[.earlyStopping] {
            earlyStopping = .some(readEarlyStopping(node, section.path(.earlyStopping), split: split))
        }
        guard let epochs, let batchSize, let optimizer, let loss, let classWeight else { return nil }
        if case .some(.none) = earlyStopping { return nil }
        return TrainingPlan(epochs: epochs, batchSize: batchSize, optimizer: optimizer, loss: loss,
                            classWeight: classWeight, earlyStopping: earlyStopping ?? nil)
    }

    private mutating func readOptimizer(_ node: YAMLNode, _ path: String) -> OptimizerPlan? {
        if case .scalar = node {
            guard let name = reader.choice(node, path, OptimizerName.self, noun: "optimizer") else { return nil }
            return OptimizerPlan(name: name, learningRate: Self.defaultLearningRate(name))
        }
        guard let section = reader.section(node, path, OptimizerKey.self) else { return nil }
        reader.require([.name], in: section)
        guard let nameNode = section[.name],
              let name = reader.choice(nameNode, section.path(.name), OptimizerName.self, noun: "optimizer")
        else { return nil }
        let positive = "a number > 0"
        let unit = "a number in [0, 1)"
        var plan = OptimizerPlan(name: name, learningRate: Self.defaultLearningRate(name))
        var failed = false
        func check<T>(_ value: T?, _ key: OptimizerKey) -> T? {
            if value == nil, section[key] != nil { failed = true }
            return value
        }
        if let node = section[.learningRate] {
            plan.learningRate = check(reader.double(node, section.path(.learningRate), what: positive) { $0 > 0 }, .learningRate) ?? 0
        }
        let onlyFor: [(OptimizerKey, OptimizerName)] = [(.momentum, .sgd), (.nesterov, .sgd), (.beta1, .adam), (.beta2, .adam), (.epsilon, .adam)]
        for (key, owner) in onlyFor where owner != name {
            if let entry = section.entries[key] {
                reader.error(entry.keyLocation, section.path(key), "\(key.rawValue) applies to \(owner.rawValue) only, not \(name.rawValue)")
                failed = true
            }
        }
        if name == .sgd {
            if let node = section[.momentum] {
                plan.momentum = check(reader.double(node, section.path(.momentum), what: unit) { $0 >= 0 && $0 < 1 }, .momentum) ?? 0
            }
            if let node = section[.nesterov] { plan.nesterov = check(reader.bool(node, section.path(.nesterov)), .nesterov) ?? false }
        } else {
            if let node = section[.beta1] {
                plan.beta1 = check(reader.double(node, section.path(.beta1), what: unit) { $0 >= 0 && $0 < 1 }, .beta1) ?? 0
            }
            if let node = section[.beta2] {
                plan.beta2 = check(reader.double(node, section.path(.beta2), what: unit) { $0 >= 0 && $0 < 1 }, .beta2) ?? 0
            }
            if let node = section[.epsilon] {
                plan.epsilon = check(reader.double(node, section.path(.epsilon), what: positive) { $0 > 0 }, .epsilon) ?? 0
            }
        }
        return failed ? nil : plan
    }

    /// Keras' default learning rates: SGD 0.01, Adam 0.001.
    static func defaultLearningRate(_ name: OptimizerName) -> Double {
        switch name {
        case .sgd: 0.01
        case .adam: 0.001
        }
    }

    private mutating func readClassWeight(_ node: YAMLNode, _ path: String) -> ClassWeightPlan? {
        switch node {
        case .scalar(let text, _, _):
            switch text {
            case "none": return ClassWeightPlan.none
            case "balanced": return .balanced
            default:
                reader.error(node.location, path, "'\(text)' is not a class weighting",
                             help: Suggestions.help(for: text, valid: ["none", "balanced"], noun: "values") + ", or a mapping of label to weight")
                return nil
            }
        case .mapping(let entries, _):
            var weights: [String: Double] = [:]
            var failed = false
            for entry in entries {
                if let weight = reader.double(entry.value, "\(path).\(entry.key)", what: "a weight > 0", isValid: { $0 > 0 }) {
                    weights[entry.key] = weight
                } else {
                    failed = true
                }
            }
            return failed ? nil : .explicit(weights)
        case .sequence:
            reader.error(node.location, path, "expected none, balanced or a mapping of label to weight, got a list")
            return nil
        }
    }

    private mutating func readEarlyStopping(_ node: YAMLNode, _ path: String, split: SplitPlan) -> EarlyStoppingPlan? {
        guard let section = reader.section(node, path, EarlyStoppingKey.self) else { return nil }
        let monitor = section[.monitor].map { reader.choice($0, section.path(.monitor), MonitorName.self, noun: "monitor") } ?? .valLoss
        let patience = section[.patience].map { reader.int($0, section.path(.patience), in: 0...1_000_000, what: "a whole number ≥ 0") } ?? 5
        let minDelta = section[.minDelta].map { reader.double($0, section.path(.minDelta), what: "a number ≥ 0") { $0 >= 0 } } ?? 0
        let restore = section[.restoreBestWeights].map { reader.bool($0, section.path(.restoreBestWeights)) } ?? true
        guard let monitor, let patience, let minDelta, let restore else { return nil }
        if (monitor == .valLoss || monitor == .valAccuracy), !split.hasValidation {
            reader.error(section[.monitor]?.location ?? section.location, section.path(.monitor),
                         "\(monitor.rawValue) needs a validation part, and the data split has none",
                         help: "set data.split.validation or data.split.folds, or monitor loss")
            return nil
        }
        return EarlyStoppingPlan(monitor: monitor, patience: patience, minDelta: minDelta, restoreBestWeights: restore)
    }
}
