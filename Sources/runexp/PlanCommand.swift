import ArgumentParser
import Foundation
import RunexpExecution
import RunexpResults
import RunexpPlan
import RunexpReport
import RunexpSession

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
        if let jobs, !(1...ResourceLimits.jobs).contains(jobs) {
            throw ValidationError("--jobs must be from 1 to \(ResourceLimits.jobs) (at most \(ResourceLimits.jobs)), got \(jobs)")
        }
    }

    func run() throws {
        let plan: Plan
        let prepared: PreparedExperiment
        do {
            plan = try PlanParser.parse(contentsOf: file)
            prepared = try PreparedExperiment.prepare(plan, experimentFile: file)
            for warning in prepared.data.warnings { Terminal.error(warning) }
        } catch let error as DiagnosticError {
            throw Terminal.report(error)
        }
        switch format {
        case .json:
            Terminal.output(ResultTables.planJSON(plan))
        case .text:
            let jobs = jobs ?? ProcessInfo.processInfo.activeProcessorCount
            var estimate: CostEstimator.Estimate?
            if !noEstimate {
                // Reading the file and the data took as long as a run's start will; training is
                // timed on sample runs (each cut to a bounded amount of work); the result files and
                // the report are timed on stand-in records of at most a few thousand runs, scaled
                // to the whole plan.
                let startup = Date().timeIntervalSince(Runexp.started)
                var training = CostEstimator.estimate(prepared, jobs: jobs)
                let outputStart = Date()
                let sample = CostEstimator.outputSample(of: plan)
                let results = ExperimentResults(plan: sample, classes: prepared.data.classes, records: training.standInRecords(for: sample))
                _ = ExperimentRunner.files(results, experimentText: "", planJSON: ResultTables.planJSON(sample))
                _ = ReportFiles.render(results: results, provenanceJSON: nil)
                let output = Date().timeIntervalSince(outputStart)
                training.seconds += startup + (sample.runCount == plan.runCount ? output : output * training.outputScale(of: plan, sample: sample))
                estimate = training
            }
            Terminal.output(PlanSummary.render(prepared, estimate: estimate, jobs: jobs))
        }
    }
}
