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

    /// The outcome of parsing `text`: the plan (with its recorded locations) or the diagnostics.
    static func outcome(_ text: String, reusingReads: Bool) -> Result<Plan, DiagnosticError> {
        Result { try PlanParser.parse(yaml: text, file: "m.yaml", directory: "", reusingReads: reusingReads) }
            .mapError { $0 as! DiagnosticError }
    }

    /// Reading each distinct model and training once gives the same plan, locations and
    /// diagnostics as reading them for every cell: on every experiment and fixture, valid or not,
    /// and on mutations of them.
    @Test func sharedReadsOfModelAndTrainingChangeNoOutcome() throws {
        var texts = Self.sources + Fixtures.names("invalid").compactMap { try? Fixtures.text("invalid", $0) }
        var mutator = Mutator(state: 4242)
        for index in 0..<600 {
            var text = Self.sources[index % Self.sources.count]
            for _ in 0...mutator.next(3) { text = mutator.mutate(text) }
            texts.append(text)
        }
        var compared = (plans: 0, diagnostics: 0)
        for text in texts {
            let shared = Self.outcome(text, reusingReads: true)
            let fresh = Self.outcome(text, reusingReads: false)
            switch (shared, fresh) {
            case (.success(let a), .success(let b)):
                #expect(a == b && a.locations == b.locations, "\(text)")
                compared.plans += 1
            case (.failure(let a), .failure(let b)):
                #expect(a.diagnostics == b.diagnostics, "\(text)")
                compared.diagnostics += 1
            default:
                Issue.record("one parse failed and the other did not:\n\(text)")
            }
        }
        #expect(compared.plans > 30 && compared.diagnostics > 200)
    }
}
