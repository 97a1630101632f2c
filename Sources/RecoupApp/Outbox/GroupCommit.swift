import Foundation

/// Writes the dispatcher's resolutions in shared transactions: whatever finished while the previous group was being
/// written goes in the next one. Each hand-off still waits for its own resolution to be written before its task
/// moves on, so no more hand-offs are unrecorded at any moment than are in flight (what a crash may repeat), while
/// the database commits once per group instead of once per message.
actor GroupCommit {
    private let outbox: any OutboxRepository
    private let worker: String
    private var pending: [(OutboxMessage, OutboxResolution, Date, CheckedContinuation<Bool, any Error>)] = []
    private var writing = false

    init(outbox: any OutboxRepository, worker: String) {
        self.outbox = outbox
        self.worker = worker
    }

    /// Resolves one message with the next group; false when the claim was lost.
    func resolve(_ message: OutboxMessage, _ resolution: OutboxResolution, at: Date) async throws -> Bool {
        try await withCheckedThrowingContinuation { continuation in
            pending.append((message, resolution, at, continuation))
            if !writing {
                writing = true
                Task { await writeGroups() }
            }
        }
    }

    private func writeGroups() async {
        while !pending.isEmpty {
            let group = pending
            pending = []
            // One transaction per instant (the dispatcher stamps a batch with one).
            for (at, items) in Dictionary(grouping: group, by: { $0.2 }) {
                do {
                    let results = try await outbox.resolve(items.map { ($0.0, $0.1) }, worker: worker, at: at)
                    for (item, result) in zip(items, results) { item.3.resume(returning: result) }
                } catch {
                    for item in items { item.3.resume(throwing: error) }
                }
            }
        }
        writing = false
    }
}
