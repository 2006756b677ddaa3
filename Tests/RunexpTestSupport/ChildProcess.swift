import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs another program as a test needs it: its stdout and stderr captured in full, its exit
/// status, and a deadline after which it is killed.
public enum ChildProcess {
    public struct Output: Sendable {
        /// The exit status (Foundation's `terminationStatus`: the signal's number for a signalled
        /// child), or -1 when the child was killed at the deadline.
        public var status: Int32
        public var stdout: String
        public var stderr: String
        public var timedOut: Bool

        public init(status: Int32, stdout: String, stderr: String, timedOut: Bool = false) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
            self.timedOut = timedOut
        }
    }

    /// Runs `executable` with `arguments` in `directory` (nil: this process's current directory),
    /// with `environment` as its whole environment (nil: this process's), stdin from /dev/null, and
    /// waits for it to exit. After `timeout` seconds its process group is sent SIGTERM, and SIGKILL
    /// 5 s later; the output then has `timedOut` set and status -1.
    ///
    /// stdout and stderr go to files rather than pipes, so a chatty child cannot block on a full
    /// pipe, and a daemon the child leaves behind cannot hold the reading end open.
    public static func run(_ executable: String, _ arguments: [String], in directory: String? = nil,
                           environment: [String: String]? = nil, timeout: TimeInterval) throws -> Output {
        let capture = try TemporaryDirectory(prefix: "runexp-child-")
        defer { capture.remove() }
        let outPath = capture.file("stdout"), errPath = capture.file("stderr")
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let stdout = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let stderr = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if let environment { process.environment = environment }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdout
        process.standardError = stderr
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()

        let timedOut = exited.wait(timeout: .now() + timeout) == .timedOut
        if timedOut {
            // Process starts the child in a process group of its own: end the group, so that a
            // grandchild holding Process's descriptor cannot keep it from seeing the exit.
            kill(-process.processIdentifier, SIGTERM)
            if exited.wait(timeout: .now() + 5) == .timedOut {
                kill(-process.processIdentifier, SIGKILL)
                _ = exited.wait(timeout: .now() + 10)
            }
        } else {
            process.waitUntilExit()
        }
        let out = FileManager.default.contents(atPath: outPath) ?? Data()
        let err = FileManager.default.contents(atPath: errPath) ?? Data()
        return Output(status: timedOut ? -1 : process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                      stderr: String(decoding: err, as: UTF8.self), timedOut: timedOut)
    }

    /// Starts `executable` in the background, its stdin, stdout and stderr on /dev/null: for a test
    /// that watches a child's files and kills it midway.
    public static func start(_ executable: String, _ arguments: [String], in directory: String? = nil,
                             environment: [String: String]? = nil) throws -> Running {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if let environment { process.environment = environment }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return Running(process)
    }

    /// A child started by ``start(_:_:in:environment:)``.
    public final class Running {
        private let process: Process

        init(_ process: Process) { self.process = process }

        public var pid: Int32 { process.processIdentifier }
        public var isRunning: Bool { process.isRunning }

        /// Sends `signal` (SIGKILL unless told) and waits for the child to exit.
        public func kill(_ signal: Int32 = SIGKILL) {
            #if canImport(Glibc)
            _ = Glibc.kill(process.processIdentifier, signal)
            #else
            _ = Darwin.kill(process.processIdentifier, signal)
            #endif
            process.waitUntilExit()
        }

        /// Waits for the child to exit and returns its status.
        @discardableResult
        public func wait() -> Int32 {
            process.waitUntilExit()
            return process.terminationStatus
        }
    }
}
