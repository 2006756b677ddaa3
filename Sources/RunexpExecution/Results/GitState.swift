import Foundation

/// The git state of the folder an experiment file lives in.
public struct GitState: Sendable, Codable, Equatable {
    /// Full commit id, or nil outside a git repository.
    public var commit: String?
    /// Current branch, nil when detached or outside git.
    public var branch: String?
    /// Uncommitted changes (tracked or untracked) in the work tree.
    public var dirty: Bool
    /// When dirty: the experiment file's diff against HEAD, or "untracked" if git does not
    /// track it; nil when clean or outside git.
    public var experimentDiff: String?

    public init(commit: String?, branch: String?, dirty: Bool, experimentDiff: String? = nil) {
        self.commit = commit
        self.branch = branch
        self.dirty = dirty
        self.experimentDiff = experimentDiff
    }

    enum CodingKeys: String, CodingKey {
        case commit, branch, dirty, experimentDiff = "experiment_diff"
    }

    /// `abc1234`, `abc1234-dirty`, or `nogit`.
    public var folderTag: String {
        guard let commit else { return "nogit" }
        return String(commit.prefix(7)) + (dirty ? "-dirty" : "")
    }

    /// Asks git about the folder of `experimentFile`; never fails (outside git, or without
    /// git, it is `nogit`).
    public static func probe(experimentFile: String) -> GitState {
        var directory = (experimentFile as NSString).deletingLastPathComponent
        if directory.isEmpty { directory = "." }
        let name = (experimentFile as NSString).lastPathComponent
        guard let commit = run(["rev-parse", "HEAD"], in: directory), !commit.isEmpty else {
            return GitState(commit: nil, branch: nil, dirty: false)
        }
        let branch = run(["symbolic-ref", "--short", "-q", "HEAD"], in: directory)
        let status = run(["status", "--porcelain"], in: directory) ?? ""
        var diff: String?
        if !status.isEmpty {
            if run(["ls-files", "--error-unmatch", "--", name], in: directory) == nil {
                diff = "untracked"
            } else {
                diff = run(["diff", "HEAD", "--", name], in: directory) ?? ""
            }
        }
        return GitState(commit: commit, branch: branch?.isEmpty == false ? branch : nil, dirty: !status.isEmpty, experimentDiff: diff)
    }

    /// The full commit id a revision (`HEAD~1`, a branch, a short id) names in the repository
    /// around `directory`, or nil when it names none.
    public static func commit(of revision: String, in directory: String = ".") -> String? {
        run(["rev-parse", "--verify", "--quiet", "\(revision)^{commit}"], in: directory).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Runs git and returns its trimmed standard output, or nil when it fails.
    static func run(_ arguments: [String], in directory: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", directory] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return nil
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
