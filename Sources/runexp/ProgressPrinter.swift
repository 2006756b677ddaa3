import Foundation
import RunexpExecution
import RunexpResults
import RunexpReport

/// Draws progress on stderr: redrawn in place on a terminal, a plain line every 5 s otherwise.
final class ProgressPrinter {
    private let enabled: Bool
    private let interactive: Bool
    /// The objective's metric, shown with the best mean so far.
    var metric = ""
    private let color: Bool
    private var lastDraw = Date.distantPast
    private var drewInPlace = false

    init(enabled: Bool) {
        self.enabled = enabled
        self.interactive = Terminal.stderrIsTerminal
        self.color = TerminalColor.isEnabled(isTerminal: Terminal.stderrIsTerminal, environment: ProcessInfo.processInfo.environment)
    }

    func update(_ progress: ExperimentRunner.Progress) {
        guard enabled else { return }
        let now = Date()
        let interval = interactive ? 0.1 : 5.0
        guard now.timeIntervalSince(lastDraw) >= interval || progress.done == progress.total else { return }
        lastDraw = now
        let line = ProgressLine.render(progress, metric: metric, color: color)
        if interactive {
            FileHandle.standardError.write(Data("\r\u{1B}[2K\(line)".utf8))
            drewInPlace = true
        } else {
            Terminal.error(line)
        }
    }

    func finish() {
        if drewInPlace { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
