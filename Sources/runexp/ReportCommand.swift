import ArgumentParser
import Foundation
import RunexpPlan
import RunexpExecution
import RunexpResults
import RunexpReport

/// `runexp report DIR`: redraws `plots/*.svg` and `report.html` of a result folder.
///
/// Reads the folder first and writes nothing unless all of it reads: a missing or broken file
/// exits 1 with a one-line error naming it. Each file is replaced atomically.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Redraw the plots and report.html of a result folder.",
        discussion: "DIR is a result folder, or an experiment's folder (results/<name>) for its latest result folder."
    )

    @Argument(help: "The result folder.")
    var folder: String

    func run() throws {
        let contents: ResultFolderReader.Contents
        do {
            contents = try ResultFolderReader.read(folder)
        } catch let error as ResultFolderReadError {
            Terminal.error(error.description)
            throw ExitCode(ExitStatus.invalidInput)
        }
        let files = ReportFiles.render(results: contents.results, provenanceJSON: contents.provenanceJSON)
        do {
            try ReportWriter.write(files, into: contents.folder)
        } catch {
            Terminal.error("\(contents.folder): error: cannot write the report: \(ErrorText.describe(error))")
            throw ExitCode(ExitStatus.runFailed)
        }
        let report = PathText.join(contents.folder, ResultFiles.report)
        Terminal.output("Report: \(report)\n")
    }
}
