import Foundation
import Testing
import RunexpExecution
@testable import RunexpResults
@testable import RunexpReport

@Suite struct PlotPrimitivesTests {
    /// Relative luminance (WCAG) of `#rrggbb`.
    static func luminance(_ hex: String) -> Double {
        let value = Int(hex.dropFirst(), radix: 16)!
        func channel(_ shift: Int) -> Double {
            let c = Double((value >> shift) & 0xff) / 255
            return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * channel(16) + 0.7152 * channel(8) + 0.0722 * channel(0)
    }

    @Test func viridisRunsFromPurpleToYellowAndGetsLighterAllTheWay() {
        #expect(Viridis.color(0) == "#440154")
        #expect(Viridis.color(1) == "#fde725")
        #expect(Viridis.color(-3) == "#440154" && Viridis.color(.nan) == "#440154")
        #expect(Viridis.color(128.0 / 255) == "#21918c")
        let lightness = (0...100).map { Self.luminance(Viridis.color(Double($0) / 100)) }
        for (a, b) in zip(lightness, lightness.dropFirst()) { #expect(a < b) }
    }

    @Test func textOnSquaresIsReadable() {
        // WCAG contrast of the chosen ink on every colour of the map is at least 3:1 (large text).
        for step in 0...100 {
            let t = Double(step) / 100
            let background = Self.luminance(Viridis.color(t))
            let ink = Self.luminance(Viridis.textColor(on: t))
            let contrast = (max(background, ink) + 0.05) / (min(background, ink) + 0.05)
            #expect(contrast >= 3, "t = \(t): contrast \(contrast)")
        }
    }

    @Test(arguments: [(12.0, "12"), (12.5, "12.5"), (0.125, "0.13"), (-0.001, "0"), (-3.25, "-3.25"), (100.004, "100")])
    func svgNumbersHaveAtMostTwoDecimals(value: Double, text: String) {
        #expect(SVGDocument.number(value) == text)
    }

    @Test func svgTextIsEscaped() {
        var svg = SVGDocument(width: 10, height: 10, title: "a < b & \"c\"")
        svg.text("x<y>'z'", x: 1, y: 2)
        #expect(svg.text.contains("<title>a &lt; b &amp; &quot;c&quot;</title>"))
        #expect(svg.text.contains(">x&lt;y&gt;&#39;z&#39;</text>"))
    }

    /// HTML and XML allow no NUL or other control character (but tab and line ends): they become U+FFFD.
    @Test func controlCharactersAreReplaced() {
        #expect(Markup.escape("a\u{0}b\u{1B}[31mc\td\ne\u{85}") == "a\u{FFFD}b\u{FFFD}[31mc\td\ne\u{FFFD}")
        #expect(Markup.escape("é & ü") == "é &amp; ü")
    }

    /// A span narrower than doubles resolve at its magnitude (means of runs that agree to the last
    /// bits but one) used to loop forever and exhaust memory: it is one tick.
    @Test func aSpanBelowTheResolutionOfItsMagnitudeIsOneTick() {
        #expect(PlotScale.niceTicks(low: 56.030512, high: 56.030512.nextUp, count: 5) == [56.030512])
        #expect(PlotScale.niceTicks(low: 1e300, high: 1e300.nextUp.nextUp, count: 5) == [1e300])
        #expect(PlotScale.niceTicks(low: -5e20, high: (-5e20).nextUp, count: 5) == [-5e20])
        #expect(PlotScale.niceTicks(low: 1, high: 3, count: 2) == [1, 2, 3])
    }

    @Test func ticksAreRoundNumbers() {
        #expect(PlotScale.niceTicks(low: 0.9374, high: 0.9636, count: 5).map { PlotScale.label($0, step: 0.01) } == ["0.94", "0.95", "0.96"])
        #expect(PlotScale.niceTicks(low: 0, high: 1, count: 5).map { PlotScale.label($0, step: 0.2) } == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        #expect(PlotScale.niceStep(0.013) == 0.02)
        let log = PlotScale(low: 0.0001, high: 0.1, from: 0, to: 300, logarithmic: true)
        #expect(log.ticks().map(PlotScale.logLabel) == ["0.0001", "0.001", "0.01", "0.1"])
        #expect(abs(log(0.001) - 100) < 1e-9)
        #expect(HeatmapPlot.decimals(range: 0.026) == 4)
        #expect(HeatmapPlot.decimals(range: 3) == 2)
        #expect(HeatmapPlot.decimals(range: 30) == 1)
        #expect(HeatmapPlot.decimals(range: 0) == 4)
    }
}

/// A curve of 10^6 epochs draws from at most two points per pixel of its panel, spikes kept.
@Suite struct CurveDecimationTests {
    @Test func shortCurvesAreDrawnPointForPoint() {
        let points = (1...380).map { (epoch: $0, loss: 1 / Double($0)) }
        let kept = LearningCurvesPlot.decimated(points, buckets: 190)
        #expect(kept.map(\.epoch) == points.map(\.epoch))
    }

    @Test func longCurvesKeepEachBucketsLowestAndHighest() {
        var points = (1...1_000_000).map { (epoch: $0, loss: 1 + 1 / Double($0)) }
        points[543_209].loss = 100
        points[777_776].loss = 0.01
        let kept = LearningCurvesPlot.decimated(points, buckets: 190)
        #expect(kept.count <= 380)
        #expect(kept.first?.epoch == 1)
        #expect(kept.last?.epoch == 1_000_000)
        #expect(kept.contains { $0.epoch == 543_210 && $0.loss == 100 })
        #expect(kept.contains { $0.epoch == 777_777 && $0.loss == 0.01 })
        #expect(zip(kept, kept.dropFirst()).allSatisfy { $0.epoch < $1.epoch })
    }

    @Test func theSVGOfLongCurvesStaysSmall() throws {
        let results = try ReportFixtures.synthetic()
        let records = results.records.map { record -> RunRecord in
            var record = record
            guard !record.curve.isEmpty else { return record }
            let hasValidation = record.curve[0].validationLoss != nil
            record.curve = (1...100_000).map { epoch in
                let e = Double(epoch)
                return CurvePoint(epoch: epoch, trainLoss: 1 / e, trainAccuracy: 0.5,
                                  validationLoss: hasValidation ? 2 / e : nil, validationAccuracy: hasValidation ? 0.5 : nil)
            }
            record.epochsRun = 100_000
            return record
        }
        let long = ExperimentResults(plan: results.plan, classes: results.classes, records: records)
        let svg = try #require(LearningCurvesPlot.svg(LearningCurves(long)))
        let short = try #require(LearningCurvesPlot.svg(LearningCurves(results)))
        #expect(svg.utf8.count < 4 * short.utf8.count + 100_000, "\(svg.utf8.count) bytes")
    }
}
