import Foundation
import Testing
@testable import RunexpExecution
@testable import RunexpResults
import RunexpTestSupport

/// `GitState.probe` against real repositories made with the `git` on this machine.
@Suite struct GitStateTests {
    /// Runs git in `directory` (with a fixed identity, no user config); returns its trimmed output.
    @discardableResult
    static func git(_ arguments: [String], in directory: String) throws -> String {
        let output = try ChildProcess.run("/usr/bin/env", ["git", "-C", directory, "-c", "user.name=Test", "-c", "user.email=test@example.com",
                                                           "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"] + arguments,
                                          timeout: 60)
        guard output.status == 0 else {
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "git \(arguments) failed"])
        }
        return output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A repository with `experiments/a.yaml` committed on `main`.
    static func repository() throws -> (TemporaryDirectory, experiment: String, commit: String) {
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.file("experiments"), withIntermediateDirectories: true)
        let experiment = try directory.write("experiments/a.yaml", "name: a\n")
        try git(["init", "-q"], in: directory.path)
        try git(["add", "experiments/a.yaml"], in: directory.path)
        try git(["commit", "-q", "-m", "first"], in: directory.path)
        return (directory, experiment, try git(["rev-parse", "HEAD"], in: directory.path))
    }

    @Test func cleanRepositoryGivesCommitAndBranch() async throws {
        let (directory, experiment, commit) = try Self.repository()
        defer { directory.remove() }
        let state = await GitState.probe(experimentFile: experiment)
        #expect(state == GitState(commit: commit, branch: "main", dirty: false, experimentDiff: nil))
        #expect(state.folderTag == String(commit.prefix(7)))
    }

    /// The probe leaves the index alone (no refresh written, no index.lock held), so it never gets
    /// in the way of the user's own git commands; a plain `git status` here rewrites the index.
    @Test func probingDoesNotRewriteTheIndex() async throws {
        let (directory, experiment, _) = try Self.repository()
        defer { directory.remove() }
        let index = directory.file(".git/index")
        func stamp() throws -> Date { try FileManager.default.attributesOfItem(atPath: index)[.modificationDate] as! Date }
        // Same content, new timestamp: a status that refreshes the index has something to write.
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: 60)], ofItemAtPath: experiment)
        let before = try stamp()
        try await Task.sleep(for: .milliseconds(20))
        let state = await GitState.probe(experimentFile: experiment)
        #expect(!state.dirty)
        #expect(try stamp() == before)
        try Self.git(["status", "--porcelain"], in: directory.path)
        #expect(try stamp() != before)  // the check can fail: plain git does rewrite it
    }

    /// git is looked up on PATH as the shell does: missing directories, non-executable files and
    /// directories called git are passed over; the first executable file wins.
    @Test func gitIsTheFirstExecutableOnPath() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let manager = FileManager.default
        for name in ["plain", "folder/git", "first", "second"] {
            try manager.createDirectory(atPath: directory.file(name), withIntermediateDirectories: true)
        }
        try directory.write("plain/git", "not executable")
        try directory.write("first/git", "#!/bin/sh\n")
        try directory.write("second/git", "#!/bin/sh\n")
        try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.file("first/git"))
        try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.file("second/git"))
        let path = [directory.file("missing"), directory.file("plain"), directory.file("folder"), directory.file("first"),
                    directory.file("second")].joined(separator: ":")
        #expect(GitState.firstExecutable(named: "git", in: path) == directory.file("first/git"))
        #expect(GitState.firstExecutable(named: "git", in: directory.file("plain")) == nil)
        #expect(GitState.executable == (try Self.shell("command -v git")))
    }

    static func shell(_ command: String) throws -> String {
        try ChildProcess.run("/bin/sh", ["-c", command], timeout: 60).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func changedExperimentIsDirtyWithItsDiff() async throws {
        let (directory, experiment, commit) = try Self.repository()
        defer { directory.remove() }
        try directory.write("experiments/a.yaml", "name: b\n")
        let state = await GitState.probe(experimentFile: experiment)
        #expect(state.commit == commit)
        #expect(state.dirty)
        #expect(state.folderTag == String(commit.prefix(7)) + "-dirty")
        let diff = try #require(state.experimentDiff)
        #expect(diff.contains("-name: a") && diff.contains("+name: b"))
    }

    @Test func untrackedExperimentAndOtherChanges() async throws {
        let (directory, _, _) = try Self.repository()
        defer { directory.remove() }
        let untracked = try directory.write("experiments/new.yaml", "name: new\n")
        let state = await GitState.probe(experimentFile: untracked)
        #expect(state.dirty)
        #expect(state.experimentDiff == "untracked")
        // Another file's change makes the tree dirty; the committed experiment's own diff is empty.
        let tracked = directory.file("experiments/a.yaml")
        let other = await GitState.probe(experimentFile: tracked)
        #expect(other.dirty)
        #expect(other.experimentDiff == "")
    }

    @Test func detachedHeadHasNoBranch() async throws {
        let (directory, experiment, commit) = try Self.repository()
        defer { directory.remove() }
        try Self.git(["checkout", "-q", "--detach"], in: directory.path)
        let state = await GitState.probe(experimentFile: experiment)
        #expect(state.commit == commit)
        #expect(state.branch == nil)
        #expect(!state.dirty)
    }

    @Test func outsideGitAndBeforeTheFirstCommitIsNogit() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let experiment = try directory.write("a.yaml", "name: a\n")
        #expect(await GitState.probe(experimentFile: experiment).folderTag == "nogit")
        try Self.git(["init", "-q"], in: directory.path)
        let state = await GitState.probe(experimentFile: experiment)
        #expect(state == GitState(commit: nil, branch: nil, dirty: false))
    }

    @Test func statusLinesAreReadByTheirKind() {
        let status = GitState.StatusV2("""
            # branch.oid 0123456789abcdef0123456789abcdef01234567
            # branch.head feature/x
            # branch.upstream origin/feature/x
            # branch.ab +1 -0
            """)
        #expect(status == GitState.StatusV2(commit: "0123456789abcdef0123456789abcdef01234567", branch: "feature/x", dirty: false))
        #expect(GitState.StatusV2("# branch.oid (initial)\n# branch.head main\n? new.yaml").commit == nil)
        #expect(GitState.StatusV2("# branch.oid abc\n# branch.head (detached)\n1 .M N... 100644 100644 100644 a b f").branch == nil)
        #expect(GitState.StatusV2("# branch.oid abc\n# branch.head (detached)\n1 .M N... 100644 100644 100644 a b f").dirty)
    }
}
