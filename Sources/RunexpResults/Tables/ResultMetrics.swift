import RunexpPlan

/// Which metrics an experiment reports: per part that exists, those of its task (``MetricKind/of(_:)``).
public enum ResultMetrics {
    /// Validation metrics when there is a validation part, then test metrics when there is a test part.
    public static func all(plan: Plan, classCount: Int) -> [MetricName] {
        let split = plan.data.split
        var parts: [MetricSplit] = []
        if split.hasValidation { parts.append(.val) }
        if plan.data.hasTestPart { parts.append(.test) }
        let kinds = MetricKind.of(plan.task(classCount: classCount))
        return parts.flatMap { part in kinds.map { MetricName(split: part, kind: $0) } }
    }
}
