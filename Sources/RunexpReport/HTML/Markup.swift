import RunexpPlan

/// Escaping for text placed in HTML and SVG.
enum Markup {
    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by entities, safe in element text and in
    /// double- or single-quoted attribute values. Control characters other than tab and line ends
    /// (a NUL in a description), which HTML and XML do not allow, become U+FFFD.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default:
                if character.unicodeScalars.contains(where: isForbidden) {
                    for scalar in character.unicodeScalars { result.unicodeScalars.append(isForbidden(scalar) ? "\u{FFFD}" : scalar) }
                } else {
                    result.append(character)
                }
            }
        }
        return result
    }

    /// C0 controls but tab, LF and CR; DEL and the C1 controls.
    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        Diagnostic.isControl(scalar) && scalar != "\t" && scalar != "\n" && scalar != "\r"
    }
}
