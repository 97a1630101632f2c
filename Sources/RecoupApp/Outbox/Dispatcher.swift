import Compliance
import Foundation
import RecoupCore

/// Sends what the outbox holds, once: claims due messages under a lease, asks the live compliance engine again
/// at send time (facts change between queueing and sending: a STOP, a dispute, the hour), hands each lawful
/// message to its channel with a Message-ID that stays the same on every retry, and records the outcome, the
/// contact attempt and the audit event in one transaction.
///
/// Not lawful now: rescheduled to the engine's next lawful instant. Not lawful without new facts: `blocked`.
/// Transient failures retry with exponential backoff; permanent ones, or too many attempts, go to `dead`.
public struct Dispatcher: Sendable {
    public struct Settings: Sendable {
        /// Names this dispatcher's claims; unique per process.
        public var worker: String
        /// The From address and the domain of Message-IDs.
        public var from: String
        public var messageDomain: String
        /// The collector named in decisions.
        public var collectorName: String
        /// How long a claim holds: longer than any single hand-off takes.
        public var lease: TimeInterval = 120
        /// Messages claimed per batch (fewer when a rate limit is slow: ``claimLimit(for:)``). Between batches
        /// nothing is handed off while the last outcomes are written, so a batch is large enough to make that pause
        /// small.
        public var batchSize = 250
        /// Messages of a batch in flight at once: hand-offs wait on the network, so they overlap.
        public var concurrency = 8
        /// Outcomes of finished hand-offs that may wait to be written while the next hand-offs go on (they are
        /// written together, one transaction per group). A crash repeats at most the hand-offs in flight plus these,
        /// each with the same Message-ID or idempotency key.
        public var recordingWindow = 64
        public var maxAttempts = 8
        /// First retry delay; doubled per attempt, at most an hour.
        public var backoff: TimeInterval = 30
        /// One-click unsubscribe links for every email (RFC 8058); none without a public URL.
        public var unsubscribe: UnsubscribeLinks?
        /// Recoup's public URL, for the SMS provider's status callbacks (`<url>/webhooks/sms/<tenant>/status`).
        public var publicURL: String?
        /// Open and click tracking for every email's HTML part; none without a public URL.
        public var tracking: TrackingLinks?
        /// Hand-offs per second per channel (the provider's or the relay's limit); none: as fast as they go.
        public var rateLimits = RateLimits()
        /// The agency's ceiling on attempts per consumer across media; none: only the law's limits.
        public var contactPressure: ContactPressure?
        /// The oldest facts a message may be decided on: a consumer's snapshot older than this at the instant of a
        /// hand-off (a rate limit slowed the batch, a provider was slow) is loaded again first, so a STOP, a dispute
        /// or a recall recorded meanwhile is seen.
        public var snapshotMaxAge: TimeInterval = 5

        /// The messages one batch of `channels` claims: `batchSize`, or as many as the slowest rate-limited channel
        /// hands off in a quarter of a lease. A drain claims the next batch while the current one is handed off, so
        /// a message may wait for two batches. Other dispatchers sharing the limit can push slots further: a message
        /// whose slot would come after the last quarter of its lease goes back to the outbox instead of waiting (its
        /// claim must not expire: another dispatcher would take it over and send it again).
        public func claimLimit(for channels: Set<ProposedChannel>) -> Int {
            guard let slowest = channels.compactMap({ rateLimits.perSecond(for: $0) }).min() else { return batchSize }
            return max(1, min(batchSize, Int(slowest * lease / 4)))
        }

        /// The defaults, for showing them.
        public static let defaults = Settings(worker: "", from: "", messageDomain: "", collectorName: "")

        public init(worker: String, from: String, messageDomain: String, collectorName: String) {
            self.worker = worker
            self.from = from
            self.messageDomain = messageDomain
            self.collectorName = collectorName
        }
    }

    /// What one pass did.
    public struct Report: Sendable, Equatable {
        public var claimed = 0, sent = 0, rescheduled = 0, retried = 0, blocked = 0, dead = 0
        /// Claims lost to another dispatcher between claim and resolution (their lease expired): nothing written.
        public var lost = 0
        /// Nanoseconds spent in compliance re-checks (snapshot loading included), and on messages altogether
        /// (summed over concurrent messages), for the dispatch benchmark.
        public var complianceNanoseconds: UInt64 = 0
        public var workNanoseconds: UInt64 = 0
        /// Of the time spent on messages: handing them to their channel, and waiting for room in the recording window.
        public var handOffNanoseconds: UInt64 = 0
        public var recordingNanoseconds: UInt64 = 0
        /// Wall time spent waiting for claimed batches (no message is in flight meanwhile).
        public var claimNanoseconds: UInt64 = 0

        public init() {}

        /// One of the counts, for whoever writes an outcome to add to.
        typealias Tally = WritableKeyPath<Self, Int> & Sendable
    }

    let outbox: any OutboxRepository
    let snapshots: AccountSnapshots
    let email: (any EmailTransport)?
    let texts: (any TextTransport)?
    let letters: (any LetterTransport)?
    let calls: (any CallTransport)?
    let clock: any Clock
    let engine: ComplianceEngine
    let settings: Settings
    let pacer: ChannelPacer

    public init(
        outbox: any OutboxRepository, snapshots: AccountSnapshots, email: (any EmailTransport)?, texts: (any TextTransport)? = nil,
        letters: (any LetterTransport)? = nil, calls: (any CallTransport)? = nil, clock: any Clock, settings: Settings,
        engine: ComplianceEngine = ComplianceEngine()
    ) {
        self.outbox = outbox
        self.snapshots = snapshots
        self.email = email
        self.texts = texts
        self.letters = letters
        self.calls = calls
        self.clock = clock
        self.settings = settings
        self.engine = engine
        pacer = ChannelPacer(settings.rateLimits, schedules: outbox)
    }

    /// The channels this dispatcher has a transport for: the only ones it claims.
    public var channels: Set<ProposedChannel> {
        var channels: Set<ProposedChannel> = []
        if email != nil { channels.insert(.email) }
        if texts != nil { channels.insert(.sms) }
        if letters != nil { channels.insert(.letter) }
        // The provider fetches a voicemail's words from Recoup's public URL.
        if calls != nil, settings.publicURL != nil { channels.insert(.voicemail) }
        return channels
    }

    /// Dispatches batches until nothing is due or `proceeding` answers false (checked before each claim), handing
    /// each batch's report to `progress`; a report with `claimed == 0` means nothing was due. The next batch is claimed and loaded while the current one is handed
    /// off, so the network never waits for the database between batches; its consumers that the current batch
    /// wrote to are loaded again once the current batch's outcomes are written.
    public func drain(
        while proceeding: @escaping @Sendable () -> Bool = { true }, progress: (@Sendable (Report) -> Void)? = nil
    ) async throws -> Report {
        var total = Report()
        guard proceeding() else { return total }
        var next = try await claim()
        while !next.messages.isEmpty {
            let current = next
            async let following = proceeding() ? claim() : Batch.none
            var done = current.report
            done.add(try await dispatch(current))
            let waiting = DispatchTime.now().uptimeNanoseconds
            next = try await reloading(following, after: current)
            // Only the wait counts as claiming: the claim itself overlapped the hand-offs.
            next.report.claimNanoseconds = DispatchTime.now().uptimeNanoseconds - waiting
            progress?(done)
            total.add(done)
        }
        total.add(next.report)
        return total
    }

    /// Claimed messages with what their compliance re-checks need, loaded as of `now`, the claim's instant (each
    /// message is decided at its own hand-off's instant).
    struct Batch: Sendable {
        let now: Date
        let messages: [OutboxMessage]
        var loaded: [AccountID: (Account, Consumer, ContactSnapshot)]
        /// The claim's count and timings.
        var report: Report

        static let none = Batch(now: .distantPast, messages: [], loaded: [:], report: Report())

        var consumers: Set<ConsumerID> { Set(loaded.values.map(\.1.id)) }
    }

    /// Claims the due messages of one batch and loads their accounts' snapshots together.
    private func claim() async throws -> Batch {
        var report = Report()
        let now = clock.now()
        let claiming = DispatchTime.now().uptimeNanoseconds
        let claimed = try await outbox.claimDue(
            now: now, limit: settings.claimLimit(for: channels), lease: settings.lease, worker: settings.worker, channels: channels)
        report.claimNanoseconds = DispatchTime.now().uptimeNanoseconds - claiming
        report.claimed = claimed.count
        let loading = DispatchTime.now().uptimeNanoseconds
        let loaded = try await load(claimed, at: now)
        let loadingTime = DispatchTime.now().uptimeNanoseconds - loading
        report.complianceNanoseconds += loadingTime
        report.workNanoseconds += loadingTime
        return Batch(now: now, messages: claimed, loaded: loaded, report: report)
    }

    private func load(_ messages: [OutboxMessage], at now: Date) async throws -> [AccountID: (Account, Consumer, ContactSnapshot)] {
        var loaded: [AccountID: (Account, Consumer, ContactSnapshot)] = [:]
        for (tenant, messages) in Dictionary(grouping: messages, by: \.tenantID) {
            loaded.merge(try await snapshots.load(
                messages.map(\.accountID), tenantID: tenant, collectorName: settings.collectorName, at: Instant(now))) { first, _ in first }
        }
        return loaded
    }

    /// `next` with the snapshots of the consumers `previous` wrote to loaded again: it was loaded before their
    /// outcomes were.
    private func reloading(_ next: Batch, after previous: Batch) async throws -> Batch {
        let written = previous.consumers
        let stale = next.messages.filter { next.loaded[$0.accountID].map { written.contains($0.1.id) } ?? false }
        guard !stale.isEmpty else { return next }
        var next = next
        next.loaded.merge(try await load(stale, at: next.now)) { _, fresh in fresh }
        return next
    }

    /// Hands off a claimed batch and writes every outcome. Messages to one consumer go one after another, each
    /// decided on the history its predecessors wrote (the contact-pressure ceiling counts across the consumer's
    /// debts), while different consumers' messages overlap.
    private func dispatch(_ batch: Batch) async throws -> Report {
        var report = Report()
        let perConsumer = Dictionary(grouping: batch.messages) { message in
            batch.loaded[message.accountID]?.1.id ?? message.consumerID
        }.values.map { $0.sorted { $0.dueAt < $1.dueAt } }
        let commits = GroupCommit(outbox: outbox, worker: settings.worker, window: settings.recordingWindow)
        try await withThrowingTaskGroup(of: Report.self) { group in
            var pending = perConsumer.makeIterator()
            func start(_ messages: [OutboxMessage]) {
                let loaded = Dictionary(uniqueKeysWithValues: Set(messages.map(\.accountID)).compactMap { id in batch.loaded[id].map { (id, $0) } })
                group.addTask { try await dispatch(messages, loaded: loaded, at: batch.now, commits: commits) }
            }
            for _ in 0..<max(1, settings.concurrency) {
                guard let messages = pending.next() else { break }
                start(messages)
            }
            while let done = try await group.next() {
                report.add(done)
                if let messages = pending.next() { start(messages) }
            }
        }
        report.add(try await commits.flush())
        return report
    }

    /// One consumer's claimed messages in order; the report counts only them.
    ///
    /// Each message waits for its channel's slot first (or, when the slot is past its claim, goes back to the outbox
    /// due then) and is then decided at that instant, the one its hand-off
    /// follows at once: a batch slowed past 9 p.m. stops at 9 p.m. A decision within a second of the batch's instant
    /// is recorded at that instant, so the batch's outcomes share commits; a later one at its own.
    private func dispatch(
        _ messages: [OutboxMessage], loaded: [AccountID: (Account, Consumer, ContactSnapshot)], at now: Date, commits: GroupCommit
    ) async throws -> Report {
        var report = Report()
        var loaded = loaded
        var loadedAt = now
        for message in messages {
            // A slot past the last quarter of the claim's lease is not waited for: another dispatcher may take the
            // message over once the lease ends (several processes share the limits, so slots can be far ahead). The
            // message waits in the outbox until then instead.
            let patience = now.timeIntervalSince(clock.now()) + settings.lease * 3 / 4
            guard patience > 0 else {
                // Whatever the channel: a hand-off begun this late could outlast the claim, and another dispatcher
                // would send the message again. It goes back to the queue, due at once, for the next claim.
                let reason = "three quarters of the claim's lease were spent before its hand-off"
                try await finish(commits, message, .deferred(until: clock.now(), reason: reason, rule: nil), at: now, into: &report, \.rescheduled)
                continue
            }
            if let away = try await pacer.pace(message.channel, patience: patience) {
                let reason = "the \(message.channel.rawValue) rate limit had no slot before the claim ran out"
                try await finish(commits, message, .deferred(until: clock.now() + away, reason: reason, rule: nil), at: now, into: &report, \.rescheduled)
                continue
            }
            let instant = clock.now()
            if instant.timeIntervalSince(loadedAt) > settings.snapshotMaxAge {
                // This consumer's outcomes so far are written first, so the history read again counts them.
                _ = try await commits.flush()
                loaded.merge(try await load(messages, at: instant)) { _, fresh in fresh }
                loadedAt = instant
            }
            let at = instant.timeIntervalSince(now) < 1 ? now : instant
            let started = DispatchTime.now().uptimeNanoseconds
            let sent = try await dispatch(message, loaded: loaded[message.accountID], at: at, decidedAt: instant, started: started,
                                          commits: commits, into: &report)
            if let sent {
                // Every debt of the consumer sees the contact, as a snapshot loaded now would.
                for id in Array(loaded.keys) { loaded[id]?.2.history.append(sent.contactEvent) }
            }
            report.workNanoseconds += DispatchTime.now().uptimeNanoseconds - started
        }
        return report
    }

    /// One message, start to finish, decided as of `decidedAt` and recorded at `now`; returns the contact it records
    /// when it was sent.
    private func dispatch(
        _ message: OutboxMessage, loaded: (Account, Consumer, ContactSnapshot)?, at now: Date, decidedAt: Date, started: UInt64,
        commits: GroupCommit, into report: inout Report
    ) async throws -> RecordedContact? {
        guard let (account, consumer, snapshot) = loaded,
              let point = consumer.contactPoints.first(where: { $0.id == message.destinationID })
        else {
            report.complianceNanoseconds += DispatchTime.now().uptimeNanoseconds - started
            let reason = loaded == nil ? "the account is no longer on file" : "the address is no longer on file"
            try await finish(commits, message, .closed(.dead, reason: reason, rule: nil, audit(message, "message.dead", ["reason": reason])),
                             at: now, into: &report, \.dead)
            return nil
        }
        var proposal = AccountSnapshots.proposal(
            message.channel, to: point, account: account, consumer: consumer, at: Instant(decidedAt),
            showingCaliforniaLicense: snapshot.jurisdiction.state == .CA && MessageComposer.showsCaliforniaLicense(message.body, language: message.language))
        if message.channel == .letter, message.subject == LetterKind.validationNotice.rawValue { proposal.content.type = .validationNotice }
        let decision = engine.decide(snapshot, proposal, on: account)
        report.complianceNanoseconds += DispatchTime.now().uptimeNanoseconds - started

        guard decision.allowed else {
            let reason = decision.findings.first { $0.rule == decision.rule }?.message ?? "not allowed"
            if let next = decision.nextAllowedAt {
                try await finish(commits, message, .deferred(until: next.date, reason: reason, rule: decision.rule), at: now, into: &report, \.rescheduled)
            } else {
                try await finish(commits, message, .closed(.blocked, reason: reason, rule: decision.rule,
                                                  audit(message, "message.blocked", ["rule": decision.rule ?? ""])), at: now, into: &report, \.blocked)
            }
            return nil
        }

        if message.channel != .letter, let pressure = settings.contactPressure,
           let next = pressure.nextAllowed(after: snapshot.history, at: Instant(decidedAt))
        {
            try await finish(commits, message, .deferred(until: next.date, reason: pressure.reason, rule: ContactPressure.rule), at: now, into: &report, \.rescheduled)
            return nil
        }

        let providerRef: String?
        let handing = DispatchTime.now().uptimeNanoseconds
        do {
            providerRef = try await handOff(message)
            report.handOffNanoseconds += DispatchTime.now().uptimeNanoseconds - handing
        } catch let TransportFailure.permanent(reason) {
            try await finish(commits, message, .closed(.dead, reason: reason, rule: nil, audit(message, "message.dead", ["reason": reason])),
                             at: now, into: &report, \.dead)
            return nil
        } catch {
            let reason = (error as? TransportFailure)?.reason ?? "\(error)"
            if message.attempts >= settings.maxAttempts {
                try await finish(commits, message, .closed(.dead, reason: "gave up after \(message.attempts) attempts: \(reason)", rule: nil,
                                                  audit(message, "message.dead", ["reason": reason, "attempts": "\(message.attempts)"])),
                                 at: now, into: &report, \.dead)
            } else {
                let delay = min(settings.backoff * pow(2, Double(max(0, message.attempts - 1))), 3600)
                try await finish(commits, message, .retry(at: now + delay, reason: reason), at: now, into: &report, \.retried)
            }
            return nil
        }
        let contact = Self.contact(message, at: now, by: "dispatcher:\(settings.worker)")
        var details = ["message_id": message.messageID(domain: settings.messageDomain), "attempts": "\(message.attempts)"]
        details["provider_ref"] = providerRef
        try await finish(commits, message, .sent(contact, audit(message, "message.sent", details), providerRef: providerRef),
                         at: now, into: &report, \.sent)
        return contact
    }

    /// Gives the message to its channel's transport; the provider's id for it, if it has one.
    private func handOff(_ message: OutboxMessage) async throws -> String? {
        switch message.channel {
        case .email:
            guard let email else { throw TransportFailure.transient("no SMTP relay is configured") }  // not claimed without one
            let tracking = settings.tracking.map { links in
                EmailTracking(
                    pixel: links.pixel(for: message.id),
                    links: Dictionary(TrackingLinks.links(in: message.body).map { ($0, links.click(for: message.id, to: $0)) }) { first, _ in first })
            }
            try await email.send(OutboundEmail(
                messageID: message.messageID(domain: settings.messageDomain), from: settings.from, to: message.recipient,
                subject: message.subject, text: message.body, unsubscribe: settings.unsubscribe?.link(for: message.id), tracking: tracking))
            return nil
        case .sms:
            guard let texts else { throw TransportFailure.transient("no SMS provider is configured") }
            return try await texts.send(OutboundText(
                idempotencyKey: message.id.lowercasedString, to: message.recipient, body: message.body,
                statusCallback: settings.publicURL.map { "\($0)/webhooks/sms/\(message.tenantID)/status?message=\(message.id.lowercasedString)" }))
        case .letter:
            guard let letters else { throw TransportFailure.transient("no print batch folder is configured") }
            return try await letters.send(message)
        case .voicemail:
            guard let calls, let publicURL = settings.publicURL else { throw TransportFailure.transient("no voice provider is configured") }
            let urls = VoiceWebhookURLs(publicURL: publicURL)
            return try await calls.place(OutboundCall(
                idempotencyKey: message.id.lowercasedString, to: message.recipient, answerURL: urls.voicemail(message.id, message.tenantID),
                statusCallback: urls.voicemailStatus(message.id, message.tenantID), detectMachine: true))
        default:
            throw TransportFailure.permanent("\(message.channel.rawValue) messages are not dispatched")
        }
    }

    /// The contact attempt a sent message records; it shares the message's id, so a provider's later report on the
    /// message (how a voicemail call ended) finds it. A voicemail counts as an unanswered call until that report.
    static func contact(_ message: OutboxMessage, at now: Date, by worker: String) -> RecordedContact {
        let (channel, dialing, outcome): (HistoryChannel, DialingMethod?, ContactOutcome) = switch message.channel {
        case .sms: (.sms, .autodialer, .delivered)
        case .letter: (.letter, nil, .mailed)
        case .voicemail: (.call, .prerecorded, CallOutcome.pending)
        default: (.email, nil, .delivered)
        }
        let content: ContentType = switch message.channel {
        case .letter where message.subject == LetterKind.validationNotice.rawValue: .validationNotice
        case .voicemail: .limitedContentMessage
        default: .collection
        }
        return RecordedContact(
            id: message.id, accountID: message.accountID, consumerID: message.consumerID, occurredAt: now, direction: .outbound,
            channel: channel, destinationID: message.destinationID, dialingMethod: dialing, outcome: outcome,
            contentType: content, recordedBy: worker)
    }

    /// Queues the resolution to be written, counted under `tally` once it is (under `lost` if the claim was lost).
    private func finish(
        _ commits: GroupCommit, _ message: OutboxMessage, _ resolution: OutboxResolution, at now: Date, into report: inout Report,
        _ tally: any Report.Tally
    ) async throws {
        let recording = DispatchTime.now().uptimeNanoseconds
        try await commits.resolve(message, resolution, at: now, tally: tally)
        report.recordingNanoseconds += DispatchTime.now().uptimeNanoseconds - recording
    }

    private func audit(_ message: OutboxMessage, _ action: String, _ details: [String: String]) -> AuditEntry {
        var details = details
        details["message_id"] = details["message_id"] ?? message.id.lowercasedString
        details["channel"] = message.channel.rawValue
        return AuditEntry(actor: "dispatcher:\(settings.worker)", action: action, subjectType: "account",
                          subjectID: message.accountID.description, details: details)
    }
}

extension Dispatcher.Report {
    /// Adds another pass's counts to these.
    public mutating func add(_ other: Self) {
        claimed += other.claimed
        sent += other.sent
        rescheduled += other.rescheduled
        retried += other.retried
        blocked += other.blocked
        dead += other.dead
        lost += other.lost
        complianceNanoseconds += other.complianceNanoseconds
        workNanoseconds += other.workNanoseconds
        handOffNanoseconds += other.handOffNanoseconds
        recordingNanoseconds += other.recordingNanoseconds
        claimNanoseconds += other.claimNanoseconds
    }
}
