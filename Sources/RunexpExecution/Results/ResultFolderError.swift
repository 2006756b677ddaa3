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
        }
    }
}
