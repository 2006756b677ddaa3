import Foundation
import Testing

/// Runs a command-line tool the report must satisfy (rsvg-convert, chromium) and finds it on PATH.
///
/// A missing tool fails the test with the apt-get line that installs it: these checks must never
/// be skipped silently.
enum ExternalTool {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
        var timedOut: Bool
    }

    /// The executable `name` on PATH (or in /usr/bin), nil when absent.
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for directory in path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"] {
            let candidate = (directory as NSString).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The tool, installing its Debian package first when it is missing (as root, with apt-get,
    /// so `swift test` works on a fresh machine of this kind), or a recorded failure naming the
    /// package to install.
    static func require(_ name: String, package: String) throws -> String {
        if find(name) == nil { install(package) }
        guard let path = find(name) else {
            Issue.record("\(name) is not installed; the report checks need it: apt-get install -y \(package)")
            throw MissingTool()
        }
        return path
    }

    struct MissingTool: Error {}

    private static let installLock = NSLock()

    /// `apt-get install -y <package>` (after `apt-get update` when the first try fails); one at a
    /// time, since dpkg takes a lock. Does nothing without root or apt-get.
    static func install(_ package: String) {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/apt-get") else { return }
        installLock.lock()
        defer { installLock.unlock() }
        func aptGet(_ arguments: [String]) -> Bool {
            guard let result = try? run("/usr/bin/apt-get", arguments, timeout: 900) else { return false }
            return result.status == 0
        }
        let install = ["install", "-y", "-q", "--no-install-recommends", package]
        if !aptGet(install), aptGet(["update", "-q"]) { _ = aptGet(install) }
    }

    /// Runs `executable` with `arguments`, killing it after `timeout` seconds.
    static func run(_ executable: String, _ arguments: [String], timeout: TimeInterval = 120) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let directory = NSTemporaryDirectory() + "runexp-tool-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Files rather than pipes: a chatty tool cannot block on a full pipe.
        let outPath = directory + "/stdout", errPath = directory + "/stderr"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = directory
        environment["DEBIAN_FRONTEND"] = "noninteractive"
        process.environment = environment
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let timedOut = process.isRunning
        if timedOut {
            process.terminate()
            process.waitUntilExit()
        }
        let stdout = String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self)
        let stderr = String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self)
        return Output(status: timedOut ? -1 : process.terminationStatus, stdout: stdout, stderr: stderr, timedOut: timedOut)
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
