/// Builds CSV text: LF line ends, fields quoted only when they must be.
public struct CSVWriter {
    private var bytes: [UInt8] = []

    public init(header: [String]) {
        append(header)
    }

    /// The CSV so far.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Appends one row.
    public mutating func append(_ fields: [String]) {
        appendRow { row in
            for field in fields { row.text(field) }
        }
    }

    /// Appends one row field by field, numbers written straight into the text (no String each).
    public mutating func appendRow(_ fill: (inout Row) -> Void) {
        var row = Row(bytes: [])
        swap(&row.bytes, &bytes)
        fill(&row)
        row.bytes.append(0x0A)
        swap(&row.bytes, &bytes)
    }

    /// The fields of one row, in order; a comma goes before every field but the first.
    public struct Row {
        fileprivate var bytes: [UInt8]
        private var empty = true

        fileprivate init(bytes: [UInt8]) { self.bytes = bytes }

        private mutating func separate() {
            if empty { empty = false } else { bytes.append(0x2C) }
        }

        /// A text field, in quotes with inner quotes doubled when it has a comma, quote, LF or CR.
        /// Checked byte by byte: a CR LF pair, or a quote followed by a combining mark, is one
        /// Character, which a Character comparison would miss.
        public mutating func text(_ field: String) {
            separate()
            var field = field
            field.withUTF8 { utf8 in
                guard utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else {
                    bytes.append(contentsOf: utf8)
                    return
                }
                bytes.append(0x22)
                for byte in utf8 {
                    bytes.append(byte)
                    if byte == 0x22 { bytes.append(0x22) }
                }
                bytes.append(0x22)
            }
        }

        /// An integer field.
        public mutating func integer(_ value: some BinaryInteger) {
            separate()
            if value >= 0 && value < 10 {
                bytes.append(0x30 + UInt8(value))
            } else {
                var text = String(value)
                text.withUTF8 { bytes.append(contentsOf: $0) }
            }
        }

        /// A number with ``FixedFormat`` decimals; an empty field for nil.
        public mutating func fixed(_ value: Double?, digits: Int = 6) {
            separate()
            FixedFormat.append(value, digits: digits, to: &bytes)
        }
    }
}
