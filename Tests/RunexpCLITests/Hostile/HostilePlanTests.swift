import Foundation
import Testing

/// Experiment files a hostile or careless user writes, run as the user would (`runexp run`, under
/// the harness' memory limit): each is refused with exit 1, a located message naming what is
/// valid, in well under the time limit and without a result folder.
@Suite struct HostilePlanTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        /// The file's text (written as UTF-8), or raw bytes.
        var bytes: @Sendable () -> Data
        var messages: [String]
        var testDescription: String { name }

        init(_ name: String, messages: [String], bytes: @escaping @Sendable () -> Data) {
            self.name = name
            self.messages = messages
            self.bytes = bytes
        }

        init(_ name: String, messages: [String], text: @escaping @Sendable () -> String) {
            self.init(name, messages: messages) { Data(text().utf8) }
        }
    }

    static func replacing(_ from: String, _ to: String) -> String {
        Hostile.experiment(replacing: from, with: to)
    }

    /// Nine levels of nine aliases: 9^9 scalars in about 300 bytes, with or without an alias as key.
    static func aliasBomb(tail: String) -> String {
        var yaml = "a: &a [x, x, x, x, x, x, x, x, x]\n"
        var previous = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            yaml += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ", ") + "]\n"
            previous = name
        }
        return yaml + tail
    }

    /// A grid of 2 × 10^6 cells: six dropout axes of ten values.
    static var grid: String {
        let axes = (0..<6).map { "    a\($0): [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]\n" }.joined()
        let layers = (0..<6).map { "  - dropout: $a\($0)\n" }.joined()
        return replacing("    units: [2, 4]\n", "    units: [2, 4]\n" + axes).replacingOccurrences(of: "model:\n", with: "model:\n" + layers)
    }

    static let cases: [Case] = [
        Case("alias bomb", messages: ["exp/x.yaml:1:4: error: YAML anchors ('&a') are not supported"]) { aliasBomb(tail: "") },
        Case("alias bomb as a mapping key", messages: ["exp/x.yaml:1:4: error: YAML anchors ('&a')"]) { aliasBomb(tail: "*i : 1\n") },
        Case("tag that makes a number text", messages: ["exp/x.yaml:10:11: error: YAML tags ('!!str') are not supported; "
                                                        + "write the value without the tag"]) {
            replacing("epochs: 4", "epochs: !!str 4")
        },
        Case("unknown tag", messages: ["exp/x.yaml:3:9: error: YAML tags ('!custom') are not supported"]) {
            replacing("  file: data.csv", "  file: !custom data.csv")
        },
        Case("tag on a mapping", messages: ["exp/x.yaml:2:7: error: YAML tags ('!!map') are not supported"]) {
            replacing("data:\n", "data: !!map\n")
        },
        Case("plain alias", messages: ["exp/x.yaml:2:14: error: YAML aliases ('*s') are not supported"]) {
            replacing("name: tiny\n", "name: tiny\ndescription: *s\n")
        },
        Case("int_uniform up to Int.max",
             messages: ["search.grid.units.int_uniform[1]: 9223372036854775807 is out of range; at most 9007199254740992"]) {
            replacing("units: [2, 4]", "units: {int_uniform: [0, 9223372036854775807]}\n  random: {samples: 3}")
        },
        Case("repetitions of 10^6", messages: ["search.repetitions: 1000000 is out of range; at most 10000 (ResourceLimits.repetitions)"]) {
            replacing("repetitions: 2", "repetitions: 1000000")
        },
        Case("folds of 10^6", messages: ["data.split.folds: 1000000 is out of range; at most 1000 (ResourceLimits.folds)"]) {
            replacing("split: {test: 0.2, validation: 0.25}", "split: {test: 0.2, folds: 1000000}")
        },
        Case("grid of 2 x 10^6 cells", messages: ["search.grid: the search makes up to 2 × 10 × 10 × 10 × 10 × 10 × 10 cells; at most 100000 (ResourceLimits.cells)"]) {
            grid
        },
        Case("samples of 10^9", messages: ["search.random.samples: 1000000000 is out of range; at most 100000 (ResourceLimits.cells)"]) {
            replacing("units: [2, 4]", "units: {int_uniform: [1, 64]}\n  random: {samples: 1000000000}")
        },
        Case("runs above the limit", messages: ["200 cells × 10000 repetitions × 1 folds = 2000000 runs; at most 1000000 (ResourceLimits.runs)"]) {
            replacing("units: [2, 4]", "units: [" + (1...200).map(String.init).joined(separator: ", ") + "]")
                .replacingOccurrences(of: "repetitions: 2", with: "repetitions: 10000")
        },
        Case("10^6 epochs in 40 runs", messages: ["exp/x.yaml:10:11: error: training.epochs: the search trains up to 40000000 epochs in all "
                                                  + "(runs × epochs, 1000000 in the longest run); at most 10000000 (ResourceLimits.curvePoints)"]) {
            replacing("epochs: 4", "epochs: 1000000").replacingOccurrences(of: "repetitions: 2", with: "repetitions: 20")
        },
        Case("class weight beyond Float", messages: ["training.class_weight.M: 1e39 is out of range", "32-bit floats"]) {
            replacing("batch_size: 8", "batch_size: 8\n  class_weight: {M: 1e39}")
        },
        Case("dropout rounding to 1 as a Float", messages: ["model[0].dropout: 0.99999999999 is out of range; expected a rate in [0, 1)"]) {
            replacing("model:\n", "model:\n  - dropout: 0.99999999999\n")
        },
        Case("300-character name", messages: ["exp/x.yaml:1:7: error: name: the name has 300 characters; at most 100 (ResourceLimits.nameLength)"]) {
            replacing("name: tiny", "name: " + String(repeating: "a", count: 300))
        },
        Case("empty data.file", messages: ["exp/x.yaml:3:9: error: data.file: the path is empty"]) { replacing("file: data.csv", "file: \"\"") },
        Case("unknown loss", messages: ["valid losses: categorical_crossentropy, binary_crossentropy"]) {
            replacing("batch_size: 8", "batch_size: 8\n  loss: cross")
        },
        Case("hex number", messages: ["training.epochs: expected a whole number ≥ 1, got '0x10'"]) { replacing("epochs: 4", "epochs: 0x10") },
        Case("flow nesting 10^5 deep", messages: ["exp/x.yaml:1:", "nesting level"]) {
            "name: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n"
        },
        Case("block nesting 10^5 deep", messages: ["nested 65 deep; at most 64 (ResourceLimits.yamlDepth)"]) {
            "name:\n  " + String(repeating: "- ", count: 100_000) + "x\n"
        },
        Case("50 MB file", messages: ["exp/x.yaml: error: the file has more than 8388608 bytes; at most 8388608 (ResourceLimits.experimentBytes)"]) {
            CLITests.experiment + "# " + String(repeating: "x", count: 50 << 20) + "\n"
        },
        Case("key repeated 10^5 times", messages: ["duplicate key 'seed' in one mapping"]) {
            CLITests.experiment + String(repeating: "seed: 1\n", count: 100_000)
        },
        Case("NUL byte", messages: ["exp/x.yaml:10:12: error: cannot read the file as UTF-8 text: control characters are not allowed (U+0000)"]) {
            replacing("epochs: 4", "epochs: 4\u{0}garbage")
        },
        Case("invalid UTF-8", messages: ["exp/x.yaml:1:1: error: the file is not UTF-8 text"]) {
            var data = Data(CLITests.experiment.utf8)
            data.insert(contentsOf: [0xFF, 0xFE], at: 8)
            return data
        },
        Case("5 MB number", messages: ["training.epochs: 99999", "… (5242880 bytes) is out of range"]) {
            replacing("epochs: 4", "epochs: " + String(repeating: "9", count: 5 << 20))
        },
        Case("10^5 include items naming new axes", messages: ["axes with this one; at most 64 (ResourceLimits.axes)"]) {
            replacing("  repetitions: 2", "  include:\n" + (0..<100_000).map { "    - {x\($0): 1}" }.joined(separator: "\n"))
        },
        Case("reference to a missing axis in an include-only place", messages: ["'$nope' is not an axis"]) {
            replacing("epochs: 4", "epochs: $nope")
        },
        Case("negative batch size", messages: ["training.batch_size: -8 is out of range; expected a whole number ≥ 1"]) {
            replacing("batch_size: 8", "batch_size: -8")
        },
        Case("non-integer epochs", messages: ["training.epochs: expected a whole number ≥ 1, got '2.5'"]) { replacing("epochs: 4", "epochs: 2.5") },
    ]

    @Test(arguments: cases)
    func fileIsRefused(_ hostile: Case) throws {
        let directory = try Hostile.workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try hostile.bytes().write(to: URL(fileURLWithPath: directory + "/exp/x.yaml"))
        let outcome = try Hostile.run(["run", "exp/x.yaml"], in: directory)
        Hostile.expectRefusal(hostile.name, outcome, messages: hostile.messages, resultsUnder: directory + "/results")
    }

    /// `plan` answers in a few seconds whatever the epochs: the sample runs are cut to a bounded
    /// amount of work and extrapolated, and the output is timed on a bounded set of stand-ins.
    @Test(arguments: [("epochs of 10^6", replacing("epochs: 4", "epochs: 1000000")),
                      ("10^6 runs: 10^3 cells x 1000 repetitions",
                       replacing("units: [2, 4]", "units: [" + (1...1_000).map(String.init).joined(separator: ", ") + "]")
                        .replacingOccurrences(of: "repetitions: 2", with: "repetitions: 1000")),
                      ("an axis of 10^5 sampled values",
                       replacing("units: [2, 4]", "units: [2]\n    lr: {log_uniform: [0.0001, 0.1]}\n  random: {samples: 100000}")
                        .replacingOccurrences(of: "learning_rate: 0.01", with: "learning_rate: $lr")
                        .replacingOccurrences(of: "repetitions: 2", with: "repetitions: 1"))])
    func planAnswersQuickly(name: String, experiment: String) throws {
        let directory = try Hostile.workspace(experiments: ["x": experiment])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outcome = try Hostile.run(["plan", "exp/x.yaml"], in: directory)
        #expect(outcome.exit == 0, "\(name): exit \(outcome.exit)\n\(outcome.stderr.prefix(2000))")
        #expect(outcome.stdout.contains("estimated wall time:"), "\(name): \(outcome.stdout.suffix(500))")
        #expect(outcome.seconds < Hostile.timeLimit * 2, "\(name): took \(outcome.seconds) s")
        // A long axis is listed by its first values and its count (one line of 10^5 values took minutes).
        #expect(outcome.stdout.split(separator: "\n").allSatisfy { $0.utf8.count < 2_000 }, "\(name): a line of the plan is too long")
        Hostile.record("plan, \(name)", outcome)
    }
}
