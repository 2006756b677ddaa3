import Yams

/// A YAML value with the location of every node; the parser's own tree, built from Yams' one.
///
/// Scalars keep the exact text the user wrote and whether it was quoted: runexp decides types
/// itself, so YAML 1.1 surprises (`no` as false, `010` as octal) cannot happen.
indirect enum YAMLNode: Sendable, Hashable {
    case scalar(text: String, quoted: Bool, location: SourceLocation)
    case mapping([YAMLEntry], location: SourceLocation)
    case sequence([YAMLNode], location: SourceLocation)

    var location: SourceLocation {
        switch self {
        case .scalar(_, _, let location), .mapping(_, let location), .sequence(_, let location): location
        }
    }

    /// A plain empty scalar, `~` or `null`.
    var isNull: Bool {
        if case .scalar(let text, false, _) = self { return text.isEmpty || text == "~" || text == "null" }
        return false
    }

    /// What the user wrote, for messages: the scalar's text, or "a mapping" / "a list".
    var shortDescription: String {
        switch self {
        case .scalar(let text, _, _): isNull ? "nothing" : "'\(Diagnostic.excerpt(text))'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        }
    }

    /// Converts a Yams node, reporting keys that are not scalars.
    static func from(_ node: Node, file: String, diagnostics: inout [Diagnostic]) -> YAMLNode {
        let location = SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
        switch node {
        case .scalar(let scalar):
            let quoted = scalar.style == .singleQuoted || scalar.style == .doubleQuoted
                || scalar.style == .literal || scalar.style == .folded
            return .scalar(text: scalar.string, quoted: quoted, location: location)
        case .mapping(let mapping):
            var entries: [YAMLEntry] = []
            for (key, value) in mapping {
                let keyLocation = SourceLocation(file: file, line: key.mark?.line ?? 1, column: key.mark?.column ?? 1)
                guard case .scalar(let keyScalar) = key else {
                    diagnostics.append(Diagnostic(location: keyLocation, keyPath: "",
                                                  message: "a key must be a plain name, not a list or mapping"))
                    continue
                }
                entries.append(YAMLEntry(key: keyScalar.string, keyLocation: keyLocation,
                                         value: from(value, file: file, diagnostics: &diagnostics)))
            }
            return .mapping(entries, location: location)
        case .sequence(let sequence):
            return .sequence(sequence.map { from($0, file: file, diagnostics: &diagnostics) }, location: location)
        case .alias:
            diagnostics.append(Diagnostic(location: location, keyPath: "",
                                          message: "YAML aliases are not supported; write the value out"))
            return .scalar(text: "", quoted: false, location: location)
        }
    }
}

/// One `key: value` pair of a mapping.
struct YAMLEntry: Sendable, Hashable {
    var key: String
    var keyLocation: SourceLocation
    var value: YAMLNode
}
