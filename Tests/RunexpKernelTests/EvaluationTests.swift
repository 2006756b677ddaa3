import Foundation
import Testing
import RunexpKernel

@Suite struct EvaluationTests {
    /// Two-class probabilities [1 − p, p] from scores p.
    static func binary(_ scores: [Float]) -> [Float] { scores.flatMap { [1 - $0, $0] } }

    @Test func handComputedBinaryMetricsWithTies() {
        let scores: [Float] = [0.9, 0.6, 0.6, 0.4, 0.2, 0.6]
        let labels: [Int32] = [1, 1, 0, 1, 0, 0]
        let e = evaluate(probabilities: Self.binary(scores), labels: labels, classCount: 2, positiveClass: 1)
        // Predicted positive: rows 0, 1, 2, 5 → TP 2, FP 2, FN 1.
        #expect(e.precision == 0.5)
        #expect(e.recall == 2.0 / 3)
        #expect(e.f1 == 4.0 / 7)
        #expect(e.accuracy == 0.5)
        // Pairs won by positives: 0.9 → 3; 0.6 → ½ + 1 + ½; 0.4 → 1; of 9.
        #expect(isClose(e.rocAUC!, 6.0 / 9, relative: 1e-12))
        let probabilityOfLabel = zip(scores, labels).map { Double($1 == 1 ? $0 : 1 - $0) }
        let expectedLoss = probabilityOfLabel.map { -log($0) }.reduce(0, +) / 6
        #expect(isClose(e.loss, expectedLoss, relative: 1e-6))
    }

    @Test func negativeClassAsPositive() {
        let scores: [Float] = [0.9, 0.6, 0.6, 0.4, 0.2, 0.6]
        let labels: [Int32] = [1, 1, 0, 1, 0, 0]
        let e = evaluate(probabilities: Self.binary(scores), labels: labels, classCount: 2, positiveClass: 0)
        // Predicted 0: rows 3, 4 → TP 1 (row 4), FP 1 (row 3), FN 2 (rows 2, 5).
        #expect(e.precision == 0.5 && e.recall == 1.0 / 3 && e.f1 == 2.0 / 5)
        // AUC is symmetric: scoring class 0 by 1 − p ranks every pair the same way.
        #expect(isClose(e.rocAUC!, 6.0 / 9, relative: 1e-12))
    }

    @Test func noPredictedPositives() {
        let e = evaluate(probabilities: Self.binary([0.1, 0.2, 0.3, 0.4]), labels: [1, 0, 1, 0], classCount: 2, positiveClass: 1)
        #expect(e.precision == 0 && e.recall == 0 && e.f1 == 0)
        // Positives 0.1, 0.3 vs negatives 0.2, 0.4: only (0.3, 0.2) is won.
        #expect(e.rocAUC == 0.25)
        #expect(e.accuracy == 0.5)
    }

    @Test func oneClassOnlyHasNoAUC() {
        let e = evaluate(probabilities: Self.binary([0.7, 0.2, 0.9]), labels: [1, 1, 1], classCount: 2, positiveClass: 1)
        #expect(e.rocAUC == nil)
        #expect(e.precision == 1 && e.recall == 2.0 / 3)
        let negatives = evaluate(probabilities: Self.binary([0.7, 0.2]), labels: [0, 0], classCount: 2, positiveClass: 1)
        #expect(negatives.rocAUC == nil && negatives.recall == 0 && negatives.precision == 0)
    }

    /// More than two classes: precision, recall and F1 are macro averages over the classes that
    /// occur (scikit-learn's average="macro", zero_division=0; the expected values are its output),
    /// and there is no ROC AUC.
    @Test func threeClassesHaveMacroAveragesAndNoAUC() {
        let probabilities: [Float] = [0.7, 0.2, 0.1, 0.1, 0.1, 0.8, 0.3, 0.3, 0.4]
        let e = evaluate(probabilities: probabilities, labels: [0, 2, 1], classCount: 3, positiveClass: 1)
        #expect(e.rocAUC == nil)
        #expect(e.precision == 0.5 && isClose(e.recall ?? 0, 0.6666666666666666, relative: 1e-12)
                && isClose(e.f1 ?? 0, 0.5555555555555555, relative: 1e-12))
        #expect(e.accuracy == 2.0 / 3)
        #expect(isClose(e.loss, -(log(Double(Float(0.7))) + log(Double(Float(0.8))) + log(Double(Float(0.3)))) / 3, relative: 1e-6))
        // y = [0, 3, 1, 1, 2, 0], predicted [0, 1, 1, 3, 2, 2] over 5 classes (class 4 never occurs).
        let predicted = [0, 1, 1, 3, 2, 2]
        let rows = predicted.flatMap { p in (0..<5).map { Float($0 == p ? 0.6 : 0.1) } }
        let f = evaluate(probabilities: rows, labels: [0, 3, 1, 1, 2, 0], classCount: 5, positiveClass: nil)
        #expect(isClose(f.precision ?? 0, 0.5, relative: 1e-12) && isClose(f.recall ?? 0, 0.5, relative: 1e-12)
                && isClose(f.f1 ?? 0, 0.45833333333333326, relative: 1e-12))
        let withoutPositive = evaluate(probabilities: Self.binary([0.8]), labels: [1], classCount: 2, positiveClass: nil)
        #expect(withoutPositive.precision == 1 && withoutPositive.recall == 1 && withoutPositive.rocAUC == nil)
    }

    @Test func argmaxTiesPickTheFirstClass() {
        let e = evaluate(probabilities: [0.5, 0.5, 0.4, 0.4, 0.2], labels: [0], classCount: 5, positiveClass: nil)
        #expect(e.accuracy == 1)
        let binary = evaluate(probabilities: Self.binary([0.5]), labels: [1], classCount: 2, positiveClass: 1)
        #expect(binary.accuracy == 0 && binary.recall == 0)
    }

    @Test func probabilitiesAreClippedLikeKeras() {
        let e = evaluate(probabilities: [1, 0, 0, 1], labels: [1, 1], classCount: 2, positiveClass: nil)
        let clippedLow = -log(Double(Float(1e-7)))
        let clippedHigh = -log(Double(Float(1 - 1e-7)))
        #expect(isClose(e.loss, (clippedLow + clippedHigh) / 2, relative: 1e-6))
        #expect(e.loss.isFinite)
    }

    @Test func weightedCrossEntropyHelper() {
        let probabilities: [Float] = [0.25, 0.75, 0.5, 0.5]
        let loss = crossEntropy(probabilities: probabilities, labels: [0, 1], classCount: 2, classWeights: [2, 1])
        #expect(isClose(loss, (2 * log(4.0) + log(2.0)) / 2, relative: 1e-6))
        #expect(evaluate(probabilities: [], labels: [], classCount: 2, positiveClass: 1) ==
                Evaluation(loss: 0, accuracy: 0, precision: 0, recall: 0, f1: 0, rocAUC: nil))
    }
}
