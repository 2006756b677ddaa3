import Foundation
import RunexpExecution
@testable import RunexpResults
import RunexpPlan
import RunexpReport
import RunexpSession
import RunexpTestSupport
import Testing

/// Successive halving and Hyperband as `runexp run` drives them: the survivors' bits are a plain
/// run's, and the folder does not depend on jobs or on where the search was interrupted.
@Suite struct HalvingSessionTests {
    /// 9 cells × 2 repetitions; rungs at 1, 3 and 9 epochs keep 9, then 3, then 1 cell.
    static func experiment(strategy: String? = "halving: {min_epochs: 1, factor: 3}", training: String = "") -> String {
        """
        name: halving
        data:
          file: data.csv
          target: label
          split: {test: 0.2, validation: 0.25}
        model:
          - dense: {units: $units, activation: relu}
          - dense: {units: classes, activation: softmax}
        training:
          epochs: 9
          batch_size: 8
          optimizer: {name: sgd, learning_rate: $lr}
        \(training)
        search:
          grid:
            units: [2, 4, 8]
            lr: [0.01, 0.1, 2]
          repetitions: 2
        \(strategy.map { "  strategy:\n    \($0)" } ?? "")

        """
    }

    static func run(_ experiment: String, jobs: Int = 2, shouldStop: @escaping @Sendable () -> Bool = { false },
                    events: RunSession.Events = RunSession.Events()) async throws -> (directory: String, outcome: RunOutcome) {
        let directory = try RunSessionTests.workspace(experiment: experiment)
        return (directory, try await RunSession.run(RunSessionTests.request(directory, jobs: jobs), events: events, shouldStop: shouldStop))
    }

    static func finished(_ outcome: RunOutcome) throws -> RunOutcome.FinishedRun {
        guard case .finished(let run) = outcome else { throw Failure("expected a finished run, got \(outcome)") }
        return run
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    @Test func survivorsEndWithThePlainRunsBitsAndStoppedRunsWithItsFirstEpochs() async throws {
        let (plainDirectory, plainOutcome) = try await Self.run(Self.experiment(strategy: nil))
        defer { try? FileManager.default.removeItem(atPath: plainDirectory) }
        let (directory, outcome) = try await Self.run(Self.experiment())
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let plain = try Self.finished(plainOutcome).results
        let halving = try Self.finished(outcome).results
        #expect(halving.records.count == plain.records.count)
        var reachedLast = 0
        for (record, full) in zip(halving.records, plain.records) {
            let rungs = try #require(record.rungs)
            #expect(full.rungs == nil)
            if rungs.count == 3 {
                reachedLast += 1
                var same = record
                same.rungs = nil
                #expect(same == full, "run \(record.run.index)")
            } else {
                // Stopped at 1 or 3 epochs: the plain run's first epochs, exactly.
                #expect(record.epochsRun == min(full.epochsRun, [1, 3][rungs.count - 1]))
                #expect(Array(full.curve.prefix(record.epochsRun)) == record.curve, "run \(record.run.index)")
                #expect(record.seed == full.seed)
            }
        }
        #expect(reachedLast == 2, "one cell of 9 reaches the last rung")
        // Stopped cells rank after the cells that went further, and say where they stopped.
        let ranked = halving.ranked
        #expect(ranked.map(\.stoppedAtEpoch) == [nil] + [Int?](repeating: 3, count: 2) + [Int?](repeating: 1, count: 6))
        #expect(ranked.dropFirst().allSatisfy { !$0.tiedWithBest })
        // The rung-3 survivors were the best cells at 3 epochs: each stopped cell at 3 ranks no better.
        let cellsCSV = ResultTables.cellsCSV(halving)
        #expect(cellsCSV.split(separator: "\n").first?.hasSuffix(",rank,tied_with_best,stopped_at_epoch") == true)
        let runsCSV = ResultTables.runsCSV(halving)
        #expect(runsCSV.split(separator: "\n").first?.hasSuffix(",rung,val_accuracy_epoch_1,val_accuracy_epoch_3,val_accuracy_epoch_9") == true)
    }

    @Test func theFolderIsTheSameForOneAndTwoJobs() async throws {
        let (one, first) = try await Self.run(Self.experiment(), jobs: 1)
        defer { try? FileManager.default.removeItem(atPath: one) }
        let (two, second) = try await Self.run(Self.experiment(), jobs: 2)
        defer { try? FileManager.default.removeItem(atPath: two) }
        #expect(try RunSessionTests.files(try Self.finished(first).folder) == RunSessionTests.files(try Self.finished(second).folder))
    }

    /// Stopped within the first rung, right after it (the stopped cells journaled, the survivors
    /// not), within the second and right after it: resumed, each gives the uninterrupted folder.
    @Test(arguments: [10, 19, 23, 26])
    func anInterruptedSearchResumedGivesTheFilesOfOneRun(after events: Int) async throws {
        let (whole, outcome) = try await Self.run(Self.experiment())
        defer { try? FileManager.default.removeItem(atPath: whole) }
        let reference = try RunSessionTests.files(try Self.finished(outcome).folder)

        let done = Counter()
        var counting = RunSession.Events()
        counting.progress = { _ in done.increment() }
        let (directory, first) = try await Self.run(Self.experiment(), jobs: 1, shouldStop: { done.value >= events }, events: counting)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        guard case .interrupted(let saved, let planned, _) = first else {
            Issue.record("expected an interruption, got \(first)")
            return
        }
        // After the first rung 6 cells × 2 runs are final; after the second, 2 more cells.
        #expect(saved == (events < 19 ? 0 : events < 26 ? 12 : 16) && planned == 18, "saved \(saved)")
        let second = try await RunSession.run(RunSessionTests.request(directory, resume: .newest))
        #expect(try RunSessionTests.files(try Self.finished(second).folder) == reference)
    }

    @Test func hyperbandPutsEachCellInOneBracketAndIsTheSameForAnyJobs() async throws {
        let experiment = Self.experiment(strategy: "hyperband: {min_epochs: 1, factor: 3}")
        let (one, first) = try await Self.run(experiment, jobs: 1)
        defer { try? FileManager.default.removeItem(atPath: one) }
        let (two, second) = try await Self.run(experiment, jobs: 2)
        defer { try? FileManager.default.removeItem(atPath: two) }
        let results = try Self.finished(first).results
        #expect(try RunSessionTests.files(try Self.finished(first).folder) == RunSessionTests.files(try Self.finished(second).folder))
        let schedule = try #require(RungSchedule(results.plan))
        #expect(schedule.brackets.flatMap(\.cells).sorted() == Array(0..<9))
        for bracket in schedule.brackets {
            let records = results.records.filter { bracket.cells.contains($0.run.cell) }
            // A cell's runs are ranked from its bracket's first rung: no value before it.
            #expect(records.allSatisfy { record in record.rungs.map { Array($0.prefix(bracket.firstRung)) }?.allSatisfy { $0 == nil } == true })
            let reached = Set(records.filter { $0.rungs?.count == 3 }.map(\.run.cell))
            #expect(reached.count == schedule.counts(of: bracket).last, "bracket from rung \(bracket.firstRung)")
        }
    }

    /// A random search's samples are the cells the rungs halve.
    @Test func aRandomSearchIsHalvedLikeAGrid() async throws {
        let experiment = Self.experiment().replacingOccurrences(of: "lr: [0.01, 0.1, 2]", with: "lr: {log_uniform: [0.01, 1]}\n  random: {samples: 3}")
        let (one, first) = try await Self.run(experiment, jobs: 1)
        defer { try? FileManager.default.removeItem(atPath: one) }
        let (two, second) = try await Self.run(experiment, jobs: 2)
        defer { try? FileManager.default.removeItem(atPath: two) }
        let results = try Self.finished(first).results
        #expect(results.plan.cells.count == 9)
        #expect(results.ranked.map(\.stoppedAtEpoch) == [nil] + [Int?](repeating: 3, count: 2) + [Int?](repeating: 1, count: 6))
        #expect(try RunSessionTests.files(try Self.finished(first).folder) == RunSessionTests.files(try Self.finished(second).folder))
    }

    /// Early stopping and halving combine: a run that stops early trains no further and is ranked by
    /// its last measurement; survivors still end with the plain run's bits.
    @Test func earlyStoppingCombinesWithHalving() async throws {
        let training = "  early_stopping: {monitor: val_loss, patience: 1, restore_best_weights: true}"
        let (plainDirectory, plainOutcome) = try await Self.run(Self.experiment(strategy: nil, training: training))
        defer { try? FileManager.default.removeItem(atPath: plainDirectory) }
        let (directory, outcome) = try await Self.run(Self.experiment(training: training))
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let plain = try Self.finished(plainOutcome).results
        let halving = try Self.finished(outcome).results
        #expect(plain.records.contains { !$0.diverged && $0.epochsRun < 9 }, "some run stops early")
        for (record, full) in zip(halving.records, plain.records) where record.rungs?.count == 3 {
            var same = record
            same.rungs = nil
            #expect(same == full)
        }
    }

    @Test func aFolderReadBackKeepsTheRungsAndItsReport() async throws {
        let (directory, outcome) = try await Self.run(Self.experiment())
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let run = try Self.finished(outcome)
        let contents = try ResultFolderReader.read(run.folder)
        #expect(contents.results.records.map(\.rungs) == run.results.records.map { $0.rungs.map { $0.map { $0.flatMap { FixedFormat.rounded($0) } } } })
        #expect(contents.results.cells.map(\.rank) == run.results.cells.map(\.rank))
        #expect(contents.results.cells.map(\.stoppedAtEpoch) == run.results.cells.map(\.stoppedAtEpoch))
    }

    /// Stopped cells end at fewer epochs than the others: the effects compare the cells at the
    /// first rung, which every cell trained, and say so.
    @Test func effectsAreMeasuredAtTheFirstRung() async throws {
        let (directory, outcome) = try await Self.run(Self.experiment())
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let run = try Self.finished(outcome)
        let data = ObjectiveData(run.results)
        #expect(data.rungEpochs == 1)
        for cell in run.results.plan.cells.indices {
            let firstRung = run.results.records.filter { $0.run.cell == cell }.compactMap { $0.rungs?.first ?? nil }
            #expect(data.valuesByCell[cell] == firstRung)
        }
        #expect(run.effects.hasPrefix("Axis effects on val_accuracy at 1 epoch, the first rung (share of the variance of"))
    }

    @Test func aShardOfAHalvingSearchIsRefusedAtTheStrategy() async throws {
        let directory = try RunSessionTests.workspace(experiment: Self.experiment())
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            _ = try await RunSession.run(RunSessionTests.request(directory, shard: Shard(index: 1, count: 2)))
            Issue.record("a shard of a halving search ran")
        } catch {
            guard case .invalid(let diagnostics) = error else {
                Issue.record("expected diagnostics, got \(error)")
                return
            }
            let diagnostic = try #require(diagnostics.diagnostics.first)
            #expect(diagnostic.keyPath == "search.strategy")
            #expect(diagnostic.location.line == 20)
            #expect(diagnostic.message.contains("cannot run in shards"))
            #expect(diagnostic.help?.contains("remove search.strategy") == true)
        }
        #expect(!FileManager.default.fileExists(atPath: directory + "/results/halving"))
    }
}
