import ArgumentParser
import RunexpExecution
import RunexpResults
import RunexpPlan

/// `runexp validate FILE...`: checks files, prints nothing but errors.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check experiment files and their data; print nothing but errors (exit 1 on any)."
    )

    @Argument(help: "Experiment files (YAML).")
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one experiment file") }
    }

    func run() throws {
        var failed = false
        for file in files {
            do {
                let plan = try PlanParser.parse(contentsOf: file)
                _ = try PreparedExperiment.prepare(plan, experimentFile: file)
            } catch let error as DiagnosticError {
                _ = Terminal.report(error)
                failed = true
            }
        }
        if failed { throw ExitCode(ExitStatus.invalidInput) }
    }
}
