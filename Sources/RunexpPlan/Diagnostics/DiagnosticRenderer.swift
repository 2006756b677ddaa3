/// Renders diagnostics with the offending source line and a caret under the column.
///
/// ```
/// experiments/wisconsin.yaml:24:5: error: training.optimizer.learning_rat: unknown key; ...
///    24 |     learning_rat: 0.1
///       |     ^
/// ```
public struct DiagnosticRenderer: Sendable {
    /// Source text of each file by the name diagnostics use for it.
    public var sources: [String: String]

    /// Creates a renderer that can quote lines from `sources` (file name -> contents).
    public init(sources: [String: String] = [:]) {
        self.sources = sources
    }

    /// Characters of a source line shown around the caret; longer lines are cut to a window.
    static let lineWindow = 120

    /// The diagnostic's line, followed by the quoted source line and caret when the source is known.
    public func render(_ diagnostic: Diagnostic) -> String {
        let line = sources[diagnostic.location.file].flatMap { Self.line(diagnostic.location.line, of: $0) }
        return Self.render(diagnostic, line: line)
    }

    /// Renders the first ``ResourceLimits/diagnostics`` diagnostics of `error`, one block each, and
    /// a last line counting the rest. Each file is split into lines once.
    public func render(_ error: DiagnosticError) -> String {
        var lines: [String: [Substring]] = [:]
        var blocks: [String] = []
        for diagnostic in error.diagnostics.prefix(ResourceLimits.diagnostics) {
            let file = diagnostic.location.file
            if diagnostic.location.line >= 1, lines[file] == nil, let source = sources[file] {
                lines[file] = source.split(separator: "\n", omittingEmptySubsequences: false)
            }
            let number = diagnostic.location.line
            let line = lines[file].flatMap { number >= 1 && number <= $0.count ? Self.trimmed($0[number - 1]) : nil }
            blocks.append(Self.render(diagnostic, line: line))
        }
        let hidden = error.diagnostics.count - blocks.count
        if hidden > 0 {
            blocks.append("... and \(hidden) more error\(hidden == 1 ? "" : "s") not shown (at most \(ResourceLimits.diagnostics) are printed)")
        }
        return blocks.joined(separator: "\n")
    }

    private static func render(_ diagnostic: Diagnostic, line: String?) -> String {
        var text = diagnostic.description
        guard let line else { return text }
        let number = String(diagnostic.location.line)
        let gutter = String(repeating: " ", count: max(0, 5 - number.count))
        var shown = Array(line.visibleScalars())
        var caretOffset = max(0, min(diagnostic.location.column - 1, shown.count))
        if shown.count > lineWindow {
            // A window around the caret, marked with "…" where the line was cut.
            let start = max(0, min(caretOffset - lineWindow / 2, shown.count - lineWindow))
            let end = min(shown.count, start + lineWindow)
            var window = Array(shown[start..<end])
            if start > 0 { window = ["…"] + window; caretOffset += 1 }
            if end < shown.count { window.append("…") }
            caretOffset -= start
            shown = window
        }
        text += "\n\(gutter)\(number) | \(String(String.UnicodeScalarView(shown)))"
        text += "\n      | " + String(repeating: " ", count: caretOffset) + "^"
        return text
    }

    static func line(_ number: Int, of source: String) -> String? {
        guard number >= 1 else { return nil }
        var current = 1
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == number {
                return trimmed(line)
            }
            current += 1
        }
        return nil
    }

    private static func trimmed(_ line: Substring) -> String {
        String(line.hasSuffix("\r") ? line.dropLast() : line)
    }
}

extension String {
    /// The line's scalars as a terminal shows them safely, one for one (the caret stays aligned):
    /// a tab as a space, other control characters as their Control Pictures (`␍` for CR, `␛` for
    /// ESC), C1 controls as `�`.
    fileprivate func visibleScalars() -> [Unicode.Scalar] {
        unicodeScalars.map { scalar in
            guard Diagnostic.isControl(scalar) else { return scalar }
            switch scalar.value {
            case 0x09: return " "
            case 0x00..<0x20: return Unicode.Scalar(0x2400 + scalar.value) ?? "\u{FFFD}"
            case 0x7F: return "\u{2421}"
            default: return "\u{FFFD}"
            }
        }
    }
}
