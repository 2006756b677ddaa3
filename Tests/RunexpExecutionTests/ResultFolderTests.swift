import Foundation
import Testing
@testable import RunexpExecution
@testable import RunexpResults
@testable import RunexpPlan
import RunexpKernel
import RunexpTestSupport

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
        let first = try ActiveResultFolder.create(in: experiments, name: "2026-01-01T00-00-00Z_nogit", planJSON: ResultTables.planJSON(Self.plan), dataSHA256: Self.data, experimentText: "yaml", kernel: kernelCodePath)
        let second = try ActiveResultFolder.create(in: experiments, name: "2026-01-01T00-00-00Z_nogit", planJSON: ResultTables.planJSON(Self.plan), dataSHA256: Self.data, experimentText: "yaml", kernel: kernelCodePath)
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

    static let data = ["d.csv": String(repeating: "ab", count: 32)]

    /// A record the plan can produce for run `index` (three repetitions of its one cell).
    static func record(_ index: Int) -> RunRecord {
        PlanRecords.record(planWithRepetitions, index: index)
    }

    static let planWithRepetitions: Plan = {
        var plan = Self.plan
        plan.repetitions = 3
        return plan
    }()

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
        try folder.openJournal(planJSON: planJSON, dataSHA256: Self.data, kernel: kernelCodePath)
        try folder.append(Self.record(1))
        try folder.openJournal(planJSON: "ignored: already open", dataSHA256: [:], kernel: kernelCodePath)
        #expect(try String(contentsOfFile: folder.path + "/plan.json", encoding: .utf8) == planJSON)
        let read = try JournalReader(plan: Self.planWithRepetitions, classCount: nil, file: ".journal")
            .readJournal(at: folder.path + "/.journal", folder: folder.path,
                         expected: JournalFingerprint(planSHA256: SHA256Digest.hex(of: planJSON), dataSHA256: Self.data, kernel: kernelCodePath))
        #expect(read.keys.sorted() == [0, 1])
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
        let resumed = try ActiveResultFolder.resume(path, plan: Self.planWithRepetitions, dataSHA256: Self.data, kernel: kernelCodePath)
        #expect(resumed.journaled.isEmpty && resumed.isJournalOpen)
        #expect(try String(contentsOfFile: path + "/plan.json", encoding: .utf8) == ResultTables.planJSON(Self.planWithRepetitions))
        try resumed.append(Self.record(2))
        try resumed.finish(files: [("runs.csv", "x\n")])
        #expect(ActiveResultFolder.unfinished(in: experiments).isEmpty)
        // A folder that is only a directory is no result folder.
        try FileManager.default.createDirectory(atPath: experiments + "/bare", withIntermediateDirectories: true)
        #expect(throws: ResultFolderError.self) { try ActiveResultFolder.resume(experiments + "/bare", plan: Self.plan, dataSHA256: Self.data, kernel: kernelCodePath) }
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
    /// Checked lines read back bit for bit; a torn last line is dropped, an identical repeat is
    /// accepted, and a stranger (a run outside the plan) or a conflicting repeat is refused by line.
    @Test func roundTripsExactlyDropsATornTailAndRefusesStrangers() throws {
        let plan = PlanRecords.plan(cells: 2, repetitions: 3)
        let fingerprint = JournalFingerprint(planSHA256: "p", dataSHA256: ["d.csv": "x"], kernel: kernelCodePath)
        let records = [PlanRecords.record(plan, index: 0), PlanRecords.record(plan, index: 2)]
        var complete = JournalHeader(fingerprint).line + records.map { RunJournal.checkedLine($0, fingerprint: fingerprint) }.joined()
        complete += RunJournal.checkedLine(records[1], fingerprint: fingerprint)  // an identical repeat
        let text = complete + String(RunJournal.checkedLine(PlanRecords.record(plan, index: 3), fingerprint: fingerprint).dropLast(10))  // torn by a kill
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let reader = JournalReader(plan: plan, classCount: nil, file: "j")
        let read = try reader.readJournal(at: try directory.write("j", text), folder: "f", expected: fingerprint)
        #expect(read.keys.sorted() == [0, 2])
        #expect(RunJournal.line(try #require(read[2])) == RunJournal.line(records[1]))

        var conflicting = records[1]
        conflicting.validation = PartMetrics(loss: 9, accuracy: 0.5, precision: 0.5, recall: 0.5, f1: 0.5, rocAUC: nil)
        let repeated = complete + RunJournal.checkedLine(conflicting, fingerprint: fingerprint)
        #expect(throws: JournalError(file: "j", line: 5, problem: "run 2 is also on line 3, with other values")) {
            try reader.readJournal(at: try directory.write("j", repeated), folder: "f", expected: fingerprint)
        }
        var stranger = PlanRecords.record(plan, index: 0)
        stranger.run = RunID(index: 7, cell: 2, repetition: 1, fold: 0)
        let outside = JournalHeader(fingerprint).line + RunJournal.checkedLine(stranger, fingerprint: fingerprint)
        #expect(throws: JournalError(file: "j", line: 2, problem: "run index 7 is outside this plan's runs 0...5")) {
            try reader.readJournal(at: try directory.write("j", outside), folder: "f", expected: fingerprint)
        }
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
        let fingerprint = JournalFingerprint(planSHA256: "p", dataSHA256: [:], kernel: kernelCodePath)
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        for record in records {
            // The checked line is the line with its checksum; without it, it decodes to the record.
            let checked = Array(RunJournal.checkedLine(record, fingerprint: fingerprint).utf8.dropLast())
            let canonical = try #require(JournalReader.canonical(checked))
            #expect(canonical.record + [UInt8(ascii: "\n")] == Array(RunJournal.line(record).utf8))
            let back = try decoder.decode(RunRecord.self, from: Data(canonical.record))
            // Bit for bit, NaN included (Equatable would call NaN unequal).
            #expect(RunJournal.line(back) == RunJournal.line(record))
            #expect(back.seed == record.seed && back.curve.count == record.curve.count && back.run == record.run)
            #expect(back.validation?.value(.loss)?.bitPattern == record.validation?.value(.loss)?.bitPattern)
            #expect(back.curve.map(\.trainLoss.bitPattern) == record.curve.map(\.trainLoss.bitPattern))
        }
    }
}
