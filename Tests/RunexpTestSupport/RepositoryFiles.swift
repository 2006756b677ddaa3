import Foundation

/// Files of this repository (the reference data, experiment files), found from this source file.
public enum RepositoryFiles {
    /// The repository's root folder.
    public static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    /// ``url`` as a path.
    public static let root = url.path

    /// The path of `relative` (e.g. `Data/wisconsin.csv`) in the repository.
    public static func path(_ relative: String) -> String {
        root + "/" + relative
    }
}
