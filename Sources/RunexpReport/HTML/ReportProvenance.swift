import Foundation
import RunexpResults

/// The facts of `provenance.json` that the report shows, read leniently.
///
/// Every field is optional and unknown keys are ignored, so folders written by older or newer
/// runexp versions still give a report. `data_sha256` may be one hash or an object of path → hash.
public struct ReportProvenance: Sendable {
    /// git: the full commit hash, the branch, and whether the work tree had uncommitted changes.
    public var commit: String?
    public var branch: String?
    public var dirty: Bool?
    /// Versions of runexp and of the Swift compiler that built it.
    public var runexpVersion: String?
    public var swiftVersion: String?
    /// The experiment file as given on the command line, and the SHA-256 of its bytes.
    public var experimentFile: String?
    public var experimentSHA256: String?
    /// (path, SHA-256) of each data file, sorted by path.
    public var data: [(path: String, sha256: String)] = []
    /// The machine: host name, operating system, CPU model, cores, and the `--jobs` used.
    public var host: String?
    public var operatingSystem: String?
    public var cpu: String?
    public var cores: Int?
    public var jobs: Int?
    /// The kernel's code path (it decides the last bits) and the instructions that ran its products.
    public var kernel: String?
    public var kernelInstructions: String?
    /// The arguments runexp was started with.
    public var commandLine: [String]?
    /// Runs taken from the journal of an interrupted process.
    public var resumedRuns: Int?
    /// Start and end of the run, ISO 8601 UTC, and the seconds between them.
    public var started: String?
    public var finished: String?
    public var wallSeconds: Double?

    /// Reads `json`, the text of a provenance.json; nil when it is not a JSON object.
    public init?(json: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else { return nil }
        let git = object["git"] as? [String: Any]
        commit = git?["commit"] as? String
        branch = git?["branch"] as? String
        dirty = git?["dirty"] as? Bool
        runexpVersion = object["runexp_version"] as? String
        swiftVersion = object["swift_version"] as? String
        experimentFile = object["experiment_file"] as? String
        experimentSHA256 = object["experiment_sha256"] as? String
        if let hashes = object["data_sha256"] as? [String: Any] {
            data = hashes.compactMap { key, value in (value as? String).map { (key, $0) } }.sorted { $0.path < $1.path }
        } else if let hash = object["data_sha256"] as? String {
            data = [((object["data_file"] as? String) ?? "data", hash)]
        }
        host = object["host"] as? String
        operatingSystem = object["os"] as? String
        cpu = object["cpu"] as? String
        cores = (object["cores"] as? NSNumber)?.intValue
        jobs = (object["jobs"] as? NSNumber)?.intValue
        kernel = object["kernel"] as? String
        kernelInstructions = object["kernel_instructions"] as? String
        commandLine = object["command_line"] as? [String]
        resumedRuns = (object["resumed_runs"] as? NSNumber)?.intValue
        started = object["started"] as? String
        finished = object["finished"] as? String
        wallSeconds = (object["wall_seconds"] as? NSNumber)?.doubleValue
    }

    /// (label, value) lines for a table, in reading order; fields that are absent are left out.
    public var rows: [(label: String, value: String)] {
        var rows: [(String, String)] = []
        if let commit {
            var details: [String] = []
            if let branch { details.append("branch \(branch)") }
            if dirty == true { details.append("uncommitted changes") }
            rows.append(("commit", commit + (details.isEmpty ? "" : " (" + details.joined(separator: ", ") + ")")))
        }
        if let experimentFile {
            rows.append(("experiment file", experimentFile + (experimentSHA256.map { ", SHA-256 \($0)" } ?? "")))
        }
        for file in data { rows.append(("data", "\(file.path), SHA-256 \(file.sha256)")) }
        if let started { rows.append(("started", started)) }
        if let finished { rows.append(("finished", finished)) }
        if let wallSeconds { rows.append(("wall time", FixedFormat.string(wallSeconds, digits: 1) + " s")) }
        if let resumedRuns, resumedRuns > 0 { rows.append(("resumed", "\(resumedRuns) runs taken from an interrupted process")) }
        var machine: [String] = []
        if let host { machine.append(host) }
        if let operatingSystem { machine.append(operatingSystem) }
        if let cpu { machine.append(cpu) }
        if let cores { machine.append("\(cores) cores") }
        if let jobs { machine.append("--jobs \(jobs)") }
        if !machine.isEmpty { rows.append(("machine", machine.joined(separator: ", "))) }
        if let runexpVersion { rows.append(("runexp", runexpVersion + (swiftVersion.map { ", Swift \($0)" } ?? ""))) }
        if let kernel { rows.append(("kernel", kernel + (kernelInstructions.map { ", products on \($0)" } ?? ""))) }
        if let commandLine, !commandLine.isEmpty { rows.append(("command", commandLine.joined(separator: " "))) }
        return rows
    }
}
