import Crypto
import Foundation

/// SHA-256 digests as lowercase hex, via swift-crypto.
public enum SHA256Digest {
    /// The digest of `data`.
    public static func hex(of data: Data) -> String {
        digest(data)
    }

    /// The digest of `bytes`.
    public static func hex(of bytes: [UInt8]) -> String {
        digest(bytes)
    }

    private static func digest(_ data: some DataProtocol) -> String {
        hex(SHA256.hash(data: data))
    }

    /// The digest of the rest of `reader`'s file, read a MiB at a time, each piece shown to `seeing` too.
    public static func hex(readingAll reader: BoundedFile.Reader,
                           seeing: (UnsafeRawBufferPointer) -> Void) -> Result<String, BoundedFile.Failure> {
        var digest = SHA256()
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            switch chunk.withUnsafeMutableBufferPointer({ reader.read(into: $0) }) {
            case .success(0):
                return .success(hex(digest.finalize()))
            case .success(let count):
                chunk.withUnsafeBytes {
                    let piece = UnsafeRawBufferPointer(rebasing: $0[..<count])
                    digest.update(bufferPointer: piece)
                    seeing(piece)
                }
            case .failure(let failure):
                return .failure(failure)
            }
        }
    }

    /// A finished digest (of data hashed a piece at a time: ``CSVStream``, or kept as bytes:
    /// ``RunCacheKey``) as lowercase hex.
    static func hex(_ digest: some Sequence<UInt8>) -> String {
        digest.map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }

    /// The digest of a string's UTF-8 bytes.
    public static func hex(of text: String) -> String {
        hex(of: Data(text.utf8))
    }
}
