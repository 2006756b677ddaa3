import Foundation
import RunexpPlan
import Testing

/// ``PathText`` gives the answers of Foundation's `NSString` path methods on ordinary paths, and an
/// answer (not a trap) on the ones Foundation traps on.
@Suite struct PathTextTests {
    @Test(arguments: [
        ("a/b", "a", "b"), ("a/b/", "a", "b"), ("/a", "/", "a"), ("a", "", "a"), ("e", "", "e"),
        ("/", "/", "/"), ("", "", ""), ("x/", "", "x"), ("a//b", "a", "b"), ("/a/b/c.yaml", "/a/b", "c.yaml"),
        ("./e", ".", "e"), ("../e", "..", "e"), ("//", "/", "/"), ("é/ü", "é", "ü"),
    ])
    func splitsAtTheLastSlash(path: String, parent: String, last: String) {
        #expect(PathText.parent(of: path) == parent, "parent of '\(path)'")
        #expect(PathText.lastComponent(of: path) == last, "last component of '\(path)'")
    }

    @Test(arguments: [("a", "b", "a/b"), ("a/", "b", "a/b"), ("", "b", "b"), ("/", "b", "/b"), ("a", "", "a"),
                      ("results/x", "latest", "results/x/latest")])
    func joins(directory: String, component: String, joined: String) {
        #expect(PathText.join(directory, component) == joined)
    }

    /// On paths Foundation does not trap on, the same answers as `NSString`.
    @Test(arguments: ["a/b", "a/b/", "/a", "/a/b/c.yaml", "abc", "ab/", "../experiments/wisconsin.yaml", "a//b"])
    func agreesWithFoundation(path: String) {
        #expect(PathText.parent(of: path) == (path as NSString).deletingLastPathComponent, "parent of '\(path)'")
        #expect(PathText.lastComponent(of: path) == (path as NSString).lastPathComponent, "last component of '\(path)'")
    }
}
