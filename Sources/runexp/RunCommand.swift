import ArgumentParser
import Foundation
import RunexpExecution
import RunexpPlan
import RunexpReport

/// `runexp run FILE`: trains every cell × repetition × fold and writes a result folder.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run an experiment and write its result folder.",
        discussion: """
            Finished runs are journaled as they complete. After an interruption (Ctrl-C, a killed \
            process), `--resume` continues the newest unfinished folder of the experiment, or \
            `--resume DIR` a given one, re-running only what is missing.
            """
    )

    @Argument(help: "The experiment file (YAML).")
    var file: String

    @Option(help: "Runs trained at once (default: all cores).")
    var jobs: Int?

    @Option(help: "Override search.repetitions.")
    var repetitions: Int?

    @Option(help: "Folder that holds result folders.")
    var out: String = "results"

    @Option(help: ArgumentHelp("Resume an unfinished result folder: DIR, or alone for the newest one.", valueName: "DIR"))
    var resume: String?

    @Option(help: ArgumentHelp("Run only shard I of N (balanced by estimated cost) into the plan's shard folder.", valueName: "I/N"))
    var shard: String?

    @Flag(help: "Take the shard from SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT (or JOB_COMPLETION_INDEX with --shard-count).")
    var shardFromEnv = false

    @Option(help: "The number of shards, with --shard-from-env when the environment does not say.")
    var shardCount: Int?

    @Flag(help: "No progress line (the closing summary still prints).")
    var quiet = false

    /// `--resume` given without a folder (the argument preprocessor inserts this).
    static let newestFolder = "@newest"

    func validate() throws {
        if let jobs, !(1...ResourceLimits.jobs).contains(jobs) {
            throw ValidationError("--jobs must be from 1 to \(ResourceLimits.jobs) (at most \(ResourceLimits.jobs)), got \(jobs)")
        }
        if let repetitions, !(1...ResourceLimits.repetitions).contains(repetitions) {
            throw ValidationError("--repetitions must be from 1 to \(ResourceLimits.repetitions) (at most \(ResourceLimits.repetitions)), got \(repetitions)")
        }
        if let shard {
            guard let parsed = Shard(shard) else {
                throw ValidationError("--shard takes I/N with 1 ≤ I ≤ N ≤ \(ResourceLimits.shards), got '\(shard.prefix(60))'")
            }
            if parsed.count > ResourceLimits.shards {
                throw ValidationError("--shard \(parsed): at most \(ResourceLimits.shards) shards, got \(parsed.count)")
            }
        }
        if shard != nil && shardFromEnv { throw ValidationError("--shard and --shard-from-env cannot be used together") }
        if shard != nil || shardFromEnv, resume != nil {
            throw ValidationError("a shard resumes by itself; drop --resume")
        }
        if let shardCount, !(1...ResourceLimits.shards).contains(shardCount) {
            throw ValidationError("--shard-count must be from 1 to \(ResourceLimits.shards) (at most \(ResourceLimits.shards) shards), got \(shardCount)")
        }
    }

    /// The shard to run, from --shard or the environment; nil for an ordinary run.
    func requestedShard() throws -> Shard? {
        if let shard { return Shard(shard) }
        guard shardFromEnv else { return nil }
        switch Shard.fromEnvironment(ProcessInfo.processInfo.environment, count: shardCount) {
        case .success(let shard):
            guard shard.count <= ResourceLimits.shards else {
                throw ValidationError("--shard-from-env: the environment gives \(shard.count) shards; at most \(ResourceLimits.shards)")
            }
            return shard
        case .failure(let error): throw ValidationError("--shard-from-env: \(error)")
        }
    }

    func run() async throws {
        let started = Date()
        // git runs in its own process while this one parses the file, loads the data and, for a new
        // folder (whose name holds the commit), trains the first runs.
        let probedGit = Background(settledBeforeExit: true) { await GitState.probe(experimentFile: file) }
        let plan: Plan
        // The data file (the plan's data section, handed over before the cells) loads while the
        // cells are resolved.
        var loading: Background<Result<LabeledData, any Error>>?
        do {
            var parsed = try PlanParser.parse(contentsOf: file) { [file] data in
                loading = Background { Result { try DataLoader.load(data, experimentFile: file) } }
            }
            if let repetitions { parsed.repetitions = repetitions }
            plan = parsed
        } catch let error as DiagnosticError {
            throw Terminal.report(error)
        }
        // Encoded once (plan.json, the shard folder's name, the shard's and provenance's hashes),
        // while the data loads and, for a new folder, while the first runs train.
        let encodedPlan = Background { ResultTables.planJSON(plan) }
        let prepared: PreparedExperiment
        do {
            if let loading {
                prepared = try PreparedExperiment.prepare(plan, data: try await loading.value.get(), experimentFile: file)
            } else {
                prepared = try PreparedExperiment.prepare(plan, experimentFile: file)
            }
        } catch let error as DiagnosticError {
            throw Terminal.report(error)
        }
        let experimentData = FileManager.default.contents(atPath: file) ?? Data()
        let experimentText = String(decoding: experimentData, as: UTF8.self)
        let experimentDirectory = (out as NSString).appendingPathComponent(plan.name)
        let shard = try requestedShard()
        // Recorded in the journal's header when the folder starts; a resume on other data is refused.
        let dataSHA256 = [PathNormalizer.normalize(plan.data.path): prepared.data.sha256]
        let shardRuns = shard.map { ShardPlanner.runs(of: $0, in: prepared) }
        let shardsDirectory = shard == nil ? ""
            : ShardFolder.shardsDirectory(root: out, plan: plan, planJSON: await encodedPlan.value, git: await probedGit.value)

        /// Reports a folder that cannot be made or opened; nil when the caller should return quietly.
        func folderFailure(_ error: Error) -> ExitCode? {
            if let error = error as? ResultFolderError {
                if case .alreadyFinished = error, let shard {
                    Terminal.output("Shard \(shard) is already done: \(Self.shardFolder(shard, in: shardsDirectory))\n")
                    return nil
                }
                Terminal.error("error: \(error)")
                if let shard {
                    // A shard has no --resume: its folder is where it resumes from.
                    Terminal.error("(shard \(shard) resumes from '\(Self.shardFolder(shard, in: shardsDirectory))': delete that folder to run the shard afresh)")
                }
                return ExitCode(ExitStatus.invalidInput)
            }
            Terminal.error("error: cannot create a result folder under '\(experimentDirectory)': \(error.localizedDescription)")
            return ExitCode(ExitStatus.runFailed)
        }
        // A shard's or a resumed folder opens now; a new one is made once git has answered (see the
        // record callback), and until then finished runs wait in memory.
        var opened: ActiveResultFolder?
        do {
            if let shard, let shardRuns {
                let folder = try ActiveResultFolder.openShard(at: (shardsDirectory as NSString).appendingPathComponent(shard.folderName),
                                                              plan: plan, planJSON: await encodedPlan.value, dataSHA256: dataSHA256,
                                                              classCount: prepared.data.classes.count, experimentText: experimentText)
                try folder.recordAssignment(ShardFolder.Assignment(index: shard.index, count: shard.count, runs: shardRuns.map(\.index)))
                opened = folder
            } else if let resume {
                let path = resume == Self.newestFolder ? ActiveResultFolder.unfinished(in: experimentDirectory).last : resume
                guard let path else { throw ResultFolderError.nothingToResume(directory: experimentDirectory) }
                opened = try ActiveResultFolder.resume(path, plan: plan, planJSON: await encodedPlan.value, dataSHA256: dataSHA256,
                                                      classCount: prepared.data.classes.count)
            }
        } catch {
            if let exit = folderFailure(error) { throw exit }
            return
        }
        func newFolder(_ git: GitState) throws -> ActiveResultFolder {
            try ActiveResultFolder.create(in: experimentDirectory, name: ResultFolder.folderName(started: started, git: git),
                                          experimentText: experimentText)
        }

        let jobs = jobs ?? ProcessInfo.processInfo.activeProcessorCount
        let interruption = Interruption()
        let earlier = (opened?.journaled.values).map { $0.sorted { $0.run.index < $1.run.index } } ?? []
        let planned = shardRuns ?? plan.runs
        let remaining = planned.filter { opened?.journaled[$0.index] == nil }
        // Said even with --quiet (which only silences progress): a cluster log should show it.
        if let opened, !earlier.isEmpty {
            Terminal.error("Resuming \(opened.path): \(earlier.count) of \(planned.count) runs already done.")
        }
        let progress = ProgressPrinter(enabled: !quiet, metric: plan.objective.metric.description)
        var journalError: Error?
        var folderError: Error?
        var waiting: [RunRecord] = []
        _ = await ExperimentRunner.run(prepared, jobs: jobs, runs: remaining, alreadyDone: earlier,
                                       shouldStop: { interruption.requested || journalError != nil || folderError != nil },
                                       record: { record in
                                           if opened == nil {
                                               guard let git = probedGit.ready else {
                                                   waiting.append(record)
                                                   return
                                               }
                                               do { opened = try newFolder(git) } catch {
                                                   folderError = error
                                                   return
                                               }
                                           }
                                           do {
                                               let folder = opened!
                                               for earlierRecord in waiting { try folder.append(earlierRecord) }
                                               waiting = []
                                               if !folder.isJournalOpen, let json = encodedPlan.ready {
                                                   try folder.openJournal(planJSON: json, dataSHA256: dataSHA256)
                                               }
                                               try folder.append(record)
                                           } catch {
                                               journalError = error
                                           }
                                       },
                                       progress: { progress.update($0) })
        progress.finish()
        if opened == nil, folderError == nil {
            do { opened = try newFolder(await probedGit.value) } catch { folderError = error }
        }
        if let folderError {
            if let exit = folderFailure(folderError) { throw exit }
            return
        }
        let folder = opened!
        let planJSON = await encodedPlan.value
        if journalError == nil {
            do {
                for record in waiting { try folder.append(record) }
                try folder.openJournal(planJSON: planJSON, dataSHA256: dataSHA256)
            } catch {
                journalError = error
            }
        }
        let git = await probedGit.value
        let planSHA256 = SHA256Digest.hex(of: planJSON)
        if let journalError {
            Terminal.error("error: cannot write the journal of '\(folder.path)': \(journalError.localizedDescription)")
            throw ExitCode(ExitStatus.runFailed)
        }
        if interruption.requested, folder.journaled.count < planned.count {
            Terminal.error("Interrupted: \(folder.journaled.count) of \(planned.count) runs are saved in \(folder.path).")
            let again = shard.map { "--shard \($0)" } ?? "--resume \(folder.path)"
            Terminal.error("Resume with: runexp run \(file) \(again)" + (out == "results" ? "" : " --out \(out)"))
            throw ExitCode(130)
        }
        if let shard {
            let info = ShardFolder.Info(index: shard.index, count: shard.count, runs: planned.map(\.index), classes: prepared.data.classes,
                                        planSHA256: planSHA256,
                                        dataSHA256: dataSHA256)
            do {
                try folder.finishShard(info)
            } catch {
                Terminal.error("error: cannot finish the shard folder '\(folder.path)': \(error.localizedDescription)")
                throw ExitCode(ExitStatus.runFailed)
            }
            Terminal.output("Shard \(shard) done: \(planned.count) runs in \(folder.path)\n")
            Terminal.output("When every shard is done: runexp merge \(shardsDirectory)" + (out == "results" ? "" : " --out \(out)") + "\n")
            return
        }

        let records = folder.journaled.values.sorted { $0.run.index < $1.run.index }
        let provenance = Provenance(
            runexpVersion: RunexpVersion.current, git: git, experimentFile: file,
            experimentSHA256: SHA256Digest.hex(of: experimentData), planSHA256: planSHA256,
            dataSHA256: dataSHA256, jobs: jobs,
            commandLine: CommandLine.arguments, resumedRuns: earlier.count, started: started, finished: Date())
        let provenanceJSON = ResultTables.json(provenance)
        // The report (from the numbers as stored), the tables (written as soon as made) and the
        // closing summary are independent: made side by side, the report from the start, the others
        // once the cells are summarized. The journal goes last, in finish, so the folder is complete
        // or resumable. plan.json is on disk already (openJournal wrote it).
        async let report = ReportFiles.render(plan: plan, classes: prepared.data.classes, records: records,
                                              provenanceJSON: provenanceJSON)
        let results = ExperimentResults(plan: plan, classes: prepared.data.classes, records: records)
        let path = folder.path
        async let tablesWritten: Void = ActiveResultFolder.writeFiles(
            [("experiment.yaml", experimentText)] + ExperimentRunner.tables(results) + [("provenance.json", provenanceJSON)], in: path)
        async let summary = (best: BestCellsTable.render(results, limit: 10),
                             effects: EffectsSummary.render(results, reportPath: (path as NSString).appendingPathComponent("report.html")))
        do {
            try await tablesWritten
            try folder.finish(files: await report)
        } catch {
            Terminal.error("error: cannot finish the result folder '\(folder.path)': \(error.localizedDescription)")
            throw ExitCode(ExitStatus.runFailed)
        }

        let diverged = results.divergedCount
        let closing = await summary
        Terminal.output("\nBest cells by \(plan.objective.metric) (\(plan.objective.goal.rawValue)):\n")
        Terminal.output(closing.best)
        Terminal.output("\n\(records.count) runs of \(plan.cells.count) cells"
            + (diverged > 0 ? ", \(diverged) diverged" : "")
            + " in \(ProgressLine.duration(Date().timeIntervalSince(started)))\n")
        Terminal.output("\n" + closing.effects)
        Terminal.output("Results: \(folder.path)\n")
    }

    private static func shardFolder(_ shard: Shard, in directory: String) -> String {
        (directory as NSString).appendingPathComponent(shard.folderName)
    }

    /// Lets `--resume` stand alone: inserts ``newestFolder`` when no folder follows it.
    static func preprocess(_ arguments: [String]) -> [String] {
        var result: [String] = []
        for (index, argument) in arguments.enumerated() {
            result.append(argument)
            if argument == "--resume" {
                let next = index + 1 < arguments.count ? arguments[index + 1] : nil
                if next == nil || next!.hasPrefix("-") || next!.hasSuffix(".yaml") || next!.hasSuffix(".yml") {
                    result.append(newestFolder)
                }
            }
        }
        return result
    }
}
