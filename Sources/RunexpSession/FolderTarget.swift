import Foundation
import RunexpExecution
import RunexpResults
import RunexpPlan

/// Where a session's runs go: a shard's folder or a resumed folder, opened before training; or a
/// new folder, made once git has answered (its name holds the commit; see ``JournalWriter``).
struct FolderTarget {
    enum Kind {
        case new
        case open(ActiveResultFolder)
        /// The shard's folder is finished already.
        case alreadyDone(Shard, folder: String)
    }

    let kind: Kind
    /// The runs to train: the shard's, or nil for all of the plan's.
    let runs: [RunID]?
    /// `results/<name>/shards/<commit>_<plan hash>` for a shard, else empty.
    let shardsDirectory: String

    static func open(_ request: RunRequest, experiment: SessionExperiment, git: Background<GitState>) async throws(SessionError) -> FolderTarget {
        let plan = experiment.plan
        guard let shard = request.shard else {
            let experimentDirectory = PathText.join(request.out, plan.name)
            guard let resume = request.resume else {
                // A `latest` the new folder could not point at is refused before any run trains
                // (and fills the run cache), not when the first record opens the folder.
                do {
                    try ResultFolder.checkLatest(in: experimentDirectory)
                } catch {
                    throw failure(error, directory: experimentDirectory, shardFolder: nil)
                }
                return FolderTarget(kind: .new, runs: nil, shardsDirectory: "")
            }
            do {
                let path: String
                switch resume {
                case .folder(let folder): path = folder
                case .newest:
                    guard let newest = ActiveResultFolder.unfinished(in: experimentDirectory).last else {
                        throw ResultFolderError.nothingToResume(directory: experimentDirectory)
                    }
                    path = newest
                }
                let folder = try ActiveResultFolder.resume(path, plan: plan, planJSON: await experiment.planJSON.value,
                                                           dataSHA256: experiment.dataSHA256,
                                                           classCount: experiment.prepared.data.classes.count, kernel: TrainingKernel.codePath)
                return FolderTarget(kind: .open(folder), runs: nil, shardsDirectory: "")
            } catch {
                throw failure(error, directory: experimentDirectory, shardFolder: nil)
            }
        }
        let runs = ShardPlanner.runs(of: shard, in: experiment.prepared)
        let shardsDirectory = ShardFolder.shardsDirectory(root: request.out, plan: plan, planJSON: await experiment.planJSON.value,
                                                          git: await git.value)
        let path = PathText.join(shardsDirectory, shard.folderName)
        do {
            let folder = try ActiveResultFolder.openShard(at: path, plan: plan, planJSON: await experiment.planJSON.value,
                                                          dataSHA256: experiment.dataSHA256,
                                                          classCount: experiment.prepared.data.classes.count, experimentText: experiment.text, kernel: TrainingKernel.codePath)
            try folder.recordAssignment(ShardFolder.Assignment(index: shard.index, count: shard.count, runs: runs.map(\.index)))
            return FolderTarget(kind: .open(folder), runs: runs, shardsDirectory: shardsDirectory)
        } catch ResultFolderError.alreadyFinished {
            return FolderTarget(kind: .alreadyDone(shard, folder: path), runs: runs, shardsDirectory: shardsDirectory)
        } catch {
            throw failure(error, directory: PathText.join(request.out, plan.name), shardFolder: path)
        }
    }

    /// A folder that cannot be made or opened: a ``ResultFolderError`` is the user's to fix; anything
    /// else is a failure to write under `directory`.
    static func failure(_ error: any Error, directory: String, shardFolder: String?) -> SessionError {
        if let error = error as? ResultFolderError { return .folder(error, shardFolder: shardFolder) }
        return .cannotCreate(directory: directory, reason: ErrorText.describe(error))
    }
}
