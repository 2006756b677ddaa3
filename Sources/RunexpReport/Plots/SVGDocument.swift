import RunexpResults

/// An SVG picture under construction: elements in drawing order, every number in fixed precision.
///
/// Coordinates are user units (CSS pixels) with the origin at the top left. Numbers are written
/// with at most two decimals and no trailing zeros, so the same drawing always gives the same
/// text. The document has no XML declaration, ids, scripts or external references: the same text
/// is a standalone `.svg` file and can be inlined into HTML as is.
struct SVGDocument {
    /// Horizontal anchoring of a text.
    enum Anchor: String {
        case start, middle, end
    }

    let width: Double
    let height: Double
    private var elements: [String] = []

    /// Starts a `width` × `height` picture whose accessible name (`<title>`) is `title`.
    init(width: Double, height: Double, title: String) {
        self.width = width
        self.height = height
        elements.append("<title>\(Markup.escape(title))</title>")
        elements.append("<rect x=\"0\" y=\"0\" width=\"\(Self.number(width))\" height=\"\(Self.number(height))\" fill=\"#ffffff\"/>")
    }

    /// The finished document, ending in a newline.
    var text: String {
        let open = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.number(width))\" height=\"\(Self.number(height))\" "
            + "viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\" role=\"img\" "
            + "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">"
        return ([open] + elements.map { "  " + $0 } + ["</svg>"]).joined(separator: "\n") + "\n"
    }

    /// A rectangle; `stroke` nil draws no outline.
    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String,
                       stroke: String? = nil, strokeWidth: Double = 1) {
        var element = "<rect x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" width=\"\(Self.number(width))\" "
            + "height=\"\(Self.number(height))\" fill=\"\(fill)\""
        if let stroke { element += " stroke=\"\(stroke)\" stroke-width=\"\(Self.number(strokeWidth))\"" }
        elements.append(element + "/>")
    }

    /// A straight line; `dash` is an SVG dash array such as `"6 4"`.
    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1, dash: String? = nil) {
        var element = "<line x1=\"\(Self.number(x1))\" y1=\"\(Self.number(y1))\" x2=\"\(Self.number(x2))\" y2=\"\(Self.number(y2))\" "
            + "stroke=\"\(stroke)\" stroke-width=\"\(Self.number(width))\""
        if let dash { element += " stroke-dasharray=\"\(dash)\"" }
        elements.append(element + "/>")
    }

    /// A connected line through `points`; fewer than two points draw nothing.
    mutating func polyline(_ points: [(x: Double, y: Double)], stroke: String, width: Double = 1.5, dash: String? = nil,
                           opacity: Double? = nil) {
        guard points.count >= 2 else { return }
        let list = points.map { "\(Self.number($0.x)),\(Self.number($0.y))" }.joined(separator: " ")
        var element = "<polyline points=\"\(list)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(Self.number(width))\" "
            + "stroke-linejoin=\"round\""
        if let dash { element += " stroke-dasharray=\"\(dash)\"" }
        if let opacity { element += " stroke-opacity=\"\(Self.number(opacity))\"" }
        elements.append(element + "/>")
    }

    /// A filled circle of radius `r`.
    mutating func circle(cx: Double, cy: Double, r: Double, fill: String, stroke: String? = nil, opacity: Double? = nil) {
        var element = "<circle cx=\"\(Self.number(cx))\" cy=\"\(Self.number(cy))\" r=\"\(Self.number(r))\" fill=\"\(fill)\""
        if let stroke { element += " stroke=\"\(stroke)\" stroke-width=\"1\"" }
        if let opacity { element += " fill-opacity=\"\(Self.number(opacity))\"" }
        elements.append(element + "/>")
    }

    /// A text whose baseline starts (or is centred or ends, by `anchor`) at `x`, `y`;
    /// `rotation` in degrees turns it about that point (−90 reads bottom to top).
    mutating func text(_ content: String, x: Double, y: Double, size: Double = 12, anchor: Anchor = .start,
                       bold: Bool = false, fill: String = "#1a1a1a", rotation: Double? = nil) {
        var element = "<text x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" font-size=\"\(Self.number(size))\""
        if anchor != .start { element += " text-anchor=\"\(anchor.rawValue)\"" }
        if bold { element += " font-weight=\"bold\"" }
        element += " fill=\"\(fill)\""
        if let rotation {
            element += " transform=\"rotate(\(Self.number(rotation)) \(Self.number(x)) \(Self.number(y)))\""
        }
        elements.append(element + ">\(Markup.escape(content))</text>")
    }

    /// `value` with at most two decimals and no trailing zeros: `12`, `12.5`, `-0.25`.
    static func number(_ value: Double) -> String {
        // Bytes, not String searches: a plot writes thousands of these.
        var bytes: [UInt8] = []
        FixedFormat.append(value, digits: 2, to: &bytes)
        if bytes.contains(UInt8(ascii: ".")) {
            while bytes.last == UInt8(ascii: "0") { bytes.removeLast() }
            if bytes.last == UInt8(ascii: ".") { bytes.removeLast() }
        }
        if bytes == [UInt8(ascii: "-"), UInt8(ascii: "0")] { return "0" }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `text` cut to fit `width` at `size`, ending in `…` when cut.
    static func fit(_ text: String, width: Double, size: Double) -> String {
        let limit = max(1, Int(width / (size * 0.6)))
        return text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    /// A rough width of `text` at `size` (DejaVu Sans averages about 0.6 em per character); for layout only.
    static func textWidth(_ text: String, size: Double) -> Double {
        Double(text.count) * size * 0.6
    }
}
