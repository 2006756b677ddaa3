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
        let names = search.allAxisNames
        for reference in references where !search.declaredNames.contains(reference.name) {
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
        for name in names where !used.contains(name) {
            let location = search.axisKeyLocations[name]
                ?? search.include.lazy.flatMap(\.entries).first { $0.axis == name }?.keyLocation
                ?? SourceLocation(file: file, line: 1, column: 1)
            let path = search.axisKeyLocations[name] != nil ? "search.grid.\(name)" : "search.include"
            reader.error(location, path, "axis '\(name)' is never used",
                         help: "refer to it as $\(name) in model or training, or remove it")
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

    /// One cell's values before resolution: axis name → value and the node it was written in.
    typealias Assignment = [(axis: String, value: AxisValue, node: YAMLNode)]

    /// Expands the search into assignments: the grid product (first axis slowest) × random
    /// samples, minus `exclude` matches, plus `include` values and cells.
    func expandSearch(_ search: SearchSection, seed: UInt64) -> [Assignment] {
        var assignments: [Assignment] = [[]]
        for axis in search.listAxes {
            var next: [Assignment] = []
            next.reserveCapacity(assignments.count * axis.values.count)
            for prefix in assignments {
                for (value, node) in zip(axis.values, axis.nodes) {
                    next.append(prefix + [(axis.name, value, node)])
                }
            }
            assignments = next
        }
        if !search.randomAxes.isEmpty, let samples = search.samples {
            var random = PlanRandom(seed: seed ^ 0x7261_6e64_6f6d)  // "random"
            let draws: [Assignment] = (0..<samples).map { _ in
                search.randomAxes.map { axis in
                    let value = axis.distribution.sample(&random)
                    return (axis.name, value, YAMLNode.scalar(text: value.description, quoted: value.isString, location: axis.location))
                }
            }
            assignments = assignments.flatMap { prefix in draws.map { prefix + $0 } }
        }
        exclude(search.exclude, from: &assignments)
        include(search.include, into: &assignments, gridNames: Set(search.listAxes.map(\.name) + search.randomAxes.map(\.name)))
        return assignments
    }

    /// The values of `axes` (sorted names) in `assignment` as keys, or nil when it lacks one of them.
    private static func projection(_ assignment: Assignment, on axes: [String]) -> [AxisValue.SameValueKey]? {
        var keys: [AxisValue.SameValueKey] = []
        keys.reserveCapacity(axes.count)
        for axis in axes {
            guard let pair = assignment.first(where: { $0.axis == axis }) else { return nil }
            keys.append(pair.value.sameValueKey)
        }
        return keys
    }

    /// Drops the assignments that match every pair of some `exclude` item. Items are grouped by the
    /// axes they name, so each assignment is looked up once per group: O(cells × groups × axes).
    private func exclude(_ items: [PartialAssignment], from assignments: inout [Assignment]) {
        guard !items.isEmpty else { return }
        var groups: [[String]: Set<[AxisValue.SameValueKey]>] = [:]
        for item in items {
            let pairs = item.entries.sorted { $0.axis < $1.axis }
            groups[pairs.map(\.axis), default: []].insert(pairs.map { $0.value.sameValueKey })
        }
        assignments.removeAll { assignment in
            groups.contains { axes, values in Self.projection(assignment, on: axes).map(values.contains) ?? false }
        }
    }

    /// The assignments with the same values of some axes, and among them those lacking an axis.
    private struct Bucket {
        var members: [Int] = []
        /// Members without a value of the axis, computed when first needed and kept up to date.
        var lacking: [String: [Int]] = [:]
    }

    /// Applies `include` items in order, as GitHub Actions' matrix does: an item's extra (non-grid)
    /// values join every assignment matching its grid values that has none of those extra axes
    /// yet; an item that joins none becomes a new assignment. Assignments are indexed by the
    /// values of the grid axes an item names, so an item costs the assignments it can join, not
    /// all of them.
    private func include(_ items: [PartialAssignment], into assignments: inout [Assignment], gridNames: Set<String>) {
        var indexes: [[String]: [[AxisValue.SameValueKey]: Bucket]] = [:]
        func has(_ index: Int, _ axis: String) -> Bool { assignments[index].contains { $0.axis == axis } }
        for item in items {
            let original = item.entries.filter { gridNames.contains($0.axis) }.sorted { $0.axis < $1.axis }
            let extra = item.entries.filter { !gridNames.contains($0.axis) }
            let axes = original.map(\.axis)
            if indexes[axes] == nil {
                var buckets: [[AxisValue.SameValueKey]: Bucket] = [:]
                for index in assignments.indices {
                    if let key = Self.projection(assignments[index], on: axes) { buckets[key, default: Bucket()].members.append(index) }
                }
                indexes[axes] = buckets
            }
            let key = original.map { $0.value.sameValueKey }
            var matched = false
            // Taken out of the index while it changes, so that its arrays are not copied.
            if var bucket = indexes[axes]?.removeValue(forKey: key) {
                if let first = extra.first {
                    let candidates = bucket.lacking[first.axis] ?? bucket.members.filter { !has($0, first.axis) }
                    for index in candidates where extra.allSatisfy({ !has(index, $0.axis) }) {
                        assignments[index] += extra.map { ($0.axis, $0.value, $0.node) }
                        matched = true
                    }
                    bucket.lacking[first.axis] = candidates
                    for pair in extra {
                        bucket.lacking[pair.axis] = bucket.lacking[pair.axis]?.filter { !has($0, pair.axis) }
                    }
                    indexes[axes]?[key] = bucket
                } else {
                    matched = !bucket.members.isEmpty
                    indexes[axes]?[key] = bucket
                }
            }
            if !matched {
                let index = assignments.count
                assignments.append(item.entries.map { ($0.axis, $0.value, $0.node) })
                for indexAxes in Array(indexes.keys) {
                    guard let newKey = Self.projection(assignments[index], on: indexAxes) else { continue }
                    var bucket = indexes[indexAxes]?.removeValue(forKey: newKey) ?? Bucket()
                    bucket.members.append(index)
                    for axis in Array(bucket.lacking.keys) where !has(index, axis) { bucket.lacking[axis]?.append(index) }
                    indexes[indexAxes]?[newKey] = bucket
                }
            }
        }
    }

    /// The plan's axes: every axis with the values its cells use, in axis order.
    func planAxes(_ search: SearchSection, cells: [Cell]) -> [Axis] {
        search.allAxisNames.map { name in
            var values: [AxisValue] = []
            if let axis = search.listAxes.first(where: { $0.name == name }) {
                values = axis.values
            }
            var seen = Set(values.map(\.sameValueKey))
            for cell in cells {
                if let value = cell.value(of: name), seen.insert(value.sameValueKey).inserted {
                    values.append(value)
                }
            }
            let drawn = search.randomAxes.first { $0.name == name }?.distribution
            return Axis(name: name, values: values, distribution: drawn.map(\.key.rawValue))
        }
    }

    /// Reads model and training for every assignment; cells with equal assignments are kept once.
    ///
    /// A cell's `model` (or `training`) depends only on the values of the axes it refers to, and a
    /// grid repeats each combination of those many times over: each distinct one is read once, and
    /// its result, whether it reported anything, and the locations it recorded are reused.
    mutating func resolveCells(model: YAMLNode, training: YAMLNode, search: SearchSection, split: SplitPlan, seed: UInt64) -> [Cell] {
        let order = search.allAxisNames
        let modelAxes = referencedNames(in: model, path: "model")
        let trainingAxes = referencedNames(in: training, path: "training")
        var models: [[YAMLNode?]: SubtreeRead<[(LayerPlan, SourceLocation)]>] = [:]
        var trainings: [[YAMLNode?]: SubtreeRead<TrainingPlan>] = [:]
        var cells: [Cell] = []
        var seen = Set<String>()
        var failures = 0
        var reported = Set(reader.diagnostics)
        for assignment in expandSearch(search, seed: seed) {
            let substitutions = Dictionary(assignment.map { ($0.axis, $0.node) }, uniquingKeysWith: { first, _ in first })
            let before = reader.diagnostics.count
            let modelRead = read(model, referring: modelAxes, substitutions, reusing: &models) { $0.readModel($1) }
            let trainingRead = read(training, referring: trainingAxes, substitutions, reusing: &trainings) {
                $0.readTraining($1, split: split)
            }
            if modelRead.diagnosed || trainingRead.diagnosed || reader.diagnostics.count > before {
                // De-duplicate as we go: the same literal mistake repeats in every cell.
                let fresh = reader.diagnostics[before...].filter { reported.insert($0).inserted }
                reader.diagnostics = Array(reader.diagnostics[..<before]) + fresh
                failures += 1
                if failures > 10_000 { break }
                continue
            }
            guard let layers = modelRead.value, let trainingPlan = trainingRead.value else { continue }
            if let layers = checkLayers(layers, loss: trainingPlan.loss, model: model) {
                let values = order.compactMap { name in
                    assignment.first { $0.axis == name }.map { AxisAssignment(axis: name, value: $0.value) }
                }
                let id = Cell.stableID(for: values)
                guard seen.insert(id).inserted else { continue }
                cells.append(Cell(index: cells.count, id: id, values: values, model: layers, training: trainingPlan))
            }
        }
        return cells
    }

    /// One read of `model` or `training` for a cell: its result (nil when it failed), whether it
    /// reported anything, and the locations it recorded.
    struct SubtreeRead<Value> {
        var value: Value?
        var diagnosed: Bool
        var recorded: PlanLocations
    }

    /// `body` on `node` with the cell's values substituted, or the earlier read of a cell whose
    /// values of `axes` (the axes `node` refers to) are the same nodes.
    private mutating func read<Value>(_ node: YAMLNode, referring axes: [String], _ values: [String: YAMLNode],
                                      reusing reads: inout [[YAMLNode?]: SubtreeRead<Value>],
                                      _ body: (inout ExperimentReader, YAMLNode) -> Value?) -> SubtreeRead<Value> {
        let key = axes.map { values[$0] }
        if reusesReads, let earlier = reads[key] {
            record(earlier.recorded)
            return earlier
        }
        let saved = locations
        locations = PlanLocations()
        let start = reader.diagnostics.count
        let value = substitute(node, values).flatMap { body(&self, $0) }
        let result = SubtreeRead(value: value, diagnosed: reader.diagnostics.count > start, recorded: locations)
        locations = saved
        record(result.recorded)
        reads[key] = result
        return result
    }

    /// Adds what one read recorded as the read itself does: a batch size keeps its first location,
    /// the last layer and each class weight their latest.
    private mutating func record(_ recorded: PlanLocations) {
        for (size, location) in recorded.batchSize where locations.batchSize[size] == nil {
            locations.batchSize[size] = location
        }
        if let lastLayer = recorded.lastLayer { locations.lastLayer = lastLayer }
        if !recorded.layers.isEmpty { locations.layers = recorded.layers }
        locations.classWeight.merge(recorded.classWeight) { _, latest in latest }
        if let objective = recorded.objective { locations.objective = objective }
    }

    /// The axis names `node` refers to with `$name`, each once, sorted.
    private func referencedNames(in node: YAMLNode, path: String) -> [String] {
        var references: [AxisReference] = []
        collectReferences(node, path: path, into: &references)
        return Set(references.map(\.name)).sorted()
    }

    /// Replaces `$axis` scalars by the cell's value nodes and `$$` by a literal `$`. A mapping
    /// entry whose value names an axis this cell has no value for is left out (its default
    /// applies), and so is a list item that is left empty: that is how `include` makes an axis
    /// matter only for some cells. Nil when the node itself is such a reference.
    private func substitute(_ node: YAMLNode, _ values: [String: YAMLNode]) -> YAMLNode? {
        switch node {
        case .scalar(let text, let quoted, let location):
            guard !quoted, text.hasPrefix("$") else { return node }
            if text.hasPrefix("$$") { return .scalar(text: String(text.dropFirst()), quoted: true, location: location) }
            let name = String(text.dropFirst())
            if let value = values[name] { return value }
            return unassignable(name) ? nil : node
        case .mapping(let entries, let location):
            let kept = entries.compactMap { entry in
                substitute(entry.value, values).map { YAMLEntry(key: entry.key, keyLocation: entry.keyLocation, value: $0) }
            }
            return .mapping(kept, location: location)
        case .sequence(let items, let location):
            let kept = items.compactMap { item -> YAMLNode? in
                guard let result = substitute(item, values) else { return nil }
                if case .mapping(let entries, _) = result, entries.isEmpty, case .mapping(let original, _) = item, !original.isEmpty {
                    return nil
                }
                return result
            }
            return .sequence(kept, location: location)
        }
    }

    /// True for names of axes that exist but may be missing from a cell (include-only axes).
    private func unassignable(_ name: String) -> Bool {
        includeOnlyAxes.contains(name)
    }

    // MARK: - model

    mutating func readModel(_ node: YAMLNode) -> [(LayerPlan, SourceLocation)]? {
        guard let items = reader.list(node, "model") else { return nil }
        guard !items.isEmpty else {
            reader.error(node.location, "model", "the model needs at least one layer",
                         help: "e.g. - dense: {units: classes, activation: softmax}")
            return nil
        }
        guard let layers = readLayers(items, path: "model", endsModel: true) else { return nil }
        guard !layers.isEmpty else {
            reader.error(node.location, "model", "the model has no layers once its repeat blocks are expanded (times: 0)",
                         help: "end the model with a layer outside the repeat block, e.g. - dense: {units: classes, activation: softmax}")
            return nil
        }
        guard layers.count <= ResourceLimits.layers else {
            reader.error(node.location, "model", "the model has \(layers.count) layers once its repeat blocks are expanded; "
                            + "at most \(ResourceLimits.layers) (ResourceLimits.layers)",
                         help: "repeat the block fewer times")
            return nil
        }
        locations.layers = layers.map(\.1)
        return layers
    }

    /// The layers of `items` (a repeat block's expanded), each with its key's location. With
    /// `endsModel`, the last item is the model's last layer (the one that may have `units: classes`).
    private mutating func readLayers(_ items: [YAMLNode], path: String, endsModel: Bool) -> [(LayerPlan, SourceLocation)]? {
        var layers: [(LayerPlan, SourceLocation)] = []
        var failed = false
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            guard case .mapping(let entries, _) = item, entries.count == 1, let entry = entries.first else {
                if case .mapping(let entries, _) = item {
                    reader.error(item.location, itemPath, "a layer has exactly one key, found \(entries.count): \(entries.map(\.key).joined(separator: ", "))",
                                 help: "start each layer with '- ', e.g. - dropout: 0.2")
                } else {
                    reader.error(item.location, itemPath, "a layer is a mapping with one key, got \(item.shortDescription)",
                                 help: "valid layers: \(LayerKey.names.joined(separator: ", ")), e.g. - dense: {units: 32, activation: relu}")
                }
                failed = true
                continue
            }
            guard let kind = LayerKey(rawValue: entry.key) else {
                reader.error(entry.keyLocation, "\(itemPath).\(entry.key)", "unknown layer",
                             help: Suggestions.help(for: entry.key, valid: LayerKey.names, noun: "layers"))
                failed = true
                continue
            }
            let layerPath = "\(itemPath).\(kind.rawValue)"
            let isLast = endsModel && index == items.count - 1
            switch kind {
            case .dense:
                if let layer = readDense(entry.value, layerPath, isLast: isLast) { layers.append((layer, entry.keyLocation)) } else { failed = true }
            case .dropout:
                if let layer = readDropout(entry.value, layerPath) { layers.append((layer, entry.keyLocation)) } else { failed = true }
            case .batchNorm, .layerNorm:
                if let layer = readNorm(kind, entry.value, layerPath) { layers.append((layer, entry.keyLocation)) } else { failed = true }
            case .repeat:
                if let block = readRepeat(entry.value, layerPath) { layers += block } else { failed = true }
            }
            if isLast { locations.lastLayer = entry.keyLocation }
        }
        return failed ? nil : layers
    }

    /// `repeat: {times: n, layers: [...]}`: the block's layers n times over (none for 0).
    private mutating func readRepeat(_ node: YAMLNode, _ path: String) -> [(LayerPlan, SourceLocation)]? {
        guard let section = reader.section(node, path, RepeatKey.self) else { return nil }
        reader.require([.times, .layers], in: section)
        guard let timesNode = section[.times], let layersNode = section[.layers] else { return nil }
        let times = reader.int(timesNode, section.path(.times), in: 0...ResourceLimits.layers, what: "a whole number ≥ 0",
                               limit: "ResourceLimits.layers")
        guard let items = reader.list(layersNode, section.path(.layers)) else { return nil }
        guard !items.isEmpty else {
            reader.error(layersNode.location, section.path(.layers), "a repeat block needs at least one layer",
                         help: "e.g. layers: [{dense: {units: 32, activation: relu}}]")
            return nil
        }
        guard let block = readLayers(items, path: section.path(.layers), endsModel: false), let times else { return nil }
        guard block.count * times <= ResourceLimits.layers else {
            reader.error(timesNode.location, section.path(.times), "\(times) repeats of \(block.count) layers make more than "
                            + "\(ResourceLimits.layers) layers (ResourceLimits.layers)", help: "repeat the block fewer times")
            return nil
        }
        return (0..<times).flatMap { _ in block }
    }

    private mutating func readDense(_ node: YAMLNode, _ path: String, isLast: Bool) -> LayerPlan? {
        guard let section = reader.section(node, path, DenseKey.self) else { return nil }
        reader.require([.units], in: section)
        var units: UnitsPlan?
        if let unitsNode = section[.units] {
            if case .scalar("classes", false, _) = unitsNode {
                if task == .regression {
                    reader.error(unitsNode.location, section.path(.units), "a regression task has no classes",
                                 help: isLast ? "a regression net ends in one unit: units: 1" : "give hidden layers a number of units")
                } else if isLast {
                    units = .classes
                } else {
                    reader.error(unitsNode.location, section.path(.units), "'classes' is only allowed as the units of the last layer",
                                 help: "give hidden layers a number of units")
                }
            } else if let count = reader.int(unitsNode, section.path(.units), in: 1...ResourceLimits.units,
                                             what: isLast ? "a whole number ≥ 1 or 'classes'" : "a whole number ≥ 1",
                                             limit: "ResourceLimits.units") {
                units = .count(count)
            }
        }
        let activation = section[.activation].map {
            reader.choice($0, section.path(.activation), ActivationName.self, noun: "activation")
        } ?? .linear
        var initializer: InitializerName??
        if let node = section[.initializer] {
            initializer = .some(reader.choice(node, section.path(.initializer), InitializerName.self, noun: "initializer"))
        }
        guard let units, let activation else { return nil }
        if case .some(.none) = initializer { return nil }
        // The default is written as none: plans without the key keep their bytes.
        let chosen = initializer ?? nil
        return .dense(units: units, activation: activation, initializer: chosen == .glorotUniform ? nil : chosen)
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
        guard let rate = reader.double(rateNode, ratePath, what: "a rate in [0, 1)", float: true, isValid: { $0 >= 0 && $0 < 1 }) else {
            return nil
        }
        return .dropout(rate: rate)
    }

    /// `batch_norm: {momentum, epsilon}` or `layer_norm: {epsilon}`, each key optional (Keras's
    /// defaults: momentum 0.99, epsilon 0.001); `batch_norm: {}` or an empty value takes them all.
    private mutating func readNorm(_ kind: LayerKey, _ node: YAMLNode, _ path: String) -> LayerPlan? {
        func epsilon(_ node: YAMLNode?, _ path: String) -> Double?? {
            guard let node else { return .some(0.001) }
            return .some(reader.double(node, path, what: "a number > 0", float: true) { $0 > 0 })
        }
        if node.isNull {
            return kind == .batchNorm ? .batchNorm(momentum: 0.99, epsilon: 0.001) : .layerNorm(epsilon: 0.001)
        }
        if kind == .layerNorm {
            guard let section = reader.section(node, path, LayerNormKey.self),
                  let value = epsilon(section[.epsilon], section.path(.epsilon)), let value else { return nil }
            return .layerNorm(epsilon: value)
        }
        guard let section = reader.section(node, path, BatchNormKey.self) else { return nil }
        let momentum = section[.momentum].map {
            reader.double($0, section.path(.momentum), what: "a momentum in [0, 1)", float: true) { $0 >= 0 && $0 < 1 }
        } ?? 0.99
        guard let value = epsilon(section[.epsilon], section.path(.epsilon)), let value, let momentum else { return nil }
        return .batchNorm(momentum: momentum, epsilon: value)
    }

    /// Checks the last layer against the loss; returns the layers without locations.
    private mutating func checkLayers(_ layers: [(LayerPlan, SourceLocation)], loss: LossName, model: YAMLNode) -> [LayerPlan]? {
        guard let (last, location) = layers.last else { return nil }
        let path = "model[\(layers.count - 1)]"
        if let problem = loss.lastLayerProblem(last) {
            reader.error(location, path, problem.message, help: problem.help)
            return nil
        }
        return layers.map(\.0)
    }

    // MARK: - training

    mutating func readTraining(_ node: YAMLNode, split: SplitPlan) -> TrainingPlan? {
        guard let section = reader.section(node, "training", TrainingKey.self) else { return nil }
        reader.require([.epochs, .optimizer], in: section)
        let positive = "a whole number ≥ 1"
        let epochs = section[.epochs].flatMap {
            reader.int($0, section.path(.epochs), in: 1...ResourceLimits.epochs, what: positive, limit: "ResourceLimits.epochs")
        }
        let batchSize = section[.batchSize].map { reader.int($0, section.path(.batchSize), in: 1...Int(Int32.max), what: positive) } ?? 32
        if let batchSize, locations.batchSize[batchSize] == nil {
            locations.batchSize[batchSize] = section[.batchSize]?.location ?? section.location
        }
        let optimizerRead = section[.optimizer].flatMap { readOptimizer($0, section.path(.optimizer)) }
        let optimizer = optimizerRead?.optimizer
        let defaultLoss: LossName = task == .classification ? .categoricalCrossentropy : .mse
        let lossRead = section[.loss].map { readLoss($0, section.path(.loss)) } ?? (defaultLoss, nil, nil)
        let loss = lossRead?.name
        if let node = section[.classWeight], task == .regression {
            reader.error(node.location, section.path(.classWeight), "a regression target has no classes to weight",
                         help: "remove class_weight, or set task: classification")
            return nil
        }
        let classWeight = section[.classWeight].map { readClassWeight($0, section.path(.classWeight)) } ?? ClassWeightPlan.none
        var earlyStopping: EarlyStoppingPlan??
        if let node = section[.earlyStopping] {
            earlyStopping = .some(readEarlyStopping(node, section.path(.earlyStopping), split: split))
        }
        var schedule: SchedulePlan?
        var scheduleRefused = false
        if let node = section[.schedule] {
            if let read = readSchedule(node, section.path(.schedule), epochs: epochs) { schedule = read } else { scheduleRefused = true }
        }
        let clipNorm = section[.clipNorm].map {
            reader.double($0, section.path(.clipNorm), what: "a number > 0", float: true) { $0 > 0 }
        }
        guard let epochs, let batchSize, let optimizer, let loss, let classWeight else { return nil }
        if case .some(.none) = earlyStopping { return nil }
        if case .some(.none) = clipNorm { return nil }
        if scheduleRefused { return nil }
        return TrainingPlan(epochs: epochs, batchSize: batchSize, optimizer: optimizer, loss: loss, huberDelta: lossRead?.huberDelta,
                            classWeight: classWeight, earlyStopping: earlyStopping ?? nil, weightDecay: optimizerRead?.weightDecay,
                            schedule: schedule, clipNorm: clipNorm ?? nil, labelSmoothing: lossRead?.labelSmoothing)
    }

    /// A loss name, or `{huber: {delta: d}}`; the loss must be one of the task's.
    private mutating func readLoss(_ node: YAMLNode, _ path: String) -> (name: LossName, huberDelta: Double?, labelSmoothing: Double?)? {
        var name: LossName?
        var delta: Double?
        var smoothing: Double?
        if case .mapping = node {
            guard let section = reader.section(node, path, LossKey.self) else { return nil }
            let named = LossKey.allCases.filter { section[$0] != nil }
            guard named.count == 1, let key = named.first, let options = section[key] else {
                reader.error(node.location, path, named.isEmpty ? "the loss mapping names no loss" : "the loss mapping names \(named.count) losses; name one",
                             help: "write {huber: {delta: 1.0}}, {categorical_crossentropy: {label_smoothing: 0.1}} or a loss's name")
                return nil
            }
            if key != .huber {
                name = key == .categoricalCrossentropy ? .categoricalCrossentropy : .binaryCrossentropy
                guard case .mapping = options, let settings = reader.section(options, section.path(key), CrossEntropyKey.self) else {
                    if case .mapping = options {} else {
                        reader.error(options.location, section.path(key), "expected the loss's options as a mapping, got \(options.shortDescription)",
                                     help: "write loss: {\(key.rawValue): {label_smoothing: 0.1}}, or loss: \(key.rawValue)")
                    }
                    return nil
                }
                if let node = settings[.labelSmoothing] {
                    guard let value = reader.double(node, settings.path(.labelSmoothing), what: "a number in [0, 1)", float: true,
                                                    isValid: { $0 >= 0 && $0 < 1 }) else { return nil }
                    smoothing = value == 0 ? nil : value
                }
            }
            if key == .huber, let huber = section[.huber] {
                name = .huber
                if case .mapping = huber {
                guard let options = reader.section(huber, section.path(.huber), HuberKey.self) else { return nil }
                if let deltaNode = options[.delta] {
                    guard let value = reader.double(deltaNode, options.path(.delta), what: "a number > 0", float: true, isValid: { $0 > 0 }) else {
                        return nil
                    }
                    delta = value
                }
                } else {
                    reader.error(huber.location, section.path(.huber), "expected the huber options as a mapping, got \(huber.shortDescription)",
                                 help: "write loss: {huber: {delta: 1.0}}, or loss: huber")
                    return nil
                }
            }
        } else {
            name = reader.choice(node, path, LossName.self, noun: "loss")
        }
        guard let name else { return nil }
        guard name.task == task else {
            let fitting = LossName.of(task).map(\.rawValue).joined(separator: ", ")
            reader.error(node.location, path, "\(name.rawValue) is a \(name.task.rawValue) loss, and this is a \(task.rawValue) task",
                         help: task == .classification ? "set task: regression, or use one of: \(fitting)" : "use one of: \(fitting)")
            return nil
        }
        return (name, name == .huber ? delta ?? 1 : nil, smoothing)
    }

    /// Refuses each key of `section` that belongs to other kinds than `name` (`onlyFor`: a key and
    /// the kinds it belongs to, e.g. momentum to sgd and rmsprop); true when one was there.
    private mutating func refuseForeignKeys<Key: SectionKey, Name: RawRepresentable & Equatable>(
        _ section: Section<Key>, of name: Name, onlyFor: [(Key, [Name])]
    ) -> Bool where Name.RawValue == String {
        var refused = false
        for (key, owners) in onlyFor where !owners.contains(name) {
            guard let entry = section.entries[key] else { continue }
            let names = owners.map(\.rawValue)
            let list = names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " and " + (names.last ?? "")
            reader.error(entry.keyLocation, section.path(key), "\(key.rawValue) applies to \(list) only, not \(name.rawValue)")
            refused = true
        }
        return refused
    }

    /// A schedule name, or its mapping with its own keys: `.some(nil)` for `constant`, nil for a refusal.
    private mutating func readSchedule(_ node: YAMLNode, _ path: String, epochs: Int?) -> SchedulePlan?? {
        if case .scalar = node {
            guard let name = reader.choice(node, path, ScheduleName.self, noun: "schedule") else { return nil }
            return .some(SchedulePlan.defaults(name))
        }
        guard let section = reader.section(node, path, ScheduleKey.self) else { return nil }
        reader.require([.name], in: section)
        guard let nameNode = section[.name], let name = reader.choice(nameNode, section.path(.name), ScheduleName.self, noun: "schedule")
        else { return nil }
        var failed = false
        let onlyFor: [(ScheduleKey, [ScheduleName])] = [
            (.everyEpochs, [.step]), (.factor, [.step, .exponential]), (.warmupEpochs, [.cosine]), (.minFactor, [.cosine]),
        ]
        if refuseForeignKeys(section, of: name, onlyFor: onlyFor) { failed = true }
        func number(_ key: ScheduleKey, _ fallback: Double, what: String, _ isValid: @escaping (Double) -> Bool) -> Double {
            guard let node = section[key] else { return fallback }
            guard let value = reader.double(node, section.path(key), what: what, float: true, isValid: isValid) else {
                failed = true
                return fallback
            }
            return value
        }
        func count(_ key: ScheduleKey, _ fallback: Int, in range: ClosedRange<Int>, what: String) -> Int {
            guard let node = section[key] else { return fallback }
            guard let value = reader.int(node, section.path(key), in: range, what: what) else {
                failed = true
                return fallback
            }
            return value
        }
        let schedule: SchedulePlan?
        switch SchedulePlan.defaults(name) {
        case nil:
            schedule = nil
        case .step(let every, let factor):
            schedule = .step(everyEpochs: count(.everyEpochs, every, in: 1...ResourceLimits.epochs, what: "a whole number ≥ 1"),
                             factor: number(.factor, factor, what: "a number in (0, 1]") { $0 > 0 && $0 <= 1 })
        case .exponential(let factor):
            schedule = .exponential(factor: number(.factor, factor, what: "a number in (0, 1]") { $0 > 0 && $0 <= 1 })
        case .cosine(let warmup, let minimum):
            let warmupEpochs = count(.warmupEpochs, warmup, in: 0...ResourceLimits.epochs, what: "a whole number ≥ 0")
            // Warmup ends before the last epoch: a cosine needs at least one epoch after it.
            if let epochs, warmupEpochs >= epochs, let node = section[.warmupEpochs] {
                reader.error(node.location, section.path(.warmupEpochs),
                             "\(warmupEpochs) warmup epochs leave none of training.epochs (\(epochs)) for the cosine",
                             help: "use at most \(max(epochs - 1, 0)) warmup epochs")
                failed = true
            }
            schedule = .cosine(warmupEpochs: warmupEpochs,
                               minFactor: number(.minFactor, minimum, what: "a number in [0, 1]") { $0 >= 0 && $0 <= 1 })
        }
        return failed ? nil : .some(schedule)
    }

    /// An optimizer name, or its mapping; with its weight decay (an optimizer's default when not given).
    private mutating func readOptimizer(_ node: YAMLNode, _ path: String) -> (optimizer: OptimizerPlan, weightDecay: Double?)? {
        if case .scalar = node {
            guard let name = reader.choice(node, path, OptimizerName.self, noun: "optimizer") else { return nil }
            let optimizer = OptimizerPlan.defaults(name)
            return (optimizer, optimizer.defaultWeightDecay)
        }
        guard let section = reader.section(node, path, OptimizerKey.self) else { return nil }
        reader.require([.name], in: section)
        guard let nameNode = section[.name],
              let name = reader.choice(nameNode, section.path(.name), OptimizerName.self, noun: "optimizer")
        else { return nil }
        var failed = false
        /// The key's value when given and valid; `fallback` when absent (a refusal fails the read).
        func value<T>(_ key: OptimizerKey, _ fallback: T, _ read: (YAMLNode, String) -> T?) -> T {
            guard let node = section[key] else { return fallback }
            guard let value = read(node, section.path(key)) else {
                failed = true
                return fallback
            }
            return value
        }
        func number(_ key: OptimizerKey, _ fallback: Double, what: String, _ isValid: @escaping (Double) -> Bool) -> Double {
            value(key, fallback) { node, path in reader.double(node, path, what: what, float: true, isValid: isValid) }
        }
        let positive = "a number > 0"
        let unit = "a number in [0, 1)"
        let defaults = OptimizerPlan.defaults(name)
        let learningRate = number(.learningRate, defaults.learningRate, what: positive) { $0 > 0 }
        let onlyFor: [(OptimizerKey, [OptimizerName])] = [
            (.momentum, [.sgd, .rmsprop]), (.nesterov, [.sgd]), (.beta1, [.adam, .adamw]), (.beta2, [.adam, .adamw]),
            (.epsilon, [.adam, .adamw, .rmsprop]), (.rho, [.rmsprop]),
        ]
        if refuseForeignKeys(section, of: name, onlyFor: onlyFor) { failed = true }
        let weightDecay = section[.weightDecay] == nil ? defaults.defaultWeightDecay
            : number(.weightDecay, 0, what: "a number ≥ 0") { $0 >= 0 }
        let plan: OptimizerPlan
        switch defaults {
        case .sgd(_, let momentum, let nesterov):
            plan = .sgd(learningRate: learningRate,
                        momentum: number(.momentum, momentum, what: unit) { $0 >= 0 && $0 < 1 },
                        nesterov: value(.nesterov, nesterov) { node, path in reader.bool(node, path) })
        case .adam(_, let beta1, let beta2, let epsilon), .adamw(_, let beta1, let beta2, let epsilon):
            let (b1, b2, e) = (number(.beta1, beta1, what: unit) { $0 >= 0 && $0 < 1 },
                               number(.beta2, beta2, what: unit) { $0 >= 0 && $0 < 1 },
                               number(.epsilon, epsilon, what: positive) { $0 > 0 })
            plan = name == .adamw ? .adamw(learningRate: learningRate, beta1: b1, beta2: b2, epsilon: e)
                : .adam(learningRate: learningRate, beta1: b1, beta2: b2, epsilon: e)
        case .rmsprop(_, let rho, let momentum, let epsilon):
            plan = .rmsprop(learningRate: learningRate,
                            rho: number(.rho, rho, what: unit) { $0 >= 0 && $0 < 1 },
                            momentum: number(.momentum, momentum, what: unit) { $0 >= 0 && $0 < 1 },
                            epsilon: number(.epsilon, epsilon, what: positive) { $0 > 0 })
        }
        // A weight decay of 0 is none: plan.json then has no key.
        return failed ? nil : (plan, weightDecay == 0 ? nil : weightDecay)
    }

    private mutating func readClassWeight(_ node: YAMLNode, _ path: String) -> ClassWeightPlan? {
        switch node {
        case .scalar(let text, _, _):
            switch text {
            case "none": return ClassWeightPlan.none
            case "balanced": return .balanced
            default:
                reader.error(node.location, path, "'\(Diagnostic.excerpt(text))' is not a class weighting",
                             help: Suggestions.help(for: text, valid: ["none", "balanced"], noun: "values") + ", or a mapping of label to weight")
                return nil
            }
        case .mapping(let entries, _):
            var weights: [String: Double] = [:]
            var failed = false
            for entry in entries {
                locations.classWeight[entry.key] = entry.keyLocation
                if let weight = reader.double(entry.value, "\(path).\(Diagnostic.excerpt(entry.key))", what: "a weight > 0", float: true,
                                              isValid: { $0 > 0 }) {
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
        if !monitor.tasks.contains(task) {
            reader.error(section[.monitor]?.location ?? section.location, section.path(.monitor),
                         "\(monitor.rawValue) is not measured in a \(task.rawValue) task",
                         help: "monitor val_loss or loss")
            return nil
        }
        if (monitor == .valLoss || monitor == .valAccuracy), !split.hasValidation {
            reader.error(section[.monitor]?.location ?? section.location, section.path(.monitor),
                         "\(monitor.rawValue) needs a validation part, and the data split has none",
                         help: "set data.split.validation or data.split.folds, or monitor loss")
            return nil
        }
        return EarlyStoppingPlan(monitor: monitor, patience: patience, minDelta: minDelta, restoreBestWeights: restore)
    }
}
