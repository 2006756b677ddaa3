/// Did-you-mean suggestions by edit distance.
public enum Suggestions {
    /// The candidate closest to `word` when it is a plausible typo (edit distance at most a third
    /// of the word's length, at least 1), else a candidate one of whose prefixes the word is (or
    /// that is a prefix of the word), else nil. Only the first ``scanned`` candidates are compared:
    /// a header of 10^7 columns must not turn a typo into minutes of edit distances.
    public static func closest(to word: String, in candidates: [String]) -> String? {
        // A word far longer than any name is no typo of one (and its edit distance costs its length).
        guard word.utf8.count <= 64 else { return nil }
        let lowered = word.lowercased()
        let length = lowered.count
        let plausible = max(1, length / 3)
        let compared = candidates.prefix(scanned).lazy.filter { $0.utf8.count <= 128 }
        var best: (candidate: String, distance: Int)?
        for candidate in compared {
            // The length difference is a lower bound of the distance: most candidates stop here.
            guard abs(candidate.count - length) <= min(plausible, best.map { $0.distance - 1 } ?? plausible) else { continue }
            let distance = editDistance(lowered, candidate.lowercased())
            if distance < (best?.distance ?? Int.max) {
                best = (candidate, distance)
            }
        }
        if let best, best.distance <= plausible { return best.candidate }
        // An abbreviation (`val_acc` for `val_accuracy`) or an over-long word (`relu6` for `relu`).
        guard length >= 3 else { return nil }
        let prefixed = compared.filter { $0.lowercased().hasPrefix(lowered) || lowered.hasPrefix($0.lowercased()) }
        return prefixed.min { abs($0.count - length) < abs($1.count - length) }
    }

    /// Candidates ``closest(to:in:)`` compares a word with, from the first.
    public static let scanned = 200_000

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
