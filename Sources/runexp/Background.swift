import Foundation
import Synchronization

/// A value made on another thread: awaited where it is needed, or taken without waiting
/// (``ready``) by code that can go on without it, such as a run's journal callback.
final class Background<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Value?
    private var task: Task<Value, Never>!

    /// Starts `work`. With `settledBeforeExit`, ``BackgroundWork/settle()`` waits for it before the
    /// process exits: a child process in flight (git's) must be reaped first, or swift-subprocess
    /// reports a leaked continuation ("SWIFT TASK CONTINUATION MISUSE") as the process exits.
    init(settledBeforeExit: Bool = false, _ work: @escaping @Sendable () async -> Value) {
        task = Task { [self] in
            let value = await work()
            lock.withLock { result = value }
            return value
        }
        if settledBeforeExit {
            let task = self.task!
            BackgroundWork.register { _ = await task.value }
        }
    }

    /// The value, once made.
    var value: Value {
        get async { await task.value }
    }

    /// The value if it is made already, else nil.
    var ready: Value? {
        lock.withLock { result }
    }
}

/// Background work the process waits for before it exits (see ``Background/init(settledBeforeExit:_:)``).
enum BackgroundWork {
    private static let pending = Mutex<[@Sendable () async -> Void]>([])

    static func register(_ wait: @escaping @Sendable () async -> Void) {
        pending.withLock { $0.append(wait) }
    }

    /// Waits for every registered piece of work.
    static func settle() async {
        let waits = pending.withLock { waits in
            defer { waits = [] }
            return waits
        }
        for wait in waits { await wait() }
    }
}
