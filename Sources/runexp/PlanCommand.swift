import ArgumentParser
import Foundation
import RunexpExecution
import RunexpPlan
import RunexpReport

/// `runexp plan FILE`: the resolved plan without running it.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show the resolved plan: axes, cells, runs and training steps."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: "The experiment file (YAML).")
    var file: String

    @Option(help: "text or json (the resolved plan, as plan.json).")
    var format: Format = .text

    @Option(help: "Workers the estimate assumes (default: all cores).")
    var jobs: Int?

    @Flag(help: "Skip the timing of sample runs behind the wall-time estimate.")
    var noEstimate = false

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
    }

    func run() throws {
        let plan: Plan
        let prepared: PreparedExperiment
        do {
            plan = try PlanParser.parse(contentsOf: file)
            prepared = try PreparedExperiment.prepare(plan, experimentFile: file)
        } catch let error as DiagnosticError {
            throw Terminal.report(error)
        }
        switch format {
        case .json:
            Terminal.output(ResultTables.planJSON(plan))
        case .text:
            let jobs = jobs ?? ProcessInfo.processInfo.activeProcessorCount
            let estimate = noEstimate ? nil : CostEstimator.estimate(prepared, jobs: jobs)
            Terminal.output(PlanSummary.render(prepared, estimate: estimate, jobs: jobs))
        }
    }
}
