import Foundation
import RunexpPlan
import RunexpResults

/// Finds the result folder a `runexp diff` argument names: a folder, or a git revision.
public enum ResultLocator {
    /// `argument` itself when it is a folder; otherwise a git revision, resolved to the newest
    /// result folder under `root` whose provenance names that commit (of `experiment` when
    /// given). Throws a ``ResultFolderReadError`` with a hint when there is none or several.
    public static func locate(_ argument: String, root: String, experiment: String?) async throws -> String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw ResultFolderReadError(argument, "not a folder; name a result folder or a git revision") }
            return argument
        }
        guard let commit = await GitState.commit(of: argument) else {
            throw ResultFolderReadError(argument, "neither a folder nor a git revision of the repository here")
        }
        var matches: [(experiment: String, folder: String)] = []
        let manager = FileManager.default
        // Hidden entries (the run cache, `.cache`) hold no result folders.
        let experiments = ((try? manager.contentsOfDirectory(atPath: root)) ?? [])
            .filter { !$0.hasPrefix(".") && (experiment == nil || $0 == experiment) }
        for name in experiments.sorted() {
            let directory = PathText.join(root, name)
            for folder in ((try? manager.contentsOfDirectory(atPath: directory)) ?? []).sorted() where !folder.hasPrefix(".") && folder != ResultFiles.latest {
                let path = PathText.join(directory, folder)
                guard let data = manager.contents(atPath: PathText.join(path, ResultFiles.provenance)),
                      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                      let git = object["git"] as? [String: Any], git["commit"] as? String == commit
                else { continue }
                matches.append((name, path))
            }
        }
        let names = Set(matches.map(\.experiment))
        guard !matches.isEmpty else {
            throw ResultFolderReadError(argument, "no result folder under '\(root)' was made at commit \(commit.prefix(7))"
                + (experiment.map { " for experiment '\($0)'" } ?? "")
                + "; run the experiment at that commit (git worktree add), or name a folder")
        }
        guard names.count == 1 else {
            throw ResultFolderReadError(argument, "commit \(commit.prefix(7)) has results of several experiments (\(names.sorted().joined(separator: ", "))); choose one with --experiment")
        }
        // Folder names start with their UTC start time, so the last sorts newest.
        return matches.last!.folder
    }
}
