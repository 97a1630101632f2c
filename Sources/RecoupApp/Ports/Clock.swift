import Foundation

/// The current instant, injected so rules and tests never read the real clock behind anyone's back.
public protocol Clock: Sendable {
    func now() -> Date
}

public struct SystemClock: Clock {
    public init() {}
    public func now() -> Date { Date() }
}

/// The system clock moved by a fixed offset: every process given the same offset agrees on the time, and the
/// time runs at real speed. For reproducible demos and end-to-end tests whose compliance answers must not depend
/// on the hour they happen to run at; never set in production.
public struct ShiftedClock: Clock {
    let offset: TimeInterval
    public init(offset: TimeInterval) { self.offset = offset }
    public func now() -> Date { Date() + offset }
}

/// A clock that stands still until told to move: for tests and reproducible demo data.
public final class ManualClock: Clock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    public init(_ start: Date) { current = start }

    public func now() -> Date { lock.withLock { current } }

    public func advance(by seconds: TimeInterval) { lock.withLock { current += seconds } }
}
