/// Why a result folder cannot be used; each says what to do instead.
public enum ResultFolderError: Error, CustomStringConvertible, Equatable {
    /// The path is not a result folder (names what is missing).
    case notAResultFolder(path: String, missing: String)
    /// The folder is complete; there is nothing to resume.
    case alreadyFinished(path: String)
    /// The plan differs from the one the folder was started with.
    case planChanged(path: String, differences: [String])
    /// Another runexp process is writing the folder.
    case locked(path: String, holder: String)
    /// `--resume` without a folder found no unfinished folder.
    case nothingToResume(directory: String)
    /// The data differs from the data the folder was started with (one line per file, both hashes).
    case dataChanged(path: String, changes: [String])
    /// The folder's runs were trained on another kernel code path than this process runs.
    case kernelChanged(path: String, started: String, now: String)
    /// A line of the folder's journal (or the journal itself) cannot be used.
    case badJournal(JournalError)
    /// `latest` exists and is not the symbolic link runexp keeps there.
    case latestNotALink(path: String)
    /// Where runexp would make a folder, something holds files runexp did not write.
    case occupied(path: String)

    public var description: String {
        switch self {
        case .notAResultFolder(let path, let missing):
            "'\(path)' is not a runexp result folder: \(missing) is missing"
        case .alreadyFinished(let path):
            "'\(path)' is already complete; nothing to resume (run without --resume to start a new folder)"
        case .planChanged(let path, let differences):
            "the plan changed since '\(path)' was started, so it cannot be resumed; start a new run without --resume. Changes:\n"
                + differences.map { "  - \($0)" }.joined(separator: "\n")
        case .locked(let path, let holder):
            "'\(path)' is being written by another runexp process (\(holder)); wait for it or stop it"
        case .nothingToResume(let directory):
            "no unfinished result folder under '\(directory)'; start a new run without --resume"
        case .dataChanged(let path, let changes):
            "the data changed since '\(path)' was started, so it cannot be resumed; restore that data, or start a new run "
                + "without --resume. Changes:\n" + changes.map { "  - \($0)" }.joined(separator: "\n")
        case .kernelChanged(let path, let started, let now):
            "'\(path)' was started on the kernel code path '\(started)' and this process runs '\(now)', whose last bits differ, "
                + "so it cannot be resumed here: resume it on a machine that runs '\(started)'"
                + (started == "simd8" ? " (RUNEXP_KERNEL=simd8 forces it on any machine)" : "")
                + ", or start a new run without --resume"
        case .badJournal(let error):
            "\(error); " + (error.line == nil ? "start a new run without --resume"
                : "the journal was damaged, edited or copied from another folder: delete that line to train its run again, "
                    + "or start a new run without --resume")
        case .occupied(let path):
            "'\(path)' holds files runexp did not write there; move it away and run again"
        case .latestNotALink(let path):
            "'\(path)' is not a symbolic link; runexp points it at the newest result folder: move it away and run again"
        }
    }
}
