import Foundation
import RunexpExecution
@testable import RunexpResults
import RunexpPlan
import Synchronization
import Testing

@Suite struct RunSchedulerTests {
    private static func runs(_ count: Int) -> [RunID] {
        (0..<count).map { RunID(index: $0, cell: $0 / 3, repetition: $0 % 3, fold: 0) }
    }

    private static func record(_ run: RunID) -> RunRecord {
        RunRecord(run: run, seed: UInt64(run.index) &* 0x9E37_79B9, epochsRun: 1, diverged: false,
                  validation: nil, test: nil, curve: [])
    }

    @Test(arguments: [1, 2, 3, 8, 50])
    func everyRunOnceInPlanOrderWhateverFinishesFirst(jobs: Int) async {
        let runs = Self.runs(40)
        let started = Mutex<[Int]>([])
        var seen: [Int] = []
        var counts: [Int] = []
        let records = await RunScheduler(jobs: jobs).execute(runs, work: { run in
            started.withLock { $0.append(run.index) }
            // Later runs finish sooner, so finishing order differs from plan order.
            usleep(UInt32(200 * (40 - run.index) % 1_700))
            return Self.record(run)
        }, progress: { record, done in
            seen.append(record.run.index)
            counts.append(done)
        })
        #expect(records == runs.map(Self.record))
        #expect(started.withLock { $0.sorted() } == Array(0..<40))
        #expect(seen.sorted() == Array(0..<40))
        #expect(counts == Array(1...40))
    }

    @Test func noRunsReturnAtOnce() async {
        let records = await RunScheduler(jobs: 2).execute([], work: { Self.record($0) }, progress: { _, _ in Issue.record("no progress expected") })
        #expect(records.isEmpty)
    }

    @Test(arguments: [1, 2, 4])
    func noRunStartsOnceShouldStopSaysSo(jobs: Int) async {
        let runs = Self.runs(60)
        let stop = Mutex(false)
        let started = Mutex(0)
        let records = await RunScheduler(jobs: jobs).execute(runs, work: { run in
            started.withLock { $0 += 1 }
            if run.index == 9 { stop.withLock { $0 = true } }
            usleep(1_000)
            return Self.record(run)
        }, shouldStop: { stop.withLock { $0 } })
        // Runs are taken in plan order, so while run 9 trains at most jobs - 1 later ones have been
        // taken; every run taken finishes and is returned, and none starts after run 9 says stop.
        #expect(records.map(\.run.index) == Array(0..<records.count))
        #expect(records.count == started.withLock { $0 })
        #expect(records.count >= 10 && records.count <= 9 + jobs)
    }
}
