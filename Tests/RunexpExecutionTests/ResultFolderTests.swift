import Foundation
import Testing
@testable import RunexpExecution
@testable import RunexpPlan
import RunexpKernel

@Suite struct ResultFolderTests {
    static let plan: Plan = try! PlanParser.parse(yaml: """
        name: exp
        data: {file: d.csv, target: y}
        model: [{dense: {units: classes, activation: softmax}}]
        training: {epochs: 1, optimizer: sgd}

        """, file: "e.yaml", directory: "")

    @Test func createsJournalsFinishesAndPointsLatestAtTheNewestFolder() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let experiments = directory.file("exp")
        let first = try ActiveResultFolder.create(in: experiments, name: "2026-01-01T00-00-00Z_nogit", planJSON: ResultTables.planJSON(Self.plan), experimentText: "yaml")
        let second = try ActiveResultFolder.create(in: experiments, name: "2026-01-01T00-00-00Z_nogit", planJSON: ResultTables.planJSON(Self.plan), experimentText: "yaml")
        #expect(first.path.hasSuffix("exp/2026-01-01T00-00-00Z_nogit"))
        #expect(second.path.hasSuffix("exp/2026-01-01T00-00-00Z_nogit-2"))
        #expect(ActiveResultFolder.unfinished(in: experiments) == [first.path, second.path])
        try second.finish(files: [("a.csv", "y\n"), ("plots/p.svg", "<svg/>")])
        try first.finish(files: [("a.csv", "x\n")])
        #expect(try String(contentsOfFile: second.path + "/plots/p.svg", encoding: .utf8) == "<svg/>")
        #expect(try String(contentsOfFile: first.path + "/experiment.yaml", encoding: .utf8) == "yaml")
        // latest follows the folder finished last.
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: directory.file("exp/latest")) == "2026-01-01T00-00-00Z_nogit")
        #expect(ActiveResultFolder.unfinished(in: experiments).isEmpty)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: first.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty)
    }

    static func record(_ index: Int) -> RunRecord {
        RunRecord(run: RunID(index: index, cell: 0, repetition: index, fold: 0), seed: UInt64(index), epochsRun: 1, diverged: false,
                  validation: PartMetrics(loss: 0.5, accuracy: 0.75, precision: nil, recall: nil, f1: nil, rocAUC: nil), test: nil,
                  curve: [])
    }

    /// A run trains while plan.json is encoded: runs finished before it wait in memory, and the
    /// journal appears only together with plan.json.
    @Test func runsFinishedBeforeThePlanIsWrittenReachTheJournalWithIt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let experiments = directory.file("exp")
        let planJSON = ResultTables.planJSON(Self.plan)
        let folder = try ActiveResultFolder.create(in: experiments, name: "f", experimentText: "yaml")
        try folder.append(Self.record(0))
        let manager = FileManager.default
        #expect(!folder.isJournalOpen)
        #expect(!manager.fileExists(atPath: folder.path + "/.journal") && !manager.fileExists(atPath: folder.path + "/plan.json"))
        #expect(ActiveResultFolder.unfinished(in: experiments) == [folder.path])
        try folder.openJournal(planJSON: planJSON)
        try folder.append(Self.record(1))
        try folder.openJournal(planJSON: "ignored: already open")
        #expect(try String(contentsOfFile: folder.path + "/plan.json", encoding: .utf8) == planJSON)
        let journal = try #require(manager.contents(atPath: folder.path + "/.journal"))
        #expect(RunJournal.read(journal, runCount: 3).keys.sorted() == [0, 1])
        #expect(folder.journaled.keys.sorted() == [0, 1])
    }

    /// A process killed before its first journal line leaves its lock (and maybe plan.json): resume
    /// starts that folder afresh; a finished folder is not offered for resuming.
    @Test func aFolderThatDiedBeforeItsJournalResumesAfresh() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let experiments = directory.file("exp")
        var path = ""
        do {
            let folder = try ActiveResultFolder.create(in: experiments, name: "f", experimentText: "yaml")
            try folder.append(Self.record(0))  // lost with the process
            path = folder.path
        }
        #expect(ActiveResultFolder.unfinished(in: experiments) == [path])
        let resumed = try ActiveResultFolder.resume(path, plan: Self.plan)
        #expect(resumed.journaled.isEmpty && resumed.isJournalOpen)
        #expect(try String(contentsOfFile: path + "/plan.json", encoding: .utf8) == ResultTables.planJSON(Self.plan))
        try resumed.append(Self.record(2))
        try resumed.finish(files: [("runs.csv", "x\n")])
        #expect(ActiveResultFolder.unfinished(in: experiments).isEmpty)
        // A folder that is only a directory is no result folder.
        try FileManager.default.createDirectory(atPath: experiments + "/bare", withIntermediateDirectories: true)
        #expect(throws: ResultFolderError.self) { try ActiveResultFolder.resume(experiments + "/bare", plan: Self.plan) }
    }

    /// The hand-made stamps equal Foundation's formatters (which they replace for speed).
    @Test func utcStampsMatchFoundationsFormatters() {
        let iso = ISO8601DateFormatter()
        let folder = DateFormatter()
        folder.locale = Locale(identifier: "en_US_POSIX")
        folder.timeZone = TimeZone(identifier: "UTC")
        folder.dateFormat = "yyyy-MM-dd'T'HH-mm-ss'Z'"
        var rng = SplitMix64(seed: 12)
        var dates = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 951_782_400.999), Date(timeIntervalSince1970: 4_102_444_799.5)]
        for _ in 0..<2000 { dates.append(Date(timeIntervalSince1970: Double(rng.next() % 4_102_444_800) + Double(rng.next() % 1000) / 1000)) }
        for date in dates {
            #expect(UTCTime.string(date) == iso.string(from: date))
            #expect(UTCTime.string(date, timeSeparator: "-") == folder.string(from: date))
        }
    }

    @Test func folderNameIsUTCTimeAndCommit() {
        let date = Date(timeIntervalSince1970: 1_796_000_000)
        let git = GitState(commit: "0123456789abcdef", branch: "main", dirty: true)
        #expect(ResultFolder.folderName(started: date, git: git) == "2026-11-30T00-53-20Z_0123456-dirty")
        #expect(GitState(commit: nil, branch: nil, dirty: false).folderTag == "nogit")
    }

    /// The number a file gives back, made without the text: bit for bit what reading the text gives.
    @Test func storedIsWhatTheSixDecimalTextReadsBackAs() {
        var rng = SplitMix64(seed: 31)
        func uniform() -> Double { Double(rng.next() >> 11) / 0x1p53 }
        var values: [Double] = [0, -0.0, 0.5, -0.5, 0.0000005, -0.0000005, 0.0000004999999, 1.0000005, 2.5e-7, 1e9, 8.999e9,
                                9.000000001e9, 1e12, -1e15, 1e300, .leastNonzeroMagnitude, .greatestFiniteMagnitude, .infinity,
                                -.infinity, 0.1 + 0.2, 1.0 / 3.0, 0.9817]
        for _ in 0..<200_000 {
            let magnitude = pow(10, uniform() * 16 - 8)
            values.append((uniform() * 2 - 1) * magnitude)
            values.append(Double(Int(uniform() * 2_000_000) - 1_000_000) / 1e6 + (uniform() - 0.5) * 1e-12)
        }
        for value in values {
            let read = Double(FixedFormat.string(value))!
            #expect(FixedFormat.stored(value).bitPattern == read.bitPattern, "\(value): \(FixedFormat.string(value))")
        }
        #expect(FixedFormat.stored(.nan).isNaN)
    }

    /// The bytes written straight into a table are the text, for every kind of number.
    @Test func appendedDigitsAreTheText() {
        var rng = SplitMix64(seed: 37)
        func uniform() -> Double { Double(rng.next() >> 11) / 0x1p53 }
        var values: [Double] = [0, -0.0, 0.5, -0.5, 0.0000005, -0.0000005, 0.0000004999999, 1.0000005, 9, 10, 99.9999995,
                                8.999e9, 9.000000001e9, 1e12, -1e15, 1e300, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
                                .infinity, -.infinity, .nan]
        for _ in 0..<100_000 {
            values.append((uniform() * 2 - 1) * pow(10, uniform() * 24 - 12))
            values.append(Double(bitPattern: rng.next()))
        }
        for digits in [0, 1, 6] {
            for value in values {
                var bytes: [UInt8] = [UInt8(ascii: "x")]
                FixedFormat.append(value, digits: digits, to: &bytes)
                let text = String(decoding: bytes.dropFirst(), as: UTF8.self)
                #expect(text == FixedFormat.string(value, digits: digits), "\(value)")
                if text != FixedFormat.string(value, digits: digits) { return }
            }
        }
        var none: [UInt8] = []
        FixedFormat.append(nil, to: &none)
        #expect(none.isEmpty)
    }

    /// Rows built field by field are the rows of texts.
    @Test func rowsOfNumbersAreRowsOfTheirTexts() {
        var byFields = CSVWriter(header: ["a", "b,c", "d\"e"])
        var byTexts = CSVWriter(header: ["a", "b,c", "d\"e"])
        var rng = SplitMix64(seed: 41)
        let texts = ["", "x", "1,5", "say \"hi\"", "multi\nline", "cr\r\nlf", "é"]
        for _ in 0..<500 {
            let integer = Int(bitPattern: UInt(rng.next())) >> Int(rng.next() % 64)
            let number: Double? = rng.next() % 4 == 0 ? nil : Double(bitPattern: rng.next() >> 2)
            let text = texts[Int(rng.next() % UInt64(texts.count))]
            byFields.appendRow { row in
                row.integer(integer)
                row.fixed(number)
                row.text(text)
            }
            byTexts.append([String(integer), FixedFormat.string(number), text])
        }
        #expect(byFields.text == byTexts.text)
    }

    @Test(arguments: [(0.5, "0.500000"), (-0.0000004, "0.000000"), (-1.25, "-1.250000"), (2, "2.000000"),
                      (Double.nan, "nan"), (-Double.infinity, "-inf"), (0.1234567, "0.123457")])
    func fixedFormatIsExact(value: Double, text: String) {
        #expect(FixedFormat.string(value) == text)
    }
}

@Suite struct JournalTests {
    func record(_ index: Int, loss: Double) -> RunRecord {
        RunRecord(run: RunIDFixture.make(index), seed: UInt64(index), epochsRun: 3, diverged: false,
                  validation: PartMetrics(loss: loss, accuracy: 0.5, precision: nil, recall: nil, f1: nil, rocAUC: nil), test: nil,
                  curve: [CurvePoint(epoch: 1, trainLoss: .nan, trainAccuracy: 0.1, validationLoss: .infinity, validationAccuracy: nil)])
    }

    @Test func roundTripsExactlyAndSkipsATornLineRepeatsAndStrangers() throws {
        let records = [record(0, loss: 0.1 + 0.2), record(2, loss: 1.0 / 3.0)]
        var text = records.map(RunJournal.line).joined()
        text += RunJournal.line(record(2, loss: 9))   // a repeat: the first one counts
        text += RunJournal.line(record(7, loss: 1))   // outside a 5-run plan
        text += String(RunJournal.line(record(3, loss: 1)).dropLast(10))  // torn by a kill
        let read = RunJournal.read(Data(text.utf8), runCount: 5)
        #expect(read.keys.sorted() == [0, 2])
        #expect(read[0]?.validation?.loss == 0.1 + 0.2)
        #expect(read[2]?.validation?.loss == 1.0 / 3.0)
        #expect(read[0]?.curve[0].trainLoss.isNaN == true)
        #expect(read[0]?.curve[0].validationLoss == .infinity)
    }

    /// Records with every optional present and absent, extreme and non-finite numbers.
    static func awkwardRecords() -> [RunRecord] {
        let numbers: [Double] = [0, -0.0, 1, 0.1 + 0.2, 1.0 / 3.0, 1e-7, .leastNonzeroMagnitude, 1.7976931348623157e308, -2.5e-12,
                                 123456789.125, .nan, .infinity, -.infinity, 0.9817]
        var generator = SplitMix64(seed: 2026)
        var records: [RunRecord] = []
        for index in 0..<60 {
            func pick() -> Double {
                index < numbers.count * 2 ? numbers[index % numbers.count] : Double.random(in: -1e3...1e3, using: &generator)
            }
            func maybe() -> Double? { Bool.random(using: &generator) ? pick() : nil }
            func metrics() -> PartMetrics? {
                Bool.random(using: &generator) ? nil
                    : PartMetrics(loss: pick(), accuracy: pick(), precision: maybe(), recall: maybe(), f1: maybe(), rocAUC: maybe())
            }
            let curve = (0..<Int.random(in: 0...4, using: &generator)).map { epoch in
                CurvePoint(epoch: epoch + 1, trainLoss: pick(), trainAccuracy: pick(), validationLoss: maybe(), validationAccuracy: maybe())
            }
            records.append(RunRecord(run: RunID(index: index, cell: index / 3, repetition: index % 3, fold: index % 2),
                                     seed: index == 0 ? .max : generator.next(), epochsRun: curve.count,
                                     diverged: Bool.random(using: &generator), validation: metrics(), test: metrics(), curve: curve))
        }
        return records
    }

    @Test func handWrittenLinesReadBackAsTheRecordAndMatchJSONEncoder() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let records = Self.awkwardRecords()
        let lines = records.map(RunJournal.line)
        for (record, line) in zip(records, lines) {
            #expect(line.hasSuffix("}\n") && line.dropLast().firstIndex(of: "\n") == nil)
            // The same JSON value as JSONEncoder's (numbers compared as JSON numbers).
            let ours = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? NSDictionary
            let theirs = try JSONSerialization.jsonObject(with: try encoder.encode(record)) as? NSDictionary
            #expect(ours != nil && ours == theirs, "\(line)")
        }
        let read = RunJournal.read(Data(lines.joined().utf8), runCount: records.count)
        for record in records {
            let back = try #require(read[record.run.index])
            // Bit for bit, NaN included (Equatable would call NaN unequal).
            #expect(RunJournal.line(back) == RunJournal.line(record))
            #expect(back.seed == record.seed && back.curve.count == record.curve.count && back.run == record.run)
            #expect(back.validation?.loss.bitPattern == record.validation?.loss.bitPattern)
            #expect(back.curve.map(\.trainLoss.bitPattern) == record.curve.map(\.trainLoss.bitPattern))
        }
    }
}

enum RunIDFixture {
    static func make(_ index: Int) -> RunID {
        RunID(index: index, cell: index, repetition: 0, fold: 0)
    }
}
