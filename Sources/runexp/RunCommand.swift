import ArgumentParser
import Foundation
import RunexpExecution
import RunexpPlan
import RunexpReport

/// `runexp run FILE`: trains every cell × repetition × fold and writes a result folder.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run an experiment and write its result folder."
    )

    @Argument(help: "The experiment file (YAML).")
    var file: String

    @Option(help: "Runs trained at once (default: all cores).")
    var jobs: Int?

    @Option(help: "Override search.repetitions.")
    var repetitions: Int?

    @Option(help: "Folder that holds result folders.")
    var out: String = "results"

    @Flag(help: "No progress line.")
    var quiet = false

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        if let repetitions, repetitions < 1 { throw ValidationError("--repetitions must be at least 1, got \(repetitions)") }
    }

    func run() async throws {
        let started = Date()
        var plan: Plan
        let prepared: PreparedExperiment
        do {
            plan = try PlanParser.parse(contentsOf: file)
            if let repetitions { plan.repetitions = repetitions }
            prepared = try PreparedExperiment.prepare(plan, experimentFile: file)
        } catch let error as DiagnosticError {
            throw Terminal.report(error)
        }
        let jobs = jobs ?? ProcessInfo.processInfo.activeProcessorCount
        let progress = ProgressPrinter(enabled: !quiet, metric: plan.objective.metric.description)
        let records = await ExperimentRunner.run(prepared, jobs: jobs) { progress.update($0) }
        progress.finish()

        let results = ExperimentResults(plan: plan, classes: prepared.data.classes, records: records)
        let experimentData = FileManager.default.contents(atPath: file) ?? Data()
        let experimentText = String(decoding: experimentData, as: UTF8.self)
        let git = GitState.probe(directory: (file as NSString).deletingLastPathComponent)
        let provenance = Provenance(
            runexpVersion: RunexpVersion.current, git: git, experimentFile: file,
            experimentSHA256: SHA256Digest.hex(of: experimentData), dataFile: PathNormalizer.normalize(plan.data.path),
            dataSHA256: prepared.data.sha256, jobs: jobs, commandLine: CommandLine.arguments,
            started: started, finished: Date())
        let files = ExperimentRunner.files(results, experimentText: experimentText)
            + [("provenance.json", ResultTables.json(provenance))]
        let folder: String
        do {
            folder = try ResultFolder(root: out, experimentName: plan.name)
                .write(files: files, name: ResultFolder.folderName(started: started, git: git))
        } catch {
            Terminal.error("error: cannot write the result folder under '\(out)': \(error.localizedDescription)")
            throw ExitCode(ExitStatus.runFailed)
        }

        let diverged = results.divergedCount
        Terminal.output("\nBest cells by \(plan.objective.metric) (\(plan.objective.goal.rawValue)):\n")
        Terminal.output(BestCellsTable.render(results, limit: 10))
        Terminal.output("\n\(records.count) runs of \(plan.cells.count) cells"
            + (diverged > 0 ? ", \(diverged) diverged" : "")
            + " in \(ProgressLine.duration(Date().timeIntervalSince(started)))\n")
        Terminal.output("Results: \(folder)\n")
    }
}

/// Draws progress on stderr: redrawn in place on a terminal, a plain line every 5 s otherwise.
final class ProgressPrinter: @unchecked Sendable {
    private let enabled: Bool
    private let interactive: Bool
    private let metric: String
    private var lastDraw = Date.distantPast
    private var drewInPlace = false

    init(enabled: Bool, metric: String) {
        self.enabled = enabled
        self.interactive = Terminal.stderrIsTerminal
        self.metric = metric
    }

    func update(_ progress: ExperimentRunner.Progress) {
        guard enabled else { return }
        let now = Date()
        let interval = interactive ? 0.1 : 5.0
        guard now.timeIntervalSince(lastDraw) >= interval || progress.done == progress.total else { return }
        lastDraw = now
        let line = ProgressLine.render(progress, metric: metric)
        if interactive {
            FileHandle.standardError.write(Data("\r\u{1B}[2K\(line)".utf8))
            drewInPlace = true
        } else {
            Terminal.error(line)
        }
    }

    func finish() {
        if drewInPlace { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
