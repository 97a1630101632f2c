import Foundation

/// Writes the dispatcher's resolutions in shared transactions, behind the hand-offs: whatever finished while the
/// previous group was being written goes in the next one, so the database commits once per group instead of once
/// per message, and a hand-off's slot moves on to the next message while its outcome waits to be written.
///
/// At most `window` outcomes wait at any moment; a hand-off that would exceed it waits for the next commit. So a
/// crash leaves at most the hand-offs in flight plus `window` outcomes unwritten: those messages are claimed again
/// when their lease runs out and handed off again with the same Message-ID or idempotency key (the receiver
/// de-duplicates), and nothing else is repeated.
actor GroupCommit {
    private let outbox: any OutboxRepository
    private let worker: String
    private let window: Int
    private var pending: [(OutboxMessage, OutboxResolution, Date, any Dispatcher.Report.Tally)] = []
    /// Outcomes queued or being written.
    private var unwritten = 0
    private var writing = false
    private var waitingForRoom: [CheckedContinuation<Void, Never>] = []
    private var waitingForAll: [CheckedContinuation<Void, Never>] = []
    /// Tallies of what was written (and claims found lost), for the batch's report.
    private var written = Dispatcher.Report()
    private var failure: (any Error)?

    init(outbox: any OutboxRepository, worker: String, window: Int) {
        self.outbox = outbox
        self.worker = worker
        self.window = max(1, window)
    }

    /// Queues one message's outcome for the next group, counted under `tally` once written; waits only while the
    /// window is full. Throws if a group could not be written (the batch stops; its claims expire and are retried).
    func resolve(_ message: OutboxMessage, _ resolution: OutboxResolution, at: Date, tally: any Dispatcher.Report.Tally) async throws {
        while unwritten >= window, failure == nil {
            await withCheckedContinuation { waitingForRoom.append($0) }
        }
        if let failure { throw failure }
        pending.append((message, resolution, at, tally))
        unwritten += 1
        if !writing {
            writing = true
            Task { await writeGroups() }
        }
    }

    /// Waits until every queued outcome is written; what was written, tallied.
    func flush() async throws -> Dispatcher.Report {
        while writing {
            await withCheckedContinuation { waitingForAll.append($0) }
        }
        if let failure { throw failure }
        return written
    }

    private func writeGroups() async {
        while !pending.isEmpty, failure == nil {
            let group = pending
            pending = []
            // One transaction per instant (the dispatcher stamps a batch with one).
            for (at, items) in Dictionary(grouping: group, by: { $0.2 }) where failure == nil {
                do {
                    let won = try await outbox.resolve(items.map { ($0.0, $0.1) }, worker: worker, at: at)
                    for (item, won) in zip(items, won) { written[keyPath: won ? item.3 : \.lost] += 1 }
                } catch {
                    failure = error
                }
            }
            unwritten -= group.count
            resume(&waitingForRoom)
        }
        writing = false
        resume(&waitingForRoom)
        resume(&waitingForAll)
    }

    private func resume(_ waiters: inout [CheckedContinuation<Void, Never>]) {
        for waiter in waiters { waiter.resume() }
        waiters = []
    }
}
