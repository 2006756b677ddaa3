import Foundation
import RunexpPlan
import RunexpResults

/// Writes report files into an existing result folder, each atomically (``AtomicFile``: a reader
/// sees the old file or the new one, never half of one). Directories such as `plots/` are created
/// as needed; files already replaced when one fails stay replaced.
public enum ReportWriter {
    /// Writes `files` (names relative to `folder`) into `folder`.
    public static func write(_ files: [(name: String, text: String)], into folder: String) throws {
        for file in files {
            try AtomicFile.write(file.text, to: PathText.join(folder, file.name))
        }
    }
}
