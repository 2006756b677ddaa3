import RunexpResults

/// The text of `runexp status`: one line per shard, then the total.
public enum ShardStatusTable {
    public static func render(_ status: ShardStatus) -> String {
        var rows = [["shard", "state", "runs", "folder"]]
        for entry in status.shards {
            let runs = entry.total.map { "\(entry.done)/\($0)" } ?? (entry.state == .notStarted ? "—" : "\(entry.done)")
            rows.append([entry.shard.description, entry.state.rawValue, runs, entry.path])
        }
        var text = "\(status.directory)\n" + TextTable.render(rows, rightAligned: [2])
        let done = status.shards.reduce(0) { $0 + $1.done }
        let finished = status.shards.filter { $0.state == .done }.count
        text += "\(finished) of \(status.shards.count) shards done"
        if let total = status.planRuns { text += ", \(done) of \(total) runs" }
        text += "\n"
        let stopped = status.shards.filter { $0.state == .stopped || $0.state == .notStarted }
        if status.splits.count > 1 {
            text += "These folders split the run in different ways (" + status.splits.map { "\($0) shards" }.joined(separator: ", ")
                + "): a merge takes the shards of one split; remove the folders of the others (shard-I-of-N names the split).\n"
        } else if !stopped.isEmpty {
            text += "To finish: rerun " + stopped.map { "shard \($0.shard)" }.joined(separator: ", ")
                + " (runexp run FILE --shard I/N, or resubmit the array task I-1); each resumes from its journal.\n"
        } else if finished == status.shards.count {
            text += "All shards done: runexp merge \(status.directory)\n"
        }
        return text
    }
}
