import Foundation
import RunexpExecution
import RunexpResults
import RunexpPlan

/// An experiment file parsed, its data loaded and checked: what every part of a session needs.
struct SessionExperiment: Sendable {
    let file: String
    let plan: Plan
    let prepared: PreparedExperiment
    /// The file's bytes as read, and as text (the parser has checked it is UTF-8).
    let bytes: Data
    var text: String { String(decoding: bytes, as: UTF8.self) }
    /// plan.json, encoded once (for plan.json, the shard folder's name, the journal's and
    /// provenance's hashes) while the data loads and the first runs train.
    let planJSON: Background<String>
    /// The data file's SHA-256 by its normalized path, as the journal and provenance record it.
    var dataSHA256: [String: String] {
        var hashes = [PathNormalizer.normalize(plan.data.path): prepared.data.sha256]
        if let path = plan.data.testPath, let sha256 = prepared.data.testSHA256 { hashes[PathNormalizer.normalize(path)] = sha256 }
        return hashes
    }

    /// Parses `file` (with `repetitions` overriding the file's) and loads its data; the data loads
    /// while the cells are resolved (the parser hands the data section over first).
    static func load(_ file: String, repetitions: Int?) async throws(SessionError) -> SessionExperiment {
        var loading: Background<Result<LabeledData, any Error>>?
        let plan: Plan
        do {
            var parsed = try PlanParser.parse(contentsOf: file) { data, task in
                loading = Background { Result { try DataLoader.load(data, task: task, experimentFile: file) } }
            }
            if let repetitions { parsed.repetitions = repetitions }
            plan = parsed
        } catch let error as DiagnosticError {
            throw .invalid(error)
        } catch {
            throw .invalid(DiagnosticError([Diagnostic(location: SourceLocation(file: file, line: 1, column: 1), keyPath: "",
                                                       message: "cannot read the experiment file: \(ErrorText.describe(error))")]))
        }
        let planJSON = Background { ResultTables.planJSON(plan) }
        let prepared: PreparedExperiment
        do {
            if let loading {
                prepared = try PreparedExperiment.prepare(plan, data: try await loading.value.get(), experimentFile: file)
            } else {
                prepared = try PreparedExperiment.prepare(plan, experimentFile: file)
            }
        } catch let error as DiagnosticError {
            throw .invalid(error)
        } catch {
            throw .invalid(DiagnosticError([Diagnostic(location: SourceLocation(file: file, line: 1, column: 1), keyPath: "data",
                                                       message: "cannot load the data: \(ErrorText.describe(error))")]))
        }
        // The parser read at most ResourceLimits.experimentBytes of it; so does this.
        let bytes = FileManager.default.contents(atPath: file).map { $0.prefix(ResourceLimits.experimentBytes) } ?? Data()
        return SessionExperiment(file: file, plan: plan, prepared: prepared, bytes: Data(bytes), planJSON: planJSON)
    }
}
