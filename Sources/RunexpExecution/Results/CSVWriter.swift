/// Builds CSV text: LF line ends, fields quoted only when they must be.
public struct CSVWriter {
    private(set) public var text = ""

    public init(header: [String]) {
        append(header)
    }

    /// Appends one row.
    public mutating func append(_ fields: [String]) {
        for index in fields.indices {
            if index > 0 { text += "," }
            text += Self.escape(fields[index])
        }
        text += "\n"
    }

    /// A comma, quote, LF or CR anywhere, checked byte by byte (a CR LF pair is one Character, which
    /// a Character comparison with "\r" or "\n" would miss).
    static func needsQuotes(_ field: String) -> Bool {
        field.utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
    }

    /// The field in quotes with inner quotes doubled, byte by byte (a quote followed by a combining
    /// mark is one Character, which a Character split would not see).
    static func escape(_ field: String) -> String {
        guard needsQuotes(field) else { return field }
        var bytes: [UInt8] = [0x22]
        bytes.reserveCapacity(field.utf8.count + 4)
        for byte in field.utf8 {
            bytes.append(byte)
            if byte == 0x22 { bytes.append(0x22) }
        }
        bytes.append(0x22)
        return String(decoding: bytes, as: UTF8.self)
    }
}
