import Foundation
import Testing
@testable import RunexpPlan

/// Mutated experiment files never crash or hang the parser: each yields a plan or diagnostics
/// that point at a real line and column.
@Suite struct MutationTests {
    /// A small deterministic generator for the mutations (fixed seed: the same 1,200 files every run).
    struct Mutator {
        var state: UInt64

        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(max(bound, 1)))
        }

        static let replacements = ["", "-1", "0", "1e9", "abc", "[1, 2]", "{a: 1}", "~", "\"quoted\"", "$nothing", "$$x",
                                   "no", "010", "classes", "[]", "{}", "- x", ": :", "\t", "'unclosed", "[1, 2", "&anchor x", "*alias"]

        mutating func mutate(_ text: String) -> String {
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let line = next(lines.count)
            switch next(6) {
            case 0:
                lines.remove(at: line)
            case 1:
                let other = next(lines.count)
                lines.swapAt(line, other)
            case 2:
                // Change a value: replace what follows the first ': ' on the line.
                if let range = lines[line].range(of: ": ") {
                    lines[line] = String(lines[line][..<range.upperBound]) + Self.replacements[next(Self.replacements.count)]
                } else {
                    lines[line] += Self.replacements[next(Self.replacements.count)]
                }
            case 3:
                let bytes = (0..<(1 + next(4))).map { _ in UInt8(truncatingIfNeeded: next(256)) }
                let position = next(lines[line].count + 1)
                var chars = Array(lines[line].utf8)
                chars.insert(contentsOf: bytes, at: min(position, chars.count))
                lines[line] = String(decoding: chars, as: UTF8.self)
            case 4:
                lines[line] = String(repeating: " ", count: next(5)) + lines[line].drop { $0 == " " }
            default:
                lines.insert(lines[next(lines.count)], at: line)
            }
            return lines.joined(separator: "\n")
        }
    }

    static var sources: [String] {
        let experiments = Fixtures.repositoryRoot.appendingPathComponent("experiments")
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: experiments.path)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
        return files.compactMap { try? String(contentsOf: experiments.appendingPathComponent($0), encoding: .utf8) }
            + Fixtures.names("valid").compactMap { try? Fixtures.text("valid", $0) }
    }

    @Test func twelveHundredMutationsYieldAPlanOrLocatedDiagnostics() throws {
        let sources = Self.sources
        #expect(sources.count >= 5)
        var mutator = Mutator(state: 20261130)
        var outcomes = (plans: 0, diagnostics: 0)
        for index in 0..<1200 {
            var text = sources[index % sources.count]
            for _ in 0...mutator.next(3) { text = mutator.mutate(text) }
            let lineCount = text.split(separator: "\n", omittingEmptySubsequences: false).count
            do {
                _ = try PlanParser.parse(yaml: text, file: "m.yaml", directory: "")
                outcomes.plans += 1
            } catch let error as DiagnosticError {
                outcomes.diagnostics += 1
                #expect(!error.diagnostics.isEmpty)
                for diagnostic in error.diagnostics {
                    #expect(diagnostic.location.line >= 1 && diagnostic.location.line <= lineCount + 1, "\(diagnostic) in\n\(text)")
                    #expect(diagnostic.location.column >= 1, "\(diagnostic)")
                    #expect(!diagnostic.message.isEmpty)
                }
            }
        }
        // Both outcomes occur, so the mutations neither always break nor never break the files.
        #expect(outcomes.plans > 50)
        #expect(outcomes.diagnostics > 500)
    }
}
