import Foundation
import Testing
@testable import RunexpExecution
@testable import RunexpResults
@testable import RunexpPlan
@testable import RunexpReport
import RunexpTestSupport

/// The report files compared byte for byte with `Fixtures/golden/<case>/`.
///
/// Re-record on purpose only, after checking the pictures: `RUNEXP_RECORD_GOLDEN=1 swift test
/// --filter GoldenFileTests` rewrites the golden files from the current code.
@Suite struct GoldenFileTests {
    static let recording = ProcessInfo.processInfo.environment["RUNEXP_RECORD_GOLDEN"] == "1"

    static func cases() throws -> [(name: String, results: ExperimentResults)] {
        [("synthetic", try ReportFixtures.synthetic()), ("continuous", try ReportFixtures.continuous()),
         ("regression", try ReportFixtures.regression()), ("halving", try ReportFixtures.halving()),
         ("random", try ReportFixtures.random())]
    }

    @Test(arguments: ["synthetic", "continuous", "regression", "halving", "random"])
    func reportFilesMatchTheGoldenFiles(name: String) throws {
        let results = try #require(try Self.cases().first { $0.name == name }?.results)
        let files = ReportFiles.render(results: results, provenanceJSON: ReportFixtures.provenanceJSON)
        let directory = ReportFixtures.fixtures.appendingPathComponent("golden").appendingPathComponent(name)
        if Self.recording {
            try? FileManager.default.removeItem(at: directory)
            try ReportFixtures.write(files, to: directory.path)
            return
        }
        let expectedNames = try Self.listFiles(directory)
        #expect(files.map(\.name).sorted() == expectedNames, "files differ from \(directory.path)")
        for file in files {
            let expected = try String(contentsOf: directory.appendingPathComponent(file.name), encoding: .utf8)
            guard file.text != expected else { continue }
            let actualLines = file.text.split(separator: "\n", omittingEmptySubsequences: false)
            let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let line = zip(actualLines, expectedLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                ?? min(actualLines.count, expectedLines.count)
            let saved = NSTemporaryDirectory() + "runexp-golden-\(name)-" + file.name.replacingOccurrences(of: "/", with: "-")
            try? file.text.write(toFile: saved, atomically: true, encoding: .utf8)
            Issue.record("""
                \(name)/\(file.name) differs from the golden file at line \(line + 1); this run's text is in \(saved).
                expected: \(line < expectedLines.count ? String(expectedLines[line]) : "<end>")
                actual:   \(line < actualLines.count ? String(actualLines[line]) : "<end>")
                Re-record on purpose only: RUNEXP_RECORD_GOLDEN=1 swift test --filter GoldenFileTests
                """)
        }
    }

    @Test func drawingTwiceGivesTheSameBytes() throws {
        let a = ReportFiles.render(results: try ReportFixtures.synthetic(), provenanceJSON: ReportFixtures.provenanceJSON)
        let b = ReportFiles.render(results: try ReportFixtures.synthetic(), provenanceJSON: ReportFixtures.provenanceJSON)
        #expect(a.map(\.name) == b.map(\.name))
        #expect(a.map(\.text) == b.map(\.text))
    }

    @Test(arguments: ["synthetic", "continuous", "regression", "halving", "random"])
    func redrawingFromTheFolderGivesTheSameBytesAsTheRun(name: String) throws {
        let results = try #require(try Self.cases().first { $0.name == name }?.results)
        let folder = try TemporaryDirectory(prefix: "runexp-report-").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try ReportFixtures.write(ReportFixtures.folderFiles(results), to: folder)
        let contents = try ResultFolderReader.read(folder)
        let fromFolder = ReportFiles.render(results: contents.results, provenanceJSON: contents.provenanceJSON)
        let fromRun = ReportFiles.render(results: results, provenanceJSON: ReportFixtures.provenanceJSON)
        #expect(fromFolder.map(\.name) == fromRun.map(\.name))
        for (a, b) in zip(fromFolder, fromRun) { #expect(a.text == b.text, "\(a.name)") }
        #expect(contents.results.cells == ReportFiles.asStored(results).cells)
    }

    /// What a run draws (from its records, curves on another core) is what `runexp report` draws.
    @Test func theRunsConcurrentDrawingGivesTheSameFiles() async throws {
        for results in try Self.cases().map(\.results) {
            let expected = ReportFiles.render(results: results, provenanceJSON: ReportFixtures.provenanceJSON)
            let drawn = await ReportFiles.render(plan: results.plan, classes: results.classes, records: results.records,
                                                 predictions: results.predictions, provenanceJSON: ReportFixtures.provenanceJSON)
            #expect(drawn.map(\.name) == expected.map(\.name))
            for (a, b) in zip(drawn, expected) { #expect(a.text == b.text, "\(a.name)") }
        }
    }

    /// The whole-plan JSON round trip that ``ReportFiles/storedPlan(of:)`` stands in for.
    static func roundTrip(_ plan: Plan) throws -> Plan {
        try StoredPlan.read(Data(ResultTables.planJSON(plan).utf8)).get()
    }

    @Test func theStoredPlanIsThePlanAsItsJSONReadsBack() throws {
        let yaml = """
            name: t
            data: {file: d.csv, target: y}
            model:
              - dense: {units: $units, activation: softmax}
            training:
              epochs: 1
              batch_size: 4
              optimizer: {name: sgd, learning_rate: $learning_rate}
            search:
              grid:
                learning_rate: [0.5, 1.0, 2, 1e-3, 1.0e2]
                units: [2, 3]
            """
        var plan = try PlanParser.parse(yaml: yaml, file: "t.yaml", directory: ".")
        // Values no axis of a valid file could hold here, set directly (the round trip does not validate).
        let extra: [AxisValue] = [.double(-0.0), .double(3.0), .int(0), .bool(true), .string("true"), .string("x"),
                                  .string("1.0"), .double(1e300), .double(-2.5e-8), .double(1e16), .int(.min)]
        plan.axes.append(Axis(name: "extra", values: extra))
        for cell in plan.cells.indices {
            plan.cells[cell].values.append(AxisAssignment(axis: "extra", value: extra[cell % extra.count]))
        }
        #expect(plan.axes[0].values.first { $0 == .double(1.0) } != nil)
        let stored = ReportFiles.storedPlan(of: plan)
        #expect(stored == (try Self.roundTrip(plan)))
        #expect(stored.axes[0].values[0...1] == [.double(0.5), .int(1)])
        #expect(stored.cells.map(\.id) == plan.cells.map(\.id))
        #expect(ReportFiles.storedPlan(of: stored) == stored)
    }

    /// Every plan in the repository (experiments, benchmark grids, valid parser fixtures): the cheap
    /// stored plan equals the whole-plan JSON round trip.
    @Test func theStoredPlanEqualsTheJSONRoundTripForEveryPlanHere() throws {
        let root = RepositoryFiles.url
        var files: [String] = []
        for folder in ["experiments", "bench/experiments", "Tests/RunexpPlanTests/Fixtures/valid"] {
            let directory = root.appendingPathComponent(folder).path
            let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".yaml") }
            files += names.sorted().map { (directory as NSString).appendingPathComponent($0) }
        }
        #expect(files.count >= 7)
        for file in files {
            let plan = try PlanParser.parse(contentsOf: file)
            #expect(ReportFiles.storedPlan(of: plan) == (try Self.roundTrip(plan)), "\(file)")
        }
    }

    @Test func thePageNamesTheExperimentAndInlinesEveryPlot() throws {
        let files = ReportFiles.render(results: try ReportFixtures.continuous(), provenanceJSON: ReportFixtures.provenanceJSON)
        let page = try #require(files.last { $0.name == "report.html" }?.text)
        #expect(page.contains("<h1>continuous</h1>"))
        #expect(page.contains("A continuous axis &amp; a max heatmap &lt;check escaping&gt;"))
        #expect(page.contains("c54e0cb913b8998e0d0922bc091468d5a1f50b95 (branch main)"))
        #expect(page.contains("Data/d.csv, SHA-256 0123456789abcdef"))
        for svg in files where svg.name.hasSuffix(".svg") {
            #expect(page.contains(svg.text.dropLast()), "\(svg.name) is not inline")
        }
        #expect(!page.contains("<script"))
        #expect(!page.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "").contains("://"))
    }

    /// Files under `directory`, relative, sorted.
    static func listFiles(_ directory: URL) throws -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: directory.path)
        var names: [String] = []
        while let name = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path, isDirectory: &isDirectory),
               !isDirectory.boolValue { names.append(name) }
        }
        return names.sorted()
    }
}
