import RunexpPlan
import Testing
@testable import RunexpReport

/// `diff --format markdown` always shows a cell table, even when nothing changed significantly.
@Suite struct DiffMarkdownTests {
    static func diff(_ cells: [ResultDiff.CellDelta]) -> ResultDiff {
        ResultDiff(experiment: "exp", metric: MetricName(split: .val, kind: .accuracy), goal: .maximize, folderA: "a", folderB: "b",
                   planChanges: ["lr: values added: 0.3"], common: cells, onlyA: [], onlyB: [], bestA: nil, bestB: nil,
                   bestVerdict: .withinNoise, bestDelta: nil, bestHalfWidth: nil)
    }

    static func cell(_ index: Int, delta: Double?, verdict: ResultDiff.Verdict = .withinNoise, value: String? = nil) -> ResultDiff.CellDelta {
        ResultDiff.CellDelta(id: "c\(index)", values: ["units=\(value ?? String(index))"], meanA: 0.9, meanB: delta.map { 0.9 + $0 },
                             delta: delta, halfWidth: 0.05, p: 0.5, verdict: verdict)
    }

    /// Table rows: the lines of the table after its header and rule.
    static func rows(_ markdown: String) -> [Substring] {
        markdown.split(separator: "\n").filter { $0.hasPrefix("| units=") }
    }

    @Test func withinNoiseOnlyStillGivesTheLargestChangesFirst() {
        // 30 cells, none significant, |Δ| = index / 1000 with alternating signs.
        let cells = (0..<30).map { Self.cell($0, delta: Double($0) / 1000 * ($0 % 2 == 0 ? 1 : -1)) }
        let markdown = DiffRenderer.markdown(Self.diff(cells))
        let rows = Self.rows(markdown)
        #expect(rows.count == DiffRenderer.markdownRows)
        #expect(rows.first?.hasPrefix("| units=29 |") == true, "\(rows.first ?? "")")
        #expect(rows.last?.hasPrefix("| units=10 |") == true, "\(rows.last ?? "")")
        #expect(markdown.contains("\n10 more cells in both, none significant, are not shown"))
    }

    @Test func significantCellsAlwaysShowAndComeFirst() {
        var cells = (0..<25).map { Self.cell($0, delta: 0.01) }
        cells.append(Self.cell(25, delta: -0.001, verdict: .worse))
        cells.append(Self.cell(26, delta: nil, verdict: .untested))
        let rows = Self.rows(DiffRenderer.markdown(Self.diff(cells)))
        #expect(rows.count == DiffRenderer.markdownRows)
        #expect(rows.first?.hasPrefix("| units=25 |") == true)
        #expect(!rows.contains { $0.hasPrefix("| units=26 |") }, "an untested cell without Δ goes last")
    }

    @Test func aSmallDiffShowsEveryCellWithoutACountLine() {
        let markdown = DiffRenderer.markdown(Self.diff((0..<3).map { Self.cell($0, delta: 0) }))
        #expect(Self.rows(markdown).count == 3)
        #expect(!markdown.contains("more cells in both"))
    }

    @Test func aValueWithAPipeOrNewlineCannotBreakTheTable() throws {
        let markdown = DiffRenderer.markdown(Self.diff([Self.cell(0, delta: 0.1, value: "a|b\nc`d")]))
        let row = try #require(Self.rows(markdown).first)
        #expect(row == "| units=a\\|b cd | 0.9000 | 1.0000 | +0.1000 | [0.0500, 0.1500] | within noise |")
    }
}
