import Foundation
import RunexpTestSupport

/// Reads the fixture files that ship with this test target.
enum Fixtures {
    static var directory: URL {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
    }

    /// Names (without extension) of the YAML files in `valid` or `invalid`.
    static func names(_ kind: String) -> [String] {
        let folder = directory.appendingPathComponent(kind)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return files.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }

    static func text(_ kind: String, _ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(kind).appendingPathComponent("\(name).yaml"), encoding: .utf8)
    }

    /// The repository root, for files outside the test bundle (experiments/, Data/).
    static var repositoryRoot: URL {
        RepositoryFiles.url
    }
}
