import Foundation

/// Where and how a result folder was made; the one file that differs between identical runs.
public struct Provenance: Sendable, Codable {
    public var runexpVersion: String
    public var swiftVersion: String
    /// The kernel's code path (`simd8`, `avx2-fma`): it decides the last bits of every number.
    public var kernel: String
    /// The instructions that ran the kernel's products (`avx512f`, `avx2`, `sse2 (simd8)`): speed
    /// only; on one code path they give the same bits.
    public var kernelInstructions: String
    public var git: GitState
    /// The experiment file as given on the command line, and its SHA-256.
    public var experimentFile: String
    public var experimentSHA256: String
    /// SHA-256 of plan.json: two folders with equal plan hashes ran the same plan.
    public var planSHA256: String
    /// SHA-256 of every data file, by path.
    public var dataSHA256: [String: String]
    public var host: String
    public var operatingSystem: String
    public var cpu: String
    public var cores: Int
    public var jobs: Int
    public var commandLine: [String]
    /// Runs taken from the journal of an interrupted process (0 for a fresh run).
    public var resumedRuns: Int
    /// Runs taken from the run cache (bit-identical to training them); nil in folders made before it.
    public var cachedRuns: Int?
    /// For a merged folder: the shard folders it was joined from.
    public var mergedFrom: [String]?
    /// ISO 8601 UTC.
    public var started: String
    public var finished: String
    public var wallSeconds: Double

    enum CodingKeys: String, CodingKey {
        case runexpVersion = "runexp_version", swiftVersion = "swift_version", kernel, kernelInstructions = "kernel_instructions"
        case git, experimentFile = "experiment_file"
        case experimentSHA256 = "experiment_sha256", planSHA256 = "plan_sha256", dataSHA256 = "data_sha256"
        case host, operatingSystem = "os", cpu, cores, jobs, commandLine = "command_line", resumedRuns = "resumed_runs", cachedRuns = "cached_runs", mergedFrom = "merged_from"
        case started, finished, wallSeconds = "wall_seconds"
    }

    public init(runexpVersion: String, git: GitState, experimentFile: String, experimentSHA256: String, planSHA256: String,
                dataSHA256: [String: String], kernel: String, kernelInstructions: String, jobs: Int, commandLine: [String],
                resumedRuns: Int, cachedRuns: Int = 0, started: Date, finished: Date) {
        self.runexpVersion = runexpVersion
        self.swiftVersion = SystemInfo.swiftVersion
        self.kernel = kernel
        self.kernelInstructions = kernelInstructions
        self.git = git
        self.experimentFile = experimentFile
        self.experimentSHA256 = experimentSHA256
        self.planSHA256 = planSHA256
        self.dataSHA256 = dataSHA256
        self.host = ProcessInfo.processInfo.hostName
        self.operatingSystem = ProcessInfo.processInfo.operatingSystemVersionString
        self.cpu = SystemInfo.cpuModel
        self.cores = ProcessInfo.processInfo.activeProcessorCount
        self.jobs = jobs
        self.commandLine = commandLine
        self.resumedRuns = resumedRuns
        self.cachedRuns = cachedRuns
        self.started = UTCTime.string(started)
        self.finished = UTCTime.string(finished)
        self.wallSeconds = (finished.timeIntervalSince(started) * 1000).rounded() / 1000
    }
}

/// Facts about the machine and the build.
public enum SystemInfo {
    /// The CPU's model name from /proc/cpuinfo, or "unknown".
    public static var cpuModel: String {
        guard let data = FileManager.default.contents(atPath: "/proc/cpuinfo") else { return "unknown" }
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return "unknown"
    }

    /// The compiler's language version this runexp was built with.
    public static var swiftVersion: String {
        #if compiler(>=6.5)
        return "6.5 or later"
        #elseif compiler(>=6.4)
        return "6.4"
        #elseif compiler(>=6.3)
        return "6.3"
        #elseif compiler(>=6.2)
        return "6.2"
        #else
        return "6.1 or earlier"
        #endif
    }
}
