import Foundation
import Testing
@testable import RunexpPlan

/// Hostile experiment files: the parser refuses them (or reads them) in bounded time and memory,
/// and its messages stay short however long the input is.
@Suite struct PlanLimitsTests {
    static let base = """
        name: limits
        data: {file: d.csv, target: y}
        model:
          - dense: {units: $units, activation: relu}
          - dense: {units: classes, activation: softmax}
        training: {epochs: 2, optimizer: sgd}
        search:
          grid:
            units: [2, 4]

        """

    func diagnostics(_ yaml: String) -> [Diagnostic] {
        do {
            _ = try PlanParser.parse(yaml: yaml, file: "f.yaml", directory: "")
            return []
        } catch let error as DiagnosticError {
            return error.diagnostics
        } catch {
            return [Diagnostic(location: RunexpPlan.SourceLocation(file: "?", line: 0, column: 0), keyPath: "", message: "\(error)")]
        }
    }

    /// Nine levels of nine aliases describe 9^9 scalars in 300 bytes; used as a mapping key, Yams'
    /// duplicate-key check would hash all of them. The scan stops at the first anchor.
    @Test(arguments: ["", "*i : 1\n", "{*i : 1}\n"])
    func aliasBombIsRefusedAtItsFirstAnchor(tail: String) {
        var yaml = "a: &a [x, x, x, x, x, x, x, x, x]\n"
        var previous = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            yaml += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ", ") + "]\n"
            previous = name
        }
        let start = Date()
        let found = diagnostics(yaml + tail)
        #expect(Date().timeIntervalSince(start) < 1)
        #expect(found.map(\.description) == [
            "f.yaml:1:4: error: YAML anchors ('&a') are not supported; write the value out where it is used, without '&' and '*'",
        ])
    }

    /// Nesting is refused by the scan at depth 65 or, when libyaml's scanner looks that far ahead
    /// first, by libyaml's own limit (1000 levels); either way before anything recurses.
    @Test(arguments: [(100, "lists and mappings nested 65 deep; at most 64 (ResourceLimits.yamlDepth)"),
                      (100_000, "YAML syntax: Maximum nesting level reached, set with yaml_set_max_nest_level()) (while parsing at line 1, column 8)")])
    func deepFlowNestingIsRefused(depth: Int, message: String) {
        let yaml = "name: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n"
        #expect(diagnostics(yaml).map(\.message) == [message])
    }

    @Test func deepBlockNestingIsRefused() {
        let yaml = "name:\n  " + String(repeating: "- ", count: 100_000) + "x\n"
        #expect(diagnostics(yaml).map(\.message) == ["lists and mappings nested 65 deep; at most 64 (ResourceLimits.yamlDepth)"])
    }

    @Test func fileAboveTheByteLimitIsRefusedBeforeParsing() {
        let yaml = Self.base + "# " + String(repeating: "x", count: ResourceLimits.experimentBytes) + "\n"
        #expect(diagnostics(yaml).map(\.message) == [
            "the file has \(yaml.utf8.count) bytes; at most \(ResourceLimits.experimentBytes) (ResourceLimits.experimentBytes)",
        ])
    }

    /// A 1 MB scalar is quoted by its first characters and its size, not echoed.
    @Test func longScalarsAreQuotedShort() {
        let long = String(repeating: "9", count: 1 << 20)
        let found = diagnostics(Self.base.replacingOccurrences(of: "epochs: 2", with: "epochs: \(long)"))
        #expect(found.count == 1)
        #expect(found[0].description.utf8.count < 400)
        #expect(found[0].message.hasSuffix("… (1048576 bytes) is out of range"))
    }

    @Test func rendererPrintsABoundedNumberOfShortLines() {
        let line = String(repeating: "x", count: 10_000)
        let source = Array(repeating: line, count: 500).joined(separator: "\n")
        let all = (1...500).map { Diagnostic(location: RunexpPlan.SourceLocation(file: "f.yaml", line: $0, column: 5_000), keyPath: "", message: "bad") }
        let text = DiagnosticRenderer(sources: ["f.yaml": source]).render(DiagnosticError(all))
        let lines = text.split(separator: "\n")
        #expect(lines.count == ResourceLimits.diagnostics * 3 + 1)
        #expect(lines.last == "... and 300 more errors not shown (at most 200 are printed)")
        #expect(lines.allSatisfy { $0.unicodeScalars.count < 200 })
        // The caret still points at column 5000 inside the cut line.
        let quoted = lines[1], caret = lines[2]
        let caretColumn = caret.unicodeScalars.count - 1
        #expect(Array(quoted.unicodeScalars)[caretColumn] == "x")
    }

    /// Guards the near-linear paths: the duplicate check and the plan's axes over a long axis, and
    /// include matching over many items. Before, 50,000 values took about 30 s each and 20,000
    /// include items about 40 s; now a few seconds in a debug build.
    @Test func longAxesAndManyIncludesStayNearLinear() throws {
        let values = (1...50_000).map(String.init).joined(separator: ", ")
        var start = Date()
        let plan = try PlanParser.parse(yaml: Self.base.replacingOccurrences(of: "units: [2, 4]", with: "units: [\(values)]"),
                                        file: "f.yaml", directory: "")
        #expect(plan.cells.count == 50_000)
        #expect(Date().timeIntervalSince(start) < 25)

        let items = (1...20_000).map { "    - {units: \($0 + 10), p: 0.5}" }.joined(separator: "\n")
        let yaml = Self.base.replacingOccurrences(of: "model:\n", with: "model:\n  - dropout: $p\n") + "  include:\n" + items + "\n"
        start = Date()
        let included = try PlanParser.parse(yaml: yaml, file: "f.yaml", directory: "")
        #expect(included.cells.count == 20_002)
        #expect(Date().timeIntervalSince(start) < 25)
    }

    /// The indexed `exclude` and `include` give what the matrix rules say, item by item, on random
    /// searches (checked against a direct implementation of the rules).
    @Test func indexedIncludeAndExcludeFollowTheMatrixRules() throws {
        var random = PlanRandom(seed: 7)
        for _ in 0..<300 {
            let axes = ["a", "b", "c"].prefix(1 + random.below(3))
            var search = ExperimentReader.SearchSection()
            for name in axes {
                let values = (0..<(1 + random.below(3))).map { AxisValue.int($0) }
                search.listAxes.append(.init(name: String(name), values: values, nodes: values.map { Self.node($0) }))
            }
            func partial(_ names: [String]) -> ExperimentReader.PartialAssignment {
                var entries: [(axis: String, value: AxisValue, node: YAMLNode, keyLocation: RunexpPlan.SourceLocation)] = []
                for name in names where random.below(2) == 0 || entries.isEmpty {
                    let value = AxisValue.int(random.below(3))
                    entries.append((name, value, Self.node(value), Self.location))
                }
                return .init(path: "", entries: entries)
            }
            let grid = axes.map { String($0) }
            search.exclude = (0..<random.below(3)).map { _ in partial(grid) }
            search.include = (0..<random.below(6)).map { _ in partial(grid + ["x", "y"]) }
            let reader = ExperimentReader(file: "f.yaml", directory: "")
            let actual = reader.expandSearch(search, seed: 1).map(Self.text)
            #expect(actual == Self.reference(search).map(Self.text))
        }
    }

    static let location = RunexpPlan.SourceLocation(file: "f.yaml", line: 1, column: 1)

    static func node(_ value: AxisValue) -> YAMLNode {
        .scalar(text: value.description, quoted: false, location: location)
    }

    static func text(_ assignment: ExperimentReader.Assignment) -> String {
        assignment.map { "\($0.axis)=\($0.value)" }.joined(separator: ",")
    }

    /// The rules as written: each exclude item scans every cell, each include item every cell.
    static func reference(_ search: ExperimentReader.SearchSection) -> [ExperimentReader.Assignment] {
        var assignments: [ExperimentReader.Assignment] = [[]]
        for axis in search.listAxes {
            assignments = assignments.flatMap { prefix in zip(axis.values, axis.nodes).map { prefix + [(axis.name, $0, $1)] } }
        }
        func matches(_ assignment: ExperimentReader.Assignment, _ partial: [(axis: String, value: AxisValue)]) -> Bool {
            partial.allSatisfy { pair in assignment.contains { $0.axis == pair.axis && $0.value.sameValue(as: pair.value) } }
        }
        for item in search.exclude {
            assignments.removeAll { matches($0, item.entries.map { ($0.axis, $0.value) }) }
        }
        let grid = Set(search.listAxes.map(\.name))
        for item in search.include {
            let original = item.entries.filter { grid.contains($0.axis) }.map { ($0.axis, $0.value) }
            let extra = item.entries.filter { !grid.contains($0.axis) }
            var matched = false
            for index in assignments.indices where matches(assignments[index], original) {
                if extra.allSatisfy({ pair in !assignments[index].contains { $0.axis == pair.axis } }) {
                    assignments[index] += extra.map { ($0.axis, $0.value, $0.node) }
                    matched = true
                }
            }
            if !matched { assignments.append(item.entries.map { ($0.axis, $0.value, $0.node) }) }
        }
        return assignments
    }
}
