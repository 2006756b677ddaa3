import Foundation

/// Where and how a result folder was made; the one file that differs between identical runs.
public struct Provenance: Sendable, Codable {
    public var runexpVersion: String
    public var git: GitState
    /// The experiment file as given on the command line.
    public var experimentFile: String
    /// SHA-256 of the experiment file's bytes.
    public var experimentSHA256: String
    /// The data file as the plan resolved it, and its SHA-256.
    public var dataFile: String
    public var dataSHA256: String
    public var host: String
    public var operatingSystem: String
    public var cores: Int
    public var jobs: Int
    public var commandLine: [String]
    /// ISO 8601 UTC.
    public var started: String
    public var finished: String
    public var wallSeconds: Double

    enum CodingKeys: String, CodingKey {
        case runexpVersion = "runexp_version", git, experimentFile = "experiment_file"
        case experimentSHA256 = "experiment_sha256", dataFile = "data_file", dataSHA256 = "data_sha256"
        case host, operatingSystem = "os", cores, jobs, commandLine = "command_line", started, finished
        case wallSeconds = "wall_seconds"
    }

    public init(runexpVersion: String, git: GitState, experimentFile: String, experimentSHA256: String, dataFile: String,
                dataSHA256: String, jobs: Int, commandLine: [String], started: Date, finished: Date) {
        self.runexpVersion = runexpVersion
        self.git = git
        self.experimentFile = experimentFile
        self.experimentSHA256 = experimentSHA256
        self.dataFile = dataFile
        self.dataSHA256 = dataSHA256
        self.host = ProcessInfo.processInfo.hostName
        self.operatingSystem = ProcessInfo.processInfo.operatingSystemVersionString
        self.cores = ProcessInfo.processInfo.activeProcessorCount
        self.jobs = jobs
        self.commandLine = commandLine
        let formatter = ISO8601DateFormatter()
        self.started = formatter.string(from: started)
        self.finished = formatter.string(from: finished)
        self.wallSeconds = (finished.timeIntervalSince(started) * 1000).rounded() / 1000
    }
}
