import RunexpResults

/// One line of progress: runs done, rate, elapsed, ETA and the best objective so far.
public enum ProgressLine {
    /// e.g. `[#########-----------]  312/648 runs  48.1 runs/s  6.5s elapsed  ETA 7s  best val_accuracy 0.9780`.
    /// Under a halving strategy the bar follows the planned epochs and the line names the rung:
    /// `[####----------------]  rung 2/3  432/648 runs  …`.
    ///
    /// With `color` (decide it with ``TerminalColor/isEnabled(isTerminal:environment:)``) the
    /// filled bar is green, the counts bold, the timings dim and the best objective cyan; the
    /// visible characters are the same either way.
    public static func render(_ progress: RunProgress, metric: String, width: Int = 20, color: Bool = false) -> String {
        func paint(_ style: TerminalColor.Style, _ text: String) -> String { TerminalColor.apply(style, to: text, enabled: color) }
        let (done, total) = progress.rungs.map { ($0.epochsDone, $0.epochsPlanned) } ?? (progress.done, progress.total)
        let filled = total > 0 ? min(width, max(0, done) * width / total) : width
        let bar = "[" + paint(.green, String(repeating: "#", count: filled)) + String(repeating: "-", count: width - filled) + "]"
        var text = "\(bar) " + (progress.rungs.map { paint(.bold, "rung \($0.rung + 1)/\($0.count)") + "  " } ?? "")
            + paint(.bold, "\(progress.done)/\(progress.total)") + " runs  "
            + (progress.reused > 0 ? paint(.dim, "(\(progress.reused) from the cache)  ") : "")
            + paint(.dim, "\(format(progress.runsPerSecond)) runs/s  \(duration(progress.elapsed)) elapsed")
        if progress.done < progress.total, let eta = progress.eta { text += "  " + paint(.dim, "ETA \(duration(eta))") }
        if let best = progress.bestObjective { text += "  " + paint(.cyan, "best \(metric) \(FixedFormat.string(best, digits: 4))") }
        return text
    }

    /// `4.2s`, `3m07s`, `1h02m`.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        if seconds < 60 { return FixedFormat.string(seconds, digits: 1) + "s" }
        let whole = Int(seconds.rounded())
        if whole < 3600 { return "\(whole / 60)m" + pad(whole % 60) + "s" }
        return "\(whole / 3600)h" + pad(whole % 3600 / 60) + "m"
    }

    private static func format(_ rate: Double) -> String {
        FixedFormat.string(rate, digits: rate < 10 ? 2 : 1)
    }

    private static func pad(_ value: Int) -> String {
        value < 10 ? "0\(value)" : String(value)
    }
}
