import Foundation

/// Turns an experiment file into a ``Plan``, or every problem in it as a ``DiagnosticError``.
///
/// The file is parsed into a located node tree; `data`, `search` and `report` are read once;
/// `model` and `training` are read for each cell, after each `$axis` scalar is replaced by the
/// cell's value node (which keeps its own location in `search.grid`, so a bad axis value is
/// reported where it was written), once per distinct set of the values they refer to.
/// Diagnostics are collected, de-duplicated and sorted.
public enum PlanParser {
    /// Reads and parses the file at `path`; `path` is also the name diagnostics use. `dataRead`,
    /// when given, gets the `data` section and the task as soon as they are read, before the cells are resolved,
    /// so that a caller can start loading the data file meanwhile.
    public static func parse(contentsOf path: String, dataRead: ((DataPlan, TaskKind) -> Void)? = nil) throws -> Plan {
        // At most one byte more than the limit is read, so a huge file (or /dev/zero) is refused
        // without being loaded; YAMLSyntax names the limit.
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DiagnosticError([Diagnostic(location: SourceLocation(file: path, line: 0, column: 0),
                                              keyPath: "", message: "no such file")])
        }
        guard !isDirectory.boolValue, let handle = FileHandle(forReadingAtPath: path),
              let data = try? handle.read(upToCount: ResourceLimits.experimentBytes + 1) ?? Data() else {
            throw DiagnosticError([Diagnostic(location: SourceLocation(file: path, line: 0, column: 0),
                                              keyPath: "", message: isDirectory.boolValue ? "is a directory, not a file" : "cannot read the file")])
        }
        try? handle.close()
        if data.count > ResourceLimits.experimentBytes {
            throw DiagnosticError([Diagnostic(location: SourceLocation(file: path, line: 0, column: 0), keyPath: "",
                                              message: "the file has more than \(ResourceLimits.experimentBytes) bytes; at most \(ResourceLimits.experimentBytes) (ResourceLimits.experimentBytes)")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DiagnosticError([Diagnostic(location: SourceLocation(file: path, line: 1, column: 1),
                                              keyPath: "", message: "the file is not UTF-8 text")])
        }
        let directory = PathText.parent(of: path)
        return try parse(yaml: text, file: path, directory: directory, reusingReads: true, dataRead: dataRead)
    }

    /// Parses `yaml`; `file` names it in diagnostics and `directory` anchors `data.file`.
    public static func parse(yaml: String, file: String, directory: String) throws -> Plan {
        try parse(yaml: yaml, file: file, directory: directory, reusingReads: true)
    }

    /// ``parse(yaml:file:directory:)``; `reusingReads: false` reads `model` and `training` anew for
    /// every cell (the tests compare the two).
    static func parse(yaml: String, file: String, directory: String, reusingReads: Bool,
                      dataRead: ((DataPlan, TaskKind) -> Void)? = nil) throws -> Plan {
        let (tree, syntaxErrors) = YAMLSyntax.parse(yaml, file: file)
        guard syntaxErrors.isEmpty else { throw DiagnosticError(syntaxErrors) }
        guard let tree else {
            throw DiagnosticError([Diagnostic(location: SourceLocation(file: file, line: 1, column: 1), keyPath: "",
                                              message: "the file is empty",
                                              help: "an experiment needs at least: name, data, model, training")])
        }
        var parser = ExperimentReader(file: file, directory: directory)
        parser.reusesReads = reusingReads
        let plan = parser.read(tree, dataRead: dataRead)
        guard let plan, parser.reader.diagnostics.isEmpty else {
            throw DiagnosticError(parser.reader.diagnostics)
        }
        return plan
    }
}

/// The state of one parse: the reader with its diagnostics, and where the file lives.
struct ExperimentReader {
    var reader = NodeReader()
    var locations = PlanLocations()
    /// Axes that only `include` items assign: a cell without a value leaves their keys out.
    var includeOnlyAxes: Set<String> = []
    /// Whether cells whose `model` or `training` substitute the same values share one read.
    var reusesReads = true
    /// The file's `task:`, read first: the defaults and the rules of every other section follow it.
    var task = TaskKind.classification
    /// `data.test_file` was given: runs have a test part without `split.test`.
    var hasTestFile = false
    let file: String
    let directory: String

    init(file: String, directory: String) {
        self.file = file
        self.directory = directory
    }

    mutating func read(_ root: YAMLNode, dataRead: ((DataPlan, TaskKind) -> Void)? = nil) -> Plan? {
        guard let top = reader.section(root, "", ExperimentKey.self) else { return nil }
        reader.require([.name, .data, .model, .training], in: top)

        let schemaVersion = top[.schemaVersion].flatMap { node in
            readSchemaVersion(node)
        } ?? Plan.currentSchemaVersion
        let name = top[.name].flatMap { readName($0) }
        let description = top[.description].flatMap { reader.string($0, "description") } ?? ""
        let seed = top[.seed].flatMap { reader.int($0, "seed", in: 0...Int.max, what: "a whole number ≥ 0") } ?? 0
        if let node = top[.task] {
            // Every other section reads by the task's rules: guessing one would only add errors that are not there.
            guard let read = reader.choice(node, "task", TaskKind.self, noun: "task") else { return nil }
            task = read
        }
        let data = top[.data].flatMap { readData($0) }
        if let data, reader.diagnostics.isEmpty { dataRead?(data, task) }
        let search = top[.search].map { readSearch($0, split: data?.split) }
            ?? SearchSection(objective: data.flatMap { defaultObjective(for: $0.split) })
        let report = top[.report].flatMap { readReport($0, axes: search.allAxisNames) } ?? ReportPlan(heatmaps: [])

        if search.objective == nil, let data, top[.search] == nil || reader.diagnostics.isEmpty {
            reader.error(data.locations.file ?? top.location, "search.objective",
                         "no validation or test part to measure an objective on",
                         help: "set data.split.validation, data.split.folds or data.split.test")
        }

        let templates = (model: top[.model], training: top[.training])
        includeOnlyAxes = Set(search.allAxisNames).subtracting(search.listAxes.map(\.name) + search.randomAxes.map(\.name))
        checkAxisReferences(model: templates.model, training: templates.training, search: search)

        var cells: [Cell] = []
        if let modelNode = templates.model, let trainingNode = templates.training, !search.overBudget {
            reader.allowsReferences = true
            let split = data?.split ?? SplitPlan(test: 0.2, validation: 0.2, folds: nil, stratify: task == .classification)
            cells = resolveCells(model: modelNode, training: trainingNode, search: search, split: split, seed: UInt64(seed))
            reader.allowsReferences = false
            checkRuns(cells: cells.count, search: search, folds: data?.split.folds, at: top[.search]?.location ?? top.location)
            checkStrategy(search, cells: cells)
            if reader.diagnostics.isEmpty {
                checkCurvePoints(cells: cells, search: search, folds: data?.split.folds, training: trainingNode)
            }
        }
        guard reader.diagnostics.isEmpty, let name, let data, let objective = search.objective else { return nil }
        return Plan(schemaVersion: schemaVersion, name: name, description: description, seed: UInt64(seed), task: task,
                    data: data, axes: planAxes(search, cells: cells), repetitions: search.repetitions, objective: objective,
                    strategy: search.strategy, report: report, cells: cells, locations: locations)
    }

    // MARK: - Top level

    /// Refuses more than ``ResourceLimits/runs`` runs (cells × repetitions × folds).
    private mutating func checkRuns(cells: Int, search: SearchSection, folds: Int?, at location: SourceLocation) {
        let folds = folds ?? 1
        let (perCell, overflow) = search.repetitions.multipliedReportingOverflow(by: folds)
        let (runs, overflow2) = cells.multipliedReportingOverflow(by: perCell)
        guard overflow || overflow2 || runs > ResourceLimits.runs else { return }
        let count = overflow || overflow2 ? "more than \(Int.max)" : "\(runs)"
        reader.error(search.repetitionsLocation ?? location, search.repetitionsLocation == nil ? "search" : "search.repetitions",
                     "\(cells) cells × \(search.repetitions) repetitions × \(folds) folds = \(count) runs; at most \(ResourceLimits.runs) (ResourceLimits.runs)",
                     help: "use fewer cells, repetitions or folds, or split the search into several files")
    }

    /// Refuses more than ``ResourceLimits/curvePoints`` epochs in all: each is a line of
    /// curves.csv and of the journal, which the folder's readers must be able to read back.
    private mutating func checkCurvePoints(cells: [Cell], search: SearchSection, folds: Int?, training: YAMLNode) {
        let folds = folds ?? 1
        var total = 0
        var overflow = false
        for cell in cells {
            let (points, overflow1) = cell.training.epochs.multipliedReportingOverflow(by: search.repetitions * folds)
            let (sum, overflow2) = total.addingReportingOverflow(points)
            guard !overflow1, !overflow2 else { overflow = true; break }
            total = sum
        }
        guard overflow || total > ResourceLimits.curvePoints else { return }
        var location = training.location
        if case .mapping(let entries, _) = training, let epochs = entries.first(where: { $0.key == "epochs" }) {
            location = epochs.value.location
        }
        let longest = cells.reduce(0) { max($0, $1.training.epochs) }
        reader.error(location, "training.epochs",
                     "the search trains up to \(overflow ? "more than \(Int.max)" : "\(total)") epochs in all (runs × epochs, \(longest) in the longest run); "
                        + "at most \(ResourceLimits.curvePoints) (ResourceLimits.curvePoints), the learning-curve points a result folder keeps",
                     help: "train fewer epochs, or use fewer cells, repetitions or folds")
    }

    private mutating func readSchemaVersion(_ node: YAMLNode) -> Int? {
        guard let version = reader.int(node, "schema_version", in: 1...Int.max, what: "a whole number ≥ 1") else {
            return nil
        }
        if version > Plan.currentSchemaVersion {
            reader.error(node.location, "schema_version",
                         "version \(version) is newer than this runexp supports (\(Plan.currentSchemaVersion))",
                         help: "upgrade runexp, or write schema_version: \(Plan.currentSchemaVersion)")
            return nil
        }
        return version
    }

    private mutating func readName(_ node: YAMLNode) -> String? {
        guard let name = reader.string(node, "name") else { return nil }
        let valid = !name.isEmpty && name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-"
        }
        guard valid else {
            reader.error(node.location, "name", "'\(Diagnostic.excerpt(name))' is not a valid name",
                         help: "use lowercase letters, digits, '_' and '-' (it names the result folder)")
            return nil
        }
        guard name.utf8.count <= ResourceLimits.nameLength else {
            reader.error(node.location, "name", "the name has \(name.utf8.count) characters; at most \(ResourceLimits.nameLength) (ResourceLimits.nameLength)",
                         help: "it names the result folder")
            return nil
        }
        return name
    }

    // MARK: - data

    private mutating func readData(_ node: YAMLNode) -> DataPlan? {
        guard let section = reader.section(node, "data", DataKey.self) else { return nil }
        reader.require([.file, .target], in: section)
        var locations = DataLocations()
        locations.file = section[.file]?.location
        locations.target = section[.target]?.location
        locations.positive = section[.positive]?.location

        var file = section[.file].flatMap { reader.string($0, "data.file") }
        if let node = section[.file], file?.isEmpty == true {
            reader.error(node.location, "data.file", "the path is empty", help: "write the path of a CSV file, relative to this file")
            file = nil
        }
        let target = section[.target].flatMap { reader.text($0, "data.target", expected: "a column name")?.text }
        let positive = section[.positive].flatMap { reader.text($0, "data.positive", expected: "a label")?.text }
        if let node = section[.positive], task == .regression {
            reader.error(node.location, "data.positive", "a regression target has no classes, so no positive class",
                         help: "remove data.positive, or set task: classification")
        }
        locations.standardizeTarget = section[.standardizeTarget]?.location
        var standardizeTarget: Bool?
        if let node = section[.standardizeTarget] {
            if task == .regression {
                standardizeTarget = reader.bool(node, "data.standardize_target")
            } else {
                reader.error(node.location, "data.standardize_target", "standardize_target applies to task: regression only",
                             help: "remove it, or set task: regression")
            }
        } else if task == .regression {
            standardizeTarget = true
        }
        var exclude: [String] = []
        if let node = section[.exclude], let items = readStringList(node, "data.exclude") {
            exclude = items.map(\.text)
            locations.exclude = items.map(\.location)
        }
        let standardize = section[.standardize].flatMap { reader.bool($0, "data.standardize") } ?? true
        let split = section[.split].map { readSplit($0, locations: &locations) }
            ?? SplitPlan(test: nil, validation: 0.2, folds: nil, stratify: task == .classification)
        locations.testFile = section[.testFile]?.location
        var testFile = section[.testFile].flatMap { reader.string($0, "data.test_file") }
        if let node = section[.testFile], testFile?.isEmpty == true {
            reader.error(node.location, "data.test_file", "the path is empty", help: "write the path of a CSV file, relative to this file")
            testFile = nil
        }
        if let node = section[.testFile], split?.test != nil {
            reader.error(node.location, "data.test_file", "test_file replaces split.test; the experiment has both",
                         help: "remove data.split.test, or data.test_file")
        }
        let delimiter = section[.delimiter].flatMap { readDelimiter($0) }
        locations.missing = section[.missing]?.location
        let missing = section[.missing].map { readMissing($0, "data.missing") } ?? .error
        let columns = section[.columns].map { readColumns($0, target: target, locations: &locations) } ?? []
        guard let file, let target, let split, let missing, let columns else { return nil }
        if task == .regression, section[.standardizeTarget] != nil, standardizeTarget == nil { return nil }
        if section[.delimiter] != nil, delimiter == nil { return nil }
        if !missing.fitsNumbers, let node = section[.missing] {
            reader.error(node.location, "data.missing", "data.missing applies to numeric columns, and \(missing) fits categorical ones only",
                         help: "use error, mean, median, constant or most_frequent")
            return nil
        }
        let path = file.hasPrefix("/") || directory.isEmpty ? file : "\(directory)/\(file)"
        var plan = DataPlan(file: file, path: path, target: target, positive: positive, exclude: exclude,
                            standardize: standardize, standardizeTarget: standardizeTarget, split: split, locations: locations)
        if section[.testFile] != nil {
            guard let testFile else { return nil }
            plan.testFile = testFile
            hasTestFile = true
            plan.testPath = testFile.hasPrefix("/") || directory.isEmpty ? testFile : "\(directory)/\(testFile)"
        }
        plan.delimiter = delimiter ?? ","
        plan.missing = missing
        plan.columns = columns
        return plan
    }

    /// `,` (the default), `;`, or a tab (written `"\t"` or `tab`).
    private mutating func readDelimiter(_ node: YAMLNode) -> String? {
        guard let text = reader.text(node, "data.delimiter", expected: "a delimiter")?.text else { return nil }
        switch text {
        case ",", ";", "\t": return text
        case "tab": return "\t"
        default:
            reader.error(node.location, "data.delimiter", "'\(Diagnostic.excerpt(text))' is not a delimiter runexp reads",
                         help: "write \",\", \";\" or \"\\t\" (a tab)")
            return nil
        }
    }

    /// A missing-value policy: a name, or `{constant: value}`.
    private mutating func readMissing(_ node: YAMLNode, _ path: String) -> MissingPolicy? {
        if case .mapping = node {
            guard let section = reader.section(node, path, MissingKey.self) else { return nil }
            reader.require([.constant], in: section)
            guard let value = section[.constant].flatMap({ reader.double($0, section.path(.constant), what: "a number", float: true) }) else {
                return nil
            }
            return .constant(value)
        }
        guard let text = reader.text(node, path, expected: "one of: \(MissingPolicy.names.joined(separator: ", "))")?.text else { return nil }
        guard let policy = MissingPolicy(name: text) else {
            reader.error(node.location, path, "'\(Diagnostic.excerpt(text))' is not a missing-value policy",
                         help: Suggestions.help(for: text, valid: MissingPolicy.names, noun: "policies") + ", or {constant: value}")
            return nil
        }
        return policy
    }

    /// `data.columns`: column name → `categorical` | `numeric` | `{type, missing, indicator}`.
    private mutating func readColumns(_ node: YAMLNode, target: String?, locations: inout DataLocations) -> [ColumnPlan]? {
        guard case .mapping(let entries, _) = node else {
            reader.error(node.location, "data.columns", "expected a mapping of column name to its type, got \(node.shortDescription)",
                         help: "e.g. columns: {Sex: categorical, Age: {missing: median}}")
            return nil
        }
        var columns: [ColumnPlan] = []
        var failed = false
        for entry in entries {
            let path = "data.columns.\(Diagnostic.excerpt(entry.key))"
            locations.columns[entry.key] = entry.keyLocation
            if entry.key == target {
                reader.error(entry.keyLocation, path, "'\(Diagnostic.excerpt(entry.key))' is the target column, not a feature",
                             help: "remove it from data.columns")
                failed = true
                continue
            }
            var column = ColumnPlan(name: entry.key, kind: .numeric)
            if case .mapping = entry.value {
                guard let section = reader.section(entry.value, path, ColumnKey.self) else { failed = true; continue }
                if let kind = section[.type] {
                    guard let read = reader.choice(kind, section.path(.type), ColumnPlan.Kind.self, noun: "column type") else { failed = true; continue }
                    column.kind = read
                }
                if let missing = section[.missing] {
                    guard let read = readMissing(missing, section.path(.missing)) else { failed = true; continue }
                    let fits = column.kind == .numeric ? read.fitsNumbers : read.fitsCategories
                    guard fits else {
                        reader.error(missing.location, section.path(.missing),
                                     "\(read) does not fit a \(column.kind.rawValue) column",
                                     help: column.kind == .numeric ? "use error, mean, median, constant or most_frequent"
                                                                   : "use category, most_frequent or error")
                        failed = true
                        continue
                    }
                    column.missing = read
                }
                if let indicator = section[.indicator] {
                    guard let read = reader.bool(indicator, section.path(.indicator)) else { failed = true; continue }
                    if read, column.kind == .categorical {
                        reader.error(indicator.location, section.path(.indicator), "a categorical column shows an empty cell as its own category, not an indicator",
                                     help: "remove indicator, or leave missing at category")
                        failed = true
                        continue
                    }
                    column.indicator = read
                }
            } else {
                guard let kind = reader.choice(entry.value, path, ColumnPlan.Kind.self, noun: "column type") else { failed = true; continue }
                column.kind = kind
            }
            columns.append(column)
        }
        return failed ? nil : columns
    }

    private mutating func readStringList(_ node: YAMLNode, _ path: String) -> [(text: String, location: SourceLocation)]? {
        guard let items = reader.list(node, path) else { return nil }
        var result: [(String, SourceLocation)] = []
        for (index, item) in items.enumerated() {
            if let text = reader.text(item, "\(path)[\(index)]", expected: "a column name")?.text {
                result.append((text, item.location))
            }
        }
        return result
    }

    private mutating func readSplit(_ node: YAMLNode, locations: inout DataLocations) -> SplitPlan? {
        guard let section = reader.section(node, "data.split", SplitKey.self) else { return nil }
        let fraction = "a fraction strictly between 0 and 1"
        let test = section[.test].flatMap {
            reader.double($0, "data.split.test", what: fraction) { $0 > 0 && $0 < 1 }
        }
        let validation = section[.validation].flatMap {
            reader.double($0, "data.split.validation", what: fraction) { $0 > 0 && $0 < 1 }
        }
        let folds = section[.folds].flatMap {
            reader.int($0, "data.split.folds", in: 2...ResourceLimits.folds, what: "a whole number ≥ 2", limit: "ResourceLimits.folds")
        }
        let shuffle = section[.shuffle].flatMap { reader.bool($0, "data.split.shuffle") } ?? true
        let stratify = section[.stratify].flatMap { reader.bool($0, "data.split.stratify") } ?? (shuffle && task == .classification)
        if let stratifyNode = section[.stratify], stratify, task == .regression {
            reader.error(stratifyNode.location, "data.split.stratify", "a regression target has no classes to stratify on; its parts are drawn at random",
                         help: "remove stratify")
            return nil
        }
        if let stratifyNode = section[.stratify], stratify, !shuffle {
            reader.error(stratifyNode.location, "data.split.stratify", "stratify needs shuffled rows; with shuffle: false the parts are taken in file order",
                         help: "remove stratify (it is off without shuffling), or remove shuffle: false")
            return nil
        }
        locations.folds = section[.folds]?.location
        locations.test = section[.test]?.location
        locations.validation = section[.validation]?.location
        if let validationNode = section[.validation], section[.folds] != nil {
            reader.error(validationNode.location, "data.split.validation", "validation and folds cannot be used together",
                         help: "keep validation for a single hold-out, or folds for k-fold cross-validation")
            return nil
        }
        if (section[.test] != nil && test == nil) || (section[.validation] != nil && validation == nil)
            || (section[.folds] != nil && folds == nil) {
            return nil
        }
        return SplitPlan(test: test, validation: validation, folds: folds, stratify: stratify, shuffle: shuffle)
    }

    // MARK: - objective

    /// Accuracy for classification, RMSE for regression, on validation when there is a validation part.
    func defaultObjective(for split: SplitPlan) -> Objective? {
        let kind: MetricKind = task == .classification ? .accuracy : .rmse
        if split.hasValidation { return Objective(metric: MetricName(split: .val, kind: kind), goal: kind.naturalGoal) }
        if split.test != nil || hasTestFile { return Objective(metric: MetricName(split: .test, kind: kind), goal: kind.naturalGoal) }
        return nil
    }

    private func objectiveFits(_ objective: Objective, _ split: SplitPlan) -> Bool {
        objective.metric.split == .val ? split.hasValidation : split.test != nil || hasTestFile
    }

    mutating func readObjective(_ node: YAMLNode, split: SplitPlan?) -> Objective? {
        guard let section = reader.section(node, "search.objective", ObjectiveKey.self) else { return nil }
        reader.require([.metric], in: section)
        locations.objective = section[.metric]?.location
        guard let metricNode = section[.metric],
              let text = reader.text(metricNode, "search.objective.metric", expected: "a metric name")?.text
        else { return nil }
        guard let metric = MetricName(text) else {
            reader.error(metricNode.location, "search.objective.metric", "'\(text)' is not a metric",
                         help: Suggestions.help(for: text, valid: MetricName.all.map(\.description), noun: "metrics"))
            return nil
        }
        if !metric.kind.tasks.contains(where: { $0.kind == task }) {
            let fitting = MetricKind.allCases.filter { $0.tasks.contains { $0.kind == task } }.map { "\(metric.split.rawValue)_\($0.rawValue)" }
            let other = task == .classification ? TaskKind.regression : .classification
            reader.error(metricNode.location, "search.objective.metric",
                         "\(metric) is a \(other.rawValue) metric, and this is a \(task.rawValue) task",
                         help: "use one of: \(fitting.joined(separator: ", "))" + (task == .classification ? ", or set task: regression" : ""))
            return nil
        }
        let goal = section[.goal].flatMap { reader.choice($0, "search.objective.goal", Goal.self, noun: "goal") }
            ?? metric.kind.naturalGoal
        let objective = Objective(metric: metric, goal: goal)
        if let split, !objectiveFits(objective, split) {
            let help = metric.split == .val
                ? "set data.split.validation or data.split.folds, or use a test_ metric"
                : "set data.split.test, or use a val_ metric"
            reader.error(metricNode.location, "search.objective.metric",
                         "\(metric) needs a \(metric.split == .val ? "validation" : "test") part, and the data split has none",
                         help: help)
        }
        return objective
    }

    // MARK: - report

    private mutating func readReport(_ node: YAMLNode, axes: [String]) -> ReportPlan? {
        guard let section = reader.section(node, "report", ReportKey.self) else { return nil }
        var heatmaps: [Heatmap] = []
        if let node = section[.heatmaps], let items = reader.list(node, "report.heatmaps") {
            for (index, item) in items.enumerated() {
                let path = "report.heatmaps[\(index)]"
                guard let map = reader.section(item, path, HeatmapKey.self) else { continue }
                reader.require([.x, .y], in: map)
                let x = map[.x].flatMap { readAxisName($0, "\(path).x", axes: axes) }
                let y = map[.y].flatMap { readAxisName($0, "\(path).y", axes: axes) }
                let aggregate = map[.aggregate].flatMap { reader.choice($0, "\(path).aggregate", Aggregate.self, noun: "aggregate") } ?? .mean
                if let x, let y {
                    if x == y, let node = map[.y] {
                        reader.error(node.location, "\(path).y", "x and y must be two different axes")
                    } else {
                        heatmaps.append(Heatmap(x: x, y: y, aggregate: aggregate))
                    }
                }
            }
        }
        return ReportPlan(heatmaps: heatmaps)
    }

    private mutating func readAxisName(_ node: YAMLNode, _ path: String, axes names: [String]) -> String? {
        guard let name = reader.text(node, path, expected: "an axis name")?.text else { return nil }
        guard names.contains(name) else {
            reader.error(node.location, path, "'\(name)' is not an axis",
                         help: names.isEmpty ? "the search has no axes" : Suggestions.help(for: name, valid: names, noun: "axes"))
            return nil
        }
        return name
    }
}
