/// Whether and how to colour terminal output: ANSI colours only on a terminal, never with `NO_COLOR`.
///
/// Follows no-color.org: a `NO_COLOR` variable that is present and not empty turns colour off,
/// whatever its value. `TERM=dumb` also turns it off. Pure functions of their arguments, so the
/// decision is testable; the caller passes `isatty(STDERR_FILENO) == 1` and the environment.
public enum TerminalColor {
    /// True when output to a stream should carry ANSI colour codes.
    public static func isEnabled(isTerminal: Bool, environment: [String: String]) -> Bool {
        guard isTerminal else { return false }
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        if environment["TERM"] == "dumb" { return false }
        return true
    }

    /// An SGR style.
    public enum Style: String, Sendable {
        case bold = "1"
        case dim = "2"
        case green = "32"
        case cyan = "36"
        case yellow = "33"
    }

    /// `text` wrapped in the style's SGR code and a reset, or `text` itself when `enabled` is false.
    public static func apply(_ style: Style, to text: String, enabled: Bool) -> String {
        enabled && !text.isEmpty ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }
}
