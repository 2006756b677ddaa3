import Foundation
import Testing
import RunexpTestSupport
@testable import RunexpPlan

/// ``PrettyJSON`` against Foundation's `JSONEncoder` with the same options: byte-identical text on
/// random values that use every container and every primitive type, and on plans (the repository's
/// and random ones) through ``Plan/prettyJSON()``.
@Suite struct PrettyJSONTests {
    static func foundation(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static let root = RepositoryFiles.url

    /// Experiments, benchmark grids and valid parser fixtures.
    static func repositoryPlans() throws -> [(String, Plan)] {
        var plans: [(String, Plan)] = []
        for folder in ["experiments", "bench/experiments", "Tests/RunexpPlanTests/Fixtures/valid"] {
            let directory = root.appendingPathComponent(folder).path
            for name in try FileManager.default.contentsOfDirectory(atPath: directory).filter({ $0.hasSuffix(".yaml") }).sorted() {
                let file = (directory as NSString).appendingPathComponent(name)
                plans.append((file, try PlanParser.parse(contentsOf: file)))
            }
        }
        return plans
    }

    @Test func everyPlanHereIsWrittenAsJSONEncoderWritesIt() throws {
        let plans = try Self.repositoryPlans()
        #expect(plans.count >= 7)
        for (file, plan) in plans {
            let expected = try Self.foundation(plan)
            #expect(try PrettyJSON.encode(plan) == expected, "\(file)")
            #expect(try plan.prettyJSON() == expected, "\(file)")
        }
    }

    /// Plans whose cells share and differ in every field a cell's text is made of, including the
    /// values `==` cannot tell apart (0 and -0, "é" in one or two code points), and plans without cells.
    @Test func randomPlansAreWrittenAsJSONEncoderWritesThem() throws {
        let base = try Self.repositoryPlans().first { $0.1.cells.count > 20 }!.1
        var rng = PlanRandom(seed: 46368)
        for index in 0..<300 {
            var plan = base
            plan.cells = Array(plan.cells.prefix(rng.below(12)))
            for cell in plan.cells.indices { RandomPlanPieces.mutate(&plan.cells[cell], &rng) }
            if rng.below(3) == 0 { plan.data.positive = RandomPlanPieces.names[rng.below(RandomPlanPieces.names.count)] }
            if rng.below(3) == 0 { plan.data.split = SplitPlan(test: nil, validation: nil, folds: 3, stratify: true, shuffle: false) }
            let expected = try Self.foundation(plan)
            let text = try plan.prettyJSON()
            #expect(text == expected, "plan \(index)")
            if text != expected { return }
        }
    }

    @Test func randomValuesAreWrittenAsJSONEncoderWritesThem() throws {
        var rng = PlanRandom(seed: 28657)
        for index in 0..<3000 {
            let value = Sample.random(&rng, depth: 0)
            let expected = try Self.foundation(value)
            let text = try PrettyJSON.encode(value)
            #expect(text == expected, "sample \(index)")
            if text != expected { return }
        }
    }

    @Test func doublesAndFloatsAreWrittenAsJSONEncoderWritesThem() throws {
        var rng = PlanRandom(seed: 75025)
        var doubles: [Double] = [0, -0.0, 1, -1, 0.1, 1e-5, 1e16, 1e20, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 123456789012345680, 12345.678, 0.30000000000000004]
        var floats: [Float] = [0, -0.0, 0.1, 1e-7, 3.4e38, .leastNonzeroMagnitude, 16777216, 1e10]
        while doubles.count < 20000 {
            let double = Double(bitPattern: rng.next())
            if double.isFinite { doubles.append(double) }
            let float = Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()))
            if float.isFinite { floats.append(float) }
        }
        #expect(try PrettyJSON.encode(doubles) == (try Self.foundation(doubles)))
        #expect(try PrettyJSON.encode(floats) == (try Self.foundation(floats)))
    }

    @Test func valuesJSONEncoderRefusesOrWritesSpeciallyAreRefused() {
        #expect(throws: EncodingError.self) { try PrettyJSON.encode(["x": Double.nan]) }
        #expect(throws: EncodingError.self) { try PrettyJSON.encode([Float.infinity]) }
        #expect(throws: EncodingError.self) { try PrettyJSON.encode(["d": Data([1, 2])]) }
        #expect(throws: EncodingError.self) { try PrettyJSON.encode([URL(fileURLWithPath: "/tmp")]) }
        #expect(throws: EncodingError.self) { try PrettyJSON.encode(Decimal(1)) }
    }
}

/// A random JSON-able value, encoded through every kind of container and typed `encode` call.
indirect enum Sample: Encodable {
    case string(String), bool(Bool), null
    case int(Int), int8(Int8), int16(Int16), int32(Int32), int64(Int64)
    case uint(UInt), uint8(UInt8), uint16(UInt16), uint32(UInt32), uint64(UInt64)
    case double(Double), float(Float)
    /// Keyed entries (a key may repeat: the last one wins), some through `encodeIfPresent`.
    case object([(String, Sample?)])
    case array([Sample])
    /// A Swift dictionary, encoded by the standard library.
    case dictionary([String: Sample])
    /// A keyed object whose entries go through a nested keyed container, a nested unkeyed container
    /// and a super encoder.
    case nested(String, [(String, Sample)], [Sample], Sample)

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    static let characters: [String] = ["a", "b", "Z", "_", "0", "9", "/", "\"", "\\", "\n", "\r", "\t", "\u{8}", "\u{c}",
                                       "\u{0}", "\u{1f}", "\u{7f}", "é", "😀", "\u{2028}", " ", ":", "{", "e"]

    static func text(_ rng: inout PlanRandom, length: Int) -> String {
        (0..<Int(rng.next() % UInt64(length + 1))).map { _ in characters[Int(rng.next() % UInt64(characters.count))] }.joined()
    }

    static func random(_ rng: inout PlanRandom, depth: Int) -> Sample {
        let kinds: UInt64 = depth >= 4 ? 15 : 19
        switch rng.next() % kinds {
        case 0: return .string(text(&rng, length: 12))
        case 1: return .bool(rng.next() % 2 == 0)
        case 2: return .null
        case 3: return .int(Int(bitPattern: UInt(rng.next())) >> (rng.next() % 64))
        case 4: return .int8(Int8(truncatingIfNeeded: rng.next()))
        case 5: return .int16(Int16(truncatingIfNeeded: rng.next()))
        case 6: return .int32(Int32(truncatingIfNeeded: rng.next()))
        case 7: return .int64(Int64(bitPattern: rng.next()))
        case 8: return .uint(UInt(rng.next()))
        case 9: return .uint8(UInt8(truncatingIfNeeded: rng.next()))
        case 10: return .uint16(UInt16(truncatingIfNeeded: rng.next()))
        case 11: return .uint32(UInt32(truncatingIfNeeded: rng.next()))
        case 12: return .uint64(rng.next())
        case 13:
            let double = Double(bitPattern: rng.next())
            return .double(double.isFinite ? double : Double(rng.next() % 1000) / 8)
        case 14:
            let float = Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()))
            return .float(float.isFinite ? float : 0.25)
        case 15:
            return .object((0..<Int(rng.next() % 6)).map { _ in
                (text(&rng, length: 3), rng.next() % 5 == 0 ? nil : random(&rng, depth: depth + 1))
            })
        case 16: return .array((0..<Int(rng.next() % 5)).map { _ in random(&rng, depth: depth + 1) })
        case 17:
            var dictionary: [String: Sample] = [:]
            for _ in 0..<Int(rng.next() % 5) { dictionary[text(&rng, length: 4)] = random(&rng, depth: depth + 1) }
            return .dictionary(dictionary)
        default:
            return .nested(text(&rng, length: 3),
                           (0..<Int(rng.next() % 4)).map { _ in (text(&rng, length: 3), random(&rng, depth: depth + 1)) },
                           (0..<Int(rng.next() % 4)).map { _ in random(&rng, depth: depth + 1) },
                           random(&rng, depth: depth + 1))
        }
    }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .object(let entries):
            var container = encoder.container(keyedBy: Key.self)
            for (key, value) in entries {
                if let value { try value.encode(into: &container, forKey: Key(key)) } else {
                    try container.encodeIfPresent(Optional<Int>.none, forKey: Key(key))
                }
            }
        case .array(let items):
            var container = encoder.unkeyedContainer()
            for item in items { try item.encode(into: &container) }
        case .dictionary(let dictionary):
            try dictionary.encode(to: encoder)
        case .nested(let name, let entries, let items, let superValue):
            var container = encoder.container(keyedBy: Key.self)
            var object = container.nestedContainer(keyedBy: Key.self, forKey: Key(name + "o"))
            for (key, value) in entries { try value.encode(into: &object, forKey: Key(key)) }
            var array = container.nestedUnkeyedContainer(forKey: Key(name + "a"))
            for item in items { try item.encode(into: &array) }
            var nestedInArray = array.nestedContainer(keyedBy: Key.self)
            try nestedInArray.encode(name, forKey: Key("n"))
            try superValue.encode(to: container.superEncoder(forKey: Key(name + "s")))
            try superValue.encode(to: container.superEncoder())
        default:
            var container = encoder.singleValueContainer()
            switch self {
            case .string(let value): try container.encode(value)
            case .bool(let value): try container.encode(value)
            case .null: try container.encodeNil()
            case .int(let value): try container.encode(value)
            case .int8(let value): try container.encode(value)
            case .int16(let value): try container.encode(value)
            case .int32(let value): try container.encode(value)
            case .int64(let value): try container.encode(value)
            case .uint(let value): try container.encode(value)
            case .uint8(let value): try container.encode(value)
            case .uint16(let value): try container.encode(value)
            case .uint32(let value): try container.encode(value)
            case .uint64(let value): try container.encode(value)
            case .double(let value): try container.encode(value)
            case .float(let value): try container.encode(value)
            default: break
            }
        }
    }

    /// Primitives through the keyed container's typed calls, the rest through the generic one.
    func encode(into container: inout KeyedEncodingContainer<Key>, forKey key: Key) throws {
        switch self {
        case .string(let value): try container.encode(value, forKey: key)
        case .bool(let value): try container.encode(value, forKey: key)
        case .null: try container.encodeNil(forKey: key)
        case .int(let value): try container.encode(value, forKey: key)
        case .int8(let value): try container.encode(value, forKey: key)
        case .int16(let value): try container.encode(value, forKey: key)
        case .int32(let value): try container.encode(value, forKey: key)
        case .int64(let value): try container.encode(value, forKey: key)
        case .uint(let value): try container.encode(value, forKey: key)
        case .uint8(let value): try container.encode(value, forKey: key)
        case .uint16(let value): try container.encode(value, forKey: key)
        case .uint32(let value): try container.encode(value, forKey: key)
        case .uint64(let value): try container.encode(value, forKey: key)
        case .double(let value): try container.encodeIfPresent(Optional(value), forKey: key)
        case .float(let value): try container.encode(value, forKey: key)
        default: try container.encode(self, forKey: key)
        }
    }

    /// Primitives through the unkeyed container's typed calls, the rest through the generic one.
    func encode(into container: inout any UnkeyedEncodingContainer) throws {
        switch self {
        case .string(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .null: try container.encodeNil()
        case .int(let value): try container.encode(value)
        case .int8(let value): try container.encode(value)
        case .int16(let value): try container.encode(value)
        case .int32(let value): try container.encode(value)
        case .int64(let value): try container.encode(value)
        case .uint(let value): try container.encode(value)
        case .uint8(let value): try container.encode(value)
        case .uint16(let value): try container.encode(value)
        case .uint32(let value): try container.encode(value)
        case .uint64(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .float(let value): try container.encode(value)
        default: try container.encode(self)
        }
    }
}

/// Small pools of cell pieces, so that random cells both repeat and differ.
enum RandomPlanPieces {
    static let names = ["M", "B", "é", "e\u{301}", "a/b", "q\"", "x"]
    static let doubles: [Double] = [0, -0.0, 0.5, 1e-7, 0.9, 0.999, 1e-3]
    static let axisValues: [AxisValue] = [.int(1), .int(-3), .double(0.0), .double(-0.0), .double(1e-5), .bool(true),
                                          .string("é"), .string("e\u{301}"), .string("tab\there"), .string("1.0")]

    static func mutate(_ cell: inout Cell, _ rng: inout PlanRandom) {
        func pick<T>(_ pool: [T]) -> T { pool[rng.below(pool.count)] }
        if rng.below(2) == 0 {
            cell.model = (0..<1 + rng.below(3)).map { _ in
                rng.below(3) == 0 ? .dropout(rate: pick(doubles))
                    : .dense(units: rng.below(2) == 0 ? .classes : .count(1 + rng.below(3)), activation: pick(ActivationName.allCases))
            }
        }
        if rng.below(2) == 0 {
            var training = cell.training
            training.optimizer = rng.below(2) == 0
                ? .sgd(learningRate: pick(doubles), momentum: pick(doubles), nesterov: rng.below(2) == 0)
                : .adam(learningRate: pick(doubles), beta1: pick(doubles), beta2: pick(doubles), epsilon: pick(doubles))
            training.batchSize = pick([8, 16])
            training.loss = pick(LossName.allCases)
            switch rng.below(3) {
            case 0: training.classWeight = .none
            case 1: training.classWeight = .balanced
            default:
                var weights: [String: Double] = [:]
                for _ in 0..<1 + rng.below(2) { weights[pick(names)] = pick(doubles) }
                training.classWeight = .explicit(weights)
            }
            training.earlyStopping = rng.below(2) == 0 ? nil
                : EarlyStoppingPlan(monitor: pick(MonitorName.allCases), patience: rng.below(4), minDelta: pick(doubles),
                                    restoreBestWeights: rng.below(2) == 0)
            cell.training = training
        }
        if rng.below(2) == 0 {
            cell.values = (0..<rng.below(4)).map { _ in AxisAssignment(axis: pick(names), value: pick(axisValues)) }
        }
        if rng.below(4) == 0 { cell.id = pick(names) }
    }
}
