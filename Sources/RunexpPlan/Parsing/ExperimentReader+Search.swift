import Foundation

/// `search:`: grid axes, distribution axes, include/exclude and random samples.
extension ExperimentReader {
    /// A list axis: its values and the nodes they were written in.
    struct ListAxis {
        var name: String
        var values: [AxisValue]
        var nodes: [YAMLNode]
    }

    /// An axis drawn at random, `search.random.samples` times.
    struct RandomAxis {
        var name: String
        var distribution: Distribution
        var location: SourceLocation
    }

    /// A partial assignment from `include` or `exclude`: axis name → value node.
    struct PartialAssignment {
        var path: String
        var entries: [(axis: String, value: AxisValue, node: YAMLNode, keyLocation: SourceLocation)]
    }

    struct SearchSection {
        var listAxes: [ListAxis] = []
        var randomAxes: [RandomAxis] = []
        var include: [PartialAssignment] = []
        var exclude: [PartialAssignment] = []
        var samples: Int?
        var axisKeyLocations: [String: SourceLocation] = [:]
        /// Every axis name written under grid, including axes whose values had errors.
        var declaredNames: Set<String> = []
        /// True when grid has a mapping-valued (distribution) axis, valid or not.
        var declaresDistribution = false
        var repetitions = 1
        var repetitionsLocation: SourceLocation?
        var objective: Objective?
        var strategy: SearchStrategy?
        /// Where `search.strategy` and its `min_epochs` (when given) were written.
        var strategyLocation: SourceLocation?
        var minEpochsLocation: SourceLocation?
        /// True when the search asks for more cells or axes than ``ResourceLimits`` allow (reported):
        /// its cells are then not built.
        var overBudget = false

        /// Grid, random and include-only axis names in that order.
        var allAxisNames: [String] {
            var names = listAxes.map(\.name) + randomAxes.map(\.name)
            var seen = Set(names)
            for item in include {
                for entry in item.entries where seen.insert(entry.axis).inserted { names.append(entry.axis) }
            }
            return names
        }

        /// An upper bound of the cells: the grid product × random samples + include items (exclude
        /// only removes), or nil when it exceeds ``ResourceLimits/cells``. Nothing is built to count.
        var cellBound: Int? {
            var product = 1
            var factors = listAxes.map(\.values.count)
            if !randomAxes.isEmpty, let samples { factors.append(samples) }
            for factor in factors {
                let (next, overflow) = product.multipliedReportingOverflow(by: factor)
                guard !overflow, next <= ResourceLimits.cells else { return nil }
                product = next
            }
            let total = product + include.count
            return total <= ResourceLimits.cells ? total : nil
        }

        /// "10 × 10 × 20 samples + 3 include items", for the message that refuses a search.
        var cellFormula: String {
            var factors = listAxes.map { "\($0.values.count)" }
            if !randomAxes.isEmpty, let samples { factors.append("\(samples) samples") }
            var text = factors.isEmpty ? "1" : factors.joined(separator: " × ")
            if !include.isEmpty { text += " + \(include.count) include items" }
            return text
        }
    }

    mutating func readSearch(_ node: YAMLNode, split: SplitPlan?) -> SearchSection {
        var result = SearchSection()
        guard let section = reader.section(node, "search", SearchKey.self) else { return result }
        if let grid = section[.grid] {
            readGrid(grid, into: &result)
        }
        if result.listAxes.count + result.randomAxes.count > ResourceLimits.axes, let grid = section[.grid] {
            reader.error(grid.location, "search.grid", "\(result.listAxes.count + result.randomAxes.count) axes; at most \(ResourceLimits.axes) (ResourceLimits.axes)")
            result.overBudget = true
            return result
        }
        if let node = section[.random], let random = reader.section(node, "search.random", RandomKey.self) {
            reader.require([.samples], in: random)
            result.samples = random[.samples].flatMap {
                reader.int($0, random.path(.samples), in: 1...ResourceLimits.cells, what: "a whole number ≥ 1",
                           limit: "ResourceLimits.cells")
            }
        }
        if let first = result.randomAxes.first, section[.random] == nil {
            reader.error(first.location, "search.grid.\(first.name)", "a distribution axis needs search.random",
                         help: "add random: {samples: N} under search to draw N samples")
        }
        if let node = section[.random], !result.declaresDistribution {
            reader.error(node.location, "search.random", "random samples need at least one distribution axis",
                         help: "write an axis as {uniform: [a, b]}, {log_uniform: [a, b]}, {int_uniform: [a, b]} or {choice: [...]}")
        }
        let listNames = result.listAxes.map(\.name)
        let randomNames = Set(result.randomAxes.map(\.name))
        var axisValues: [String: Set<AxisValue.SameValueKey>] = [:]
        for axis in result.listAxes {
            axisValues[axis.name] = Set(axis.values.map(\.sameValueKey))
        }
        if let node = section[.include] {
            result.include = readPartials(node, "search.include", known: nil, listAxes: result.listAxes, axisValues: axisValues,
                                          randomAxes: randomNames, axisCount: listNames.count + randomNames.count)
            if result.allAxisNames.count > ResourceLimits.axes {
                result.overBudget = true
                return result
            }
        }
        if let node = section[.exclude] {
            var seen = Set<String>()
            let known = (listNames + result.include.flatMap { $0.entries.map(\.axis) }).filter { seen.insert($0).inserted }
            result.exclude = readPartials(node, "search.exclude", known: known, listAxes: result.listAxes,
                                          axisValues: axisValues, randomAxes: randomNames, axisCount: 0)
        }
        if let node = section[.repetitions] {
            result.repetitionsLocation = node.location
            result.repetitions = reader.int(node, "search.repetitions", in: 1...ResourceLimits.repetitions, what: "a whole number ≥ 1",
                                            limit: "ResourceLimits.repetitions") ?? 1
        }
        if let node = section[.objective] {
            result.objective = readObjective(node, split: split)
        } else if let split {
            result.objective = defaultObjective(for: split)
        }
        if let node = section[.strategy] {
            result.strategyLocation = node.location
            readStrategy(node, into: &result)
        }
        for item in result.include {
            for entry in item.entries { result.declaredNames.insert(entry.axis) }
        }
        if result.cellBound == nil {
            reader.error(section[.grid]?.location ?? section.location, section[.grid] == nil ? "search" : "search.grid",
                         "the search makes up to \(result.cellFormula) cells; at most \(ResourceLimits.cells) (ResourceLimits.cells)",
                         help: "remove axis values or samples, or split the search into several files")
            result.overBudget = true
        }
        return result
    }

    /// `strategy: {halving: {min_epochs: 3, factor: 3}}` or `{hyperband: ...}`; `halving:` alone
    /// takes min_epochs 1 and factor 3. Checks that need the cells are ``checkStrategy(_:cells:)``'s.
    private mutating func readStrategy(_ node: YAMLNode, into result: inout SearchSection) {
        guard let section = reader.section(node, "search.strategy", StrategyKey.self) else { return }
        let given = StrategyKey.allCases.filter { section[$0] != nil }
        guard given.count == 1, let key = given.first, let rules = section[key] else {
            if given.count > 1 {
                reader.error(node.location, "search.strategy", "halving and hyperband are two strategies; the search can follow one",
                             help: "keep halving (one bracket) or hyperband (several brackets)")
            } else if section.misspelled.isEmpty && section.entries.isEmpty {
                reader.error(node.location, "search.strategy", "expected halving or hyperband",
                             help: "e.g. strategy: {halving: {min_epochs: 3, factor: 3}}")
            }
            return
        }
        let path = section.path(key)
        var minEpochs = 1, factor = 3
        if !rules.isNull {
            guard let rule = reader.section(rules, path, RungRuleKey.self) else { return }
            if let value = rule[.minEpochs] {
                result.minEpochsLocation = value.location
                guard let read = reader.int(value, rule.path(.minEpochs), in: 1...ResourceLimits.epochs, what: "a whole number ≥ 1",
                                            limit: "ResourceLimits.epochs") else { return }
                minEpochs = read
            }
            if let value = rule[.factor] {
                guard let read = reader.int(value, rule.path(.factor), in: 2...ResourceLimits.epochs,
                                            what: "a whole number ≥ 2 (the share of cells that go on is 1/factor)",
                                            limit: "ResourceLimits.epochs") else { return }
                factor = read
            }
        }
        result.strategy = SearchStrategy(kind: key == .halving ? .halving : .hyperband, minEpochs: minEpochs, factor: factor)
    }

    /// The strategy's checks against the resolved cells and the objective: one `training.epochs`
    /// for every cell, `min_epochs` below it, and a validation objective (rungs rank while cells
    /// train: test rows must not choose). Early stopping combines with it: a run that stops early
    /// is ranked by its last measurement at every rung and trains no further.
    mutating func checkStrategy(_ search: SearchSection, cells: [Cell]) {
        guard let strategy = search.strategy, let location = search.strategyLocation, let first = cells.first else { return }
        locations.strategy = location
        let name = strategy.kind.rawValue
        if let objective = search.objective, objective.metric.split == .test {
            reader.error(location, "search.strategy",
                         "\(name) ranks the cells by the objective while they train, and \(objective.metric) would let the test rows choose",
                         help: "rank on a val_ metric (data.split.validation or data.split.folds give the rows)")
        }
        let epochs = Set(cells.map(\.training.epochs))
        guard epochs.count == 1 else {
            let listed = epochs.sorted().prefix(4).map(String.init).joined(separator: ", ")
            let more = epochs.count > 4 ? ", …" : ""
            reader.error(location, "search.strategy", "\(name) needs one training.epochs for every cell; the cells train \(listed)\(more) epochs",
                         help: "remove epochs from the axes: the rungs choose how far each cell trains")
            return
        }
        let total = first.training.epochs
        if strategy.minEpochs >= total {
            reader.error(search.minEpochsLocation ?? location, "search.strategy.\(name).min_epochs",
                         "min_epochs \(strategy.minEpochs) is not below training.epochs \(total): every cell would train to the end in one rung",
                         help: "set min_epochs below \(total), e.g. \(max(1, total / (strategy.factor * strategy.factor)))")
        }
    }

    private mutating func readGrid(_ node: YAMLNode, into result: inout SearchSection) {
        guard case .mapping(let entries, _) = node else {
            reader.error(node.location, "search.grid", "expected a mapping of axis names to lists of values, got \(node.shortDescription)",
                         help: "e.g. grid: {units: [32, 64], learning_rate: [0.01, 0.1]}")
            return
        }
        for entry in entries {
            let path = "search.grid.\(entry.key)"
            guard Self.isAxisName(entry.key) else {
                reader.error(entry.keyLocation, path, "'\(entry.key)' is not a valid axis name",
                             help: "start with a letter or '_', then letters, digits or '_'")
                continue
            }
            result.declaredNames.insert(entry.key)
            result.axisKeyLocations[entry.key] = entry.keyLocation
            if case .mapping = entry.value {
                result.declaresDistribution = true
                if let distribution = readDistribution(entry.value, path) {
                    result.randomAxes.append(RandomAxis(name: entry.key, distribution: distribution, location: entry.value.location))
                }
                continue
            }
            guard let items = reader.list(entry.value, path) else { continue }
            guard !items.isEmpty else {
                reader.error(entry.value.location, path, "an axis needs at least one value")
                continue
            }
            guard items.count <= ResourceLimits.axisValues else {
                reader.error(entry.value.location, path, "\(items.count) values; at most \(ResourceLimits.axisValues) (ResourceLimits.axisValues)")
                continue
            }
            var axis = ListAxis(name: entry.key, values: [], nodes: [])
            var seen = Set<AxisValue.SameValueKey>()
            for (index, item) in items.enumerated() {
                guard let value = readAxisValue(item, "\(path)[\(index)]") else { continue }
                if !seen.insert(value.sameValueKey).inserted {
                    reader.error(item.location, "\(path)[\(index)]", "duplicate value \(value) in axis '\(entry.key)'",
                                 help: "each value of an axis must differ")
                    continue
                }
                axis.values.append(value)
                axis.nodes.append(item)
            }
            result.listAxes.append(axis)
        }
    }

    private mutating func readAxisValue(_ node: YAMLNode, _ path: String) -> AxisValue? {
        guard case .scalar(let text, let quoted, _) = node, !node.isNull else {
            reader.error(node.location, path, "expected a single value, got \(node.shortDescription)")
            return nil
        }
        if !quoted, text.hasPrefix("$"), !text.hasPrefix("$$") {
            reader.error(node.location, path, "an axis value cannot refer to an axis ('\(Diagnostic.excerpt(text))')",
                         help: "write the value itself, or $$ for a literal '$'")
            return nil
        }
        return AxisValue(text: text, quoted: quoted)
    }

    private mutating func readDistribution(_ node: YAMLNode, _ path: String) -> Distribution? {
        guard case .mapping(let entries, _) = node, entries.count == 1, let entry = entries.first else {
            reader.error(node.location, path, "a distribution axis has exactly one key",
                         help: "valid distributions: \(DistributionKey.names.joined(separator: ", "))")
            return nil
        }
        guard let kind = DistributionKey(rawValue: entry.key) else {
            reader.error(entry.keyLocation, "\(path).\(entry.key)", "unknown distribution",
                         help: Suggestions.help(for: entry.key, valid: DistributionKey.names, noun: "distributions"))
            return nil
        }
        let valuePath = "\(path).\(entry.key)"
        guard let items = reader.list(entry.value, valuePath) else { return nil }
        if kind == .choice {
            guard !items.isEmpty else {
                reader.error(entry.value.location, valuePath, "choice needs at least one value")
                return nil
            }
            guard items.count <= ResourceLimits.axisValues else {
                reader.error(entry.value.location, valuePath, "\(items.count) values; at most \(ResourceLimits.axisValues) (ResourceLimits.axisValues)")
                return nil
            }
            let values = items.enumerated().compactMap { readAxisValue($1, "\(valuePath)[\($0)]") }
            return values.count == items.count ? .choice(values) : nil
        }
        guard items.count == 2 else {
            reader.error(entry.value.location, valuePath, "expected [low, high], got \(items.count) values")
            return nil
        }
        if kind == .intUniform {
            // Bounds exact as doubles (axis values compare as numbers), and high − low + 1 fits an Int.
            let bound = Distribution.intBound
            let what = "a whole number between -\(bound) and \(bound)"
            guard let low = reader.int(items[0], "\(valuePath)[0]", in: -bound...bound, what: what),
                  let high = reader.int(items[1], "\(valuePath)[1]", in: -bound...bound, what: what) else { return nil }
            guard low <= high else {
                reader.error(entry.value.location, valuePath, "low \(low) is above high \(high)")
                return nil
            }
            return .intUniform(low, high)
        }
        guard let low = reader.double(items[0], "\(valuePath)[0]"), let high = reader.double(items[1], "\(valuePath)[1]") else { return nil }
        guard low < high else {
            reader.error(entry.value.location, valuePath, "low \(ScalarSyntax.format(low)) must be below high \(ScalarSyntax.format(high))")
            return nil
        }
        guard (high - low).isFinite else {
            reader.error(entry.value.location, valuePath, "the range from \(ScalarSyntax.format(low)) to \(ScalarSyntax.format(high)) is too wide",
                         help: "high − low must be a finite number (below 1.8e308)")
            return nil
        }
        if kind == .logUniform {
            guard low > 0 else {
                reader.error(items[0].location, "\(valuePath)[0]", "log_uniform needs bounds above 0")
                return nil
            }
            return .logUniform(low, high)
        }
        return .uniform(low, high)
    }

    /// `include` or `exclude` items: mappings of axis name to one value. With `known` nil any
    /// axis name is allowed (include may add axes, up to ``ResourceLimits/axes`` in all with the
    /// `axisCount` of the grid); otherwise names must be in `known`.
    private mutating func readPartials(_ node: YAMLNode, _ path: String, known: [String]?, listAxes: [ListAxis],
                                       axisValues: [String: Set<AxisValue.SameValueKey>],
                                       randomAxes: Set<String>, axisCount: Int) -> [PartialAssignment] {
        guard let items = reader.list(node, path) else { return [] }
        guard items.count <= ResourceLimits.axisValues else {
            reader.error(node.location, path, "\(items.count) items; at most \(ResourceLimits.axisValues) (ResourceLimits.axisValues)")
            return []
        }
        let knownSet = known.map(Set.init)
        var axes = Set(listAxes.map(\.name)).union(randomAxes)
        var result: [PartialAssignment] = []
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            guard case .mapping(let entries, _) = item, !entries.isEmpty else {
                reader.error(item.location, itemPath, "expected a mapping of axis names to values, got \(item.shortDescription)",
                             help: "e.g. - {dropout: 0.6, units: 1}")
                continue
            }
            var partial = PartialAssignment(path: itemPath, entries: [])
            for entry in entries {
                let entryPath = "\(itemPath).\(Diagnostic.excerpt(entry.key))"
                if randomAxes.contains(entry.key) {
                    reader.error(entry.keyLocation, entryPath, "'\(entry.key)' is a random axis; include and exclude name grid axes")
                    continue
                }
                if let known, let knownSet, !knownSet.contains(entry.key) {
                    reader.error(entry.keyLocation, entryPath, "'\(Diagnostic.excerpt(entry.key))' is not an axis",
                                 help: known.isEmpty ? "the search has no grid axes" : Suggestions.help(for: entry.key, valid: known, noun: "axes"))
                    continue
                }
                if known == nil, !Self.isAxisName(entry.key) {
                    reader.error(entry.keyLocation, entryPath, "'\(Diagnostic.excerpt(entry.key))' is not a valid axis name",
                                 help: "start with a letter or '_', then letters, digits or '_'")
                    continue
                }
                if known == nil, axes.insert(entry.key).inserted, axes.count > ResourceLimits.axes {
                    reader.error(entry.keyLocation, entryPath, "\(axes.count) axes with this one; at most \(ResourceLimits.axes) (ResourceLimits.axes)")
                    return result
                }
                guard let value = readAxisValue(entry.value, entryPath) else { continue }
                if known != nil, let values = axisValues[entry.key], !values.contains(value.sameValueKey),
                   let axis = listAxes.first(where: { $0.name == entry.key }) {
                    var shown = axis.values.prefix(20).map(\.description).joined(separator: ", ")
                    if axis.values.count > 20 { shown += ", … (\(axis.values.count) values)" }
                    reader.error(entry.value.location, entryPath, "\(value) is not a value of axis '\(entry.key)'",
                                 help: "values: \(shown)")
                    continue
                }
                partial.entries.append((entry.key, value, entry.value, entry.keyLocation))
            }
            result.append(partial)
        }
        return result
    }
}

/// How a random axis draws its values.
enum Distribution {
    case uniform(Double, Double)
    case logUniform(Double, Double)
    case intUniform(Int, Int)
    case choice([AxisValue])

    /// The key the distribution was written with.
    var key: DistributionKey {
        switch self {
        case .uniform: .uniform
        case .logUniform: .logUniform
        case .intUniform: .intUniform
        case .choice: .choice
        }
    }

    /// One draw; real values keep 6 significant digits so files stay readable and ids stable.
    func sample(_ random: inout PlanRandom) -> AxisValue {
        switch self {
        case .uniform(let low, let high):
            return .double(Self.significant(low + (high - low) * random.unit()))
        case .logUniform(let low, let high):
            return .double(Self.significant(Foundation.exp(Foundation.log(low) + (Foundation.log(high) - Foundation.log(low)) * random.unit())))
        case .intUniform(let low, let high):
            return .int(low + random.below(high - low + 1))  // |low|, |high| ≤ intBound: no overflow
        case .choice(let values):
            return values[random.below(values.count)]
        }
    }

    /// The largest magnitude of an `int_uniform` bound: 2^53, below which every integer is exact as a double.
    static let intBound = 1 << 53

    static func significant(_ value: Double) -> Double {
        Double(String(format: "%.6g", value)) ?? value
    }
}

/// SplitMix64 for the plan's own random choices (random-search samples).
///
/// The plan library depends on Yams only, so it does not borrow the kernel's generator; the
/// algorithm is fixed here so plans stay reproducible across toolchains.
struct PlanRandom {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 bits.
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Uniform integer in 0..<count (multiply-shift; the bias is below 2^-40 for small counts).
    mutating func below(_ count: Int) -> Int {
        Int((UInt64(count).multipliedFullWidth(by: next())).high)
    }
}

extension AxisValue {
    /// Equal values, where an integer and a double of the same number are the same value.
    func sameValue(as other: AxisValue) -> Bool {
        if let a = number, let b = other.number { return a == b }
        return self == other
    }

    /// What ``sameValue(as:)`` compares, as a hashable key: numbers by value, the rest as written.
    enum SameValueKey: Hashable {
        case number(Double)
        case other(AxisValue)
    }

    /// This value's ``SameValueKey``: two values are the same value exactly when their keys are equal.
    var sameValueKey: SameValueKey {
        number.map { .number($0) } ?? .other(self)
    }
}

extension ExperimentReader {
    /// `[A-Za-z_][A-Za-z0-9_]*`: what `$name` can refer to.
    static func isAxisName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }
}
