import Foundation

/// JSON text byte for byte as Foundation's `JSONEncoder` writes it with `.prettyPrinted`,
/// `.sortedKeys` and `.withoutEscapingSlashes` (two-space indent, `"key" : value`, keys in UTF-8
/// byte order, doubles as their shortest form without a trailing `.0`).
///
/// It builds a small tree through `Encodable` and then writes it, which takes about a fifth less
/// time than `JSONEncoder`; most of what is left is the `Codable` calls themselves, which is why
/// plan.json reuses the text of repeated parts (``Plan/prettyJSON()``). The tests compare its output
/// with `JSONEncoder`'s on every plan and result document and on random values. Values that
/// `JSONEncoder` treats specially (`Data`, `URL`, `Decimal`) are refused rather than written
/// differently; `Date` writes as `JSONEncoder`'s default (seconds since 2001) does.
public enum PrettyJSON {
    /// The JSON text of `value`, without a final newline; `indent` is the nesting level its inner
    /// lines are indented for (the first line is never indented).
    public static func encode(_ value: some Encodable, indent: Int = 0) throws -> String {
        let encoder = NodeEncoder(parent: nil, key: nil)
        try encoder.encode(value)
        guard let root = encoder.node else {
            throw EncodingError.invalidValue(value, EncodingError.Context(
                codingPath: [], debugDescription: "Top-level \(type(of: value)) did not encode any values."))
        }
        var writer = Writer()
        writer.bytes.reserveCapacity(4096)
        writer.write(root, indent: indent)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// `text` as a JSON string: quoted, with `"`, `\` and control characters escaped.
    public static func quoted(_ text: String) -> String {
        var writer = Writer()
        writer.writeString(text)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

// MARK: - The tree

/// An encoded value. Numbers, booleans and null are kept as their final text.
private enum Node {
    case literal(String)
    case string(String)
    case array(ArrayNode)
    case object(ObjectNode)
    /// The value of an encoder handed out by `superEncoder`, read once it is written.
    case pending(NodeEncoder)
}

private final class ArrayNode {
    var items: [Node] = []
}

/// Entries in the order encoded; a key encoded twice keeps its last value (as in `JSONEncoder`).
private final class ObjectNode {
    var keys: [String] = []
    var values: [Node] = []

    func set(_ key: String, _ value: Node) {
        keys.append(key)
        values.append(value)
    }
}

// MARK: - Encoding

private final class NodeEncoder: Encoder {
    let parent: NodeEncoder?
    let key: (any CodingKey)?
    var node: Node?

    init(parent: NodeEncoder?, key: (any CodingKey)?) {
        self.parent = parent
        self.key = key
    }

    var codingPath: [any CodingKey] {
        var path: [any CodingKey] = []
        var encoder: NodeEncoder? = self
        while let current = encoder {
            if let key = current.key { path.append(key) }
            encoder = current.parent
        }
        return path.reversed()
    }

    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let object: ObjectNode
        if case .object(let existing) = node {
            object = existing
        } else {
            object = ObjectNode()
            node = .object(object)
        }
        return KeyedEncodingContainer(KeyedContainer<Key>(encoder: self, object: object))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let array: ArrayNode
        if case .array(let existing) = node {
            array = existing
        } else {
            array = ArrayNode()
            node = .array(array)
        }
        return UnkeyedContainer(encoder: self, array: array)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueContainer(encoder: self)
    }

    /// Encodes `value` into this encoder's node.
    func encode<T: Encodable>(_ value: T) throws {
        if let primitive = try Self.primitive(value, at: self) {
            node = primitive
        } else {
            try value.encode(to: self)
        }
    }

    /// The node of a nested value: primitives directly, other values through a child encoder.
    func child<T: Encodable>(_ value: T, key: (any CodingKey)?) throws -> Node {
        if let primitive = try Self.primitive(value, at: self, key: key) { return primitive }
        let encoder = NodeEncoder(parent: self, key: key)
        try value.encode(to: encoder)
        return encoder.node ?? .object(ObjectNode())
    }

    /// Strings, booleans and numbers without a round trip through `encode(to:)`; nil for others.
    static func primitive<T: Encodable>(_ value: T, at encoder: NodeEncoder, key: (any CodingKey)? = nil) throws -> Node? {
        switch T.self {
        case is String.Type: return .string(value as! String)
        case is Int.Type: return .literal(String(value as! Int))
        case is Double.Type: return try number(value as! Double, at: encoder, key: key)
        case is Bool.Type: return .literal((value as! Bool) ? "true" : "false")
        case is Float.Type: return try number(value as! Float, at: encoder, key: key)
        case is Data.Type, is URL.Type, is Decimal.Type:
            throw EncodingError.invalidValue(value, EncodingError.Context(
                codingPath: encoder.codingPath + (key.map { [$0] } ?? []),
                debugDescription: "PrettyJSON does not write \(T.self) (JSONEncoder writes it specially)"))
        default: return nil
        }
    }

    static func number<F: BinaryFloatingPoint & CustomStringConvertible>(_ value: F, at encoder: NodeEncoder,
                                                                         key: (any CodingKey)?) throws -> Node {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, EncodingError.Context(
                codingPath: encoder.codingPath + (key.map { [$0] } ?? []),
                debugDescription: "Unable to encode \(F.self).\(value) directly in JSON."))
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return .literal(text)
    }
}

private struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private struct SuperKey: CodingKey {
    var stringValue: String { "super" }
    var intValue: Int? { nil }
    init() {}
    init?(stringValue: String) { nil }
    init?(intValue: Int) { nil }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: NodeEncoder
    let object: ObjectNode

    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil(forKey key: Key) { object.set(key.stringValue, .literal("null")) }
    mutating func encode(_ value: Bool, forKey key: Key) { object.set(key.stringValue, .literal(value ? "true" : "false")) }
    mutating func encode(_ value: String, forKey key: Key) { object.set(key.stringValue, .string(value)) }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        object.set(key.stringValue, try NodeEncoder.number(value, at: encoder, key: key))
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        object.set(key.stringValue, try NodeEncoder.number(value, at: encoder, key: key))
    }
    mutating func encode(_ value: Int, forKey key: Key) { object.set(key.stringValue, .literal(String(value))) }
    mutating func encode(_ value: Int8, forKey key: Key) { object.set(key.stringValue, .literal(String(value))) }
    mutating func encode(_ value: Int16, forKey key: Key) { object.set(key.stringValue, .literal(String(value))) }
    mutating func encode(_ value: Int32, forKey key: Key) { object.set(key.stringValue, .literal(String(value))) }
    mutating func encode(_ value: Int64, forKey key: Key) { object.set(key.stringValue, .literal(String(value))) }
    mutating func encode(_ value: UInt, forKey key: Key) { object.set(key.stringValue, .literal(String(value))) }
    mutating func encode(_ value: UInt8, forKey key: Key) { object.set(key.stringValue, .literal(String(value))) }
    mutating func encode(_ value: UInt16, forKey key: Key) { object.set(key.stringValue, .literal(String(value))) }
    mutating func encode(_ value: UInt32, forKey key: Key) { object.set(key.stringValue, .literal(String(value))) }
    mutating func encode(_ value: UInt64, forKey key: Key) { object.set(key.stringValue, .literal(String(value))) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        object.set(key.stringValue, try encoder.child(value, key: key))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type,
                                                         forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let nested = ObjectNode()
        object.set(key.stringValue, .object(nested))
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(encoder: NodeEncoder(parent: encoder, key: key), object: nested))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = ArrayNode()
        object.set(key.stringValue, .array(nested))
        return UnkeyedContainer(encoder: NodeEncoder(parent: encoder, key: key), array: nested)
    }

    mutating func superEncoder() -> any Encoder { superEncoder(named: SuperKey(), as: "super") }

    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: key, as: key.stringValue) }

    private func superEncoder(named key: any CodingKey, as name: String) -> any Encoder {
        let child = NodeEncoder(parent: encoder, key: key)
        object.set(name, .pending(child))
        return child
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let encoder: NodeEncoder
    let array: ArrayNode

    var codingPath: [any CodingKey] { encoder.codingPath }
    var count: Int { array.items.count }

    mutating func encodeNil() { array.items.append(.literal("null")) }
    mutating func encode(_ value: Bool) { array.items.append(.literal(value ? "true" : "false")) }
    mutating func encode(_ value: String) { array.items.append(.string(value)) }
    mutating func encode(_ value: Double) throws {
        array.items.append(try NodeEncoder.number(value, at: encoder, key: IndexKey(count)))
    }
    mutating func encode(_ value: Float) throws {
        array.items.append(try NodeEncoder.number(value, at: encoder, key: IndexKey(count)))
    }
    mutating func encode(_ value: Int) { array.items.append(.literal(String(value))) }
    mutating func encode(_ value: Int8) { array.items.append(.literal(String(value))) }
    mutating func encode(_ value: Int16) { array.items.append(.literal(String(value))) }
    mutating func encode(_ value: Int32) { array.items.append(.literal(String(value))) }
    mutating func encode(_ value: Int64) { array.items.append(.literal(String(value))) }
    mutating func encode(_ value: UInt) { array.items.append(.literal(String(value))) }
    mutating func encode(_ value: UInt8) { array.items.append(.literal(String(value))) }
    mutating func encode(_ value: UInt16) { array.items.append(.literal(String(value))) }
    mutating func encode(_ value: UInt32) { array.items.append(.literal(String(value))) }
    mutating func encode(_ value: UInt64) { array.items.append(.literal(String(value))) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        array.items.append(try encoder.child(value, key: IndexKey(count)))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = ObjectNode()
        let key = IndexKey(count)
        array.items.append(.object(nested))
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(encoder: NodeEncoder(parent: encoder, key: key), object: nested))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = ArrayNode()
        let key = IndexKey(count)
        array.items.append(.array(nested))
        return UnkeyedContainer(encoder: NodeEncoder(parent: encoder, key: key), array: nested)
    }

    mutating func superEncoder() -> any Encoder {
        let child = NodeEncoder(parent: encoder, key: IndexKey(count))
        array.items.append(.pending(child))
        return child
    }
}

private struct SingleValueContainer: SingleValueEncodingContainer {
    let encoder: NodeEncoder

    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil() { encoder.node = .literal("null") }
    mutating func encode(_ value: Bool) { encoder.node = .literal(value ? "true" : "false") }
    mutating func encode(_ value: String) { encoder.node = .string(value) }
    mutating func encode(_ value: Double) throws { encoder.node = try NodeEncoder.number(value, at: encoder, key: nil) }
    mutating func encode(_ value: Float) throws { encoder.node = try NodeEncoder.number(value, at: encoder, key: nil) }
    mutating func encode(_ value: Int) { encoder.node = .literal(String(value)) }
    mutating func encode(_ value: Int8) { encoder.node = .literal(String(value)) }
    mutating func encode(_ value: Int16) { encoder.node = .literal(String(value)) }
    mutating func encode(_ value: Int32) { encoder.node = .literal(String(value)) }
    mutating func encode(_ value: Int64) { encoder.node = .literal(String(value)) }
    mutating func encode(_ value: UInt) { encoder.node = .literal(String(value)) }
    mutating func encode(_ value: UInt8) { encoder.node = .literal(String(value)) }
    mutating func encode(_ value: UInt16) { encoder.node = .literal(String(value)) }
    mutating func encode(_ value: UInt32) { encoder.node = .literal(String(value)) }
    mutating func encode(_ value: UInt64) { encoder.node = .literal(String(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { try encoder.encode(value) }
}

// MARK: - Writing

private struct Writer {
    var bytes: [UInt8] = []

    mutating func write(_ node: Node, indent: Int) {
        switch node {
        case .literal(let text): append(text)
        case .string(let text): writeString(text)
        case .array(let array): writeArray(array.items, indent: indent)
        case .object(let object): writeObject(object, indent: indent)
        case .pending(let encoder): write(encoder.node ?? .object(ObjectNode()), indent: indent)
        }
    }

    private mutating func writeArray(_ items: [Node], indent: Int) {
        bytes.append(UInt8(ascii: "["))
        bytes.append(UInt8(ascii: "\n"))
        for (index, item) in items.enumerated() {
            if index > 0 {
                bytes.append(UInt8(ascii: ","))
                bytes.append(UInt8(ascii: "\n"))
            }
            writeIndent(indent + 1)
            write(item, indent: indent + 1)
        }
        bytes.append(UInt8(ascii: "\n"))
        writeIndent(indent)
        bytes.append(UInt8(ascii: "]"))
    }

    private mutating func writeObject(_ object: ObjectNode, indent: Int) {
        bytes.append(UInt8(ascii: "{"))
        bytes.append(UInt8(ascii: "\n"))
        var first = true
        for index in Self.sortedLastOfEachKey(object.keys) {
            if !first {
                bytes.append(UInt8(ascii: ","))
                bytes.append(UInt8(ascii: "\n"))
            }
            first = false
            writeIndent(indent + 1)
            writeString(object.keys[index])
            bytes.append(UInt8(ascii: " "))
            bytes.append(UInt8(ascii: ":"))
            bytes.append(UInt8(ascii: " "))
            write(object.values[index], indent: indent + 1)
        }
        bytes.append(UInt8(ascii: "\n"))
        writeIndent(indent)
        bytes.append(UInt8(ascii: "}"))
    }

    /// Indices of `keys` in UTF-8 byte order; of a key given more than once, only the last.
    static func sortedLastOfEachKey(_ keys: [String]) -> [Int] {
        var order = Array(keys.indices)
        order.sort { a, b in
            let ka = keys[a], kb = keys[b]
            if ka == kb { return a < b }
            return ka.utf8.lexicographicallyPrecedes(kb.utf8)
        }
        var kept: [Int] = []
        kept.reserveCapacity(order.count)
        for index in order {
            if let last = kept.last, keys[last] == keys[index] { kept[kept.count - 1] = index } else { kept.append(index) }
        }
        return kept
    }

    private mutating func writeIndent(_ level: Int) {
        for _ in 0..<(2 * level) { bytes.append(UInt8(ascii: " ")) }
    }

    private mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// A quoted string with `"`, `\` and control characters escaped; `/` and everything else as is.
    mutating func writeString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var start = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                bytes.append(contentsOf: utf8[start..<index])
                start = index + 1
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                }
            }
            bytes.append(contentsOf: utf8[start...])
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
