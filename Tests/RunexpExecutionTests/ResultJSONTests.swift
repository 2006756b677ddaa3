import Foundation
import Testing
@testable import RunexpExecution
@testable import RunexpResults
import RunexpPlan
import RunexpTestSupport

/// The result folder's JSON documents are written as `JSONEncoder` writes them (``PrettyJSON``), so
/// folders made before and after it compare equal.
@Suite struct ResultJSONTests {
    static func foundation(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test func resultDocumentsAreWrittenAsJSONEncoderWritesThem() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("data.csv", SyntheticData.csv(rows: 60, classes: ["a/b", "c;d", "é"]))
        let file = try directory.write("exp.yaml", SyntheticData.experiment)
        let experiment = try PreparedExperiment.prepare(try PlanParser.parse(contentsOf: file), experimentFile: file)
        #expect(ResultTables.planJSON(experiment.plan) == (try Self.foundation(experiment.plan)) + "\n")
        let records = await ExperimentRunner.run(experiment, jobs: 2)
        let results = ExperimentResults(plan: experiment.plan, classes: experiment.data.classes, records: records)
        let summary = ResultTables.summary(results)
        #expect(ResultTables.summaryJSON(results) == (try Self.foundation(summary)) + "\n")
        let git = GitState(commit: "c54e0cb913b8998e0d0922bc091468d5a1f50b95", branch: "main", dirty: true, experimentDiff: "-a: 1\n+a: \"2\"\n")
        let provenance = Provenance(runexpVersion: "0.1.0", git: git, experimentFile: file, experimentSHA256: "00", planSHA256: "11",
                                    dataSHA256: ["d/data.csv": "22", "b.csv": "33"], kernel: "avx2-fma", kernelInstructions: "avx512f", jobs: 2, commandLine: ["runexp", "run", "a\tb"],
                                    resumedRuns: 3, started: Date(timeIntervalSince1970: 1.5e9), finished: Date(timeIntervalSince1970: 1.5e9 + 0.1234))
        #expect(ResultTables.json(provenance) == (try Self.foundation(provenance)) + "\n")
        let info = ShardFolder.Info(index: 2, count: 3, runs: [4, 1], classes: ["x"], planSHA256: "44", dataSHA256: [:], kernel: "simd8")
        #expect(ResultTables.json(info) == (try Self.foundation(info)) + "\n")
        #expect(ResultTables.json(["x": Double.nan]) == "{}\n")
    }
}
