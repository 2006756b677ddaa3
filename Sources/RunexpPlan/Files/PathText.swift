/// Path arithmetic on strings, for every module: the parent folder, the last component and a join.
///
/// Foundation's `NSString` path methods trap on some inputs a user can type (`runexp run e`,
/// `runexp run x/` crash inside `_startOfLastPathComponent` on Linux), so runexp never calls them.
/// These functions only split at `/`, never touch the file system, and are total: any string in,
/// a string out.
public enum PathText {
    /// The path without its last component: `a/b` → `a`, `a/b/` → `a`, `/a` → `/`, `a` → `""`,
    /// `/` → `/`, `""` → `""` (the same answers as `NSString.deletingLastPathComponent`).
    public static func parent(of path: String) -> String {
        let trimmed = trimmingTrailingSlashes(path)
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        var parent = trimmed[..<slash]
        while parent.count > 1, parent.last == "/" { parent.removeLast() }
        return parent.isEmpty ? "/" : String(parent)
    }

    /// The last component: `a/b` → `b`, `a/b/` → `b`, `a` → `a`, `/` → `/`, `""` → `""`.
    public static func lastComponent(of path: String) -> String {
        let trimmed = trimmingTrailingSlashes(path)
        guard let slash = trimmed.lastIndex(of: "/") else { return trimmed }
        let name = trimmed[trimmed.index(after: slash)...]
        return name.isEmpty ? "/" : String(name)
    }

    /// `component` inside `directory`: `a` + `b` → `a/b`, `a/` + `b` → `a/b`, `""` + `b` → `b`.
    public static func join(_ directory: String, _ component: String) -> String {
        if directory.isEmpty { return component }
        if component.isEmpty { return directory }
        return directory.hasSuffix("/") ? directory + component : directory + "/" + component
    }

    /// `path` without trailing slashes, except that `/` (or `//`) stays `/`.
    static func trimmingTrailingSlashes(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.last == "/" { trimmed.removeLast() }
        return String(trimmed)
    }
}
