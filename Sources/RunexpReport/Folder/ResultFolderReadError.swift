/// Why a folder cannot be read back as a result folder: one line, naming the folder or file.
///
/// Rendered like runexp's other errors: `PATH: error: message` or `FILE:LINE:COL: error: message`.
public struct ResultFolderReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The folder or file the problem is in.
    public let path: String
    /// 1-based line and column in `path`, or 0 when the problem concerns the whole file.
    public let line: Int
    public let column: Int
    /// What is wrong.
    public let message: String

    /// A problem with `path` as a whole, or at `line`:`column` of it.
    public init(_ path: String, line: Int = 0, column: Int = 0, _ message: String) {
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }

    /// `path[:line:column]: error: message`.
    public var description: String {
        (line > 0 ? "\(path):\(line):\(column)" : path) + ": error: " + message
    }
}
