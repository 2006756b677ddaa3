import Foundation

/// The git state of the folder an experiment file lives in.
public struct GitState: Sendable, Codable, Equatable {
    /// Full commit id, or nil outside a git repository.
    public var commit: String?
    /// Current branch, nil when detached or outside git.
    public var branch: String?
    /// Uncommitted changes (tracked or untracked) in the work tree.
    public var dirty: Bool

    /// `abc1234`, `abc1234-dirty`, or `nogit`.
    public var folderTag: String {
        guard let commit else { return "nogit" }
        return String(commit.prefix(7)) + (dirty ? "-dirty" : "")
    }

    /// Asks git about `directory`; never fails (outside git, or without git, it is `nogit`).
    public static func probe(directory: String) -> GitState {
        let directory = directory.isEmpty ? "." : directory
        guard let commit = run(["rev-parse", "HEAD"], in: directory), !commit.isEmpty else {
            return GitState(commit: nil, branch: nil, dirty: false)
        }
        let branch = run(["symbolic-ref", "--short", "-q", "HEAD"], in: directory)
        let status = run(["status", "--porcelain"], in: directory) ?? ""
        return GitState(commit: commit, branch: branch?.isEmpty == false ? branch : nil, dirty: !status.isEmpty)
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
