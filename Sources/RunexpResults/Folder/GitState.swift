import Foundation
import RunexpPlan
import Subprocess

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
    ///
    /// One `git status --porcelain=v2 --branch` gives the commit, the branch and whether anything
    /// changed; only a dirty tree costs more (is the file tracked, and its diff).
    public static func probe(experimentFile: String) async -> GitState {
        var directory = PathText.parent(of: experimentFile)
        if directory.isEmpty { directory = "." }
        let name = PathText.lastComponent(of: experimentFile)
        guard let status = await run(["status", "--porcelain=v2", "--branch"], in: directory) else {
            return GitState(commit: nil, branch: nil, dirty: false)
        }
        let parsed = StatusV2(status)
        guard let commit = parsed.commit else { return GitState(commit: nil, branch: nil, dirty: false) }
        var diff: String?
        if parsed.dirty {
            if await run(["ls-files", "--error-unmatch", "--", name], in: directory) == nil {
                diff = "untracked"
            } else {
                diff = await run(["diff", "HEAD", "--", name], in: directory) ?? ""
            }
        }
        return GitState(commit: commit, branch: parsed.branch, dirty: parsed.dirty, experimentDiff: diff)
    }

    /// The parts of `git status --porcelain=v2 --branch` a probe needs.
    struct StatusV2: Equatable {
        /// `# branch.oid`, nil before the first commit (`(initial)`).
        var commit: String?
        /// `# branch.head`, nil when detached.
        var branch: String?
        /// Any changed, unmerged or untracked entry (every line that is not a `#` header).
        var dirty: Bool

        init(commit: String?, branch: String?, dirty: Bool) {
            self.commit = commit
            self.branch = branch
            self.dirty = dirty
        }

        init(_ output: String) {
            commit = nil
            branch = nil
            dirty = false
            for line in output.split(separator: "\n", omittingEmptySubsequences: true) {
                if line.hasPrefix("# branch.oid ") {
                    let oid = line.dropFirst("# branch.oid ".count)
                    commit = oid == "(initial)" ? nil : String(oid)
                } else if line.hasPrefix("# branch.head ") {
                    let head = line.dropFirst("# branch.head ".count)
                    branch = head == "(detached)" || head.isEmpty ? nil : String(head)
                } else if !line.hasPrefix("#") {
                    dirty = true
                }
            }
        }
    }

    /// The full commit id a revision (`HEAD~1`, a branch, a short id) names in the repository
    /// around `directory`, or nil when it names none.
    public static func commit(of revision: String, in directory: String = ".") async -> String? {
        await run(["rev-parse", "--verify", "--quiet", "\(revision)^{commit}"], in: directory).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The repository's top folder holding `directory`, nil outside git.
    public static func topLevel(of directory: String) async -> String? {
        await run(["rev-parse", "--show-toplevel"], in: directory).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The bytes of `path` (relative to the repository's top) in `commit`, nil when it has no such
    /// file (or it is larger than `limit`).
    public static func file(_ path: String, at commit: String, in directory: String, limit: Int) async -> [UInt8]? {
        guard let git = executable else { return nil }
        do {
            let result = try await Subprocess.run(
                .path(.init(git)), arguments: Arguments(["--no-optional-locks", "-C", directory, "show", "\(commit):\(path)"]),
                input: .none, output: .bytes(limit: limit), error: .discarded)
            return result.terminationStatus.isSuccess ? result.standardOutput : nil
        } catch {
            return nil
        }
    }

    /// The first executable `git` on PATH, nil when there is none. Looked up here once: given a
    /// bare name, swift-subprocess tries to spawn it in each PATH directory in turn, and a failed
    /// spawn of this process cost about a millisecond per directory before git's own.
    static let executable = firstExecutable(named: "git", in: ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin")

    /// The first regular, executable file called `name` in the `:`-separated directories of
    /// `searchPath` (an empty entry is the current directory), as the shell finds it.
    static func firstExecutable(named name: String, in searchPath: String) -> String? {
        for directory in searchPath.split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = (directory.isEmpty ? "." : String(directory)) + "/" + name
            var info = stat()
            if stat(candidate, &info) == 0, info.st_mode & S_IFMT == S_IFREG, access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        return nil
    }

    /// Runs git (found on PATH) and returns its trimmed standard output, or nil when it fails.
    /// `--no-optional-locks`: the probe runs beside the user's own git commands, and a `git status`
    /// that refreshes the index would otherwise take `index.lock` and make theirs fail.
    static func run(_ arguments: [String], in directory: String) async -> String? {
        guard let git = executable else { return nil }
        do {
            let result = try await Subprocess.run(
                .path(.init(git)), arguments: Arguments(["--no-optional-locks", "-C", directory] + arguments),
                input: .none, output: .string(limit: 64 << 20), error: .discarded)
            guard result.terminationStatus.isSuccess else { return nil }
            return result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            return nil
        }
    }
}
