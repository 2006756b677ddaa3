import Foundation
import RunexpTestSupport
import Testing

/// Runs a command-line tool the report must satisfy (rsvg-convert, chromium) and finds it on PATH.
///
/// Where a tool is missing, a test that needs it skips with one line naming the package to install
/// (``needs(_:package:)``); with `RUNEXP_REQUIRE_TOOLS=1`, as `.ci/run` sets, it fails instead, so
/// CI never skips these checks.
enum ExternalTool {
    /// The executable `name` on PATH (or in /usr/bin), nil when absent.
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for directory in path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"] {
            let candidate = (directory as NSString).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Whether a missing tool is a failure rather than a skip: `.ci/run` sets
    /// `RUNEXP_REQUIRE_TOOLS=1` after installing every tool, so CI always runs these checks, while a
    /// contributor's plain `swift test` skips what their machine lacks.
    static var toolsRequired: Bool { ProcessInfo.processInfo.environment["RUNEXP_REQUIRE_TOOLS"] == "1" }

    /// The trait of a test that needs `name`: it runs when the tool is on PATH or tools are required
    /// (then ``require(_:package:)`` fails it), and otherwise skips with one line saying what to install.
    static func needs(_ name: String, package: String) -> ConditionTrait {
        .enabled(if: find(name) != nil || toolsRequired,
                 Comment(rawValue: "\(name) is not installed (apt-get install -y \(package)); RUNEXP_REQUIRE_TOOLS=1 makes this a failure"))
    }

    /// The tool's path, or a recorded failure naming the package to install. Tests never install
    /// anything themselves: `.ci/run` does, as root, before it runs them.
    static func require(_ name: String, package: String) throws -> String {
        guard let path = find(name) else {
            Issue.record("\(name) is not installed; the report checks need it: apt-get install -y \(package)")
            throw MissingTool()
        }
        return path
    }

    struct MissingTool: Error {}

    /// Runs `executable` with `arguments`, killing it after `timeout` seconds, with a HOME of its own
    /// (a new temporary folder, removed afterwards) so a tool writes no dotfiles where it should not.
    static func run(_ executable: String, _ arguments: [String], timeout: TimeInterval = 120) throws -> ChildProcess.Output {
        let home = try TemporaryDirectory(prefix: "runexp-tool-")
        defer { home.remove() }
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = home.path
        environment["DEBIAN_FRONTEND"] = "noninteractive"
        return try ChildProcess.run(executable, arguments, environment: environment, timeout: timeout)
    }

    /// Headless Chromium's arguments for loading a local page with every console message logged to stderr.
    static func chromiumArguments(profile: String) -> [String] {
        ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
         "--disable-extensions", "--user-data-dir=\(profile)", "--enable-logging=stderr", "--v=0"]
    }

    /// The console lines (`…:CONSOLE…] "message", source: …`) in Chromium's stderr.
    static func consoleMessages(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init)
    }
}
