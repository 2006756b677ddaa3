import Foundation
import RunexpExecution
import RunexpResults
import RunexpPlan

/// Takes each finished run as the runner reports it and journals it. A new folder is made once
/// git has answered (its name holds the commit); until then finished runs wait in memory. The
/// journal opens once plan.json is encoded. The first failure stops the session (``failed``) and is
/// thrown by ``close()``.
final class JournalWriter {
    private(set) var folder: ActiveResultFolder?
    private var waiting: [RunRecord] = []
    private var journalError: (any Error)?
    private var folderError: (any Error)?
    private let experiment: SessionExperiment
    private let git: Background<GitState>
    private let started: Date
    private let experimentDirectory: String

    init(folder: ActiveResultFolder?, experiment: SessionExperiment, git: Background<GitState>, started: Date, out: String) {
        self.folder = folder
        self.experiment = experiment
        self.git = git
        self.started = started
        self.experimentDirectory = PathText.join(out, experiment.plan.name)
    }

    /// A journal or folder failure happened: no further run should start.
    var failed: Bool { journalError != nil || folderError != nil }

    /// Journals `record` (or keeps it until the folder exists).
    func accept(_ record: RunRecord) {
        guard !failed else { return }
        if folder == nil {
            guard let git = git.ready else {
                waiting.append(record)
                return
            }
            do { folder = try makeFolder(git) } catch {
                folderError = error
                return
            }
        }
        guard let folder else { return }
        do {
            try flushWaiting(into: folder)
            if !folder.isJournalOpen, let json = experiment.planJSON.ready {
                try folder.openJournal(planJSON: json, dataSHA256: experiment.dataSHA256, kernel: TrainingKernel.codePath)
            }
            try folder.append(record)
        } catch {
            journalError = error
        }
    }

    /// After training: makes the folder if no run made it, journals what waits and opens the
    /// journal (writing plan.json); returns the folder, or throws the first failure.
    func close() async throws(SessionError) -> ActiveResultFolder {
        if folder == nil, folderError == nil {
            do { folder = try makeFolder(await git.value) } catch { folderError = error }
        }
        if let folderError { throw FolderTarget.failure(folderError, directory: experimentDirectory, shardFolder: nil) }
        guard let folder else { throw .cannotCreate(directory: experimentDirectory, reason: "no folder was made") }
        if journalError == nil {
            do {
                try flushWaiting(into: folder)
                try folder.openJournal(planJSON: await experiment.planJSON.value, dataSHA256: experiment.dataSHA256, kernel: TrainingKernel.codePath)
            } catch {
                journalError = error
            }
        }
        if let journalError { throw .journal(folder: folder.path, reason: ErrorText.describe(journalError)) }
        return folder
    }

    private func flushWaiting(into folder: ActiveResultFolder) throws {
        for record in waiting { try folder.append(record) }
        waiting = []
    }

    private func makeFolder(_ git: GitState) throws -> ActiveResultFolder {
        try ActiveResultFolder.create(in: experimentDirectory, name: ResultFolder.folderName(started: started, git: git),
                                      experimentText: experiment.text)
    }
}
