import Foundation

/// A value made on another thread: awaited where it is needed, or taken without waiting
/// (``ready``) by code that can go on without it, such as a run's journal callback.
final class Background<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Value?
    private var task: Task<Value, Never>!

    init(_ work: @escaping @Sendable () async -> Value) {
        task = Task { [self] in
            let value = await work()
            lock.withLock { result = value }
            return value
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
