import ArgumentParser
import Foundation
import RunexpResults
import RunexpReport

/// `runexp cache`: what the run cache holds; `runexp cache prune`: make it smaller.
struct CacheCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Show the run cache: entries, size, and the runs it saved.",
        discussion: "The cache is .cache in the results folder unless --cache or RUNEXP_CACHE names another.",
        subcommands: [CacheShow.self, CachePrune.self],
        defaultSubcommand: CacheShow.self
    )

    /// The cache folder: --cache, else RUNEXP_CACHE, else `<out>/.cache`.
    static func directory(_ flag: String?, out: String) -> String {
        if let flag { return flag }
        if let variable = ProcessInfo.processInfo.environment["RUNEXP_CACHE"], !variable.isEmpty { return variable }
        return RunCache.directory(out: out)
    }

    static func size(_ bytes: Int) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(bytes), unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : FixedFormat.string(value, digits: 1) + " " + units[unit]
    }
}

struct CacheShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Entries, size and reuse of the run cache.")

    @Option(help: ArgumentHelp("The run cache's folder.", valueName: "DIR"))
    var cache: String?

    @Option(help: "Folder that holds result folders (the cache is its .cache).")
    var out: String = "results"

    func run() throws {
        let directory = CacheCommand.directory(cache, out: out)
        let summary = RunCache(directory: directory).summary()
        var text = "\(directory): \(summary.entries) runs, \(CacheCommand.size(summary.bytes))\n"
        text += "reused \(summary.reused) runs instead of training them; stored \(summary.stored)\n"
        if let oldest = summary.oldest, let newest = summary.newest {
            text += "last used: \(UTCTime.string(oldest)) (oldest) to \(UTCTime.string(newest)) (newest)\n"
        }
        Terminal.output(text)
    }
}

struct CachePrune: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune", abstract: "Remove run cache entries: unused for a while, or the least recently used past a size.")

    @Option(help: ArgumentHelp("The run cache's folder.", valueName: "DIR"))
    var cache: String?

    @Option(help: "Folder that holds result folders (the cache is its .cache).")
    var out: String = "results"

    @Option(help: ArgumentHelp("Remove entries not used for this long: 30d, 12h, 90m.", valueName: "AGE"))
    var olderThan: String?

    @Option(help: ArgumentHelp("Then remove the least recently used until the cache takes at most this: 1G, 500M, 20K.", valueName: "SIZE"))
    var maxSize: String?

    /// Seconds of `30d`, `12h`, `90m`, `45s`.
    static func seconds(_ text: String) -> TimeInterval? {
        guard let unit = text.last, let number = Double(text.dropLast()), number >= 0, number.isFinite else { return nil }
        switch unit {
        case "d": return number * 86_400
        case "h": return number * 3_600
        case "m": return number * 60
        case "s": return number
        default: return nil
        }
    }

    /// Bytes of `1G`, `500M`, `20K`, `100` (powers of 1000).
    static func bytes(_ text: String) -> Int? {
        let factors: [Character: Double] = ["K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12]
        let (digits, factor) = text.last.flatMap { factors[$0] }.map { (text.dropLast(), $0) } ?? (Substring(text), 1)
        guard let number = Double(digits), number >= 0, (number * factor).isFinite, number * factor < 9e18 else { return nil }
        return Int(number * factor)
    }

    func validate() throws {
        if olderThan == nil, maxSize == nil { throw ValidationError("say what to remove: --older-than AGE, --max-size SIZE, or both") }
        if let olderThan, Self.seconds(olderThan) == nil {
            throw ValidationError("--older-than takes a number and a unit (d, h, m or s), e.g. 30d; got '\(olderThan.prefix(40))'")
        }
        if let maxSize, Self.bytes(maxSize) == nil {
            throw ValidationError("--max-size takes a number of bytes with K, M, G or T, e.g. 1G; got '\(maxSize.prefix(40))'")
        }
    }

    func run() throws {
        let directory = CacheCommand.directory(cache, out: out)
        let cache = RunCache(directory: directory)
        let removed = cache.prune(olderThan: olderThan.flatMap(Self.seconds), maxBytes: maxSize.flatMap(Self.bytes))
        let left = cache.summary()
        Terminal.output("removed \(removed.entries) runs (\(CacheCommand.size(removed.bytes))); \(left.entries) left "
                        + "(\(CacheCommand.size(left.bytes))) in \(directory)\n")
    }
}
