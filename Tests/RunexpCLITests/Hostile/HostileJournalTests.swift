import Foundation
import RunexpTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Result folders, journals and shard folders a hostile user or a broken disk left behind: resume,
/// merge and status refuse each with a message naming the file (and line), exit 1 in well under
/// 10 s, and leave the folders as they were.
@Suite struct HostileJournalTests {
    /// A workspace with the resume tests' experiment (`exp.yaml`, `data.csv`) and, when
    /// `interrupted`, a result folder of it killed after two runs. Returns the workspace and that folder.
    static func workspace(interrupted: Bool) throws -> (directory: String, folder: String?) {
        let directory = try TemporaryDirectory(prefix: "runexp-hostile-journal-",
                                               files: ["data.csv": ResumeTests.csv, "exp.yaml": ResumeTests.experiment]).path
        guard interrupted else { return (directory, nil) }
        let process = try RunexpBinary.start(["exp.yaml", "--quiet", "--jobs", "1"], in: directory)
        let deadline = Date().addingTimeInterval(60)
        var folder: String?
        while process.isRunning, Date() < deadline {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory + "/results/resume")) ?? []
            if let name = names.first(where: { !$0.hasPrefix(".") && $0 != "latest" }),
               let journal = FileManager.default.contents(atPath: directory + "/results/resume/" + name + "/.journal"),
               journal.filter({ $0 == UInt8(ascii: "\n") }).count >= 3 {
                folder = "results/resume/" + name
                break
            }
            usleep(500)
        }
        process.kill(SIGKILL)
        return (directory, try #require(folder, "the run finished before it could be interrupted"))
    }

    /// The lines of a file, changed by `change`, written back.
    static func editLines(_ path: String, _ change: (inout [String]) -> Void) throws {
        var lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
        change(&lines)
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func sha256(_ path: String) throws -> String {
        String(try ChildProcess.run("/usr/bin/sha256sum", [path], timeout: 60).stdout.prefix(64))
    }

    /// Every file under `path` with its bytes (hidden ones and link targets included; a large file by its size).
    static func snapshot(_ path: String) -> [String: Data] {
        var files: [String: Data] = [:]
        guard let enumerator = FileManager.default.enumerator(atPath: path) else { return files }
        while let item = enumerator.nextObject() as? String {
            let full = path + "/" + item
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: full) {
                files[item] = Data(target.utf8)
            } else {
                var isDirectory: ObjCBool = false
                FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory)
                let size = (try? FileManager.default.attributesOfItem(atPath: full)[.size] as? Int) ?? 0
                // A sparse gigabyte is compared by its size, not read into this process.
                files[item] = isDirectory.boolValue ? Data() : size > 16 << 20 ? Data("\(size) bytes".utf8) : FileManager.default.contents(atPath: full)
            }
        }
        return files
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var interrupted = false
        /// The exit code of the refusal.
        var exit: Int32 = 1
        /// Prepares the workspace (and the interrupted folder, when there is one); returns the
        /// arguments and the messages stderr must hold.
        var prepare: @Sendable (_ directory: String, _ folder: String?) throws -> (arguments: [String], messages: [String])
        var testDescription: String { name }
    }

    static let resume = ["exp.yaml", "--resume", "--quiet"]

    static let cases: [Case] = [
        Case(name: "journal line with an out-of-range cell", interrupted: true) { directory, folder in
            try editLines(directory + "/" + folder! + "/.journal") { lines in
                lines[1] = lines[1].replacingOccurrences(of: #"\{"cell":[0-9]+,"#, with: #"{"cell":1000,"#, options: .regularExpression)
            }
            return (resume, [folder! + "/.journal:2: run ", "says cell 1000, ", "delete that line"])
        },
        Case(name: "journal line of another seed", interrupted: true) { directory, folder in
            try editLines(directory + "/" + folder! + "/.journal") { lines in
                lines[2] = lines[2].replacingOccurrences(of: #""seed":[0-9]+"#, with: #""seed":42"#, options: .regularExpression)
            }
            return (resume, [folder! + "/.journal:3: run ", "has seed 42; this plan derives seed "])
        },
        Case(name: "journal line with a changed metric", interrupted: true) { directory, folder in
            try editLines(directory + "/" + folder! + "/.journal") { lines in
                lines[1] = lines[1].replacingOccurrences(of: #""loss":0\.([0-9])"#, with: #""loss":9.$1"#, options: .regularExpression)
            }
            return (resume, [folder! + "/.journal:2: run ", "the checksum does not match the line"])
        },
        Case(name: "data changed between runs", interrupted: true) { directory, _ in
            let before = try sha256(directory + "/data.csv")
            let text = try String(contentsOfFile: directory + "/data.csv", encoding: .utf8)
            try (text + "0.5,0,0,0,0,0,0,0,a\n").write(toFile: directory + "/data.csv", atomically: true, encoding: .utf8)
            let after = try sha256(directory + "/data.csv")
            return (resume, ["the data changed since ", "'data.csv' had SHA-256 \(before) when it started, and has \(after) now"])
        },
        Case(name: "journal that is a folder", interrupted: true) { directory, folder in
            let journal = directory + "/" + folder! + "/.journal"
            try FileManager.default.removeItem(atPath: journal)
            try FileManager.default.createDirectory(atPath: journal, withIntermediateDirectories: false)
            return (resume, [folder! + "/.journal: is not a regular file"])
        },
        Case(name: "journal with a 1 GB line", interrupted: true) { directory, folder in
            let journal = directory + "/" + folder! + "/.journal"
            _ = truncate(journal, 1 << 30)  // sparse: the tail is a gigabyte of zero bytes and no newline
            try FileHandle(forWritingAtPath: journal).map { handle in
                handle.seekToEndOfFile()
                handle.write(Data("\n".utf8))
                try handle.close()
            }
            return (resume, [folder! + "/.journal:", ": the line is longer than ", "bytes, more than any record of this plan needs"])
        },
        Case(name: "lock file that is a folder", interrupted: true) { directory, folder in
            let lock = directory + "/" + folder! + "/.lock"
            try FileManager.default.removeItem(atPath: lock)
            try FileManager.default.createDirectory(atPath: lock, withIntermediateDirectories: false)
            return (resume, [folder! + "/.lock: cannot be opened as the folder's lock: Is a directory"])
        },
        Case(name: "--out names a file", exit: 3) { directory, _ in
            try "x".write(toFile: directory + "/file", atomically: true, encoding: .utf8)
            // Exit 3 (the run failed to write), as CLITests.anUnwritableResultsLocationStopsTheRun expects.
            return (["exp.yaml", "--out", "file/sub", "--quiet"], ["error: cannot create a result folder under 'file/sub/resume': 'file' is a file, not a folder"])
        },
        Case(name: "latest is a folder") { directory, _ in
            try FileManager.default.createDirectory(atPath: directory + "/results/resume/latest", withIntermediateDirectories: true)
            return (["exp.yaml", "--quiet"], ["'results/resume/latest' is not a symbolic link"])
        },
        Case(name: "merge of a finished result folder", interrupted: true) { directory, folder in
            try FileManager.default.removeItem(atPath: directory + "/" + folder! + "/.journal")
            try "x\n".write(toFile: directory + "/" + folder! + "/runs.csv", atomically: true, encoding: .utf8)
            return (["merge", folder!], ["'\(folder!)' is a finished result folder, not a shard"])
        },
        Case(name: "status of shard folders named shard-0-of-0 and shard-1-of-10^11") { directory, _ in
            for name in ["shard-0-of-0", "shard-1-of-100000000000"] {
                try FileManager.default.createDirectory(atPath: directory + "/s/" + name, withIntermediateDirectories: true)
            }
            return (["status", "s"], ["no shard folders (shard-I-of-N) under 's'"])
        },
    ]

    @Test(arguments: cases)
    func refusedWithTheFileNamedAndNothingChanged(_ hostile: Case) throws {
        let (directory, folder) = try Self.workspace(interrupted: hostile.interrupted)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (arguments, messages) = try hostile.prepare(directory, folder)
        let before = Self.snapshot(directory)
        let outcome = try Hostile.run(arguments, in: directory)
        Hostile.expectRefusal(hostile.name, outcome, exit: hostile.exit, messages: messages)
        #expect(Self.snapshot(directory) == before, "\(hostile.name): the refusal changed the workspace")
    }

    /// A second process holding the folder's lock (here this test process): resume names the holder
    /// recorded in the lock file and leaves the folder alone.
    @Test func aLockHeldByAnotherProcessIsRefused() throws {
        let (directory, folder) = try Self.workspace(interrupted: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let lock = open(directory + "/" + folder! + "/.lock", O_RDWR)
        #expect(lock >= 0 && flock(lock, LOCK_EX | LOCK_NB) == 0)
        defer { close(lock) }
        let holder = try String(contentsOfFile: directory + "/" + folder! + "/.lock", encoding: .utf8)
        let before = Self.snapshot(directory)
        let outcome = try Hostile.run(Self.resume, in: directory)
        Hostile.expectRefusal("lock held by another process", outcome,
                              messages: ["'\(folder!)' is being written by another runexp process (\(holder)); wait for it or stop it"])
        #expect(Self.snapshot(directory) == before)
    }

    /// A shard whose journal was damaged: the refusal says how a shard starts afresh.
    @Test func aShardWithADamagedJournalSaysHowToStartItAfresh() throws {
        let (directory, _) = try Self.workspace(interrupted: false)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try RunexpBinary.run(["exp.yaml", "--shard", "1/2", "--quiet"], in: directory)
        #expect(first.status == 0, "\(first.stderr)")
        let ids = try FileManager.default.contentsOfDirectory(atPath: directory + "/results/resume/shards")
        let shard = "results/resume/shards/" + ids[0] + "/shard-1-of-2"
        // Make it an interrupted shard whose journal holds the header of another plan (on this
        // machine's kernel code path, which shard.json records).
        let info = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/" + shard + "/shard.json")))
        let kernel = try #require((info as? [String: Any])?["kernel"] as? String)
        try FileManager.default.removeItem(atPath: directory + "/" + shard + "/shard.json")
        try "{\"data_sha256\":{},\"kernel\":\"\(kernel)\",\"plan_sha256\":\"0f\",\"runexp_journal\":1}\n"
            .write(toFile: directory + "/" + shard + "/.journal", atomically: true, encoding: .utf8)
        let before = Self.snapshot(directory)
        let outcome = try Hostile.run(["exp.yaml", "--shard", "1/2", "--quiet"], in: directory)
        Hostile.expectRefusal("shard journal of another plan", outcome,
                              messages: [shard + "/.journal:1: the journal was started for a plan with SHA-256 0f, this plan has ",
                                         "(shard 1/2 resumes from '\(shard)': delete that folder to run the shard afresh)"])
        #expect(Self.snapshot(directory) == before)
    }

    /// Shards the user merges: finished ones with damaged files, or of different data.
    struct ShardCase: CustomTestStringConvertible, Sendable {
        var name: String
        /// Damages `shards` (shard-1-of-2 and shard-2-of-2 are finished); returns the messages.
        var damage: @Sendable (_ directory: String, _ shards: String) throws -> [String]
        var testDescription: String { name }
    }

    static let shardCases: [ShardCase] = [
        ShardCase(name: "merge of a shard.json with 10^11 shards") { directory, shards in
            try editLines(directory + "/" + shards + "/shard-1-of-2/shard.json") { lines in
                lines = lines.map { $0.replacingOccurrences(of: "\"count\" : 2", with: "\"count\" : 100000000000") }
            }
            return ["shard-1-of-2/shard.json': shard 1 of 100000000000; a shard is I of N with 1 ≤ I ≤ N ≤ 100000"]
        },
        ShardCase(name: "merge of runs.jsonl with an out-of-range cell") { directory, shards in
            try editLines(directory + "/" + shards + "/shard-2-of-2/runs.jsonl") { lines in
                lines[0] = lines[0].replacingOccurrences(of: #"\{"cell":[0-9]+,"#, with: #"{"cell":99999,"#, options: .regularExpression)
            }
            return ["shard-2-of-2/runs.jsonl:1: run ", "says cell 99999, ", "rerun that shard"]
        },
        ShardCase(name: "merge of shards run on different data") { directory, shards in
            try FileManager.default.removeItem(atPath: directory + "/" + shards + "/shard-2-of-2")
            let text = try String(contentsOfFile: directory + "/data.csv", encoding: .utf8)
            try (text + "0.5,0,0,0,0,0,0,0,a\n").write(toFile: directory + "/data.csv", atomically: true, encoding: .utf8)
            let shard = try RunexpBinary.run(["exp.yaml", "--shard", "2/2", "--quiet"], in: directory)
            #expect(shard.status == 0, "\(shard.stderr)")
            return ["were run on different data; rerun the shards on one data file: 'data.csv' has SHA-256 "]
        },
    ]

    @Test(arguments: shardCases)
    func mergeRefusesDamagedShards(_ hostile: ShardCase) throws {
        let directory = try TemporaryDirectory(prefix: "runexp-hostile-shards-",
                                               files: ["data.csv": ResumeTests.csv, "exp.yaml": DiffTests.experiment]).path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for index in 1...2 {
            let shard = try RunexpBinary.run(["exp.yaml", "--shard", "\(index)/2", "--quiet"], in: directory)
            #expect(shard.status == 0, "\(shard.stderr)")
        }
        let ids = try FileManager.default.contentsOfDirectory(atPath: directory + "/results/diffs/shards")
        let shards = "results/diffs/shards/" + ids[0]
        let messages = try hostile.damage(directory, shards)
        let before = Self.snapshot(directory)
        let outcome = try Hostile.run(["merge", shards], in: directory)
        Hostile.expectRefusal(hostile.name, outcome, messages: messages)
        #expect(Self.snapshot(directory) == before, "\(hostile.name): the refusal changed the workspace")
    }
}
