/// Reads typed values out of ``YAMLNode``s and collects a diagnostic for every problem.
///
/// Every read names the key path it is reading, so a message can say exactly which key is wrong;
/// a read that fails returns nil after recording why.
struct NodeReader {
    var diagnostics: [Diagnostic] = []
    /// True while reading `model` and `training`, where `$axis` scalars are substituted.
    var allowsReferences = false

    mutating func error(_ location: SourceLocation, _ path: String, _ message: String, help: String? = nil) {
        diagnostics.append(Diagnostic(location: location, keyPath: path, message: message, help: help))
    }

    mutating func absorb(_ other: [Diagnostic]) {
        diagnostics.append(contentsOf: other)
    }

    /// The entries of a mapping whose keys must belong to `K`; reports unknown keys.
    mutating func section<K: SectionKey>(_ node: YAMLNode, _ path: String, _: K.Type) -> Section<K>? {
        guard case .mapping(let entries, let location) = node else {
            error(node.location, path, "expected a mapping, got \(node.shortDescription)",
                  help: "valid keys: \(K.names.joined(separator: ", "))")
            return nil
        }
        var section = Section<K>(path: path, location: location)
        for entry in entries {
            guard let key = K(rawValue: entry.key) else {
                error(entry.keyLocation, Section<K>.join(path, entry.key), "unknown key",
                      help: Suggestions.help(for: entry.key, valid: K.names, noun: "keys"))
                if let intended = Suggestions.closest(to: entry.key, in: K.names).flatMap(K.init(rawValue:)) {
                    section.misspelled.insert(intended)
                }
                continue
            }
            section.entries[key] = entry
        }
        return section
    }

    /// Reports each of `keys` that the section lacks.
    mutating func require<K: SectionKey>(_ keys: [K], in section: Section<K>) {
        // A key already reported as misspelled is not reported missing as well.
        for key in keys where section[key] == nil && !section.misspelled.contains(key) {
            error(section.location, section.path, "missing key '\(key.rawValue)'",
                  help: "valid keys: \(K.names.joined(separator: ", "))")
        }
    }

    /// A scalar's text; lists, mappings and (unless allowed) empty values are errors.
    mutating func text(_ node: YAMLNode, _ path: String, expected: @autoclosure () -> String) -> (text: String, quoted: Bool)? {
        guard case .scalar(let text, let quoted, _) = node, !node.isNull else {
            error(node.location, path, "expected \(expected()), got \(node.shortDescription)")
            return nil
        }
        if !quoted, text.hasPrefix("$"), !text.hasPrefix("$$") {
            // In model and training an unresolved reference was already reported as no axis.
            if !allowsReferences {
                error(node.location, path, "axis references such as '\(Diagnostic.excerpt(text))' are allowed only in model and training",
                      help: "write the value itself, or $$ for a literal '$'")
            }
            return nil
        }
        return (text, quoted)
    }

    mutating func string(_ node: YAMLNode, _ path: String) -> String? {
        text(node, path, expected: "a string")?.text
    }

    /// An integer in `range`. A value above the range names its upper end and, when given, the
    /// ``ResourceLimits`` constant behind it (`limit`, e.g. "ResourceLimits.repetitions").
    mutating func int(_ node: YAMLNode, _ path: String, in range: ClosedRange<Int> = Int.min...Int.max,
                      what: String = "an integer", limit: String? = nil) -> Int? {
        guard let scalar = text(node, path, expected: what) else { return nil }
        guard !scalar.quoted, let value = ScalarSyntax.integer(scalar.text) else {
            if !scalar.quoted, ScalarSyntax.isDigits(scalar.text) {
                // Only digits, yet no Int: beyond ±9223372036854775807.
                error(node.location, path, "\(Diagnostic.excerpt(scalar.text)) is out of range",
                      help: "expected \(what), at most \(range.upperBound)\(limit.map { " (\($0))" } ?? "")")
                return nil
            }
            error(node.location, path, "expected \(what), got '\(Diagnostic.excerpt(scalar.text))'")
            return nil
        }
        if value > range.upperBound {
            error(node.location, path, "\(value) is out of range",
                  help: "at most \(range.upperBound)\(limit.map { " (\($0))" } ?? "")")
            return nil
        }
        guard range.contains(value) else {
            error(node.location, path, "\(value) is out of range", help: "expected \(what)")
            return nil
        }
        return value
    }

    /// A finite number accepted by `isValid`; `what` describes the valid values. With `float`
    /// (the value becomes a 32-bit float in the kernel), the value must be finite as a `Float`
    /// and `isValid` sees it rounded to one, so `0.99999999999` is not a rate below 1.
    mutating func double(_ node: YAMLNode, _ path: String, what: String = "a number", float: Bool = false,
                         isValid: (Double) -> Bool = { _ in true }) -> Double? {
        guard let scalar = text(node, path, expected: what) else { return nil }
        guard !scalar.quoted, let value = ScalarSyntax.decimal(scalar.text) else {
            error(node.location, path, "expected \(what), got '\(Diagnostic.excerpt(scalar.text))'")
            return nil
        }
        if float, !Float(value).isFinite {
            error(node.location, path, "\(Diagnostic.excerpt(scalar.text)) is out of range",
                  help: "expected \(what); runexp trains in 32-bit floats, whose magnitude is at most \(Float.greatestFiniteMagnitude)")
            return nil
        }
        guard isValid(float ? Double(Float(value)) : value) else {
            error(node.location, path, "\(Diagnostic.excerpt(scalar.text)) is out of range", help: "expected \(what)")
            return nil
        }
        return value
    }

    /// `true` or `false`, exactly (YAML 1.1's yes/no/on/off are refused with a hint).
    mutating func bool(_ node: YAMLNode, _ path: String) -> Bool? {
        guard let scalar = text(node, path, expected: "true or false") else { return nil }
        switch (scalar.text, scalar.quoted) {
        case ("true", false): return true
        case ("false", false): return false
        default:
            error(node.location, path, "expected true or false, got '\(Diagnostic.excerpt(scalar.text))'")
            return nil
        }
    }

    /// One of an enum's raw values, with did-you-mean.
    mutating func choice<E: CaseIterable & RawRepresentable>(_ node: YAMLNode, _ path: String, _: E.Type,
                                                             noun: String) -> E? where E.RawValue == String {
        var names: [String] { E.allCases.map(\.rawValue) }
        guard let scalar = text(node, path, expected: "one of: \(names.joined(separator: ", "))") else { return nil }
        guard let value = E(rawValue: scalar.text) else {
            error(node.location, path, "'\(Diagnostic.excerpt(scalar.text))' is not a valid \(noun)",
                  help: Suggestions.help(for: scalar.text, valid: names, noun: Suggestions.plural(noun)))
            return nil
        }
        return value
    }

    /// The items of a list; a single scalar is refused with a hint to bracket it.
    mutating func list(_ node: YAMLNode, _ path: String) -> [YAMLNode]? {
        guard case .sequence(let items, _) = node else {
            error(node.location, path, "expected a list, got \(node.shortDescription)",
                  help: "write a list as [a, b] or as lines starting with '- '")
            return nil
        }
        return items
    }
}

/// The known entries of one mapping.
struct Section<K: SectionKey> {
    let path: String
    let location: SourceLocation
    var entries: [K: YAMLEntry] = [:]
    /// Required keys that an unknown key probably meant.
    var misspelled: Set<K> = []

    init(path: String, location: SourceLocation) {
        self.path = path
        self.location = location
    }

    subscript(key: K) -> YAMLNode? { entries[key]?.value }

    func path(_ key: K) -> String { Self.join(path, key.rawValue) }

    static func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }
}
