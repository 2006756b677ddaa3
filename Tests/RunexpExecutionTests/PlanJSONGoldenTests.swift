import Foundation
import RunexpPlan
import Testing
import RunexpTestSupport
@testable import RunexpExecution
@testable import RunexpResults

/// plan.json is hashed into every journal, shard and provenance: a refactoring of the plan types
/// must not change a byte of it. The SHA-256 of every plan in the repository is pinned here;
/// `RUNEXP_RECORD_PLAN_JSON=1 swift test --filter PlanJSONGolden` rewrites the list on purpose.
@Suite struct PlanJSONGoldenTests {
    static let root = RepositoryFiles.url
    static let goldens = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("PlanJSONGoldens.txt")

    /// Every experiment file a plan is made of here, relative to the repository root.
    static func experimentFiles() throws -> [String] {
        var files: [String] = []
        for folder in ["experiments", "bench/experiments", "Tests/RunexpPlanTests/Fixtures/valid"] {
            let names = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)
            files += names.filter { $0.hasSuffix(".yaml") }.sorted().map { folder + "/" + $0 }
        }
        return files
    }

    @Test func everyPlanHereHasThePinnedBytes() throws {
        var lines: [String] = []
        for file in try Self.experimentFiles() {
            let plan = try PlanParser.parse(contentsOf: Self.root.appendingPathComponent(file).path)
            lines.append("\(SHA256Digest.hex(of: ResultTables.planJSON(plan)))  \(file)")
        }
        let text = lines.joined(separator: "\n") + "\n"
        if ProcessInfo.processInfo.environment["RUNEXP_RECORD_PLAN_JSON"] == "1" {
            try text.write(to: Self.goldens, atomically: true, encoding: .utf8)
        }
        let pinned = try String(contentsOf: Self.goldens, encoding: .utf8)
        #expect(lines.count >= 7)
        for (line, golden) in zip(lines, pinned.split(separator: "\n").map(String.init)) {
            #expect(line == golden)
        }
        #expect(lines.count == pinned.split(separator: "\n").count, "experiment files were added or removed: record the goldens")
    }
}
