import Foundation
import Testing
import RunexpExecution
@testable import RunexpResults
import RunexpTestSupport

@Suite struct AtomicFileTests {
    func contents(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Only visible names: no temporary file is left beside the target.
    func names(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    @Test func writesReplacesAndMakesMissingDirectories() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let target = directory.file("a/b/c.txt")
        try AtomicFile.write("first é\n", to: target)
        #expect(contents(target) == "first é\n")
        try AtomicFile.write("", to: target)
        #expect(contents(target) == "")
        let large = String(repeating: "0123456789", count: 100_000)
        try AtomicFile.write(large, to: target)
        #expect(contents(target) == large)
        #expect(names(directory.file("a/b")) == ["c.txt"])
        let attributes = try FileManager.default.attributesOfItem(atPath: target)
        #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o600 } == 0o600)
    }

    @Test func aFailedWriteNamesTheFileAndLeavesNothingBehind() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // The target is a directory: rename(2) refuses to replace it with a file.
        try FileManager.default.createDirectory(atPath: directory.file("taken"), withIntermediateDirectories: true)
        let error = try #require(throws: CocoaError.self) { try AtomicFile.write("x", to: directory.file("taken")) }
        #expect((error.userInfo[NSFilePathErrorKey] as? String) == directory.file("taken"))
        #expect(error.localizedDescription == "'\(directory.file("taken"))': Is a directory")
        #expect(names(directory.path) == ["taken"])
        // A parent that is a file cannot hold the temporary file.
        try directory.write("file", "x")
        #expect(throws: (any Error).self) { try AtomicFile.write("y", to: directory.file("file/inside.txt")) }
        #expect(names(directory.path) == ["file", "taken"])
        #expect(contents(directory.file("file")) == "x")
    }

    /// Foundation's own file errors read "The operation could not be completed" on Linux;
    /// ErrorText names the file and the system's cause instead.
    @Test func errorTextNamesTheFileAndTheCause() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("file", "x")
        do {
            try FileManager.default.createDirectory(atPath: directory.file("file/sub"), withIntermediateDirectories: true)
            Issue.record("a folder was made inside a file")
        } catch {
            let text = ErrorText.describe(error)
            #expect(!text.contains("NSCocoaErrorDomain") && !text.contains("could not be completed"), "\(text)")
            #expect(text.contains("file"), "\(text)")
        }
        #expect(throws: (any Error).self) { try AtomicFile.write("y", to: directory.file("file/inside.txt")) }
        do {
            try AtomicFile.write("y", to: directory.file("file/inside.txt"))
        } catch {
            #expect(ErrorText.describe(error) == "'\(directory.file("file/inside.txt"))': Not a directory")
        }
    }
}
