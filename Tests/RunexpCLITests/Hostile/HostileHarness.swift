import Foundation
import RunexpTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the built `runexp` binary as a hostile user's shell would: under a virtual-memory limit
/// (`ulimit -v`), with a deadline, its output captured to files (a 20 MB echo cannot block a pipe),
/// and its exit status, wall time and peak resident memory measured with `wait4`.
///
/// Every hostile case must end in time with exit 1 (invalid input) or 2 (usage), say where the
/// problem is, and never die of a signal (132/133/134/139 are SIGILL, SIGTRAP, SIGABRT, SIGSEGV:
/// a Swift trap or a crash). Set `RUNEXP_HOSTILE_TABLE=/path` to append one tab-separated line
/// per case (name, exit, seconds, peak MB) for a closing note.
enum Hostile {
    struct Outcome {
        /// The exit code, or 128 + the signal for a process killed by one (as a shell reports it).
        var exit: Int32
        var signal: Int32?
        var stdout: String
        var stderr: String
        var seconds: Double
        /// Peak resident set size of runexp in megabytes (`ru_maxrss`); nil where it cannot be measured.
        var peakMB: Double?
        var timedOut: Bool
    }

    /// The address-space limit in KiB (`ulimit -v`), as the issue's repro used.
    static let memoryLimitKiB = 2_000_000
    /// Wall-clock deadline of one case: the contract is 10 s; the process is killed at this point.
    static let deadline: Double = 30
    /// The contract's time limit for a refusal.
    static let timeLimit: Double = 10

    /// Runs `runexp arguments` in `directory`.
    static func run(_ arguments: [String], in directory: String, environment extra: [String: String] = [:]) throws -> Outcome {
        let outPath = directory + "/.hostile-stdout-\(UUID().uuidString)"
        let errPath = directory + "/.hostile-stderr-\(UUID().uuidString)"
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        // A small Python parent forks runexp under the limit and reports its wait status and peak
        // resident memory from wait4: measured on the test process's own child, ru_maxrss would carry
        // this (large) process's pages, which a vfork-spawned child inherits at exec. Without python3,
        // the shell sets the limit and becomes runexp, and the peak is not known.
        let reportPath = directory + "/.hostile-report-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: reportPath) }
        let argv: [String]
        if let python = python {
            argv = [python, "-c", measuringParent, String(memoryLimitKiB), directory, reportPath, RunexpBinary.path] + arguments
        } else {
            let script = "ulimit -v \(memoryLimitKiB) && cd \"$1\" && shift && exec \"$0\" \"$@\""
            argv = ["/bin/sh", "-c", script, RunexpBinary.path, directory] + arguments
        }
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        for (key, value) in extra { environment[key] = value }
        let envp = environment.map { "\($0.key)=\($0.value)" }

        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = envp.map { strdup($0) } + [nil]
        defer {
            cArgs.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        // Its own process group, so a timed-out case is killed with its child.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        var pid: pid_t = 0
        let started = Date()
        let spawned = posix_spawn(&pid, argv[0], &actions, &attributes, cArgs, cEnv)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO) }

        var status: Int32 = 0
        var usage = rusage()
        var timedOut = false
        while true {
            let waited = wait4(pid, &status, WNOHANG, &usage)
            if waited == pid { break }
            if waited < 0 && errno != EINTR { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .ECHILD) }
            if Date().timeIntervalSince(started) > deadline, !timedOut {
                timedOut = true
                kill(-pid, SIGKILL)
            }
            usleep(5_000)
        }
        let seconds = Date().timeIntervalSince(started)
        var peakKiB: Int?
        if python != nil {
            // "<wait status> <ru_maxrss KiB>" of runexp itself, when the parent lived to write it.
            let fields = String(decoding: FileManager.default.contents(atPath: reportPath) ?? Data(), as: UTF8.self)
                .split(separator: " ").compactMap { Int32($0) }
            if fields.count == 2 {
                status = fields[0]
                peakKiB = Int(fields[1])
            }
        } else {
            peakKiB = Int(usage.ru_maxrss)
        }
        let signaled = (status & 0x7f) != 0 && (status & 0x7f) != 0x7f
        let signal: Int32? = signaled ? status & 0x7f : nil
        let exit: Int32 = signal.map { 128 + $0 } ?? (status >> 8) & 0xff
        let out = FileManager.default.contents(atPath: outPath) ?? Data()
        let err = FileManager.default.contents(atPath: errPath) ?? Data()
        return Outcome(exit: exit, signal: signal, stdout: String(decoding: out, as: UTF8.self),
                       stderr: String(decoding: err, as: UTF8.self), seconds: seconds,
                       peakMB: peakKiB.map { Double($0) / 1024 }, timedOut: timedOut)
    }

    /// python3, for the measuring parent; nil where there is none (then the shell runs runexp).
    static let python: String? = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The measuring parent: forks runexp with RLIMIT_AS set and in its folder, waits for it, and
    /// writes its raw wait status and `ru_maxrss` (KiB) to the report file.
    static let measuringParent = """
        import os, resource, sys
        limit, directory, report = int(sys.argv[1]) * 1024, sys.argv[2], sys.argv[3]
        pid = os.fork()
        if pid == 0:
            try:
                resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
                os.chdir(directory)
                os.execv(sys.argv[4], sys.argv[4:])
            finally:
                os._exit(127)
        _, status, usage = os.wait4(pid, 0)
        with open(report, "w") as f:
            f.write(f"{status} {usage.ru_maxrss}")
        """

    /// Checks the contract for a refused input: exit `exit`, in time, no signal, stderr holding every
    /// one of `messages`, no more than `maxStderrBytes` of it, and (when `resultsUnder` is given) no
    /// result folder left below that path. Appends the case to `RUNEXP_HOSTILE_TABLE` when set.
    static func expectRefusal(_ name: String, _ outcome: Outcome, exit: Int32 = 1, messages: [String],
                              resultsUnder: String? = nil, maxStderrBytes: Int = 64 * 1024,
                              sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        record(name, outcome)
        #expect(outcome.signal == nil, "\(name): died of signal \(outcome.signal ?? 0)\n\(outcome.stderr.prefix(2000))",
                sourceLocation: sourceLocation)
        #expect(!outcome.timedOut && outcome.seconds < timeLimit,
                "\(name): took \(outcome.seconds) s (limit \(timeLimit) s)", sourceLocation: sourceLocation)
        #expect(outcome.exit == exit, "\(name): exit \(outcome.exit), expected \(exit)\n\(outcome.stderr.prefix(2000))",
                sourceLocation: sourceLocation)
        for message in messages {
            #expect(outcome.stderr.contains(message), "\(name): stderr lacks '\(message)':\n\(outcome.stderr.prefix(2000))",
                    sourceLocation: sourceLocation)
        }
        #expect(outcome.stderr.utf8.count <= maxStderrBytes,
                "\(name): \(outcome.stderr.utf8.count) bytes on stderr", sourceLocation: sourceLocation)
        #expect(!outcome.stderr.contains("SWIFT TASK CONTINUATION MISUSE"), "\(name): continuation misuse",
                sourceLocation: sourceLocation)
        // The input's text is quoted, never replayed: no CR, ESC or other control character reaches the terminal.
        let control = outcome.stderr.unicodeScalars.first { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) }
        #expect(control == nil, "\(name): stderr holds control character U+\(String(control?.value ?? 0, radix: 16))",
                sourceLocation: sourceLocation)
        if let resultsUnder {
            let left = resultFolders(under: resultsUnder)
            #expect(left.isEmpty, "\(name): left result folders \(left)", sourceLocation: sourceLocation)
        }
    }

    /// Folders below `path` that hold any file (a refused run must leave none behind).
    static func resultFolders(under path: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: path) else { return [] }
        var found: [String] = []
        while let item = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path + "/" + item, isDirectory: &isDirectory), !isDirectory.boolValue {
                found.append(item)
            }
        }
        return found
    }

    /// Appends the case to `RUNEXP_HOSTILE_TABLE` when set: name, exit, seconds, peak MB.
    static func record(_ name: String, _ outcome: Outcome) {
        guard let table = ProcessInfo.processInfo.environment["RUNEXP_HOSTILE_TABLE"] else { return }
        let line = "\(name)\t\(outcome.exit)\t\(String(format: "%.2f", outcome.seconds))\t\(outcome.peakMB.map { String(format: "%.1f", $0) } ?? "n/a")\n"
        let descriptor = open(table, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard descriptor >= 0 else { return }
        _ = line.withCString { write(descriptor, $0, strlen($0)) }
        close(descriptor)
    }

    /// A fresh workspace: `exp/data.csv` (the CLI tests' small table, or `csv`) and, when given,
    /// `exp/<name>.yaml`. Returns its path; results go to `<workspace>/results`.
    static func workspace(csv: String = CLITests.csv, experiments: [String: String] = [:]) throws -> String {
        var files = ["exp/data.csv": csv]
        for (name, text) in experiments { files["exp/\(name).yaml"] = text }
        return try TemporaryDirectory(prefix: "runexp-hostile-", files: files).path
    }

    /// The CLI tests' small experiment with `from` replaced by `to` (the text must contain `from`).
    static func experiment(replacing from: String, with to: String) -> String {
        precondition(CLITests.experiment.contains(from), "the base experiment has no '\(from)'")
        return CLITests.experiment.replacingOccurrences(of: from, with: to)
    }
}
