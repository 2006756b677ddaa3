import Foundation
import RunexpExecution
import RunexpPlan

/// plan.json's text, encoded on another thread: awaited where it is needed, or taken without
/// waiting (``ready``) by code that can go on without it, such as a run's journal callback.
final class EncodedPlan: @unchecked Sendable {
    private let lock = NSLock()
    private var value: String?
    private var task: Task<String, Never>!

    init(_ plan: Plan) {
        task = Task { [self] in
            let json = ResultTables.planJSON(plan)
            lock.withLock { value = json }
            return json
        }
    }

    /// The text, once encoded.
    var text: String {
        get async { await task.value }
    }

    /// The text if it is encoded already, else nil.
    var ready: String? {
        lock.withLock { value }
    }
}
