/// Did-you-mean suggestions by edit distance.
public enum Suggestions {
    /// The candidate closest to `word` when it is a plausible typo (edit distance at most a third
    /// of the word's length, at least 1), else a candidate one of whose prefixes the word is (or
    /// that is a prefix of the word), else nil.
    public static func closest(to word: String, in candidates: [String]) -> String? {
        // A word far longer than any name is no typo of one (and its edit distance costs its length).
        guard word.utf8.count <= 64 else { return nil }
        let lowered = word.lowercased()
        var best: (candidate: String, distance: Int)?
        for candidate in candidates where candidate.utf8.count <= 128 {
            let distance = editDistance(lowered, candidate.lowercased())
            if best == nil || distance < best!.distance {
                best = (candidate, distance)
            }
        }
        guard let best else { return nil }
        if best.distance <= max(1, lowered.count / 3) { return best.candidate }
        // An abbreviation (`val_acc` for `val_accuracy`) or an over-long word (`relu6` for `relu`).
        guard lowered.count >= 3 else { return nil }
        let prefixed = candidates.filter { $0.lowercased().hasPrefix(lowered) || lowered.hasPrefix($0.lowercased()) }
        return prefixed.min { abs($0.count - lowered.count) < abs($1.count - lowered.count) }
    }

    /// Candidates a help text lists; the rest are counted (a CSV may have 10^5 columns).
    public static let listed = 40

    /// A help text: "did you mean 'x'? valid ...: a, b, c" (the did-you-mean only when close), with
    /// at most ``listed`` candidates, each quoted as ``Diagnostic/excerpt(_:)`` quotes text.
    public static func help(for word: String, valid candidates: [String], noun: String) -> String {
        var parts: [String] = []
        if let match = closest(to: word, in: candidates) {
            parts.append("did you mean '\(Diagnostic.excerpt(match))'?")
        }
        var list = candidates.prefix(listed).map(Diagnostic.excerpt).joined(separator: ", ")
        if candidates.count > listed { list += ", … (\(candidates.count) in all)" }
        parts.append("valid \(noun): \(list)")
        return parts.joined(separator: " ")
    }

    /// The plural of a vocabulary noun: "losses", "activations", "axes".
    public static func plural(_ noun: String) -> String {
        if noun.hasSuffix("is") { return noun.dropLast(2) + "es" }
        if noun.hasSuffix("s") || noun.hasSuffix("x") || noun.hasSuffix("sh") || noun.hasSuffix("ch") { return noun + "es" }
        return noun + "s"
    }

    /// Damerau-Levenshtein distance (optimal string alignment) over characters.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previous2[j - 2] + 1)
                }
                current[j] = value
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
