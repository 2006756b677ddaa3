/// Escaping for text placed in HTML and SVG.
enum Markup {
    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by entities, safe in element text and in
    /// double- or single-quoted attribute values.
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
            default: result.append(character)
            }
        }
        return result
    }
}
