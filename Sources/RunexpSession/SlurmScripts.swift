import Foundation
import RunexpPlan

/// The text of the two Slurm job scripts.
public struct SlurmScripts: Sendable {
    public var runexp: String
    public var workingDirectory: String
    public var file: String
    public var out: String
    public var shardsDirectory: String
    public var name: String
    public var arraySize: Int
    public var partition: String?
    public var time: String?
    public var cpusPerTask: Int

    public init(runexp: String, workingDirectory: String, file: String, out: String, shardsDirectory: String, name: String,
                arraySize: Int, partition: String?, time: String?, cpusPerTask: Int) {
        self.runexp = runexp
        self.workingDirectory = workingDirectory
        self.file = file
        self.out = out
        self.shardsDirectory = shardsDirectory
        self.name = name
        self.arraySize = arraySize
        self.partition = partition
        self.time = time
        self.cpusPerTask = cpusPerTask
    }

    public var runPath: String { PathText.join(shardsDirectory, "run.sbatch") }
    public var mergePath: String { PathText.join(shardsDirectory, "merge.sbatch") }

    private func header(job: String, log: String) -> String {
        var lines = ["#!/bin/bash", "#SBATCH --job-name=\(job)", "#SBATCH --chdir=\(Self.quote(workingDirectory))",
                     "#SBATCH --output=\(Self.quote(PathText.join(shardsDirectory, log)))"]
        if let partition { lines.append("#SBATCH --partition=\(partition)") }
        if let time { lines.append("#SBATCH --time=\(time)") }
        return lines.joined(separator: "\n") + "\n"
    }

    public var runScript: String {
        header(job: "runexp-\(name)", log: "slurm-%A_%a.out")
            + "#SBATCH --cpus-per-task=\(cpusPerTask)\n"
            + "# One task per shard; submitted with --array=0-\(arraySize - 1). A resubmitted task resumes its shard.\n"
            + "set -euo pipefail\n"
            + "exec \(Self.quote(runexp)) run \(Self.quote(file)) --out \(Self.quote(out)) --shard-from-env --shard-count \(arraySize) "
            + "--jobs \"${SLURM_CPUS_PER_TASK:-\(cpusPerTask)}\" --quiet\n"
    }

    public var mergeScript: String {
        header(job: "runexp-\(name)-merge", log: "slurm-merge-%j.out")
            + "set -euo pipefail\n"
            + "exec \(Self.quote(runexp)) merge \(Self.quote(shardsDirectory)) --out \(Self.quote(out))\n"
    }

    /// Why `partition` cannot go into a job script, or nil: Slurm partition names (a comma-separated list
    /// of them) are letters, digits, `_`, `-` and `.`; anything else could end the `#SBATCH` line.
    public static func partitionProblem(_ partition: String) -> String? {
        let allowed = partition.unicodeScalars.allSatisfy {
            ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "_-.,".unicodeScalars.contains($0)
        }
        guard !partition.isEmpty, partition.count <= 128, allowed else {
            return "takes a Slurm partition name (letters, digits, '_', '-', '.', a comma between names), got \(Self.shown(partition))"
        }
        return nil
    }

    /// Why `time` is not a Slurm time limit, or nil. Slurm takes `M`, `M:S`, `H:M:S`, `D-H`, `D-H:M`,
    /// `D-H:M:S`, `UNLIMITED` or `INFINITE`.
    public static func timeProblem(_ time: String) -> String? {
        if time == "UNLIMITED" || time == "INFINITE" { return nil }
        let days = time.split(separator: "-", omittingEmptySubsequences: false)
        let clock = days.last.map { $0.split(separator: ":", omittingEmptySubsequences: false) } ?? []
        let numbers = (days.count == 2 ? [days[0]] : []) + clock
        let valid = time.count <= 32 && days.count <= 2 && (1...3).contains(clock.count)
            && numbers.allSatisfy { !$0.isEmpty && $0.count <= 8 && $0.allSatisfy { ("0"..."9").contains($0) } }
        return valid ? nil : "takes a Slurm time limit (MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS or UNLIMITED), got \(Self.shown(time))"
    }

    /// Why `path` cannot be written into a job script, or nil: a control character (a newline above
    /// all) would start a new line of the script.
    public static func pathProblem(_ path: String) -> String? {
        guard path.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return nil }
        return "holds a control character (a newline or tab), which cannot go into a job script: \(Self.shown(path))"
    }

    /// `text` quoted for a message, control characters escaped, at most 60 characters.
    public static func shown(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars.prefix(60) {
            escaped += scalar.properties.generalCategory == .control ? scalar.escaped(asASCII: true) : String(scalar)
        }
        return "'\(escaped)\(text.unicodeScalars.count > 60 ? "…" : "")'"
    }

    /// Single-quotes for bash when needed.
    public static func quote(_ text: String) -> String {
        if text.allSatisfy({ $0.isLetter || $0.isNumber || "/._-+=:,@%".contains($0) }) { return text }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
