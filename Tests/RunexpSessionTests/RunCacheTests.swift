import Foundation
import Testing
@testable import RunexpSession
@testable import RunexpResults
import RunexpExecution
import RunexpPlan
import RunexpTestSupport

/// The run cache from a user's side: a folder made through it is the folder `--no-cache` makes,
/// an added axis value trains only its own runs, and damaged, foreign or concurrently written
/// entries never give a wrong record.
@Suite(.serialized) struct RunCacheTests {
    static func request(_ directory: String, cache: RunRequest.CacheChoice = .beside, experiment: String = "exp.yaml") -> RunRequest {
        var request = RunRequest(experimentFile: directory + "/" + experiment, jobs: 2, out: directory + "/results",
                                 commandLine: ["runexp", "run"], runexpVersion: "test")
        request.cache = cache
        return request
    }

    static func finished(_ request: RunRequest) async throws -> RunOutcome.FinishedRun {
        guard case .finished(let run) = try await RunSession.run(request) else { throw SessionError.journal(folder: "", reason: "not finished") }
        return run
    }

    static func entries(_ cache: String) -> Int {
        RunCache(directory: cache).summary().entries
    }

    @Test func aFolderMadeThroughTheCacheIsTheFolderMadeWithout() async throws {
        let directory = try RunSessionTests.workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cold = try await Self.finished(Self.request(directory))
        #expect(cold.reused == 0)
        let cache = directory + "/results/.cache"
        #expect(Self.entries(cache) == 6)
        let warm = try await Self.finished(Self.request(directory))
        #expect(warm.reused == 6)
        let plain = try await Self.finished(Self.request(directory, cache: .off))
        #expect(plain.reused == 0)
        let reference = try RunSessionTests.files(plain.folder)
        let coldFiles = try RunSessionTests.files(cold.folder), warmFiles = try RunSessionTests.files(warm.folder)
        #expect(coldFiles == reference && warmFiles == reference)
        let provenance = try String(contentsOfFile: warm.folder + "/provenance.json", encoding: .utf8)
        #expect(provenance.contains("\"cached_runs\" : 6"))
        let log = try String(contentsOfFile: cache + "/hits.log", encoding: .utf8)
        #expect(log.hasSuffix("reused 6 stored 0\n") && log.contains("reused 0 stored 6\n"))
    }

    @Test func anAddedAxisValueTrainsOnlyItsOwnRuns() async throws {
        let directory = try RunSessionTests.workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try await Self.finished(Self.request(directory))
        let wider = RunSessionTests.experiment.replacingOccurrences(of: "units: [2, 4, 8]", with: "units: [2, 3, 4, 8]")
        try wider.write(toFile: directory + "/wider.yaml", atomically: true, encoding: .utf8)
        let grown = try await Self.finished(Self.request(directory, experiment: "wider.yaml"))
        #expect(grown.reused == 6 && grown.results.records.count == 8)
        let plain = try await Self.finished(Self.request(directory, cache: .off, experiment: "wider.yaml"))
        let grownFiles = try RunSessionTests.files(grown.folder), plainFiles = try RunSessionTests.files(plain.folder)
        #expect(grownFiles == plainFiles)
    }

    @Test func damagedAndForeignEntriesAreMissesNeverWrongRecords() async throws {
        let directory = try RunSessionTests.workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cache = directory + "/cache"
        let first = try await Self.finished(Self.request(directory, cache: .directory(cache)))
        let packs = RunCache(directory: cache).packFiles()
        try #require(packs.count == 1)
        let entries = RunCache.index(ofPack: packs[0])
        try #require(entries.count == 6)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: packs[0])))
        // A flipped bit in one record, another's checksum copied over a third's, and the last cut short.
        bytes[entries[0].offset + 20] ^= 0x04
        bytes.replaceSubrange((entries[1].offset - 8)..<entries[1].offset, with: entries[2].check)
        bytes.removeLast(entries[5].length / 2)
        try Data(bytes).write(to: URL(fileURLWithPath: packs[0]))
        let again = try await Self.finished(Self.request(directory, cache: .directory(cache)))
        #expect(again.reused == 3)
        let againFiles = try RunSessionTests.files(again.folder), firstFiles = try RunSessionTests.files(first.folder)
        #expect(againFiles == firstFiles)
        // The misses were trained and stored again, in a pack of their own.
        #expect(RunCache(directory: cache).packFiles().count == 2)
        let third = try await Self.finished(Self.request(directory, cache: .directory(cache)))
        #expect(third.reused == 6)
        // A pack that is not one (no header) holds nothing.
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: cache + "/packs/zz.pack"))
        #expect(RunCache.index(ofPack: cache + "/packs/zz.pack").isEmpty)
        let fourth = try await Self.finished(Self.request(directory, cache: .directory(cache)))
        #expect(fourth.reused == 6)
    }

    @Test func concurrentWritersShareOneCache() async throws {
        let directory = try RunSessionTests.workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cache = directory + "/shared"
        async let one = Self.finished(Self.request(directory, cache: .directory(cache)))
        async let two = Self.finished(Self.request(directory, cache: .directory(cache)))
        let (a, b) = try await (one, two)
        let aFiles0 = try RunSessionTests.files(a.folder), bFiles0 = try RunSessionTests.files(b.folder)
        #expect(aFiles0 == bFiles0)
        // Each wrote its own pack of what it trained (all 6 when it looked before the other had written).
        let packs = RunCache(directory: cache).packFiles()
        #expect((1...2).contains(packs.count) && packs.allSatisfy { RunCache.index(ofPack: $0).count == 6 })
        #expect((try FileManager.default.subpathsOfDirectory(atPath: cache)).allSatisfy { !($0 as NSString).lastPathComponent.hasPrefix(".") })
        let warm = try await Self.finished(Self.request(directory, cache: .directory(cache)))
        let warmFiles = try RunSessionTests.files(warm.folder), aFiles = try RunSessionTests.files(a.folder)
        #expect(warm.reused == 6 && warmFiles == aFiles)
    }

    @Test func theKeyChangesWithWhatDecidesTheBitsAndNothingElse() throws {
        let plan = try PlanParser.parse(yaml: RunSessionTests.experiment.replacingOccurrences(of: "file: data.csv", with: "file: data.csv"),
                                        file: "exp.yaml", directory: "/tmp")
        let run = plan.runs[3]
        func key(_ plan: Plan, seed: UInt64 = 5, data: [String] = ["abc"], kernel: String = "simd8 arithmetic 1") -> String {
            RunCacheKey(plan: plan, run: run, seed: seed, dataSHA256: data, kernel: kernel).hex
        }
        let base = key(plan)
        #expect(key(plan) == base)
        #expect(key(plan, seed: 6) != base && key(plan, data: ["abd"]) != base && key(plan, kernel: "avx2-fma arithmetic 1") != base)
        #expect(key(plan, kernel: "simd8 arithmetic 2") != base)
        var renamed = plan
        renamed.name = "other"
        renamed.data.file = "elsewhere/data.csv"
        #expect(key(renamed) == base, "the experiment's name and the data's path do not decide bits")
        var trained = plan
        trained.cells[run.cell].training.epochs += 1
        #expect(key(trained) != base)
        var split = plan
        split.data.split.validation = 0.3
        #expect(key(split) != base)
    }

    /// The binary record form reads back every bit it wrote, NaN and infinities included, and a
    /// damaged count or a cut refuses the entry rather than trusting it.
    @Test func theBinaryRecordFormRoundTripsAndRefusesDamage() {
        let record = RunRecord(run: RunID(index: 0, cell: 0, repetition: 2, fold: 1), seed: 99, epochsRun: 2, diverged: false,
                               validation: PartMetrics([.loss: .nan, .accuracy: 0.5]), test: nil,
                               curve: [CurvePoint(epoch: 1, trainLoss: .infinity, trainAccuracy: nil, validationLoss: -0.0, validationAccuracy: 1),
                                       CurvePoint(epoch: 2, trainLoss: 1e-300, trainAccuracy: 0.25, validationLoss: nil, validationAccuracy: nil)])
        var bytes: [UInt8] = []
        RunRecordBinary.encode(record, into: &bytes)
        let back = RunRecordBinary.decode(bytes[...])
        #expect(back?.sameBitsForTest(as: record) == true)
        #expect(RunRecordBinary.decode(bytes.dropLast()[...]) == nil)
        #expect(RunRecordBinary.decode((bytes + [0])[...]) == nil)
        // A curve of a million points claimed by a record of a few bytes.
        var claim: [UInt8] = [1] + [UInt8](repeating: 0, count: 32) + [0, 0, 0]
        withUnsafeBytes(of: UInt64(1_000_000).littleEndian) { claim.append(contentsOf: $0) }
        #expect(RunRecordBinary.decode(claim[...]) == nil)
    }
}

extension RunRecord {
    /// Equal to the bit, NaN equal to NaN (the test's own comparison, apart from the code's).
    func sameBitsForTest(as other: RunRecord) -> Bool {
        func bits(_ value: Double?) -> UInt64? { value?.bitPattern }
        func bits(_ part: PartMetrics?) -> [String: UInt64]? {
            part.map { Dictionary(uniqueKeysWithValues: $0.values.map { ($0.key.rawValue, $0.value.bitPattern) }) }
        }
        return run == other.run && seed == other.seed && epochsRun == other.epochsRun && diverged == other.diverged
            && bits(validation) == bits(other.validation) && bits(test) == bits(other.test) && curve.count == other.curve.count
            && zip(curve, other.curve).allSatisfy {
                $0.epoch == $1.epoch && bits($0.trainLoss) == bits($1.trainLoss) && bits($0.trainAccuracy) == bits($1.trainAccuracy)
                    && bits($0.validationLoss) == bits($1.validationLoss) && bits($0.validationAccuracy) == bits($1.validationAccuracy)
                    && bits($0.validationRMSE) == bits($1.validationRMSE)
            }
    }
}
