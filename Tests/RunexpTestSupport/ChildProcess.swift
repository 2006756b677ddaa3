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
    /// pipe, and a daemon the child leaves behind cannot hold the reading end open. The child is
    /// spawned and reaped with posix_spawn and waitpid, not Foundation's `Process`, whose exit
    /// notice needs a loopback socket (a sandbox without one hung the whole suite).
    public static func run(_ executable: String, _ arguments: [String], in directory: String? = nil,
                           environment: [String: String]? = nil, timeout: TimeInterval) throws -> Output {
        let capture = try TemporaryDirectory(prefix: "runexp-child-")
        defer { capture.remove() }
        let outPath = capture.file("stdout"), errPath = capture.file("stderr")
        let child = try Running(executable, arguments, in: directory, environment: environment, stdout: outPath, stderr: errPath)
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        var status = child.poll()
        while status == nil {
            if Date() > deadline {
                timedOut = true
                // The whole group: a grandchild the child started goes with it.
                kill(-child.pid, SIGTERM)
                let grace = Date().addingTimeInterval(5)
                while child.poll() == nil, Date() < grace { usleep(10_000) }
                kill(-child.pid, SIGKILL)
                status = child.wait()
                break
            }
            usleep(2_000)
            status = child.poll()
        }
        let out = FileManager.default.contents(atPath: outPath) ?? Data()
        let err = FileManager.default.contents(atPath: errPath) ?? Data()
        return Output(status: timedOut ? -1 : status ?? -1, stdout: String(decoding: out, as: UTF8.self),
                      stderr: String(decoding: err, as: UTF8.self), timedOut: timedOut)
    }

    /// Starts `executable` in the background, its stdin, stdout and stderr on /dev/null: for a test
    /// that watches a child's files and kills it midway.
    public static func start(_ executable: String, _ arguments: [String], in directory: String? = nil,
                             environment: [String: String]? = nil, stdout: String = "/dev/null", stderr: String = "/dev/null") throws -> Running {
        try Running(executable, arguments, in: directory, environment: environment, stdout: stdout, stderr: stderr)
    }

    /// A child process in a process group of its own; its exit status once reaped.
    public final class Running {
        public let pid: pid_t
        private var status: Int32?

        /// Spawns `executable` (through `/bin/sh` when it must first change to `directory`).
        init(_ executable: String, _ arguments: [String], in directory: String?, environment: [String: String]?,
             stdout: String, stderr: String) throws {
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            var attributes = posix_spawnattr_t()
            posix_spawnattr_init(&attributes)
            defer { posix_spawnattr_destroy(&attributes) }
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
            posix_spawnattr_setpgroup(&attributes, 0)
            let argv = directory.map { ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", $0, executable] + arguments }
                ?? [executable] + arguments
            let envp = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
            let cArgs = argv.map { strdup($0) } + [nil]
            let cEnv = envp.map { strdup($0) } + [nil]
            defer {
                cArgs.forEach { free($0) }
                cEnv.forEach { free($0) }
            }
            var pid: pid_t = 0
            let spawned = posix_spawn(&pid, argv[0], &actions, &attributes, cArgs, cEnv)
            guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO) }
            self.pid = pid
        }

        /// The exit status when the child has ended (the signal's number when a signal ended it), else nil.
        func poll() -> Int32? { reap(options: WNOHANG) }

        public var isRunning: Bool { poll() == nil }

        /// Sends `signal` (SIGKILL unless told) and waits for the child to exit.
        public func kill(_ signal: Int32 = SIGKILL) {
            if status == nil {
                #if canImport(Glibc)
                _ = Glibc.kill(pid, signal)
                #else
                _ = Darwin.kill(pid, signal)
                #endif
            }
            wait()
        }

        /// Waits for the child to exit and returns its status.
        @discardableResult
        public func wait() -> Int32 {
            while true {
                if let status = reap(options: 0) { return status }
            }
        }

        private func reap(options: Int32) -> Int32? {
            if let status { return status }
            var raw: Int32 = 0
            let waited = waitpid(pid, &raw, options)
            if waited == 0 { return nil }
            if waited < 0 {
                if errno == EINTR { return nil }
                status = -1  // not our child any more: nothing left to wait for
                return status
            }
            let signal = raw & 0x7f
            status = signal == 0 ? (raw >> 8) & 0xff : signal
            return status
        }
    }
}
