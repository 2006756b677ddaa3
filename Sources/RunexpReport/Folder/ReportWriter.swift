import Foundation

/// Writes report files into an existing result folder, each atomically.
///
/// Each file goes to a hidden temporary name in its target directory (`.<name>.tmp-<pid>`), then
/// rename(2) replaces the target, so a reader sees the old file or the new one, never half of
/// one. Directories such as `plots/` are created as needed. On failure the temporary file is
/// removed; files already replaced stay replaced.
public enum ReportWriter {
    /// Writes `files` (names relative to `folder`) into `folder`.
    public static func write(_ files: [(name: String, text: String)], into folder: String) throws {
        let manager = FileManager.default
        for file in files {
            let target = (folder as NSString).appendingPathComponent(file.name)
            let directory = (target as NSString).deletingLastPathComponent
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let temporary = (directory as NSString)
                .appendingPathComponent(".\((target as NSString).lastPathComponent).tmp-\(getpid())")
            guard manager.createFile(atPath: temporary, contents: Data(file.text.utf8)) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: temporary])
            }
            guard rename(temporary, target) == 0 else {
                let code = errno
                try? manager.removeItem(atPath: temporary)
                throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
            }
        }
    }
}
