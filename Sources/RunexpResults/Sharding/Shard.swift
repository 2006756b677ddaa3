import Foundation
import RunexpPlan

/// One part of a sharded run: shard `index` of `count` (1-based), as `--shard I/N` says.
public struct Shard: Sendable, Hashable, Codable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Parses `I/N` with 1 ≤ I ≤ N; nil otherwise.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, (1...count).contains(index) else {
            return nil
        }
        self.init(index: index, count: count)
    }

    /// The shard a cluster task stands for: Slurm's `SLURM_ARRAY_TASK_ID` (task ids 0...count-1
    /// when `count` is given, else relative to `SLURM_ARRAY_TASK_MIN` out of
    /// `SLURM_ARRAY_TASK_COUNT`), or a Kubernetes Indexed Job's `JOB_COMPLETION_INDEX` with
    /// `count` given. A failure says what the environment lacks.
    public static func fromEnvironment(_ environment: [String: String], count: Int?) -> Result<Shard, ShardError> {
        if let id = environment["SLURM_ARRAY_TASK_ID"].flatMap(Int.init) {
            // With the count given, task ids are 0...count-1 (as runexp submit numbers them), so a
            // task resubmitted alone (--array=2, where Slurm's count is 1) still finds its shard.
            if let count { return make(id + 1, count, from: "SLURM_ARRAY_TASK_ID=\(id)") }
            let minimum = environment["SLURM_ARRAY_TASK_MIN"].flatMap(Int.init) ?? 0
            guard let total = environment["SLURM_ARRAY_TASK_COUNT"].flatMap(Int.init) else {
                return .failure(.environment("SLURM_ARRAY_TASK_COUNT is not set; pass --shard-count N"))
            }
            return make(id - minimum + 1, total, from: "SLURM_ARRAY_TASK_ID=\(id)")
        }
        if let index = environment["JOB_COMPLETION_INDEX"].flatMap(Int.init) {
            guard let count else { return .failure(.environment("JOB_COMPLETION_INDEX needs --shard-count N (the job's completions)")) }
            return make(index + 1, count, from: "JOB_COMPLETION_INDEX=\(index)")
        }
        return .failure(.environment("neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set; use --shard I/N outside a job array"))
    }

    private static func make(_ index: Int, _ count: Int, from source: String) -> Result<Shard, ShardError> {
        guard count >= 1, (1...count).contains(index) else {
            return .failure(.environment("\(source) gives shard \(index) of \(count), outside 1...\(count)"))
        }
        return .success(Shard(index: index, count: count))
    }

    public var description: String { "\(index)/\(count)" }

    /// `shard-2-of-4`.
    public var folderName: String { "shard-\(index)-of-\(count)" }
}

/// A shard that cannot be run or merged, with what to do instead.
public enum ShardError: Error, CustomStringConvertible, Equatable {
    case environment(String)
    case merge(String)

    public var description: String {
        switch self {
        case .environment(let message), .merge(let message): message
        }
    }
}
