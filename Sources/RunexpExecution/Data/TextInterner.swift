import Foundation
import RunexpResults

/// The distinct texts of a column, each numbered by first appearance: a row keeps a number, not a
/// string. Texts are told apart by their bytes, so `é` written two ways is two texts here; callers
/// that name classes or categories merge them as Swift's String equality does, or refuse them.
struct TextInterner: Sendable {
    /// Each distinct text, in order of first appearance.
    private(set) var texts: [String] = []
    private var bytes: [[UInt8]] = []
    private var index: [[UInt8]: Int32] = [:]

    /// The bytes of text `id`, for `body` only.
    func withBytes<R>(of id: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        bytes[id].withUnsafeBufferPointer(body)
    }

    /// Distinct texts so far.
    var count: Int { texts.count }

    /// The number of `text`, and whether it is new. A handful of distinct texts (class labels,
    /// most categorical columns) are compared in place, without making an array per cell.
    mutating func intern(_ text: UnsafeBufferPointer<UInt8>) -> (id: Int32, isNew: Bool) {
        if index.isEmpty {
            for id in bytes.indices where bytes[id].withUnsafeBufferPointer({ Self.same($0, text) }) { return (Int32(id), false) }
        } else if let id = index[Array(text)] {
            return (id, false)
        }
        let id = Int32(bytes.count)
        let array = Array(text)
        bytes.append(array)
        texts.append(String(decoding: array, as: UTF8.self))
        if bytes.count > 8 {
            if index.isEmpty { for (known, word) in bytes.enumerated() { index[word] = Int32(known) } }
            index[array] = id
        }
        return (id, true)
    }

    /// Whether two texts have the same bytes.
    @inline(__always)
    private static func same(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard let x = a.baseAddress, let y = b.baseAddress else { return true }
        return memcmp(x, y, a.count) == 0
    }
}
