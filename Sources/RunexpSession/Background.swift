import Foundation
import Synchronization

/// A value made on another thread: awaited where it is needed, or taken without waiting
/// (``ready``) by code that can go on without it, such as a run's journal callback.
public final class Background<Value: Sendable>: Sendable {
    private let task: Task<Value, Never>
    private let box = ResultBox()

    /// Starts `work`. With `settledBeforeExit`, ``BackgroundWork/settle()`` waits for it before the
    /// process exits: a child process in flight (git's) must be reaped first, or swift-subprocess
    /// reports a leaked continuation ("SWIFT TASK CONTINUATION MISUSE") as the process exits.
    public init(settledBeforeExit: Bool = false, _ work: @escaping @Sendable () async -> Value) {
        let box = box
        let task = Task {
            let value = await work()
            box.result.withLock { $0 = value }
            return value
        }
        self.task = task
        if settledBeforeExit {
            BackgroundWork.register { _ = await task.value }
        }
    }

    /// Where the task leaves its value for ``ready``.
    private final class ResultBox: Sendable {
        let result = Mutex<Value?>(nil)
    }

    /// The value, once made.
    public var value: Value {
        get async { await task.value }
    }

    /// The value if it is made already, else nil.
    public var ready: Value? {
        box.result.withLock { $0 }
    }
}

/// Background work the process waits for before it exits (see ``Background/init(settledBeforeExit:_:)``).
public enum BackgroundWork {
    private static let pending = Mutex<[@Sendable () async -> Void]>([])

    public static func register(_ wait: @escaping @Sendable () async -> Void) {
        pending.withLock { $0.append(wait) }
    }

    /// Waits for every registered piece of work.
    public static func settle() async {
        let waits = pending.withLock { waits in
            defer { waits = [] }
            return waits
        }
        for wait in waits { await wait() }
    }
}
