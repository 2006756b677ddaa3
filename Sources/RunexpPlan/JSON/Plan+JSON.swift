extension Plan {
    /// plan.json's text, without a final newline: the plan as `JSONEncoder` writes it pretty-printed
    /// with sorted keys (``PrettyJSON``), so its hash is the same as ever.
    ///
    /// A grid's cells repeat a few models, trainings and axis values many times over. Each distinct
    /// one is encoded once and its text reused; only a cell's own five keys are written here. That
    /// makes a 216-cell plan several times cheaper than encoding every cell; the tests compare the
    /// text with `JSONEncoder`'s on every plan in the repository and on random plans.
    ///
    /// Values are reused when equal, and `==` is looser than the text in two ways: 0 equals -0, and
    /// strings are equal when canonically equivalent ("é" in one or two code points). A plan with a
    /// negative zero or a non-ASCII class name in a cell's model or training is encoded whole; axis
    /// values are told apart by their exact bits and bytes.
    public func prettyJSON() throws -> String {
        guard !cells.isEmpty, cells.allSatisfy(\.isReusableAsText) else { return try PrettyJSON.encode(self) }
        var shell = self
        shell.cells = []
        let outline = try PrettyJSON.encode(shell)
        // The keys sort "axes" < "cells" < "data": the empty list sits between two top-level entries.
        // A newline is never inside a string (it is escaped), so this can only be that list.
        let emptyCells = "\n  \"cells\" : [\n\n  ]"
        guard let range = outline.range(of: emptyCells) else { return try PrettyJSON.encode(self) }

        var models: [[LayerPlan]: String] = [:]
        var trainings: [TrainingPlan: String] = [:]
        var assignments: [ExactAssignment: String] = [:]
        var text = String(outline[..<range.lowerBound])
        text.reserveCapacity(outline.utf8.count + cells.count * 1400)
        text += "\n  \"cells\" : [\n"
        for (position, cell) in cells.enumerated() {
            if position > 0 { text += ",\n" }
            text += "    {\n      \"id\" : "
            text += PrettyJSON.quoted(cell.id)
            text += ",\n      \"index\" : "
            text += String(cell.index)
            text += ",\n      \"model\" : "
            text += try Self.text(of: cell.model, key: cell.model, indent: 3, reusing: &models)
            text += ",\n      \"training\" : "
            text += try Self.text(of: cell.training, key: cell.training, indent: 3, reusing: &trainings)
            text += ",\n      \"values\" : [\n"
            for (index, assignment) in cell.values.enumerated() {
                if index > 0 { text += ",\n" }
                text += "        "
                text += try Self.text(of: assignment, key: ExactAssignment(assignment), indent: 4, reusing: &assignments)
            }
            text += "\n      ]\n    }"
        }
        text += "\n  ]"
        text += outline[range.upperBound...]
        return text
    }

    /// The text of `value` at `indent`, encoded the first time its `key` is seen.
    private static func text<Value: Encodable, Key: Hashable>(of value: Value, key: Key, indent: Int,
                                                              reusing texts: inout [Key: String]) throws -> String {
        if let known = texts[key] { return known }
        let encoded = try PrettyJSON.encode(value, indent: indent)
        texts[key] = encoded
        return encoded
    }
}

private extension Cell {
    /// True when every model and training equal to this cell's has the same JSON text (see
    /// ``Plan/prettyJSON()``): no negative zero and no non-ASCII class name.
    var isReusableAsText: Bool {
        func plain(_ value: Double) -> Bool { !(value == 0 && value.sign == .minus) }
        for layer in model {
            switch layer {
            case .dropout(let rate): if !plain(rate) { return false }
            case .batchNorm(let momentum, let epsilon): if !plain(momentum) || !plain(epsilon) { return false }
            case .layerNorm(let epsilon): if !plain(epsilon) { return false }
            case .dense: continue
            }
        }
        guard training.optimizer.numbers.allSatisfy(plain) else { return false }
        if let delta = training.huberDelta, !plain(delta) { return false }
        if let decay = training.weightDecay, !plain(decay) { return false }
        if let clipNorm = training.clipNorm, !plain(clipNorm) { return false }
        if let smoothing = training.labelSmoothing, !plain(smoothing) { return false }
        if let schedule = training.schedule, !schedule.numbers.allSatisfy(plain) { return false }
        if let stopping = training.earlyStopping, !plain(stopping.minDelta) { return false }
        if case .explicit(let weights) = training.classWeight {
            for (name, weight) in weights where !plain(weight) || !name.utf8.allSatisfy({ $0 < 0x80 }) { return false }
        }
        return true
    }
}

/// An axis assignment compared by the exact bytes of its texts and the exact bits of its number.
private struct ExactAssignment: Hashable {
    enum Value: Hashable {
        case int(Int), double(UInt64), bool(Bool), string([UInt8])
    }

    let axis: [UInt8]
    let value: Value

    init(_ assignment: AxisAssignment) {
        axis = Array(assignment.axis.utf8)
        switch assignment.value {
        case .int(let int): value = .int(int)
        case .double(let double): value = .double(double.bitPattern)
        case .bool(let bool): value = .bool(bool)
        case .string(let string): value = .string(Array(string.utf8))
        }
    }
}
