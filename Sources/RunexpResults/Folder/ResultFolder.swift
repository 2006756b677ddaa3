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
        folderName(started: started, tag: git.folderTag)
    }

    /// `2026-11-30T12-06-04Z_<tag>`: a folder named for a commit other than the current one (a
    /// merge takes its shards').
    public static func folderName(started: Date, tag: String) -> String {
        "\(UTCTime.string(started, timeSeparator: "-"))_\(tag)"
    }

    /// Refuses a `latest` in `experimentDirectory` that exists and is not a symbolic link (a
    /// folder or a file someone put there), which ``pointLatest(in:to:)`` could not replace.
    public static func checkLatest(in experimentDirectory: String) throws {
        let latest = PathText.join(experimentDirectory, ResultFiles.latest)
        var status = stat()
        if lstat(latest, &status) == 0, (status.st_mode & S_IFMT) != S_IFLNK {
            throw ResultFolderError.latestNotALink(path: latest)
        }
    }

    /// Replaces `<experimentDirectory>/latest` atomically (a new link renamed over the old one),
    /// and removes the temporary links of processes that died in this step (`.latest.<pid>` of a
    /// pid no longer running here).
    static func pointLatest(in experimentDirectory: String, to name: String) throws {
        try checkLatest(in: experimentDirectory)
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: experimentDirectory)) ?? [] where entry.hasPrefix(".latest.") {
            if let pid = Int32(entry.dropFirst(".latest.".count)), pid > 0, pid != getpid(), kill(pid, 0) != 0, errno == ESRCH {
                unlink(PathText.join(experimentDirectory, entry))
            }
        }
        let temporary = PathText.join(experimentDirectory, ".latest.\(getpid())")
        unlink(temporary)
        guard symlink(name, temporary) == 0 else { throw AtomicFile.failure(errno, temporary) }
        let latest = PathText.join(experimentDirectory, ResultFiles.latest)
        guard rename(temporary, latest) == 0 else {
            let code = errno
            unlink(temporary)
            throw AtomicFile.failure(code, latest)
        }
    }
}
