import Foundation
import RunexpExecution
import RunexpPlan
import RunexpReport
import RunexpResults

/// An experiment file as of a git revision, run with this binary through the run cache: what
/// `runexp diff REV_A REV_B FILE` compares when a revision has no result folder.
///
/// The file (and each data file git tracks at that revision) is written under
/// `<out>/.revisions/<commit>/`, in the repository's layout, and run there; its result folder goes
/// there too, replacing the one an earlier diff left. A data file git does not track is read from the working copy only if its SHA-256 is
/// one a result folder of the experiment recorded: otherwise the revision's data is unknown, and
/// the run is refused.
public enum RevisionRun {
    public struct Made: Sendable {
        public let folder: String
        /// The folder's results and provenance, as the run made them (no need to read them back).
        public let contents: ResultFolderReader.Contents
        public let commit: String
        public let runs: Int
        public let reused: Int
        /// Data files read from the working copy (untracked at the revision, hash recorded).
        public let workingCopyData: [String]
    }

    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// The experiment `name`'s data hashes recorded by its result folders under `out`.
    static func recordedDataHashes(out: String, experiment name: String) -> Set<String> {
        let directory = PathText.join(out, name)
        var hashes: Set<String> = []
        for folder in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where !folder.hasPrefix(".") {
            guard let data = FileManager.default.contents(atPath: PathText.join(PathText.join(directory, folder), ResultFiles.provenance)),
                  let provenance = try? JSONDecoder().decode(Provenance.self, from: data) else { continue }
            hashes.formUnion(provenance.dataSHA256.values)
        }
        return hashes
    }

    /// Runs `file` as of `revision` (see the type). `cache` is the run cache to go through.
    public static func run(file: String, revision: String, out: String, cache: RunRequest.CacheChoice, jobs: Int,
                           runexpVersion: String) async throws -> Made {
        let absolute = URL(fileURLWithPath: file).standardizedFileURL.resolvingSymlinksInPath().path
        let directory = PathText.parent(of: absolute)
        guard let top = await GitState.topLevel(of: directory.isEmpty ? "." : directory) else {
            throw Refusal(description: "\(file): error: not in a git repository, so there is no revision '\(revision)' of it")
        }
        guard let commit = await GitState.commit(of: revision, in: top) else {
            throw Refusal(description: "'\(Diagnostic.excerpt(revision))': error: neither a folder nor a git revision of the repository here")
        }
        let root = URL(fileURLWithPath: top).standardizedFileURL.resolvingSymlinksInPath().path
        guard absolute.hasPrefix(root + "/") else {
            throw Refusal(description: "\(file): error: not inside the repository at \(root)")
        }
        let relative = String(absolute.dropFirst(root.count + 1))
        guard let bytes = await GitState.file(relative, at: commit, in: root, limit: ResourceLimits.experimentBytes) else {
            throw Refusal(description: "\(file): error: the file is not in commit \(commit.prefix(7)) ('\(Diagnostic.excerpt(revision))')")
        }
        let scratch = URL(fileURLWithPath: PathText.join(PathText.join(out, ".revisions"), String(commit.prefix(12)))).standardizedFileURL.path
        let tree = PathText.join(scratch, "tree")
        let manager = FileManager.default
        // Each diff runs the revision afresh (through the cache): earlier copies and folders go.
        try? manager.removeItem(atPath: tree)
        try? manager.removeItem(atPath: PathText.join(scratch, "results"))
        let experimentPath = PathText.join(tree, relative)
        do {
            try manager.createDirectory(atPath: PathText.parent(of: experimentPath), withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: experimentPath))
        } catch {
            throw Refusal(description: "\(scratch): error: cannot write the revision's files: \(ErrorText.describe(error))")
        }
        // The data files, as the revision's file names them.
        let plan: Plan
        do {
            plan = try PlanParser.parse(yaml: String(decoding: bytes, as: UTF8.self), file: experimentPath,
                                        directory: PathText.parent(of: experimentPath))
        } catch let error as DiagnosticError {
            throw Refusal(description: "\(file) as of \(commit.prefix(7)):\n" + error.diagnostics.map(\.description).joined(separator: "\n"))
        }
        var workingCopy: [String] = []
        var recorded: Set<String>?
        for dataFile in [plan.data.file] + (plan.data.testFile.map { [$0] } ?? []) {
            let inTree = URL(fileURLWithPath: PathText.join(PathText.parent(of: experimentPath), dataFile)).standardizedFileURL.path
            guard inTree.hasPrefix(tree + "/") || dataFile.hasPrefix("/") else {
                throw Refusal(description: "\(file): error: data file '\(Diagnostic.excerpt(dataFile))' lies outside the repository")
            }
            let dataRelative = dataFile.hasPrefix("/") ? nil : String(inTree.dropFirst(tree.count + 1))
            if let dataRelative, let data = await GitState.file(dataRelative, at: commit, in: root, limit: ResourceLimits.dataBytes) {
                do {
                    try manager.createDirectory(atPath: PathText.parent(of: inTree), withIntermediateDirectories: true)
                    try Data(data).write(to: URL(fileURLWithPath: inTree))
                } catch {
                    throw Refusal(description: "\(scratch): error: cannot write the revision's files: \(ErrorText.describe(error))")
                }
                continue
            }
            // Not in git at that revision: the working copy, if a run recorded its hash.
            let working = dataRelative.map { PathText.join(root, $0) } ?? dataFile
            guard case .success(let data) = BoundedFile.read(working, limit: ResourceLimits.dataBytes) else {
                throw Refusal(description: "\(working): error: not tracked by git at \(commit.prefix(7)) and not readable here")
            }
            let hash = SHA256Digest.hex(of: data)
            if recorded == nil { recorded = recordedDataHashes(out: out, experiment: plan.name) }
            guard recorded?.contains(hash) == true else {
                throw Refusal(description: "\(working): error: not tracked by git at \(commit.prefix(7)), and no result folder of "
                              + "'\(plan.name)' under '\(out)' recorded this file's SHA-256 (\(hash.prefix(12))…): the revision's data "
                              + "is unknown. Commit the data file, or run the experiment at that revision")
            }
            if dataRelative != nil {
                do {
                    try manager.createDirectory(atPath: PathText.parent(of: inTree), withIntermediateDirectories: true)
                    try Data(data).write(to: URL(fileURLWithPath: inTree))
                } catch {
                    throw Refusal(description: "\(scratch): error: cannot write the revision's files: \(ErrorText.describe(error))")
                }
            }
            workingCopy.append(working)
        }
        var request = RunRequest(experimentFile: experimentPath, jobs: jobs, out: PathText.join(scratch, "results"),
                                 commandLine: ["runexp", "diff", revision], runexpVersion: runexpVersion)
        // The results folder's own cache, not one inside the scratch folder.
        request.cache = cache == .beside ? .directory(RunCache.directory(out: out)) : cache
        request.git = GitState(commit: commit, branch: nil, dirty: false)
        let outcome: RunOutcome
        do {
            outcome = try await RunSession.run(request)
        } catch {
            throw Refusal(description: "\(file) as of \(commit.prefix(7)): error: \(error)")
        }
        guard case .finished(let finished) = outcome else {
            throw Refusal(description: "\(file) as of \(commit.prefix(7)): error: the run did not finish")
        }
        let provenance = (try? String(contentsOfFile: PathText.join(finished.folder, ResultFiles.provenance), encoding: .utf8)) ?? "{}"
        return Made(folder: finished.folder,
                    contents: ResultFolderReader.Contents(folder: finished.folder, results: finished.results, provenanceJSON: provenance),
                    commit: commit, runs: finished.results.records.count, reused: finished.reused, workingCopyData: workingCopy)
    }
}
