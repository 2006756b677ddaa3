import Foundation
import Testing
@testable import RunexpPlan

/// Every invalid fixture states, in `# expect:` comment lines, exactly the diagnostics it must produce.
@Suite struct DiagnosticFixtureTests {
    @Test(arguments: Fixtures.names("invalid"))
    func invalidFixtureProducesItsExpectedDiagnostics(name: String) throws {
        let text = try Fixtures.text("invalid", name)
        let expected = text.split(separator: "\n").filter { $0.hasPrefix("# expect: ") }.map { String($0.dropFirst(10)) }
        #expect(!expected.isEmpty, "fixture \(name) states no expectation")
        // The comment lines are part of the file, so line numbers count them.
        let error = #expect(throws: DiagnosticError.self) {
            try PlanParser.parse(yaml: text, file: "\(name).yaml", directory: "")
        }
        let actual = error?.diagnostics.map { diagnostic in
            String(diagnostic.description.dropFirst("\(name).yaml:".count))
        } ?? []
        #expect(actual == expected)
    }

    @Test(arguments: Fixtures.names("valid"))
    func validFixtureParses(name: String) throws {
        let text = try Fixtures.text("valid", name)
        let plan = try PlanParser.parse(yaml: text, file: "\(name).yaml", directory: "")
        #expect(!plan.cells.isEmpty)
    }

    @Test func diagnosticsComeInLineOrder() throws {
        let text = try Fixtures.text("invalid", "many-errors-in-line-order")
        let error = try #require(throws: DiagnosticError.self) {
            try PlanParser.parse(yaml: text, file: "f.yaml", directory: "")
        }
        let lines = error.diagnostics.map(\.location.line)
        #expect(lines == lines.sorted())
        #expect(lines.count == 3)
    }

    @Test func rendererQuotesTheLineWithACaret() throws {
        let yaml = "name: x\nseed: abc\n"
        let diagnostic = Diagnostic(location: SourceLocation(file: "f.yaml", line: 2, column: 7), keyPath: "seed",
                                    message: "expected a whole number ≥ 0, got 'abc'")
        let rendered = DiagnosticRenderer(sources: ["f.yaml": yaml]).render(diagnostic)
        #expect(rendered == """
            f.yaml:2:7: error: seed: expected a whole number ≥ 0, got 'abc'
                2 | seed: abc
                  |       ^
            """)
    }
}
