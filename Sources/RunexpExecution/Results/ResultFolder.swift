import Foundation
import RunexpPlan

/// Names result folders and keeps the `latest` link; ``ActiveResultFolder`` writes them.
///
/// Layout (DESIGN.md §3): `<root>/<name>/<UTC yyyy-mm-ddThh-mm-ssZ>_<commit7>[-dirty]/` with
/// experiment.yaml, plan.json, runs.csv, cells.csv, curves.csv, summary.json, provenance.json,
/// and `<root>/<name>/latest` pointing at the newest finished folder.
public enum ResultFolder {
    /// `2026-11-30T12-06-04Z_abc1234-dirty`.
    public static func folderName(started: Date, git: GitState) -> String {
        "\(UTCTime.string(started, timeSeparator: "-"))_\(git.folderTag)"
    }

    /// Replaces `<experimentDirectory>/latest` atomically (a new link renamed over the old one).
    static func pointLatest(in experimentDirectory: String, to name: String) throws {
        let temporary = (experimentDirectory as NSString).appendingPathComponent(".latest.\(getpid())")
        try? FileManager.default.removeItem(atPath: temporary)
        try FileManager.default.createSymbolicLink(atPath: temporary, withDestinationPath: name)
        guard rename(temporary, (experimentDirectory as NSString).appendingPathComponent("latest")) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw CocoaError(.fileWriteUnknown)
        }
    }
}
