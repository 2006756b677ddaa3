/// The viridis colour map: perceptually uniform, readable in grey and by colour-blind readers.
///
/// The table holds every eighth entry of matplotlib's 256-entry viridis (CC0; entries 0, 8, …,
/// 248 and 255) as 0xRRGGBB; colours between entries are interpolated linearly in sRGB. Dark
/// purple is 0, yellow is 1, and lightness grows monotonically in between.
enum Viridis {
    static let table: [UInt32] = [
        0x440154, 0x470d60, 0x48186a, 0x482374, 0x472d7b, 0x453781, 0x424086, 0x3e4989,
        0x3b528b, 0x375b8d, 0x33638d, 0x2f6b8e, 0x2c728e, 0x297a8e, 0x26828e, 0x23898e,
        0x21918c, 0x1f988b, 0x1fa088, 0x22a785, 0x28ae80, 0x32b67a, 0x3fbc73, 0x4ec36b,
        0x5ec962, 0x70cf57, 0x84d44b, 0x98d83e, 0xaddc30, 0xc2df23, 0xd8e219, 0xece51b,
        0xfde725,
    ]

    /// Position in [0, 1] of table entry `index` (entry 8·k of 256, the last one at 1).
    private static func position(_ index: Int) -> Double {
        index == table.count - 1 ? 1 : Double(index * 8) / 255
    }

    /// The colour at `t`, clamped to [0, 1], as `#rrggbb`.
    static func color(_ t: Double) -> String {
        let t = t.isFinite ? min(1, max(0, t)) : 0
        var upper = 1
        while upper < table.count - 1 && position(upper) < t { upper += 1 }
        let lower = upper - 1
        let span = position(upper) - position(lower)
        let fraction = span > 0 ? (t - position(lower)) / span : 0
        var hex = "#"
        for shift in [16, 8, 0] {
            let a = Double((table[lower] >> UInt32(shift)) & 0xff)
            let b = Double((table[upper] >> UInt32(shift)) & 0xff)
            let channel = Int((a + (b - a) * fraction).rounded())
            let digits = String(channel, radix: 16)
            hex += digits.count == 1 ? "0" + digits : digits
        }
        return hex
    }

    /// A vertical colour scale, yellow (t = 1) at the top, into `svg`: `ticks` are placed by their t
    /// and labelled on the right. The heatmaps' and the scatter plots' legend.
    static func drawScale(into svg: inout SVGDocument, left: Double, top: Double, height: Double,
                          ticks: [(t: Double, label: String)]) {
        let width = 16.0, steps = 48
        for step in 0..<steps {
            let fraction = (Double(step) + 0.5) / Double(steps)
            svg.rect(x: left, y: top + height * Double(step) / Double(steps), width: width,
                     height: height / Double(steps) + 0.5, fill: color(1 - fraction))
        }
        svg.rect(x: left, y: top, width: width, height: height, fill: "none", stroke: "#888888")
        for tick in ticks {
            let y = top + (1 - tick.t) * height
            svg.line(x1: left + width, y1: y, x2: left + width + 5, y2: y, stroke: "#444444")
            svg.text(tick.label, x: left + width + 8, y: y + 4, size: 11)
        }
    }

    /// Text colour readable on `color(t)`: white on the dark half, near-black on the light one.
    static func textColor(on t: Double) -> String {
        t < 0.45 ? "#ffffff" : "#1a1a1a"
    }
}
