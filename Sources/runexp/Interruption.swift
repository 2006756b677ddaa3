import Foundation

/// Ctrl-C (SIGINT) and SIGTERM ask the run to stop: no new run starts, running ones finish
/// and are journaled. A second Ctrl-C stops at once (the journal keeps what finished).
final class Interruption: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]
    private let flag = AtomicFlag()

    init() {
        let flag = self.flag
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if flag.isSet { exit(130) }
                flag.set()
                FileHandle.standardError.write(Data("\nStopping after the runs in progress (Ctrl-C again to stop now)...\n".utf8))
            }
            source.resume()
            return source
        }
    }

    var requested: Bool { flag.isSet }
}

/// A boolean set once, readable from any thread.
final class AtomicFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool { lock.withLock { value } }

    func set() { lock.withLock { value = true } }
}
