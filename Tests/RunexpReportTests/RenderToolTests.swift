import Foundation
import Testing
@testable import RunexpExecution
@testable import RunexpResults
@testable import RunexpReport
import RunexpTestSupport

/// Every SVG renders in rsvg-convert and report.html loads in headless Chromium without a
/// console message (Debian: librsvg2-bin, chromium). A missing tool skips its tests with a line
/// that names the package, or fails them under `RUNEXP_REQUIRE_TOOLS=1` (CI).
@Suite(.serialized) struct RenderToolTests {
    static func reportFiles() throws -> [(name: String, text: String)] {
        ReportFiles.render(results: try ReportFixtures.synthetic(), provenanceJSON: ReportFixtures.provenanceJSON)
            + ReportFiles.render(results: try ReportFixtures.continuous(), provenanceJSON: ReportFixtures.provenanceJSON)
            .map { (name: "continuous/" + $0.name, text: $0.text) }
            + ReportFiles.render(results: try ReportFixtures.halving(), provenanceJSON: ReportFixtures.provenanceJSON)
            .map { (name: "halving/" + $0.name, text: $0.text) }
            + ReportFiles.render(results: try ReportFixtures.random(), provenanceJSON: ReportFixtures.provenanceJSON)
            .map { (name: "random/" + $0.name, text: $0.text) }
            + ReportFiles.render(results: try EffectAnalysisTests.grid([[nil, nil], [nil, nil], [nil, nil], [nil, nil]]), provenanceJSON: nil)
            .map { (name: "diverged/" + $0.name, text: $0.text) }
    }

    @Test(ExternalTool.needs("rsvg-convert", package: "librsvg2-bin")) func everySVGRendersInRsvgConvert() throws {
        let rsvg = try ExternalTool.require("rsvg-convert", package: "librsvg2-bin")
        let folder = try TemporaryDirectory(prefix: "runexp-report-").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let svgs = try Self.reportFiles().filter { $0.name.hasSuffix(".svg") }
        #expect(svgs.count >= 5)
        try ReportFixtures.write(svgs, to: folder)
        for svg in svgs {
            let input = folder + "/" + svg.name
            let output = input + ".png"
            let result = try ExternalTool.run(rsvg, ["--format=png", "--output=\(output)", input])
            #expect(result.status == 0, "\(svg.name): \(result.stderr)")
            #expect(result.stderr.isEmpty, "\(svg.name): \(result.stderr)")
            let png = FileManager.default.contents(atPath: output) ?? Data()
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(svg.name) gave no PNG")
        }
    }

    @Test(ExternalTool.needs("rsvg-convert", package: "librsvg2-bin")) func aBrokenSVGIsCaughtByRsvgConvert() throws {
        let rsvg = try ExternalTool.require("rsvg-convert", package: "librsvg2-bin")
        let folder = try TemporaryDirectory(prefix: "runexp-report-").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect></svg>\n"
            .write(toFile: folder + "/broken.svg", atomically: true, encoding: .utf8)
        let result = try ExternalTool.run(rsvg, ["--output=\(folder)/broken.png", folder + "/broken.svg"])
        #expect(result.status != 0)
    }

    @Test(ExternalTool.needs("chromium", package: "chromium")) func reportPagesLoadInChromiumWithoutConsoleMessages() throws {
        let chromium = try ExternalTool.require("chromium", package: "chromium")
        let folder = try TemporaryDirectory(prefix: "runexp-report-").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let files = try Self.reportFiles()
        try ReportFixtures.write(files, to: folder)
        for page in files where page.name.hasSuffix("report.html") {
            let path = folder + "/" + page.name
            let result = try ExternalTool.run(chromium, ExternalTool.chromiumArguments(profile: folder + "/profile")
                + ["--dump-dom", URL(fileURLWithPath: path).absoluteString])
            #expect(!result.timedOut, "chromium did not finish loading \(page.name)")
            #expect(result.status == 0, "\(page.name): \(result.stderr)")
            #expect(ExternalTool.consoleMessages(result.stderr).isEmpty,
                    "\(page.name): \(ExternalTool.consoleMessages(result.stderr).joined(separator: "\n"))")
            #expect(result.stdout.contains("</svg>") && result.stdout.contains("Effect of each axis"),
                    "\(page.name) did not render: \(result.stdout.prefix(300))")
        }
    }

    /// Where a test runs without its tool (CI), the failure names the package.
    @Test func aMissingToolFailsWithTheInstallLine() {
        withKnownIssue {
            do {
                _ = try ExternalTool.require("runexp-no-such-tool", package: "librsvg2-bin")
                Issue.record("a missing tool was found")
            } catch {}
        } matching: { issue in
            issue.description.contains("apt-get install -y librsvg2-bin")
        }
    }

    /// The console check itself works: a page that fetches, breaks an SVG attribute and logs is caught.
    @Test(ExternalTool.needs("chromium", package: "chromium")) func chromiumReportsWhatTheCheckLooksFor() throws {
        let chromium = try ExternalTool.require("chromium", package: "chromium")
        let folder = try TemporaryDirectory(prefix: "runexp-report-").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let page = ReportFiles.render(results: try ReportFixtures.synthetic(), provenanceJSON: nil).last!.text
            .replacingOccurrences(of: "</footer>", with: "<img src=\"https://example.invalid/x.png\"><svg><rect width=\"oops\"/></svg></footer>")
        try page.write(toFile: folder + "/bad.html", atomically: true, encoding: .utf8)
        let result = try ExternalTool.run(chromium, ExternalTool.chromiumArguments(profile: folder + "/profile")
            + ["--dump-dom", URL(fileURLWithPath: folder + "/bad.html").absoluteString])
        let messages = ExternalTool.consoleMessages(result.stderr)
        #expect(messages.contains { $0.contains("Content Security Policy") }, "\(result.stderr)")
        #expect(messages.contains { $0.contains("attribute width") }, "\(result.stderr)")
    }
}
