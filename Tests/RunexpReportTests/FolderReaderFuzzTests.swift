import Foundation
import Testing
@testable import RunexpExecution
@testable import RunexpResults
import RunexpPlan
@testable import RunexpReport
import RunexpTestSupport

/// A result folder damaged at random — truncated, bytes flipped or lost, lines repeated or moved,
/// numbers replaced by extreme texts — is read back or refused with one line naming the file; it
/// never traps, and a folder that is read back draws its report and diffs against the intact one. Seeded, so a failure replays.
@Suite struct FolderReaderFuzzTests {
    /// SplitMix64, so the test needs no kernel.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let extremes = ["", "nan", "inf", "-inf", "1e308", "-1e308", "-1", "2", "0.5", "99999999999999999999", "-0",
                           "1e-320", "\"x\"", "0x10", "\u{1B}[31m", "é", "9223372036854775807", "-9223372036854775808"]

    @Test func damagedFoldersAreReadOrRefusedNeverTrapped() throws {
        let results = try ReportFixtures.synthetic()
        let original = ReportFixtures.folderFiles(results)
        let damaged = ["plan.json", "runs.csv", "curves.csv", "summary.json"]
        var rng = Generator(state: 15)
        func below(_ bound: Int) -> Int { Int(rng.next() % UInt64(max(bound, 1))) }
        let intact = try TemporaryDirectory(prefix: "runexp-fuzz-")
        defer { intact.remove() }
        try ReportFixtures.write(original, to: intact.path)
        let before = try ResultFolderReader.read(intact.path)
        var read = 0, refused = 0
        for attempt in 0..<300 {
            var files = original
            for _ in 0..<(1 + below(3)) {
                let target = files.firstIndex { $0.name == damaged[below(damaged.count)] } ?? 0
                var text = files[target].text
                var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                switch below(7) {
                case 0:  // a number or field replaced by an extreme text
                    let row = below(lines.count)
                    var fields = lines[row].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                    fields[below(fields.count)] = Self.extremes[below(Self.extremes.count)]
                    lines[row] = fields.joined(separator: ",")
                    text = lines.joined(separator: "\n")
                case 1 where lines.count > 1:  // a line repeated
                    lines.insert(lines[below(lines.count)], at: below(lines.count + 1))
                    text = lines.joined(separator: "\n")
                case 2 where lines.count > 1:  // a line moved
                    let line = lines.remove(at: below(lines.count))
                    lines.insert(line, at: below(lines.count + 1))
                    text = lines.joined(separator: "\n")
                case 3:  // truncated
                    text = String(text.utf8.prefix(below(text.utf8.count + 1))) ?? ""
                case 4 where !text.isEmpty:  // a byte flipped (may make it invalid UTF-8)
                    var bytes = Array(text.utf8)
                    bytes[below(bytes.count)] = UInt8(truncatingIfNeeded: rng.next())
                    text = String(decoding: bytes, as: UTF8.self)
                case 5 where !text.isEmpty:  // a byte lost
                    var bytes = Array(text.utf8)
                    bytes.remove(at: below(bytes.count))
                    text = String(decoding: bytes, as: UTF8.self)
                default:  // a line dropped
                    if !lines.isEmpty { lines.remove(at: below(lines.count)) }
                    text = lines.joined(separator: "\n")
                }
                files[target].text = text
            }
            let folder = try TemporaryDirectory(prefix: "runexp-fuzz-")
            defer { folder.remove() }
            try ReportFixtures.write(files, to: folder.path)
            do {
                let contents = try ResultFolderReader.read(folder.path)
                read += 1
                let drawn = ReportFiles.render(results: contents.results, provenanceJSON: contents.provenanceJSON)
                #expect(drawn.contains { $0.name == "report.html" }, "attempt \(attempt)")
                // And it diffs against the intact folder (or is refused as another experiment), in every format.
                if let diff = try? ResultDiff.compare(before, contents) {
                    for text in [DiffRenderer.text(diff, showAll: true), DiffRenderer.markdown(diff), DiffRenderer.json(diff)] {
                        #expect(!text.isEmpty, "attempt \(attempt)")
                    }
                }
            } catch let error as ResultFolderReadError {
                refused += 1
                #expect(error.description.hasPrefix(folder.path), "attempt \(attempt): \(error)")
                #expect(!error.description.contains("\n"), "attempt \(attempt): \(error)")
            }
        }
        // Both outcomes occur, or the damage is not reaching the checks.
        #expect(read > 10 && refused > 100, "read \(read), refused \(refused)")
    }
}
