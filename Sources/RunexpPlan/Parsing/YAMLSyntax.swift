import Yams

/// Turns YAML text into a ``YAMLNode`` tree, or syntax diagnostics with line and column.
enum YAMLSyntax {
    /// Parses `text`; a syntax error becomes one diagnostic at the position libyaml reports.
    static func parse(_ text: String, file: String) -> (YAMLNode?, [Diagnostic]) {
        let bytes = text.utf8.count
        if bytes > ResourceLimits.experimentBytes {
            return (nil, [Diagnostic(location: SourceLocation(file: file, line: 0, column: 0), keyPath: "",
                                     message: "the file has \(bytes) bytes; at most \(ResourceLimits.experimentBytes) (ResourceLimits.experimentBytes)")])
        }
        if let tab = firstIndentingTab(in: text) {
            let location = SourceLocation(file: file, line: tab.line, column: tab.column)
            return (nil, [Diagnostic(location: location, keyPath: "",
                                     message: "tab character in indentation; YAML indents with spaces only")])
        }
        if let problem = YAMLEventScan.firstProblem(in: text, file: file) {
            return (nil, [problem])
        }
        do {
            // No implicit typing: runexp reads every scalar itself, as written (see ScalarSyntax); the default
            // resolver ran a set of regular expressions on each plain scalar (and loaded ICU to build them).
            guard let node = try Yams.compose(yaml: text, .basic) else { return (nil, []) }
            var diagnostics: [Diagnostic] = []
            let tree = YAMLNode.from(node, file: file, diagnostics: &diagnostics)
            return (tree, diagnostics)
        } catch let error as YamlError {
            return (nil, [diagnostic(for: error, text: text, file: file)])
        } catch {
            return (nil, [Diagnostic(location: SourceLocation(file: file, line: 1, column: 1), keyPath: "",
                                     message: "cannot read YAML: \(error)")])
        }
    }

    private static func diagnostic(for error: YamlError, text: String, file: String) -> Diagnostic {
        func at(_ mark: Mark, _ message: String) -> Diagnostic {
            Diagnostic(location: SourceLocation(file: file, line: mark.line, column: mark.column),
                       keyPath: "", message: "YAML syntax: \(message)")
        }
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            var message = problem
            if let context { message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))" }
            return at(mark, message)
        case .duplicatedKeysInMapping(let duplicates, let context):
            var names = duplicates.prefix(5).map { "'\(Diagnostic.excerpt($0))'" }.joined(separator: ", ")
            if duplicates.count > 5 { names += " and \(duplicates.count - 5) more" }
            let second = secondOccurrence(of: duplicates.first ?? "", after: context.mark, in: text)
            let location = second.map { SourceLocation(file: file, line: $0.line, column: $0.column) }
                ?? SourceLocation(file: file, line: context.mark.line, column: context.mark.column)
            return Diagnostic(location: location, keyPath: duplicates.first ?? "",
                              message: "duplicate key \(names) in one mapping (first at line \(context.mark.line)); each key may appear once")
        case .reader(let problem, let offset, let value, _):
            let (line, column) = offset.map { position(ofByte: $0, in: text) } ?? (1, 1)
            let character = value >= 0 ? String(format: " (U+%04X)", value) : ""
            return Diagnostic(location: SourceLocation(file: file, line: line, column: column), keyPath: "",
                              message: "cannot read the file as UTF-8 text: \(problem)\(character)")
        default:
            return Diagnostic(location: SourceLocation(file: file, line: 1, column: 1), keyPath: "",
                              message: "YAML syntax: \(error)")
        }
    }

    /// Line and column (1-based, columns in Unicode scalars, as libyaml counts them) of a byte offset.
    private static func position(ofByte offset: Int, in text: String) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        var bytes = 0
        for scalar in text.unicodeScalars {
            if bytes >= offset { break }
            bytes += UTF8.width(scalar)
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }

    /// The first tab used for indentation (before any other character on its line).
    private static func firstIndentingTab(in text: String) -> (line: Int, column: Int)? {
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var column = 0
            for character in line {
                column += 1
                if character == "\t" { return (lineNumber, column) }
                if character != " " { break }
            }
        }
        return nil
    }

    /// Where `key` appears as a key again at the same column, after the first occurrence.
    private static func secondOccurrence(of key: String, after mark: Mark, in text: String) -> (line: Int, column: Int)? {
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            guard lineNumber > mark.line else { continue }
            let scalars = Array(line.unicodeScalars)
            let start = mark.column - 1
            guard start < scalars.count else { continue }
            let rest = String(String.UnicodeScalarView(scalars[start...]))
            let prefix = String(String.UnicodeScalarView(scalars[..<start]))
            let leading = prefix.allSatisfy { $0 == " " || $0 == "-" || $0 == "{" || $0 == "," }
            if rest.hasPrefix(key + ":") && (leading || prefix.hasSuffix(", ") || prefix.hasSuffix("{")) {
                return (lineNumber, mark.column)
            }
        }
        return nil
    }
}
