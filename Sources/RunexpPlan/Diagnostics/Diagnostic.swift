/// One problem in a user's input, rendered like a compiler error.
///
/// Rendered as `FILE:LINE:COL: error: KEY.PATH: message; help`, where `help` says what is valid
/// or offers a did-you-mean. The key path is omitted when the problem belongs to no key.
public struct Diagnostic: Error, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Where the problem is; line 0 when it concerns the whole file (e.g. it cannot be read).
    public var location: SourceLocation
    /// Dotted key path of the offending value, e.g. `training.optimizer.learning_rate`, or "".
    public var keyPath: String
    /// What is wrong.
    public var message: String
    /// What would be valid, or a did-you-mean; nil when the message says it all.
    public var help: String?

    /// Creates a diagnostic.
    public init(location: SourceLocation, keyPath: String, message: String, help: String? = nil) {
        self.location = location
        self.keyPath = keyPath
        self.message = message
        self.help = help
    }

    /// The one-line form: `file:line:col: error: key.path: message; help`.
    public var description: String {
        var text = location.line > 0
            ? "\(location.file):\(location.line):\(location.column): error: "
            : "\(location.file): error: "
        if !keyPath.isEmpty { text += "\(keyPath): " }
        text += message
        if let help { text += "; \(help)" }
        return text
    }

    public static func < (lhs: Diagnostic, rhs: Diagnostic) -> Bool {
        (lhs.location, lhs.keyPath, lhs.message) < (rhs.location, rhs.keyPath, rhs.message)
    }
}

/// Every diagnostic found in one input, in line order; thrown when an input cannot be used.
public struct DiagnosticError: Error, Sendable, CustomStringConvertible {
    /// The problems, sorted by location and without duplicates.
    public let diagnostics: [Diagnostic]

    /// Collects `diagnostics`, sorting them and dropping exact duplicates.
    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = Array(Set(diagnostics)).sorted()
    }

    /// One line per diagnostic.
    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}

extension Diagnostic {
    /// Characters of the user's text a message quotes; longer text is cut, with its length.
    public static let excerptLength = 60

    /// `text` as a message quotes it: whole up to ``excerptLength`` characters, else its start,
    /// "…" and its length, so that a 10 MB scalar does not become a 10 MB message. Control
    /// characters are shown escaped (`\r`, `\u{1B}`): a file's text must not move the cursor or
    /// recolour the user's terminal.
    public static func excerpt(_ text: String) -> String {
        var quoted = ""
        var count = 0
        var end = text.startIndex
        while end < text.endIndex, count < excerptLength {
            let character = text[end]
            if character.unicodeScalars.contains(where: isControl) {
                for scalar in character.unicodeScalars { quoted += isControl(scalar) ? escaped(scalar) : String(scalar) }
            } else {
                quoted.append(character)
            }
            end = text.index(after: end)
            count += 1
        }
        guard end < text.endIndex else { return quoted }
        return "\(quoted)… (\(text.utf8.count) bytes)"
    }

    /// C0 controls, DEL and C1 controls (ESC starts a terminal escape sequence, CR returns the line).
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    static func escaped(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\n": "\\n"
        case "\r": "\\r"
        case "\t": "\\t"
        default: "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        }
    }
}
