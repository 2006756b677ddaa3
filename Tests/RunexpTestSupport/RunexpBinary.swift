import Foundation

/// The built `runexp` executable, run as a user runs it.
public enum RunexpBinary {
    /// The `runexp` executable next to the test bundle (or up to three folders above it).
    public static var path: String {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var candidate = directory
        for _ in 0..<4 {
            let path = candidate.appendingPathComponent("runexp").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
            candidate = candidate.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("runexp").path
    }

    /// Runs `runexp arguments` in `directory` (nil: this process's current directory) and returns
    /// its exit status, stdout and stderr; killed after `timeout` seconds.
    public static func run(_ arguments: [String], in directory: String? = nil, environment: [String: String]? = nil,
                           timeout: TimeInterval = 600) throws -> ChildProcess.Output {
        try ChildProcess.run(path, arguments, in: directory, environment: environment, timeout: timeout)
    }

    /// Starts `runexp arguments` in the background in `directory`, its output discarded.
    public static func start(_ arguments: [String], in directory: String? = nil, stderr: String = "/dev/null") throws -> ChildProcess.Running {
        try ChildProcess.start(path, arguments, in: directory, stderr: stderr)
    }
}
