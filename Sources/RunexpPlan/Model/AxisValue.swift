/// One value of a search axis, as the user wrote it.
///
/// Plain YAML scalars become `.int`, `.double` or `.bool` when they read as such (YAML 1.2 core
/// rules: `true`/`false` only, never `yes`/`no`/`on`/`off`; decimal numbers only, so `010` is the
/// integer 10 but `0x1F` stays text); quoted scalars are always strings.
public enum AxisValue: Sendable, Hashable, Codable, CustomStringConvertible {
    case int(Int)
    case double(Double)
    case bool(Bool)
    case string(String)

    /// Reads a scalar's text; `quoted` forces a string.
    public init(text: String, quoted: Bool) {
        if quoted {
            self = .string(text)
        } else if let int = ScalarSyntax.integer(text) {
            self = .int(int)
        } else if let double = ScalarSyntax.decimal(text) {
            self = .double(double)
        } else if text == "true" || text == "false" {
            self = .bool(text == "true")
        } else {
            self = .string(text)
        }
    }

    /// The value as the result files print it: integers plainly, doubles in shortest form.
    public var description: String {
        switch self {
        case .int(let value): String(value)
        case .double(let value): ScalarSyntax.format(value)
        case .bool(let value): String(value)
        case .string(let value): value
        }
    }

    /// True for text values.
    public var isString: Bool {
        if case .string = self { return true }
        return false
    }

    /// The numeric value, when there is one.
    public var number: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        case .bool, .string: nil
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let int = try? container.decode(Int.self) {
            self = .int(int)
        } else if let double = try? container.decode(Double.self) {
            self = .double(double)
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        }
    }
}

/// The number syntax runexp accepts in YAML scalars: plain decimal, no YAML 1.1 surprises.
public enum ScalarSyntax {
    /// An optionally signed run of decimal digits, leading zeros allowed (`010` is 10); nil beyond `Int`.
    public static func integer(_ text: String) -> Int? {
        guard isDigits(text) else { return nil }
        return Int(text.hasPrefix("+") ? String(text.dropFirst()) : text)
    }

    /// True for an optionally signed run of ASCII decimal digits, whatever its length.
    public static func isDigits(_ text: String) -> Bool {
        var digits = Substring(text).utf8[...]
        if digits.first == UInt8(ascii: "-") || digits.first == UInt8(ascii: "+") { digits = digits.dropFirst() }
        return !digits.isEmpty && digits.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// A finite decimal number such as `0.3`, `-1.5e-3`, `.5`; not `nan`, `inf` or hex.
    public static func decimal(_ text: String) -> Double? {
        guard !text.isEmpty, text.utf8.count <= 400,
              text.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }),
              text.contains(where: \.isNumber),
              let value = Double(text), value.isFinite
        else { return nil }
        return value
    }

    /// Shortest round-trip text of a double, `1` for whole numbers below 1e15.
    public static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }
}
