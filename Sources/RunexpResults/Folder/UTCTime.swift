import Foundation

/// UTC time stamps to the second, without Foundation's date formatters (their first use loads ICU,
/// milliseconds that every run paid before its first training step).
public enum UTCTime {
    /// `2026-11-30T12:06:04Z` (ISO 8601), or with `timeSeparator` "-" `2026-11-30T12-06-04Z` for a
    /// folder name; fractions of a second are dropped, as the formatters do.
    public static func string(_ date: Date, timeSeparator: String = ":") -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : String(value) }
        let year = String(parts.tm_year + 1900)
        return "\(String(repeating: "0", count: max(0, 4 - year.count)))\(year)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))"
            + "T\(two(parts.tm_hour))\(timeSeparator)\(two(parts.tm_min))\(timeSeparator)\(two(parts.tm_sec))Z"
    }
}
