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

    /// The diagnostic's line, followed by the quoted source line and caret when the source is known.
    public func render(_ diagnostic: Diagnostic) -> String {
        var text = diagnostic.description
        guard let source = sources[diagnostic.location.file],
              let line = Self.line(diagnostic.location.line, of: source)
        else { return text }
        let number = String(diagnostic.location.line)
        let gutter = String(repeating: " ", count: max(0, 5 - number.count))
        let shown = line.replacingTabs()
        let caretOffset = max(0, min(diagnostic.location.column - 1, shown.unicodeScalars.count))
        text += "\n\(gutter)\(number) | \(shown)"
        text += "\n      | " + String(repeating: " ", count: caretOffset) + "^"
        return text
    }

    /// Renders every diagnostic of `error`, one block each.
    public func render(_ error: DiagnosticError) -> String {
        error.diagnostics.map(render).joined(separator: "\n")
    }

    static func line(_ number: Int, of source: String) -> String? {
        guard number >= 1 else { return nil }
        var current = 1
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == number {
                return String(line.hasSuffix("\r") ? line.dropLast() : line)
            }
            current += 1
        }
        return nil
    }
}

extension String {
    fileprivate func replacingTabs() -> String {
        String(unicodeScalars.map { $0 == "\t" ? " " : Character($0) })
    }
}
