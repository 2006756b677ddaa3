import Foundation

/// What differs between two plans, as lines a person reads: axes and values added or removed,
/// settings changed (`training.epochs: 25 → 30`), data and split changes.
public enum PlanDifferences {
    /// Every difference from `old` to `new`, in a fixed order; empty when the plans are equal.
    public static func between(_ old: Plan, _ new: Plan) -> [String] {
        var lines: [String] = []
        func compare<T: Equatable>(_ label: String, _ a: T, _ b: T, _ text: (T) -> String) {
            if a != b { lines.append("\(label): \(text(a)) → \(text(b))") }
        }
        compare("name", old.name, new.name) { $0 }
        compare("seed", old.seed, new.seed) { String($0) }
        compare("data.file", old.data.file, new.data.file) { $0 }
        compare("data.target", old.data.target, new.data.target) { $0 }
        compare("data.positive", old.data.positive, new.data.positive) { $0 ?? "(none)" }
        compare("data.exclude", old.data.exclude, new.data.exclude) { "[\($0.joined(separator: ", "))]" }
        compare("data.standardize", old.data.standardize, new.data.standardize) { String($0) }
        compare("data.split.test", old.data.split.test, new.data.split.test) { $0.map(ScalarSyntax.format) ?? "(none)" }
        compare("data.split.validation", old.data.split.validation, new.data.split.validation) { $0.map(ScalarSyntax.format) ?? "(none)" }
        compare("data.split.folds", old.data.split.folds, new.data.split.folds) { $0.map(String.init) ?? "(none)" }
        compare("data.split.stratify", old.data.split.stratify, new.data.split.stratify) { String($0) }
        compare("data.split.shuffle", old.data.split.shuffle, new.data.split.shuffle) { String($0) }
        compare("search.repetitions", old.repetitions, new.repetitions) { String($0) }
        compare("search.objective", old.objective, new.objective) { "\($0.goal.rawValue) \($0.metric)" }

        let oldAxes = Dictionary(uniqueKeysWithValues: old.axes.map { ($0.name, $0.values) })
        let newAxes = Dictionary(uniqueKeysWithValues: new.axes.map { ($0.name, $0.values) })
        for axis in old.axes where newAxes[axis.name] == nil {
            lines.append("axis removed: \(axis.name) [\(axis.values.map(\.description).joined(separator: ", "))]")
        }
        for axis in new.axes where oldAxes[axis.name] == nil {
            lines.append("axis added: \(axis.name) [\(axis.values.map(\.description).joined(separator: ", "))]")
        }
        for axis in new.axes {
            guard let before = oldAxes[axis.name] else { continue }
            let removed = before.filter { value in !axis.values.contains { $0.sameValue(as: value) } }
            let added = axis.values.filter { value in !before.contains { $0.sameValue(as: value) } }
            if !removed.isEmpty { lines.append("\(axis.name): values removed: \(removed.map(\.description).joined(separator: ", "))") }
            if !added.isEmpty { lines.append("\(axis.name): values added: \(added.map(\.description).joined(separator: ", "))") }
        }
        lines += settingChanges(old, new)
        return lines
    }

    /// Model and training settings that differ for cells with the same axis values.
    private static func settingChanges(_ old: Plan, _ new: Plan) -> [String] {
        let oldCells = Dictionary(old.cells.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var seen = Set<String>()
        var lines: [String] = []
        for cell in new.cells {
            guard let before = oldCells[cell.id] else { continue }
            let a = flatten(before.model, prefix: "model").merging(flatten(before.training, prefix: "training")) { $1 }
            let b = flatten(cell.model, prefix: "model").merging(flatten(cell.training, prefix: "training")) { $1 }
            for key in Set(a.keys).union(b.keys).sorted() where a[key] != b[key] {
                let line = "\(key): \(a[key] ?? "(none)") → \(b[key] ?? "(none)")"
                if seen.insert(line).inserted { lines.append(line) }
            }
        }
        return lines
    }

    /// Leaf values of a value's JSON form by dotted path.
    static func flatten(_ value: some Encodable, prefix: String) -> [String: String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(value), let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            return [:]
        }
        var leaves: [String: String] = [:]
        func walk(_ node: Any, _ path: String) {
            if let dictionary = node as? [String: Any] {
                for (key, child) in dictionary { walk(child, "\(path).\(key)") }
            } else if let array = node as? [Any] {
                for (index, child) in array.enumerated() { walk(child, "\(path)[\(index)]") }
            } else {
                leaves[path] = "\(node)"
            }
        }
        walk(object, prefix)
        return leaves
    }
}
