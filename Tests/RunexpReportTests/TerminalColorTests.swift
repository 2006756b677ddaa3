import Testing
@testable import RunexpExecution
@testable import RunexpResults
@testable import RunexpReport

@Suite struct TerminalColorTests {
    @Test(arguments: [
        ("terminal", true, [String: String](), true),
        ("not a terminal", false, [:], false),
        ("NO_COLOR=1", true, ["NO_COLOR": "1"], false),
        ("NO_COLOR=0 still means no colour", true, ["NO_COLOR": "0"], false),
        ("empty NO_COLOR is ignored", true, ["NO_COLOR": ""], true),
        ("TERM=dumb", true, ["TERM": "dumb"], false),
        ("TERM=xterm", true, ["TERM": "xterm-256color"], true),
        ("pipe with NO_COLOR", false, ["NO_COLOR": "1"], false),
    ])
    func colourOnlyOnATerminalAndNeverWithNoColor(name: String, isTerminal: Bool, environment: [String: String], expected: Bool) {
        #expect(TerminalColor.isEnabled(isTerminal: isTerminal, environment: environment) == expected, "\(name)")
    }

    @Test func applyWrapsInSGRCodesOnlyWhenEnabled() {
        #expect(TerminalColor.apply(.green, to: "ok", enabled: true) == "\u{1B}[32mok\u{1B}[0m")
        #expect(TerminalColor.apply(.green, to: "ok", enabled: false) == "ok")
        #expect(TerminalColor.apply(.bold, to: "", enabled: true) == "")
    }

    @Test func colouredProgressLineShowsTheSameCharacters() {
        let progress = ExperimentRunner.Progress(done: 50, total: 200, elapsed: 2, bestObjective: 0.97)
        let plain = ProgressLine.render(progress, metric: "val_accuracy", width: 10)
        let coloured = ProgressLine.render(progress, metric: "val_accuracy", width: 10, color: true)
        #expect(plain == "[##--------] 50/200 runs  25.0 runs/s  2.0s elapsed  ETA 6.0s  best val_accuracy 0.9700")
        #expect(coloured != plain)
        #expect(coloured.contains("\u{1B}[32m##\u{1B}[0m"))
        #expect(coloured.contains("\u{1B}[36mbest val_accuracy 0.9700\u{1B}[0m"))
        #expect(Self.stripped(coloured) == plain)
    }

    @Test func effectsSummaryRanksTheAxesAndPointsAtTheReport() throws {
        let text = EffectsSummary.render(try ReportFixtures.synthetic(), reportPath: "results/synthetic/x/report.html")
        // batch 32: 0.85 − 0.06 × 0.25 + 0.005 + mean offset 0.000667 = 0.840667 over its 12 runs;
        // batch 8 loses the diverged run (0.812): (12 × 0.790667 − 0.812) / 11 = 0.788727.
        #expect(text == """
            Axis effects on val_accuracy (share of the variance of 23 converged runs):
            axis                          share  best value   worst value
            batch_size                    67.5%  32 (0.8407)  8 (0.7887)
            dropout                       25.1%  0 (0.8324)   0.5 (0.8007)
            units                          2.6%  16 (0.8207)  4 (0.8105)
            noise between runs of a cell   7.6%
            the rest (interactions)        0.0%
            batch_size (67.5%) matters most for val_accuracy; every other axis explains 25.1% or less.
            1 of 24 runs diverged and are left out of every mean.
            Report: results/synthetic/x/report.html

            """)
        #expect(!text.contains("\u{1B}"))
    }

    static func stripped(_ text: String) -> String {
        var result = ""
        var inEscape = false
        for character in text {
            if character == "\u{1B}" { inEscape = true; continue }
            if inEscape { if character == "m" { inEscape = false }; continue }
            result.append(character)
        }
        return result
    }
}
