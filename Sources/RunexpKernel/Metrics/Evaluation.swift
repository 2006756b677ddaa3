/// Quality of class probabilities against labels; the binary metrics refer to one positive class.
public struct Evaluation: Sendable, Equatable, Codable {
    /// Unweighted mean cross-entropy, probabilities clipped to [1e−7, 1 − 1e−7].
    public let loss: Double
    /// Fraction of rows whose argmax (first maximum) is the label.
    public let accuracy: Double
    /// TP/(TP+FP), 0 when nothing is predicted positive (scikit-learn zero_division=0).
    public let precision: Double?
    /// TP/(TP+FN), 0 when no row is positive.
    public let recall: Double?
    /// 2TP/(2TP+FP+FN), 0 when that denominator is 0.
    public let f1: Double?
    /// Area under the ROC curve of the positive class's probability (Mann–Whitney, ties count ½).
    public let rocAUC: Double?

    /// Creates an evaluation from already computed values.
    public init(loss: Double, accuracy: Double, precision: Double?, recall: Double?, f1: Double?, rocAUC: Double?) {
        self.loss = loss
        self.accuracy = accuracy
        self.precision = precision
        self.recall = recall
        self.f1 = f1
        self.rocAUC = rocAUC
    }
}

/// Scores `probabilities` (rows × classCount, row-major) against `labels` (0..<classCount).
///
/// Loss is the unweighted mean of `−log(clip(p[label], 1e−7, 1 − 1e−7))` (float32 per row, summed in Double);
/// accuracy by argmax. With classCount == 2 and a positiveClass: precision/recall/F1/ROC AUC of
/// that class, a row predicted positive iff its argmax is positiveClass; AUC by average ranks,
/// `(Σ ranks of positives − P(P+1)/2)/(P·N)`, nil when only one class is present or a score is NaN.
/// Otherwise precision/recall/F1 are macro averages (``macroAverages(probabilities:labels:classCount:)``)
/// and there is no AUC. Zero rows give loss 0 and accuracy 0.
public func evaluate(probabilities: [Float], labels: [Int32], classCount: Int, positiveClass: Int?) -> Evaluation {
    precondition(classCount >= 1, "classCount must be positive")
    precondition(probabilities.count == labels.count * classCount, "probabilities must be rows × classCount")
    for label in labels { precondition(label >= 0 && Int(label) < classCount, "label \(label) outside 0..<\(classCount)") }
    let rows = labels.count
    let (loss, accuracy) = probabilities.withUnsafeBufferPointer { p in
        labels.withUnsafeBufferPointer { y in
            meanLossAndAccuracy(probabilities: p.baseAddress, labels: y.baseAddress, rows: rows, classCount: classCount)
        }
    }
    guard classCount == 2, let positive = positiveClass else {
        let macro = macroAverages(probabilities: probabilities, labels: labels, classCount: classCount)
        return Evaluation(loss: loss, accuracy: accuracy, precision: macro.precision, recall: macro.recall, f1: macro.f1, rocAUC: nil)
    }
    precondition(positive == 0 || positive == 1, "positiveClass must be 0 or 1")
    var truePositives = 0, falsePositives = 0, falseNegatives = 0
    for i in 0..<rows {
        let predicted = probabilities[2 * i + 1] > probabilities[2 * i] ? 1 : 0
        let actual = Int(labels[i])
        if predicted == positive {
            if actual == positive { truePositives += 1 } else { falsePositives += 1 }
        } else if actual == positive {
            falseNegatives += 1
        }
    }
    let precision = truePositives + falsePositives == 0 ? 0 : Double(truePositives) / Double(truePositives + falsePositives)
    let recall = truePositives + falseNegatives == 0 ? 0 : Double(truePositives) / Double(truePositives + falseNegatives)
    let f1Denominator = 2 * truePositives + falsePositives + falseNegatives
    let f1 = f1Denominator == 0 ? 0 : Double(2 * truePositives) / Double(f1Denominator)
    let scores = (0..<rows).map { probabilities[2 * $0 + positive] }
    let isPositive = labels.map { Int($0) == positive }
    return Evaluation(
        loss: loss, accuracy: accuracy, precision: precision, recall: recall, f1: f1,
        rocAUC: rocAUC(scores: scores, positives: isPositive))
}

/// Each row's predicted class of `probabilities` (rows × classCount): the first of its largest
/// values, NaN never winning, as accuracy counts it.
public func predictedClasses(probabilities: [Float], classCount: Int) -> [Int] {
    precondition(classCount >= 1 && probabilities.count % classCount == 0, "probabilities must be rows × classCount")
    return probabilities.withUnsafeBufferPointer { p in
        guard let base = p.baseAddress else { return [] }
        return (0..<(p.count / classCount)).map { CrossEntropy.argmax(base + $0 * classCount, count: classCount) }
    }
}

/// Mean clipped cross-entropy and argmax accuracy over `rows` rows (shared by ``evaluate`` and training's validation).
func meanLossAndAccuracy(
    probabilities: UnsafePointer<Float>?, labels: UnsafePointer<Int32>?, rows: Int, classCount: Int
) -> (loss: Double, accuracy: Double) {
    guard rows > 0, let probabilities, let labels else { return (0, 0) }
    var total = 0.0
    var correct = 0
    for i in 0..<rows {
        let row = probabilities + i * classCount
        let label = Int(labels[i])
        total += Double(CrossEntropy.sample(row[label]))
        if CrossEntropy.argmax(row, count: classCount) == label { correct += 1 }
    }
    return (total / Double(rows), Double(correct) / Double(rows))
}

/// ROC AUC by the Mann–Whitney statistic with average ranks for tied scores; nil if a class is absent or a score is NaN.
func rocAUC(scores: [Float], positives: [Bool]) -> Double? {
    let positiveCount = positives.lazy.filter { $0 }.count
    let negativeCount = positives.count - positiveCount
    guard positiveCount > 0, negativeCount > 0, !scores.contains(where: \.isNaN) else { return nil }
    let order = scores.indices.sorted { scores[$0] < scores[$1] }
    var positiveRankSum = 0.0
    var start = 0
    while start < order.count {
        var end = start + 1
        while end < order.count && scores[order[end]] == scores[order[start]] { end += 1 }
        let averageRank = Double(start + 1 + end) / 2
        for position in start..<end where positives[order[position]] {
            positiveRankSum += averageRank
        }
        start = end
    }
    let p = Double(positiveCount), n = Double(negativeCount)
    return (positiveRankSum - p * (p + 1) / 2) / (p * n)
}

/// Macro-averaged precision, recall and F1 of argmax predictions, as scikit-learn's
/// `average="macro"` computes them: the unweighted mean over the classes that occur among the
/// labels or the predictions, each class's value 0 where its denominator is 0 (zero_division=0).
/// Zero rows give zeros.
func macroAverages(probabilities: [Float], labels: [Int32], classCount: Int) -> (precision: Double, recall: Double, f1: Double) {
    var truePositives = [Int](repeating: 0, count: classCount)
    var predictedCounts = [Int](repeating: 0, count: classCount)
    var actualCounts = [Int](repeating: 0, count: classCount)
    probabilities.withUnsafeBufferPointer { p in
        guard let base = p.baseAddress else { return }
        for (i, label) in labels.enumerated() {
            let predicted = CrossEntropy.argmax(base + i * classCount, count: classCount)
            let actual = Int(label)
            predictedCounts[predicted] += 1
            actualCounts[actual] += 1
            if predicted == actual { truePositives[actual] += 1 }
        }
    }
    var precision = 0.0, recall = 0.0, f1 = 0.0, present = 0
    for c in 0..<classCount where predictedCounts[c] + actualCounts[c] > 0 {
        present += 1
        let tp = Double(truePositives[c])
        if predictedCounts[c] > 0 { precision += tp / Double(predictedCounts[c]) }
        if actualCounts[c] > 0 { recall += tp / Double(actualCounts[c]) }
        f1 += 2 * tp / Double(predictedCounts[c] + actualCounts[c])
    }
    guard present > 0 else { return (0, 0, 0) }
    let n = Double(present)
    return (precision / n, recall / n, f1 / n)
}

/// Quality of a regression net's predictions against the targets.
public struct RegressionEvaluation: Sendable, Equatable {
    /// Unweighted mean of the training loss, on the scale the net trained on.
    public let loss: Double
    /// Root mean squared error in the target's own units.
    public let rmse: Double
    /// Mean absolute error in the target's own units.
    public let mae: Double
    /// 1 − Σ(y − ŷ)² / Σ(y − ȳ)² over the rows (ȳ their mean); nil when every target is the same
    /// (scikit-learn then reports 0 or 1 by convention) or a value is not finite.
    public let r2: Double?
}

/// Scores `predictions` against `targets` (both on the training scale, one per row). The errors
/// are measured after mapping both back to the target's units, `value · scale + offset` in Double
/// (``TargetScale/identity`` when the target was not standardized). Zero rows give zeros and no R².
public func evaluateRegression(predictions: [Float], targets: [Float], loss: LossKind, scale: TargetScale = .identity)
    -> RegressionEvaluation {
    precondition(predictions.count == targets.count, "one prediction per target")
    precondition(loss.isRegression, "\(loss.name) is not a regression loss")
    let rows = targets.count
    guard rows > 0 else { return RegressionEvaluation(loss: 0, rmse: 0, mae: 0, r2: nil) }
    let meanLoss = predictions.withUnsafeBufferPointer { p in
        targets.withUnsafeBufferPointer { t in RegressionLoss.mean(loss, predictions: p.baseAddress, targets: t.baseAddress, rows: rows) }
    }
    let (squares, absolutes, sum) = predictions.withUnsafeBufferPointer { p in
        targets.withUnsafeBufferPointer { t in regressionErrors(predictions: p.baseAddress, targets: t.baseAddress, rows: rows, scale: scale) }
    }
    let mean = sum / Double(rows)
    var total = 0.0
    for target in targets {
        let deviation = Double(target) * scale.scale + scale.offset - mean
        total += deviation * deviation
    }
    let constant = targets.allSatisfy { $0 == targets[0] }
    let r2 = !constant && total > 0 && squares.isFinite && total.isFinite ? 1 - squares / total : nil
    return RegressionEvaluation(loss: meanLoss, rmse: (squares / Double(rows)).squareRoot(), mae: absolutes / Double(rows), r2: r2)
}

/// Σ error², Σ |error| and Σ actual over `rows` rows in the target's units (`value · scale + offset`,
/// in Double): ``evaluateRegression`` and each epoch's validation RMSE share these sums.
func regressionErrors(predictions: UnsafePointer<Float>?, targets: UnsafePointer<Float>?, rows: Int, scale targetScale: TargetScale)
    -> (squares: Double, absolutes: Double, sum: Double) {
    guard rows > 0, let predictions, let targets else { return (0, 0, 0) }
    let scale = targetScale.scale, offset = targetScale.offset
    var squares = 0.0, absolutes = 0.0, sum = 0.0
    for i in 0..<rows {
        let actual = Double(targets[i]) * scale + offset
        let error = (Double(predictions[i]) * scale + offset) - actual
        squares += error * error
        absolutes += abs(error)
        sum += actual
    }
    return (squares, absolutes, sum)
}
