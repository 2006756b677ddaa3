import Foundation

/// Reads a whole file that must be a regular file of at most a given size: the one reader of
/// data files, result tables, plan.json and shard files. A FIFO is refused without waiting on it
/// (opened non-blocking), a device without reading it, a file over the limit without reading it,
/// and one that grows past the limit while read without reading more. Callers word the failure.
public enum BoundedFile {
    public enum Failure: Error, Equatable {
        /// Opening failed with this errno (`ENOENT`, `ENOTDIR`: no such file).
        case cannotOpen(errno: Int32)
        case directory
        /// A FIFO, socket or device.
        case notRegular
        /// Over the limit when measured (`bytes` is its size), or grown past it while read.
        case tooLarge(bytes: Int, whileRead: Bool)
        /// Reading failed with this errno.
        case cannotRead(errno: Int32)

        /// The system's words for an errno.
        public static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }
    }

    public static func read(_ path: String, limit: Int) -> Result<Data, Failure> {
        let reader: Reader
        switch Reader.open(path, limit: limit) {
        case .success(let opened): reader = opened
        case .failure(let failure): return .failure(failure)
        }
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            switch chunk.withUnsafeMutableBufferPointer({ reader.read(into: $0) }) {
            case .success(0): return .success(data)
            case .success(let count): data.append(contentsOf: chunk[..<count])
            case .failure(let failure): return .failure(failure)
            }
        }
    }

    /// An open file read a piece at a time, with the same checks: for files read as a stream.
    public final class Reader {
        private let descriptor: Int32
        private let limit: Int
        /// Bytes read so far.
        public private(set) var bytesRead = 0
        /// The file's size when opened.
        public let size: Int

        private init(descriptor: Int32, limit: Int, size: Int) {
            self.descriptor = descriptor
            self.limit = limit
            self.size = size
        }

        deinit { close(descriptor) }

        /// Opens `path` if it is a regular file of at most `limit` bytes.
        public static func open(_ path: String, limit: Int) -> Result<Reader, Failure> {
            let descriptor = Foundation.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
            guard descriptor >= 0 else {
                return .failure(.cannotOpen(errno: errno))
            }
            var status = stat()
            var failure: Failure?
            if fstat(descriptor, &status) != 0 {
                failure = .cannotRead(errno: errno)
            } else {
                switch status.st_mode & S_IFMT {
                case S_IFREG: if status.st_size > limit { failure = .tooLarge(bytes: Int(status.st_size), whileRead: false) }
                case S_IFDIR: failure = .directory
                default: failure = .notRegular
                }
            }
            if let failure {
                close(descriptor)
                return .failure(failure)
            }
            return .success(Reader(descriptor: descriptor, limit: limit, size: Int(status.st_size)))
        }

        /// Reads on from byte `offset` of the file (counted in ``bytesRead``, as if read).
        public func seek(to offset: Int) -> Result<Void, Failure> {
            guard lseek(descriptor, off_t(offset), SEEK_SET) == off_t(offset) else { return .failure(.cannotRead(errno: errno)) }
            bytesRead = offset
            return .success(())
        }

        /// Reads the next bytes into `buffer`: how many (0 at the end of the file).
        public func read(into buffer: UnsafeMutableBufferPointer<UInt8>) -> Result<Int, Failure> {
            while true {
                let count = Foundation.read(descriptor, buffer.baseAddress, buffer.count)
                if count < 0, errno == EINTR { continue }
                if count < 0 { return .failure(.cannotRead(errno: errno)) }
                guard bytesRead + count <= limit else { return .failure(.tooLarge(bytes: bytesRead + count, whileRead: true)) }
                bytesRead += count
                return .success(count)
            }
        }
    }
}
