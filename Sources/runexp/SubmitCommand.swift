import ArgumentParser
import Foundation
import RunexpExecution
import RunexpResults
import RunexpPlan
import RunexpSession

/// `runexp submit FILE --slurm`: runs an experiment as a Slurm job array plus a merge job.
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit an experiment to a cluster as a job array, one task per shard, and a merge job.",
        discussion: """
            Writes run.sbatch and merge.sbatch into the plan's shard folder (results/<name>/shards/<id>), \
            submits the array with sbatch --array=0-(N-1) and the merge with --dependency=afterok. A failed \
            task can be resubmitted alone (sbatch --array=K run.sbatch): its shard resumes from its journal.
            """
    )

    @Argument(help: "The experiment file (YAML).")
    var file: String

    @Flag(help: "Submit to Slurm (the one scheduler supported).")
    var slurm = false

    @Option(help: "Tasks in the job array (shards).")
    var arraySize: Int

    @Option(help: "Slurm partition.")
    var partition: String?

    @Option(help: "Time limit per task, as Slurm takes it (e.g. 00:30:00).")
    var time: String?

    @Option(help: "CPUs per task; each task runs that many runs at once.")
    var cpusPerTask: Int = 1

    @Option(help: "Folder that holds result folders (shared by the cluster's nodes).")
    var out: String = "results"

    @Flag(help: "Write the scripts and print the sbatch commands without submitting.")
    var dryRun = false

    func validate() throws {
        guard slurm else { throw ValidationError("say which scheduler: --slurm") }
        if out.isEmpty { throw ValidationError(Terminal.emptyOutMessage) }
        if arraySize < 1 || arraySize > ResourceLimits.shards {
            throw ValidationError("--array-size must be from 1 to \(ResourceLimits.shards) (at most \(ResourceLimits.shards) shards), got \(arraySize)")
        }
        if cpusPerTask < 1 || cpusPerTask > ResourceLimits.jobs {
            throw ValidationError("--cpus-per-task must be from 1 to \(ResourceLimits.jobs), got \(cpusPerTask)")
        }
        if let partition, let problem = SlurmScripts.partitionProblem(partition) { throw ValidationError("--partition \(problem)") }
        if let time, let problem = SlurmScripts.timeProblem(time) { throw ValidationError("--time \(problem)") }
        if let problem = SlurmScripts.pathProblem(out) { throw ValidationError("--out \(problem)") }
        if let problem = SlurmScripts.pathProblem(file) { throw ValidationError("the experiment file's path \(problem)") }
    }

    func run() async throws {
        let plan: Plan
        do {
            plan = try PlanParser.parse(contentsOf: file)
            _ = try PreparedExperiment.prepare(plan, experimentFile: file)
        } catch let error as DiagnosticError {
            throw Terminal.report(error)
        }
        let workingDirectory = FileManager.default.currentDirectoryPath
        if let problem = SlurmScripts.pathProblem(workingDirectory) {
            Terminal.error("error: the working directory \(problem)")
            throw ExitCode(ExitStatus.invalidInput)
        }
        let git = await GitState.probe(experimentFile: file)
        let directory = ShardFolder.shardsDirectory(root: out, plan: plan, planJSON: ResultTables.planJSON(plan), git: git)
        let scripts = SlurmScripts(
            runexp: Self.executablePath, workingDirectory: workingDirectory, file: file, out: out,
            shardsDirectory: directory, name: plan.name, arraySize: arraySize, partition: partition, time: time, cpusPerTask: cpusPerTask)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try scripts.runScript.write(toFile: scripts.runPath, atomically: true, encoding: .utf8)
            try scripts.mergeScript.write(toFile: scripts.mergePath, atomically: true, encoding: .utf8)
        } catch {
            Terminal.error("error: cannot write the job scripts into '\(directory)': \(ErrorText.describe(error))")
            throw ExitCode(ExitStatus.runFailed)
        }
        let arrayCommand = ["sbatch", "--parsable", "--array=0-\(arraySize - 1)", scripts.runPath]
        if dryRun {
            Terminal.output("Wrote \(scripts.runPath) and \(scripts.mergePath)\n")
            Terminal.output("Would run: \(arrayCommand.joined(separator: " "))\n")
            Terminal.output("Then: sbatch --parsable --kill-on-invalid-dep=yes --dependency=afterok:<array job id> \(scripts.mergePath)\n")
            return
        }
        let arrayJob = try sbatch(arrayCommand)
        let mergeJob = try sbatch(["sbatch", "--parsable", "--kill-on-invalid-dep=yes", "--dependency=afterok:\(arrayJob)", scripts.mergePath])
        Terminal.output("Submitted array job \(arrayJob) (\(arraySize) tasks) and merge job \(mergeJob).\n")
        Terminal.output("Follow: squeue -j \(arrayJob),\(mergeJob)   runexp status \(directory)\n")
        Terminal.output("A failed task K: sbatch --array=K \(scripts.runPath) (it resumes), then runexp merge \(directory) --out \(out)\n")
    }

    /// Runs sbatch and returns the job id it prints with --parsable.
    private func sbatch(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            Terminal.error("error: cannot run sbatch: \(ErrorText.describe(error))")
            throw ExitCode(ExitStatus.runFailed)
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, let id = text.split(separator: ";").first?.trimmingCharacters(in: .whitespacesAndNewlines),
              !id.isEmpty
        else {
            Terminal.error("error: \(arguments.joined(separator: " ")) failed: \(message.isEmpty ? text : message)")
            throw ExitCode(ExitStatus.runFailed)
        }
        return id
    }

    /// This runexp binary's absolute path, for the job scripts.
    static var executablePath: String {
        let path = Bundle.main.executablePath ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }
}
