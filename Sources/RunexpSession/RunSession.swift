import Foundation
import RunexpExecution
import RunexpResults
import RunexpPlan
import RunexpReport

/// What `runexp run` asks for, with every flag already checked.
public struct RunRequest: Sendable {
    public var experimentFile: String
    /// Runs trained at once (already defaulted to the cores).
    public var jobs: Int
    /// Overrides `search.repetitions`.
    public var repetitions: Int?
    /// Folder that holds result folders.
    public var out: String
    public var resume: ResumeTarget?
    /// The shard to run; nil for an ordinary run.
    public var shard: Shard?
    /// For provenance.json.
    public var commandLine: [String]
    public var runexpVersion: String
    /// Where finished runs are kept and looked up (``RunCache``).
    public var cache: CacheChoice = .beside
    /// The git state provenance records instead of probing the experiment file's (a revision run's:
    /// the file is a copy of that commit's).
    public var git: GitState?

    /// The run cache a run uses.
    public enum CacheChoice: Sendable, Equatable {
        /// `.cache` in the folder that holds the result folders (``out``).
        case beside
        case directory(String)
        /// Train every run (`--no-cache`).
        case off
    }

    /// The cache this request reads and writes, or nil.
    public var runCache: RunCache? {
        switch cache {
        case .beside: RunCache(directory: RunCache.directory(out: out))
        case .directory(let path): RunCache(directory: path)
        case .off: nil
        }
    }

    /// Which unfinished folder `--resume` continues.
    public enum ResumeTarget: Sendable, Equatable {
        /// The newest unfinished folder of the experiment.
        case newest
        case folder(String)
    }

    public init(experimentFile: String, jobs: Int, repetitions: Int? = nil, out: String = "results", resume: ResumeTarget? = nil,
                shard: Shard? = nil, commandLine: [String], runexpVersion: String) {
        self.experimentFile = experimentFile
        self.jobs = jobs
        self.repetitions = repetitions
        self.out = out
        self.resume = resume
        self.shard = shard
        self.commandLine = commandLine
        self.runexpVersion = runexpVersion
    }
}

/// How a run ended (its failures are ``SessionError``s).
public enum RunOutcome: Sendable {
    /// Every run is done and the result folder is complete.
    case finished(FinishedRun)
    /// The shard's runs are done and its folder is finished.
    case shardDone(shard: Shard, folder: String, runs: Int, shardsDirectory: String)
    /// The shard's folder was finished before: nothing was run.
    case shardAlreadyDone(shard: Shard, folder: String)
    /// Stopped on request; `saved` of `planned` runs are in the journal of `folder`.
    case interrupted(saved: Int, planned: Int, folder: String)

    /// A finished run: its folder, results and the closing summary's texts.
    public struct FinishedRun: Sendable {
        public let folder: String
        public let results: ExperimentResults
        /// The best cells' table and the axis-effects paragraph, as the terminal shows them.
        public let bestCells: String
        public let effects: String
        public let seconds: Double
        /// Runs taken from the run cache instead of trained.
        public var reused = 0
    }
}

/// Why a run could not go on. Each case says which exit status the command line gives it.
public enum SessionError: Error, Sendable {
    /// The experiment file or its data is invalid (exit 1, with the diagnostics).
    case invalid(DiagnosticError)
    /// Shard folders cannot be merged (exit 1).
    case shard(ShardError)
    /// A result or shard folder cannot be used (exit 1); for a shard, the folder it resumes from.
    case folder(ResultFolderError, shardFolder: String?)
    /// The result folder cannot be made under `directory` (exit 3).
    case cannotCreate(directory: String, reason: String)
    /// The journal of `folder` cannot be written (exit 3).
    case journal(folder: String, reason: String)
    /// The result or shard folder cannot be finished (exit 3).
    case finish(folder: String, shard: Bool, reason: String)

    /// True for input the user must fix (exit 1); false for a failure to write (exit 3).
    public var isInvalidInput: Bool {
        switch self {
        case .invalid, .shard, .folder: true
        case .cannotCreate, .journal, .finish: false
        }
    }
}

/// Runs an experiment into a result folder: parses the file, loads the data, opens a new, resumed
/// or shard folder, trains the runs the folder lacks on all `jobs`, journals each as it finishes,
/// and finishes the folder (tables, provenance, report) or the shard. The command line maps its
/// arguments to a ``RunRequest`` and prints what this returns; tests call it in-process.
public enum RunSession {
    /// What the session tells its caller while it works.
    public struct Events {
        /// The file is parsed and its data checked: training is about to start.
        public var prepared: (Plan) -> Void = { _ in }
        /// Warnings about the data (a feature column that looks like a row id), one line each.
        public var warned: ([String]) -> Void = { _ in }
        /// A resumed folder already holds `done` of the `planned` runs.
        public var resumed: (_ folder: String, _ done: Int, _ planned: Int) -> Void = { _, _, _ in }
        /// After each run.
        public var progress: (ExperimentRunner.Progress) -> Void = { _ in }
        /// Once training stops (before the folder is finished).
        public var trained: () -> Void = {}

        public init() {}
    }

    /// Runs `request`; stops starting runs once `shouldStop` is true (the journal keeps what finished).
    public static func run(_ request: RunRequest, events: Events = Events(),
                           shouldStop: @escaping @Sendable () -> Bool = { false }) async throws(SessionError) -> RunOutcome {
        let started = Date()
        let file = request.experimentFile
        // git runs in its own process while this one parses the file, loads the data and, for a new
        // folder (whose name holds the commit), trains the first runs.
        let given = request.git
        let git = Background(settledBeforeExit: true) {
            if let given { return given }
            return await GitState.probe(experimentFile: file)
        }
        let experiment = try await SessionExperiment.load(file, repetitions: request.repetitions)
        if request.shard != nil, experiment.plan.strategy != nil { throw .invalid(Self.shardedHalving(experiment.plan, file: file)) }
        let target = try await FolderTarget.open(request, experiment: experiment, git: git)
        let opened: ActiveResultFolder?
        switch target.kind {
        case .alreadyDone(let shard, let folder): return .shardAlreadyDone(shard: shard, folder: folder)
        case .open(let folder): opened = folder
        case .new: opened = nil
        }
        let planned = target.runs ?? experiment.plan.runs
        let earlier = (opened?.journaled.values).map { $0.sorted { $0.run.index < $1.run.index } } ?? []
        if let opened, !earlier.isEmpty { events.resumed(opened.path, earlier.count, planned.count) }
        events.prepared(experiment.plan)
        if !experiment.prepared.data.warnings.isEmpty { events.warned(experiment.prepared.data.warnings) }

        let writer = JournalWriter(folder: opened, experiment: experiment, git: git, started: started, out: request.out)
        let reused = ReuseCounter()
        if let schedule = RungSchedule(experiment.plan) {
            // Rungs end runs part-way, which the run cache does not hold: a halving search trains.
            _ = await HalvingRunner.run(experiment.prepared, schedule: schedule, jobs: request.jobs, alreadyDone: earlier,
                                        shouldStop: { shouldStop() || writer.failed }, record: writer.accept, progress: events.progress)
        } else {
            let cache = request.runCache
            let toRun = planned.filter { opened?.journaled[$0.index] == nil }
            _ = await ExperimentRunner.run(experiment.prepared, jobs: request.jobs, runs: toRun,
                                           alreadyDone: earlier, cache: cache, reused: reused, shouldStop: { shouldStop() || writer.failed },
                                           record: writer.accept, progress: events.progress)
            cache?.log(reused: reused.value, stored: reused.stored)
        }
        events.trained()
        let folder = try await writer.close()
        if shouldStop(), folder.journaled.count < planned.count {
            return .interrupted(saved: folder.journaled.count, planned: planned.count, folder: folder.path)
        }
        if let shard = request.shard {
            try await finishShard(shard, folder: folder, runs: planned, experiment: experiment, shardsDirectory: target.shardsDirectory)
            return .shardDone(shard: shard, folder: folder.path, runs: planned.count, shardsDirectory: target.shardsDirectory)
        }
        let provenance = Provenance(
            runexpVersion: request.runexpVersion, git: await git.value, experimentFile: file,
            experimentSHA256: SHA256Digest.hex(of: experiment.text), planSHA256: SHA256Digest.hex(of: await experiment.planJSON.value),
            dataSHA256: experiment.dataSHA256, kernel: TrainingKernel.codePath, kernelInstructions: TrainingKernel.instructions,
            jobs: request.jobs,
            commandLine: request.commandLine, resumedRuns: earlier.count, cachedRuns: reused.value, started: started, finished: Date())
        let finished = try await finish(folder, experiment: experiment, provenance: provenance)
        return .finished(RunOutcome.FinishedRun(folder: folder.path, results: finished.results, bestCells: finished.best,
                                                effects: finished.effects, seconds: Date().timeIntervalSince(started),
                                                reused: reused.value))
    }

    /// `--shard` with a halving strategy: a rung ranks every cell, which no shard sees.
    static func shardedHalving(_ plan: Plan, file: String) -> DiagnosticError {
        let location = plan.locations.strategy ?? SourceLocation(file: file, line: 1, column: 1)
        return DiagnosticError([Diagnostic(
            location: location, keyPath: "search.strategy",
            message: "\(plan.strategy?.kind.rawValue ?? "halving") cannot run in shards: "
                + "each rung ranks every cell before any goes on, and a shard sees only its own runs",
            help: "run the experiment whole (one machine, any --jobs), or remove search.strategy to shard the full grid")])
    }

    private static func finishShard(_ shard: Shard, folder: ActiveResultFolder, runs: [RunID], experiment: SessionExperiment,
                                    shardsDirectory: String) async throws(SessionError) {
        let info = ShardFolder.Info(index: shard.index, count: shard.count, runs: runs.map(\.index),
                                    classes: experiment.prepared.data.classes,
                                    planSHA256: SHA256Digest.hex(of: await experiment.planJSON.value), dataSHA256: experiment.dataSHA256,
                                    kernel: TrainingKernel.codePath)
        do {
            try folder.finishShard(info)
        } catch {
            throw .finish(folder: folder.path, shard: true, reason: ErrorText.describe(error))
        }
    }

    /// Writes the tables, provenance and report, then removes the journal: the folder is complete.
    private static func finish(_ folder: ActiveResultFolder, experiment: SessionExperiment, provenance: Provenance)
        async throws(SessionError) -> (results: ExperimentResults, best: String, effects: String) {
        let plan = experiment.plan
        let classes = experiment.prepared.data.classes
        let records = folder.journaled.values.sorted { $0.run.index < $1.run.index }
        let provenanceJSON = ResultTables.json(provenance)
        // The report (from the numbers as stored), the tables (written as soon as made) and the
        // closing summary are independent: made side by side, the report from the start, the others
        // once the cells are summarized. The journal goes last, in finish, so the folder is complete
        // or resumable. plan.json is on disk already (openJournal wrote it).
        let summarized = ExperimentResults(plan: plan, classes: classes, records: records)
        let predictions = Predictions.ofBestCell(experiment.prepared, results: summarized)
        async let report = ReportFiles.render(plan: plan, classes: classes, records: records, predictions: predictions,
                                              provenanceJSON: provenanceJSON)
        let results = summarized.with(predictions: predictions)
        let path = folder.path
        async let tablesWritten: Void = ActiveResultFolder.writeFiles(
            [(ResultFiles.experiment, experiment.text)] + ExperimentRunner.tables(results) + [(ResultFiles.provenance, provenanceJSON)], in: path)
        async let summary = (best: BestCellsTable.render(results, limit: 10),
                             effects: EffectsSummary.render(results, reportPath: PathText.join(path, ResultFiles.report)))
        do {
            try await tablesWritten
            try folder.finish(files: await report)
        } catch {
            throw .finish(folder: folder.path, shard: false, reason: ErrorText.describe(error))
        }
        let closing = await summary
        return (results, closing.best, closing.effects)
    }
}
