import Foundation
import RunexpPlan

/// Writes a file so that readers see the old file or the new one, never half of one: the text goes
/// to a hidden temporary name in the target's directory (`.<name>.tmp-<pid>`), then rename(2)
/// replaces the target. Missing directories are created.
///
/// There is no fsync: a killed process leaves whole files (or the old ones), which is what resuming
/// relies on, and every result file can be made again. (`Data.write` syncs each file to disk, which
/// took half a millisecond per file here and far more on a laptop's disk.)
public enum AtomicFile {
    /// Writes `text` to `path`.
    public static func write(_ text: String, to path: String) throws {
        let directory = PathText.parent(of: path)
        let temporary = (directory.isEmpty ? "" : directory + "/") + ".\(PathText.lastComponent(of: path)).tmp-\(getpid())"
        var descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if descriptor < 0, errno == ENOENT, !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw failure((error as NSError).underlyingPOSIXCode ?? EIO, directory)
            }
            descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        }
        guard descriptor >= 0 else { throw failure(errno, path) }
        var text = text
        let written = text.withUTF8 { writeAll(UnsafeRawBufferPointer($0), to: descriptor) }
        let closed = close(descriptor) == 0 ? 0 : errno
        guard written == 0, closed == 0 else {
            unlink(temporary)
            throw failure(written != 0 ? written : closed, path)
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw failure(code, path)
        }
    }

    /// Whether `name` is a temporary file of ``write(_:to:)``: `.<name>.tmp-<pid>`.
    static func isTemporaryName(_ name: String) -> Bool {
        guard name.hasPrefix("."), let range = name.range(of: ".tmp-", options: .backwards) else { return false }
        let pid = name[range.upperBound...]
        return !pid.isEmpty && pid.allSatisfy(\.isASCII) && pid.allSatisfy(\.isNumber) && range.lowerBound > name.index(after: name.startIndex)
    }

    /// Writes all of `bytes` to `descriptor` (one write(2) unless the kernel takes less); 0, or
    /// the errno of the failed write.
    static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) -> Int32 {
        var offset = 0
        while offset < bytes.count {
            let count = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if count < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += count
        }
        return 0
    }

    /// The error for `code`, in Foundation's words for file writes (which name the file).
    static func failure(_ code: Int32, _ path: String) -> CocoaError {
        let kind: CocoaError.Code = switch code {
        case EACCES, EPERM: .fileWriteNoPermission
        case ENOSPC, EDQUOT: .fileWriteOutOfSpace
        case EROFS: .fileWriteVolumeReadOnly
        default: .fileWriteUnknown
        }
        // The description is spelled out: on Linux Foundation's own reads "The operation could not
        // be completed. (NSCocoaErrorDomain error 512.)", naming neither the file nor the cause.
        return CocoaError(kind, userInfo: [NSFilePathErrorKey: path,
                                           NSUnderlyingErrorKey: POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO),
                                           NSLocalizedDescriptionKey: "'\(path)': \(String(cString: strerror(code)))"])
    }
}

extension NSError {
    /// The errno a Foundation file error wraps, when it says.
    var underlyingPOSIXCode: Int32? {
        if domain == NSPOSIXErrorDomain { return Int32(code) }
        return (userInfo[NSUnderlyingErrorKey] as? NSError)?.underlyingPOSIXCode
    }
}

/// Text for an error a user reads: Foundation's file errors name the file and the system's cause
/// (on Linux their own description is "The operation could not be completed", with a code).
public enum ErrorText {
    public static func describe(_ error: any Error) -> String {
        let ns = error as NSError
        if ns.domain == NSCocoaErrorDomain, ns.userInfo[NSLocalizedDescriptionKey] == nil {
            let path = ns.userInfo[NSFilePathErrorKey] as? String
            let cause = ns.underlyingPOSIXCode.map { String(cString: strerror($0)) } ?? "error \(ns.code)"
            return path.map { "'\($0)': \(cause)" } ?? cause
        }
        return error.localizedDescription
    }
}
