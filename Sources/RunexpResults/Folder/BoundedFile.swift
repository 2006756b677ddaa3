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
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            return .failure(.cannotOpen(errno: errno))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return .failure(.cannotRead(errno: errno)) }
        switch status.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: return .failure(.directory)
        default: return .failure(.notRegular)
        }
        guard status.st_size <= limit else { return .failure(.tooLarge(bytes: Int(status.st_size), whileRead: false)) }
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count < 0 { return .failure(.cannotRead(errno: errno)) }
            if count == 0 { return .success(data) }
            guard data.count + count <= limit else { return .failure(.tooLarge(bytes: data.count + count, whileRead: true)) }
            data.append(contentsOf: chunk[..<count])
        }
    }
}
