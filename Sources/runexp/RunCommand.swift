import ArgumentParser
import Foundation
import RunexpExecution
import RunexpResults
import RunexpPlan
import RunexpReport
import RunexpSession

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

    @Option(help: ArgumentHelp("The run cache's folder (default: RUNEXP_CACHE, else .cache in the --out folder).", valueName: "DIR"))
    var cache: String?

    @Flag(help: "Train every run: neither read nor write the run cache.")
    var noCache = false

    /// `--resume` given without a folder (the argument preprocessor inserts this).
    static let newestFolder = "@newest"

    func validate() throws {
        if out.isEmpty { throw ValidationError(Terminal.emptyOutMessage) }
        if cache != nil && noCache { throw ValidationError("--cache and --no-cache cannot be used together") }
        if cache?.isEmpty == true { throw ValidationError("--cache is empty; name the run cache's folder, or use --no-cache") }
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
        var request = RunRequest(experimentFile: file, jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount, repetitions: repetitions,
                                 out: out, resume: resume.map { $0 == Self.newestFolder ? .newest : .folder($0) },
                                 shard: try requestedShard(), commandLine: CommandLine.arguments, runexpVersion: RunexpVersion.current)
        request.cache = Self.cacheChoice(flag: cache, off: noCache, environment: ProcessInfo.processInfo.environment)
        let interruption = Interruption()
        let progress = ProgressPrinter(enabled: !quiet)
        var events = RunSession.Events()
        events.prepared = { progress.metric = $0.objective.metric.description }
        events.warned = { for warning in $0 { Terminal.error(warning) } }
        // Said even with --quiet (which only silences progress): a cluster log should show it.
        events.resumed = { folder, done, planned in Terminal.error("Resuming \(folder): \(done) of \(planned) runs already done.") }
        events.progress = { progress.update($0) }
        events.trained = { progress.finish() }
        let outcome: RunOutcome
        do {
            outcome = try await RunSession.run(request, events: events, shouldStop: { interruption.requested })
        } catch {
            throw exit(for: error, shard: request.shard)
        }
        try show(outcome)
    }

    /// `--no-cache`, else `--cache DIR`, else a non-empty `RUNEXP_CACHE`, else `.cache` beside the results.
    static func cacheChoice(flag: String?, off: Bool, environment: [String: String]) -> RunRequest.CacheChoice {
        if off { return .off }
        if let flag { return .directory(flag) }
        if let variable = environment["RUNEXP_CACHE"], !variable.isEmpty { return .directory(variable) }
        return .beside
    }

    /// Prints a session's failure and gives its exit status.
    private func exit(for error: SessionError, shard: Shard?) -> ExitCode {
        switch error {
        case .invalid(let diagnostics):
            return Terminal.report(diagnostics)
        case .shard(let error):
            Terminal.error("error: \(error)")
            return ExitCode(ExitStatus.invalidInput)
        case .folder(let error, let shardFolder):
            Terminal.error("error: \(error)")
            if let shard, let shardFolder {
                // A shard has no --resume: its folder is where it resumes from.
                Terminal.error("(shard \(shard) resumes from '\(shardFolder)': delete that folder to run the shard afresh)")
            }
            return ExitCode(ExitStatus.invalidInput)
        case .cannotCreate(let directory, let reason):
            Terminal.error("error: cannot create a result folder under '\(directory)': \(reason)")
        case .journal(let folder, let reason):
            Terminal.error("error: cannot write the journal of '\(folder)': \(reason)")
        case .finish(let folder, let isShard, let reason):
            Terminal.error("error: cannot finish the \(isShard ? "shard " : "result ")folder '\(folder)': \(reason)")
        }
        return ExitCode(ExitStatus.runFailed)
    }

    /// Prints how the session ended; an interruption exits 130.
    private func show(_ outcome: RunOutcome) throws {
        let q = Terminal.shellQuoted
        // The printed commands are pasted into a shell: quoted, and with the flags that change the plan.
        let outFlag = out == "results" ? "" : " --out \(q(out))"
        let planFlags = repetitions.map { " --repetitions \($0)" } ?? ""
        switch outcome {
        case .shardAlreadyDone(let shard, let folder):
            Terminal.output("Shard \(shard) is already done: \(folder)\n")
        case .interrupted(let saved, let planned, let folder):
            Terminal.error("Interrupted: \(saved) of \(planned) runs are saved in \(folder).")
            let again = (try? requestedShard()).flatMap { $0.map { "--shard \($0)" } } ?? "--resume \(q(folder))"
            Terminal.error("Resume with: runexp run \(q(file)) \(again)" + planFlags + outFlag)
            throw ExitCode(130)
        case .shardDone(let shard, let folder, let runs, let shardsDirectory):
            Terminal.output("Shard \(shard) done: \(runs) runs in \(folder)\n")
            Terminal.output("When every shard is done: runexp merge \(q(shardsDirectory))" + outFlag + "\n")
        case .finished(let run):
            let plan = run.results.plan
            let diverged = run.results.divergedCount
            Terminal.output("\nBest cells by \(plan.objective.metric) (\(plan.objective.goal.rawValue)):\n")
            Terminal.output(run.bestCells)
            Terminal.output("\n\(run.results.records.count) runs of \(plan.cells.count) cells"
                + (diverged > 0 ? ", \(diverged) diverged" : "") + " in \(ProgressLine.duration(run.seconds))"
                + (run.reused > 0 ? " (reused \(run.reused) of \(run.results.records.count) runs from the cache)" : "") + "\n")
            Terminal.output("\n" + run.effects)
            Terminal.output("Results: \(run.folder)\n")
        }
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
