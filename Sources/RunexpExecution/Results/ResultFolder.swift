import Foundation
import RunexpPlan

/// Names and places result folders; ``write(files:name:)`` writes a whole folder at once, and
/// ``ActiveResultFolder`` writes one run by run with a journal.
///
/// Layout (DESIGN.md §3): `<root>/<name>/<UTC yyyy-mm-ddThh-mm-ssZ>_<commit7>[-dirty]/` with
/// experiment.yaml, plan.json, runs.csv, cells.csv, curves.csv, summary.json, provenance.json,
/// and `<root>/<name>/latest` pointing at the newest folder. A failure removes the staging folder.
public struct ResultFolder: Sendable {
    /// The folder that holds one experiment's result folders: `<root>/<name>`.
    public let experimentDirectory: String

    public init(root: String, experimentName: String) {
        experimentDirectory = (root as NSString).appendingPathComponent(experimentName)
    }

    /// `2026-11-30T12-06-04Z_abc1234-dirty`.
    public static func folderName(started: Date, git: GitState) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH-mm-ss'Z'"
        return "\(formatter.string(from: started))_\(git.folderTag)"
    }

    /// Writes `files` (name → text) as a complete new result folder named `name` (suffixed
    /// `-2`, `-3`... when taken) and points `latest` at it; returns the folder's path.
    public func write(files: [(name: String, text: String)], name: String) throws -> String {
        let manager = FileManager.default
        try manager.createDirectory(atPath: experimentDirectory, withIntermediateDirectories: true)
        var finalName = name
        var suffix = 2
        while manager.fileExists(atPath: path(finalName)) {
            finalName = "\(name)-\(suffix)"
            suffix += 1
        }
        let staging = path(".\(finalName).partial")
        try? manager.removeItem(atPath: staging)
        do {
            try manager.createDirectory(atPath: staging, withIntermediateDirectories: true)
            for file in files {
                try ActiveResultFolder.writeAtomically(staging, file.name, file.text)
            }
            try manager.moveItem(atPath: staging, toPath: path(finalName))
        } catch {
            try? manager.removeItem(atPath: staging)
            throw error
        }
        try Self.pointLatest(in: experimentDirectory, to: finalName)
        return path(finalName)
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

    private func path(_ name: String) -> String {
        (experimentDirectory as NSString).appendingPathComponent(name)
    }
}
