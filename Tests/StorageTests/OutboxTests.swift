import Compliance
import Foundation
import RecoupApp
import RecoupCore
import RecoupTestSupport
import SQLKit
@testable import Storage
import Templates
import Testing

/// The outbox on both databases, and the dispatcher draining it through a recording transport: claims are
/// exclusive leases, a lost claim writes nothing, a sent message records its contact, and compliance is asked
/// again at send time.
@Suite(.serialized)
struct OutboxTests {
    static let t0 = Fixture.start  // Monday 2026-09-21, 09:13 in Austin

    /// An agency with one Texas account whose consumer gave an email address.
    func setUp(_ store: SQLStore) async throws -> (StorageTests.Agency, AccountID) {
        let storage = StorageTests()
        let acme = try await storage.agency(store)
        var debt = Fixture.debt(number: "A-1", tenant: acme.tenant.id, client: acme.client.id)
        debt.consumer.contactPoints.append(ContactPoint(kind: .email(address: "pat@example.com", source: .consumer)))
        _ = try await storage.place(store, acme, [debt])
        let account = try #require(try await store.accounts(scope: AccessScope(tenantID: acme.tenant.id), filter: AccountFilter(), after: nil, limit: 1).first)
        return (acme, account.id)
    }

    func message(_ acme: StorageTests.Agency, _ account: AccountID, consumer: ConsumerID, due: Date) -> OutboxMessage {
        OutboxMessage(
            tenantID: acme.tenant.id, accountID: account, consumerID: consumer, channel: .email, destinationID: ContactPointID(),
            recipient: "pat@example.com", language: "en", subject: "Hello", body: "Text", dueAt: due, createdAt: due)
    }

    /// Queues `count` emails to the account's consumer, due a second apart from `t0`, with idempotency keys
    /// `<keys>0`, `<keys>1`, …; the consumer, and the audit entry they were queued with.
    func enqueue(_ count: Int, keys: String, _ store: SQLStore, _ acme: StorageTests.Agency, _ account: AccountID) async throws
        -> (ConsumerID, AuditEntry)
    {
        let consumer = try #require(try await store.account(account, scope: AccessScope(tenantID: acme.tenant.id))?.primaryParty?.consumerID)
        let audit = AuditEntry(actor: "test", action: "message.queued", subjectType: "account", subjectID: account.description)
        for index in 0..<count {
            _ = try await store.enqueue(message(acme, account, consumer: consumer, due: Self.t0 + Double(index)), idempotencyKey: "\(keys)\(index)", audit: audit)
        }
        return (consumer, audit)
    }

    @Test(arguments: TestDatabase.available)
    func claimsAreExclusiveLeasesAndALostClaimWritesNothing(_ kind: TestDatabase) async throws {
        try await withStore(kind) { _, store in
            let (acme, account) = try await setUp(store)
            let (consumer, audit) = try await enqueue(25, keys: "k", store, acme, account)
            let (again, created) = try await store.enqueue(message(acme, account, consumer: consumer, due: Self.t0), idempotencyKey: "k3", audit: audit)
            #expect(!created && again.dueAt == Self.t0 + 3, "a repeated idempotency key answers the message already queued")
            #expect(try await store.messages(status: .queued, tenantID: acme.tenant.id, limit: 100).count == 25)

            let now = Self.t0 + 100
            async let first = store.claimDue(now: now, limit: 10, lease: 60, worker: "a", channels: [.email])
            async let second = store.claimDue(now: now, limit: 10, lease: 60, worker: "b", channels: [.email])
            let (a, b) = try await (first, second)
            #expect(a.count == 10 && b.count == 10)
            #expect(Set(a.map(\.id)).isDisjoint(with: b.map(\.id)), "no message is claimed twice")
            #expect(a.allSatisfy { $0.status == .sending && $0.attempts == 1 })
            let rest = try await store.claimDue(now: now, limit: 10, lease: 60, worker: "c", channels: [.email])
            #expect(rest.count == 5)
            #expect(try await store.claimDue(now: now + 30, limit: 100, lease: 60, worker: "d", channels: [.email]).isEmpty, "leases hold")

            // Worker a dies; after its lease runs out d takes its messages over, and a's late answer is refused.
            let taken = try await store.claimDue(now: now + 61, limit: 100, lease: 60, worker: "d", channels: [.email])
            #expect(taken.count == 25 && taken.allSatisfy { $0.attempts == 2 })
            let late = try #require(a.first)
            let contact = RecordedContact(
                accountID: account, consumerID: consumer, occurredAt: now, direction: .outbound, channel: .email, destinationID: nil,
                dialingMethod: nil, outcome: .delivered, contentType: nil, recordedBy: "test")
            let sentAudit = AuditEntry(actor: "test", action: "message.sent", subjectType: "account", subjectID: account.description)
            #expect(try await !store.resolve(late, worker: "a", .sent(contact, sentAudit, providerRef: nil), at: now + 62))
            let current = try #require(taken.first { $0.id == late.id })
            #expect(try await store.resolve(current, worker: "d", .sent(contact, sentAudit, providerRef: nil), at: now + 62))
            #expect(try await !store.resolve(current, worker: "d", .sent(contact, sentAudit, providerRef: nil), at: now + 63), "resolved once")
            let sent = try await store.messages(status: .sent, tenantID: acme.tenant.id, limit: 10)
            #expect(sent.map(\.id) == [late.id] && sent.first?.sentAt != nil)
            #expect(try await store.contacts(consumer: consumer, tenantID: acme.tenant.id).count == 1)

            // A retry goes back to the queue at its new time, with the reason kept.
            let retried = try #require(taken.first { $0.id != late.id })
            #expect(try await store.resolve(retried, worker: "d", .retry(at: now + 3600, reason: "421 try later"), at: now + 62))
            let queued = try #require(try await store.messages(account: account, tenantID: acme.tenant.id).first { $0.id == retried.id })
            #expect(queued.status == .queued && queued.dueAt == now + 3600 && queued.lastError == "421 try later" && queued.attempts == 2)
            #expect(try await store.claimDue(now: now + 3599, limit: 100, lease: 60, worker: "e", channels: [.email]).allSatisfy { $0.id != retried.id })

            // Another tenant's dispatcher sees the message too (dispatchers serve every tenant) but the listing does not.
            let other = try await StorageTests().agency(store, "Other")
            #expect(try await store.messages(account: account, tenantID: other.tenant.id).isEmpty)
        }
    }

    /// One group commit of every kind of outcome writes each message as its outcome says, in one statement, and
    /// leaves alone a message whose claim was lost.
    @Test(arguments: TestDatabase.available)
    func aGroupWritesEachResolutionAsItSays(_ kind: TestDatabase) async throws {
        try await withStore(kind) { _, store in
            let (acme, account) = try await setUp(store)
            let (consumer, _) = try await enqueue(6, keys: "g", store, acme, account)
            let now = Self.t0 + 100
            let claimed = try await store.claimDue(now: now, limit: 10, lease: 60, worker: "w", channels: [.email])
            #expect(claimed.count == 6)
            func sent(_ reference: String?) -> OutboxResolution {
                .sent(RecordedContact(accountID: account, consumerID: consumer, occurredAt: now, direction: .outbound, channel: .email,
                                      destinationID: nil, dialingMethod: nil, outcome: .delivered, contentType: nil, recordedBy: "test"),
                      AuditEntry(actor: "test", action: "message.sent", subjectType: "account", subjectID: account.description), providerRef: reference)
            }
            let closing = AuditEntry(actor: "test", action: "message.blocked", subjectType: "account", subjectID: account.description)
            var stale = claimed[5]
            stale.attempts += 1  // another dispatcher's later claim
            let results = try await store.resolve([
                (claimed[0], sent("ref-1")), (claimed[1], sent(nil)),
                (claimed[2], .deferred(until: now + 3600, reason: "not before 8 am", rule: "FDCPA-805a1-TIME")),
                (claimed[3], .closed(.blocked, reason: "revoked", rule: "TCPA-REVOCATION", closing)),
                (claimed[4], .closed(.dead, reason: "550 no such user", rule: nil, closing)),
                (stale, sent("ref-lost")),
            ], worker: "w", at: now + 1)
            #expect(results == [true, true, true, true, true, false])
            let stored = Dictionary(uniqueKeysWithValues: try await store.messages(account: account, tenantID: acme.tenant.id).map { ($0.id, $0) })
            let rows = try claimed.map { try #require(stored[$0.id]) }
            #expect(rows.map(\.status) == [.sent, .sent, .queued, .blocked, .dead, .sending])
            #expect(rows.map(\.attempts) == [1, 1, 0, 1, 1, 1], "a claim deferred before its hand-off is not an attempt")
            #expect(rows[0].sentAt == now + 1 && rows[0].providerRef == "ref-1" && rows[0].lastError == nil && rows[0].rule == nil)
            #expect(rows[1].sentAt == now + 1 && rows[1].providerRef == nil)
            #expect(rows[2].dueAt == now + 3600 && rows[2].lastError == "not before 8 am" && rows[2].rule == "FDCPA-805a1-TIME" && rows[2].sentAt == nil)
            #expect(rows[3].dueAt == claimed[3].dueAt && rows[3].lastError == "revoked" && rows[3].rule == "TCPA-REVOCATION")
            #expect(rows[4].lastError == "550 no such user" && rows[4].rule == nil && rows[4].sentAt == nil)
            #expect(rows[5].providerRef == nil && rows[5].sentAt == nil, "a lost claim writes nothing")
            #expect(try await store.contacts(consumer: consumer, tenantID: acme.tenant.id).count == 2, "a contact for each message sent")

            // The retry comes due and the lost claim's lease runs out: a group of one kind binds its common values
            // once, and the statement still checks each claim.
            let more = try await store.claimDue(now: now + 3601, limit: 10, lease: 60, worker: "v", channels: [.email])
            #expect(Set(more.map(\.id)) == [claimed[2].id, claimed[5].id])
            #expect(try await store.resolve(more.map { ($0, sent("ref-2")) }, worker: "v", at: now + 3602) == [true, true])
            let final = try await store.messages(account: account, tenantID: acme.tenant.id)
            #expect(final.filter { $0.status == .sent }.count == 4 && final.filter { $0.providerRef == "ref-2" }.count == 2)
        }
    }

    /// Records what would have gone to the relay; fails as told.
    final class RecordingTransport: EmailTransport, @unchecked Sendable {
        private let lock = NSLock()
        private var failures: [TransportFailure]
        private(set) var sent: [OutboundEmail] = []
        /// When each of `sent` was handed over, on the real clock (rate limits pace in real time).
        private(set) var sentAt: [Date] = []
        private(set) var tried: [String] = []

        init(failing failures: [TransportFailure] = []) { self.failures = failures }

        func send(_ email: OutboundEmail) async throws {
            try lock.withLock {
                tried.append(email.messageID)
                if !failures.isEmpty { throw failures.removeFirst() }
                sent.append(email)
                sentAt.append(Date())
            }
        }
    }

    func dispatcher(
        _ store: SQLStore, _ transport: any EmailTransport, _ clock: ManualClock, pressure: ContactPressure? = nil, batchSize: Int = 250,
        concurrency: Int? = nil, maxAttempts: Int? = nil, worker: String = "w1", rateLimits: RateLimits = RateLimits(), lease: TimeInterval? = nil
    ) -> Dispatcher {
        // The batch loader the recoup command wires, so its queries run on both databases.
        let snapshots = AccountSnapshots(accounts: AccountService(accounts: store, clock: clock), contacts: store, facts: store, bulk: store)
        var settings = Dispatcher.Settings(worker: worker, from: "Acme <billing@acme.test>", messageDomain: "recoup.test", collectorName: "Acme")
        settings.contactPressure = pressure
        settings.rateLimits = rateLimits
        if let lease { settings.lease = lease }
        settings.batchSize = batchSize
        if let concurrency { settings.concurrency = concurrency }
        if let maxAttempts { settings.maxAttempts = maxAttempts }
        return Dispatcher(outbox: store, snapshots: snapshots, email: transport, clock: clock, settings: settings)
    }

    func messages(_ store: SQLStore, _ clock: ManualClock) -> MessageService {
        MessageService(snapshots: AccountSnapshots(accounts: AccountService(accounts: store, clock: clock), contacts: store, facts: store),
                       outbox: store, clock: clock)
    }

    /// Queues an email to the account as an agent would; throws when the engine refuses it.
    func queueEmail(_ store: SQLStore, _ clock: ManualClock, account: AccountID, scope: AccessScope) async throws -> OutboxMessage {
        let result = try await messages(store, clock).send(
            .email, account: account, subject: "Hi", text: "Text", scope: scope, actor: "test", collectorName: "Acme")
        guard case let .queued(message, _) = result else { throw RecoupError.conflict("refused: \(result)") }
        return message
    }

    @Test(arguments: TestDatabase.available)
    func dispatcherSendsOnceRetriesWithTheSameMessageIDAndRechecksCompliance(_ kind: TestDatabase) async throws {
        try await withStore(kind) { _, store in
            let (acme, account) = try await setUp(store)
            let scope = AccessScope(tenantID: acme.tenant.id)
            let clock = ManualClock(Self.t0)
            let service = messages(store, clock)
            func queue(_ key: String) async throws -> OutboxMessage {
                let result = try await service.send(.email, account: account, subject: "Your Big Bank account", text: "Hello Pat,\n\nPlease call us.",
                                                     scope: scope, actor: "test", collectorName: "Acme", idempotencyKey: key)
                guard case let .queued(message, _) = result else { throw RecoupError.conflict("refused: \(result)") }
                return message
            }
            let first = try await queue("one")
            #expect(first.body.contains("This is a communication from a debt collector"), "the disclosure is injected")
            #expect(first.body.contains("reply STOP or use the unsubscribe link"), "the opt-out notice is injected")

            // A dropped connection first: retried later with the same Message-ID, then sent once.
            let flaky = RecordingTransport(failing: [.transient("connection lost after the message was sent, outcome unknown")])
            var report = try await dispatcher(store, flaky, clock).drain()
            #expect(report.retried == 1 && report.sent == 0)
            clock.advance(by: 31)
            report = try await dispatcher(store, flaky, clock).drain()
            #expect(report.sent == 1)
            #expect(flaky.tried == ["<\(first.id.uuidString.lowercased())@recoup.test>", "<\(first.id.uuidString.lowercased())@recoup.test>"])
            #expect(flaky.sent.count == 1 && flaky.sent[0].to == "pat@example.com" && flaky.sent[0].text == first.body)
            #expect(try await dispatcher(store, flaky, clock).drain().claimed == 0, "nothing is sent twice")
            let contacts = try await store.contacts(consumer: first.consumerID, tenantID: acme.tenant.id)
            #expect(contacts.count == 1 && contacts[0].channel == .email && contacts[0].outcome == .delivered)
            #expect(try await store.auditEvents(tenantID: acme.tenant.id, afterSequence: 0, limit: 100, subjectType: "account", subjectID: nil,
                                                action: "message.sent").count == 1)

            // Queued in the morning, due after 9 p.m. in Austin: the send-time check reschedules it to 8 a.m.
            let late = try await queue("two")
            clock.advance(by: 12 * 3600 + 20 * 60)  // 21:34 CDT
            let transport = RecordingTransport()
            report = try await dispatcher(store, transport, clock).drain()
            #expect(report.rescheduled == 1 && transport.sent.isEmpty)
            let waiting = try #require(try await store.messages(account: account, tenantID: acme.tenant.id).first { $0.id == late.id })
            #expect(waiting.status == .queued && waiting.rule == "REGF-1006.6b1i-TIME")
            #expect(waiting.dueAt == Date(timeIntervalSince1970: 1_790_082_000), "08:00 CDT on Tuesday")

            // Recalled before it is due: blocked for good, with its audit event, and never sent.
            _ = try await store.recall([account], clientAccountNumbers: [], scope: scope, actor: "test", reason: nil, at: clock.now())
            clock.advance(by: 11 * 3600)
            report = try await dispatcher(store, transport, clock).drain()
            #expect(report.blocked == 1 && transport.sent.isEmpty)
            let blocked = try await store.messages(status: .blocked, tenantID: acme.tenant.id, limit: 10)
            #expect(blocked.map(\.id) == [late.id] && blocked.first?.rule == "ACCOUNT-RECALLED")
            #expect(try await store.auditEvents(tenantID: acme.tenant.id, afterSequence: 0, limit: 100, subjectType: "account", subjectID: nil,
                                                action: "message.blocked").count == 1)
        }
    }

    /// Two dispatchers on one database (as two `recoup serve` processes) book their hand-offs on one schedule, so a
    /// relay's limit of 10 emails a second holds for both together: 20 emails take at least 1.9 s, where two
    /// dispatchers pacing themselves would each send 10 in under a second.
    @Test(arguments: TestDatabase.available)
    func dispatchersOnOneDatabaseShareTheirRateLimit(_ kind: TestDatabase) async throws {
        try await withStore(kind) { _, store in
            let (acme, account) = try await setUp(store)
            let scope = AccessScope(tenantID: acme.tenant.id)
            let clock = ManualClock(Self.t0)
            for _ in 0..<20 { _ = try await queueEmail(store, clock, account: account, scope: scope) }
            let limits = RateLimits(channels: [.email: RateLimit(perSecond: 10, burst: 1)])
            let (first, second) = (RecordingTransport(), RecordingTransport())
            async let a = dispatcher(store, first, clock, batchSize: 4, worker: "a", rateLimits: limits).drain()
            async let b = dispatcher(store, second, clock, batchSize: 4, worker: "b", rateLimits: limits).drain()
            let reports = try await [a, b]
            #expect(reports.map(\.sent).reduce(0, +) == 20 && first.sent.count + second.sent.count == 20)
            #expect(Set((first.sent + second.sent).map(\.messageID)).count == 20, "none twice")
            #expect(!first.sent.isEmpty && !second.sent.isEmpty, "both dispatchers sent: \(reports.map(\.sent))")
            let times = (first.sentAt + second.sentAt).sorted()
            let span = times.last!.timeIntervalSince(times.first!)
            #expect(span >= 1.85, "19 intervals of 0.1 s between the first and the last hand-off, whoever sent them: \(span) s")
        }
    }

    /// A slot booked further ahead than the claim lasts is not waited for (another dispatcher would take the message
    /// over when the lease ends and send it again): the message goes back to the outbox, due when its slot would
    /// have come, and nothing is sent.
    @Test(arguments: TestDatabase.available)
    func aMessageWhoseSlotIsPastItsClaimWaitsInTheOutbox(_ kind: TestDatabase) async throws {
        try await withStore(kind) { _, store in
            let (acme, account) = try await setUp(store)
            let scope = AccessScope(tenantID: acme.tenant.id)
            let clock = ManualClock(Self.t0)
            let queued = try await queueEmail(store, clock, account: account, scope: scope)
            // Another process booked the next minute of the relay's schedule.
            let ahead = try await store.bookSlots("email", count: 600, interval: 0.1)
            #expect(ahead == 0, "an idle schedule's first slot is now")
            let again = try await store.bookSlots("email", count: 1, interval: 0.1)
            #expect(again > 59.5 && again <= 60, "the next slot is after the 600 booked: \(again) s")

            let transport = RecordingTransport()
            let limits = RateLimits(channels: [.email: RateLimit(perSecond: 10, burst: 1)])
            let report = try await dispatcher(store, transport, clock, rateLimits: limits, lease: 8).drain()
            #expect(report.rescheduled == 1 && report.sent == 0 && transport.tried.isEmpty)
            let waiting = try #require(try await store.messages(account: account, tenantID: acme.tenant.id).first { $0.id == queued.id })
            #expect(waiting.status == .queued)
            #expect(waiting.dueAt.timeIntervalSince(Self.t0) > 55 && waiting.dueAt.timeIntervalSince(Self.t0) <= 61,
                    "due when its slot comes: \(waiting.dueAt.timeIntervalSince(Self.t0)) s")
        }
    }

    @Test(arguments: TestDatabase.available)
    func theAgencysContactPressureCeilingHoldsAMessageUntilTheWindowOpens(_ kind: TestDatabase) async throws {
        try await withStore(kind) { _, store in
            let (acme, account) = try await setUp(store)
            let scope = AccessScope(tenantID: acme.tenant.id)
            let clock = ManualClock(Self.t0)
            let message = try await queueEmail(store, clock, account: account, scope: scope)
            // A text went out two days ago: with a ceiling of one attempt in three days across media, the email waits.
            _ = try await store.record(
                RecordedContact(accountID: account, consumerID: message.consumerID, occurredAt: Self.t0 - 2 * 86_400, direction: .outbound,
                                channel: .sms, destinationID: nil, dialingMethod: .autodialer, outcome: .delivered, contentType: .collection,
                                recordedBy: "test"),
                idempotencyKey: nil, tenantID: acme.tenant.id, at: Self.t0)
            let transport = RecordingTransport()
            let report = try await dispatcher(store, transport, clock, pressure: ContactPressure(attempts: 1, days: 3)).drain()
            #expect(report.rescheduled == 1 && transport.sent.isEmpty)
            let waiting = try #require(try await store.messages(account: account, tenantID: acme.tenant.id).first)
            #expect(waiting.rule == ContactPressure.rule && waiting.dueAt == Self.t0 + 86_400)
            clock.advance(by: 86_400)
            #expect(try await dispatcher(store, transport, clock, pressure: ContactPressure(attempts: 1, days: 3)).drain().sent == 1)
        }
    }

    /// Two debts of one consumer, an email queued on each: with a ceiling of one attempt across media, one goes and
    /// the other waits, whether both are in one batch (they go one after another) or in two (the second batch was
    /// loaded while the first was handed off, and is loaded again before it is decided).
    @Test(arguments: TestDatabase.available)
    func theContactPressureCeilingCountsEveryDebtOfTheConsumerInABatchAndAcrossBatches(_ kind: TestDatabase) async throws {
        for batchSize in [250, 1] {
            try await withStore(kind) { _, store in
                let storage = StorageTests()
                let acme = try await storage.agency(store)
                let debts = ["A-1", "A-2"].map { number in
                    var debt = Fixture.debt(number: number, tenant: acme.tenant.id, client: acme.client.id)
                    debt.consumer.contactPoints.append(ContactPoint(kind: .email(address: "pat@example.com", source: .consumer)))
                    return debt
                }
                _ = try await storage.place(store, acme, debts)
                let scope = AccessScope(tenantID: acme.tenant.id)
                let accounts = try await store.accounts(scope: scope, filter: AccountFilter(), after: nil, limit: 10)
                #expect(accounts.count == 2 && Set(accounts.compactMap(\.primaryConsumerID)).count == 1, "one consumer owes both")
                let clock = ManualClock(Self.t0)
                for account in accounts { _ = try await queueEmail(store, clock, account: account.id, scope: scope) }
                let transport = RecordingTransport()
                let report = try await dispatcher(store, transport, clock, pressure: ContactPressure(attempts: 1, days: 3), batchSize: batchSize).drain()
                #expect(report.claimed == 2 && report.sent == 1 && report.rescheduled == 1, "batches of \(batchSize): \(report)")
                #expect(transport.sent.count == 1)
            }
        }
    }

    /// Hands emails off slowly: each send moves the clock on, and the first one runs `meanwhile` (what reaches
    /// Recoup while a batch is being handed off).
    final class SlowRelay: EmailTransport, @unchecked Sendable {
        let clock: ManualClock
        let seconds: TimeInterval
        let meanwhile: @Sendable () async throws -> Void
        private let lock = NSLock()
        private var sent: [OutboundEmail] = []
        var count: Int { lock.withLock { sent.count } }

        init(_ clock: ManualClock, seconds: TimeInterval, meanwhile: @escaping @Sendable () async throws -> Void = {}) {
            self.clock = clock
            self.seconds = seconds
            self.meanwhile = meanwhile
        }

        func send(_ email: OutboundEmail) async throws {
            let first = lock.withLock { sent.append(email); return sent.count == 1 }
            if first { try await meanwhile() }
            clock.advance(by: seconds)
        }
    }

    /// Four consumers with an email each, queued now.
    func fourConsumers(_ store: SQLStore, _ clock: ManualClock) async throws -> (StorageTests.Agency, [AccountID]) {
        let storage = StorageTests()
        let acme = try await storage.agency(store)
        let debts = (1...4).map { index in
            var debt = Fixture.debt(number: "A-\(index)", tenant: acme.tenant.id, client: acme.client.id, first: "Pat\(index)",
                                    ssn: "123-45-678\(index)", phone: "+1512555010\(index)")
            debt.consumer.contactPoints.append(ContactPoint(kind: .email(address: "pat\(index)@example.com", source: .consumer)))
            return debt
        }
        _ = try await storage.place(store, acme, debts)
        let scope = AccessScope(tenantID: acme.tenant.id)
        let accounts = try await store.accounts(scope: scope, filter: AccountFilter(), after: nil, limit: 10).map(\.id)
        #expect(accounts.count == 4)
        for account in accounts { _ = try await queueEmail(store, clock, account: account, scope: scope) }
        return (acme, accounts)
    }

    /// A batch slowed by its relay (4 s a hand-off) that runs past 9 p.m. in Austin: each message is decided at its
    /// own hand-off's instant, so the one that would leave at 21:00:02 waits for the morning.
    @Test(arguments: TestDatabase.available)
    func aSlowBatchIsDecidedAtEachHandOffsInstantNotTheClaims(_ kind: TestDatabase) async throws {
        try await withStore(kind) { _, store in
            let clock = ManualClock(Self.t0 + 42_390)  // 20:59:50 CDT
            let (acme, _) = try await fourConsumers(store, clock)
            let relay = SlowRelay(clock, seconds: 4)
            let report = try await dispatcher(store, relay, clock, concurrency: 1).drain()
            #expect(report.sent == 3 && report.rescheduled == 1 && relay.count == 3, "\(report)")
            let waiting = try await store.messages(status: .queued, tenantID: acme.tenant.id, limit: 10)
            #expect(waiting.count == 1 && waiting.first?.rule == "REGF-1006.6b1i-TIME")
            let sent = try await store.messages(status: .sent, tenantID: acme.tenant.id, limit: 10)
            #expect(sent.compactMap(\.sentAt).sorted() == [Self.t0 + 42_390, Self.t0 + 42_390 + 4, Self.t0 + 42_390 + 8],
                    "a message decided a second or more after the claim is recorded at its own instant")
        }
    }

    /// A batch whose hand-offs outlast three quarters of its lease (10 s, a relay taking 4 s each, no rate limit) hands
    /// off no more: the rest go back to the queue with their attempts given back, and the next claim sends them, each
    /// once.
    @Test(arguments: TestDatabase.available)
    func aBatchThatOutlastsItsLeaseHandsTheRestBack(_ kind: TestDatabase) async throws {
        try await withStore(kind) { _, store in
            let clock = ManualClock(Self.t0)
            let (acme, _) = try await fourConsumers(store, clock)
            let relay = SlowRelay(clock, seconds: 4)
            let dispatcher = dispatcher(store, relay, clock, concurrency: 1, lease: 10)
            var report = try await dispatcher.drain()
            report.add(try await dispatcher.drain())
            #expect(report.sent == 4 && report.rescheduled == 2 && relay.count == 4, "each sent once: \(report)")
            let sent = try await store.messages(status: .sent, tenantID: acme.tenant.id, limit: 10)
            #expect(sent.map(\.attempts) == [1, 1, 1, 1], "a claim handed back is no attempt")
        }
    }

    /// Every account is recalled while the batch's first email is being handed off: the second goes on its 3 s old
    /// snapshot (within the 5 s bound), the later ones find their snapshots too old, load them again and stop.
    @Test(arguments: TestDatabase.available)
    func aBatchSlowerThanTheSnapshotBoundSeesWhatWasRecordedWhileItRan(_ kind: TestDatabase) async throws {
        try await withStore(kind) { _, store in
            let clock = ManualClock(Self.t0)
            let (acme, accounts) = try await fourConsumers(store, clock)
            let scope = AccessScope(tenantID: acme.tenant.id)
            let relay = SlowRelay(clock, seconds: 3) {
                _ = try await store.recall(accounts, clientAccountNumbers: [], scope: scope, actor: "test", reason: nil, at: clock.now())
            }
            let report = try await dispatcher(store, relay, clock, concurrency: 1).drain()
            #expect(report.sent == 2 && report.blocked == 2 && relay.count == 2, "\(report)")
            #expect(try await store.messages(status: .blocked, tenantID: acme.tenant.id, limit: 10).allSatisfy { $0.rule == "ACCOUNT-RECALLED" })
        }
    }

    /// A consumer in San Francisco and one in Austin: only the Californian's email and text carry the agency's
    /// licence number, and the engine, asked as the dispatcher asks at send time, finds it shown.
    @Test(arguments: TestDatabase.available)
    func emailsAndTextsToCaliforniansShowTheAgencysLicence(_ kind: TestDatabase) async throws {
        try await withStore(kind) { _, store in
            let storage = StorageTests()
            let acme = try await storage.agency(store)
            let debts = [("A-1", USState.CA, "94105", "123-45-6781"), ("A-2", .TX, "78701", "123-45-6782")].map { number, state, zip, ssn in
                var debt = Fixture.debt(number: number, tenant: acme.tenant.id, client: acme.client.id, first: number, ssn: ssn, state: state, zip: zip)
                debt.consumer.contactPoints.append(ContactPoint(kind: .email(address: "\(number)@example.com", source: .consumer)))
                debt.consumer.contactPoints[1] = ContactPoint(kind: .phone(number: "+1415555010\(number.suffix(1))", type: .cell, source: .consumer, consent: .yes))
                return debt
            }
            _ = try await storage.place(store, acme, debts)
            let scope = AccessScope(tenantID: acme.tenant.id)
            let clock = ManualClock(Self.t0 + 3 * 3600)  // 12:13 in Austin, 10:13 in San Francisco
            let accounts = try await store.accounts(scope: scope, filter: AccountFilter(), after: nil, limit: 10)
            let snapshots = AccountSnapshots(accounts: AccountService(accounts: store, clock: clock), contacts: store, facts: store)
            let service = MessageService(snapshots: snapshots, outbox: store, clock: clock, sender: TemplateSender(californiaLicense: "10001-99"))
            for account in accounts {
                let californian = account.clientAccountNumber == "A-1"
                for channel in [ProposedChannel.email, .sms] {
                    let result = try await service.send(channel, account: account.id, subject: channel == .email ? "Hi" : nil, text: "Please call us.",
                                                        scope: scope, actor: "test", collectorName: "Acme")
                    guard case let .queued(message, _) = result else { Issue.record("refused: \(result)"); continue }
                    #expect(message.body.contains("California Debt Collection License #10001-99.") == californian, "\(channel): \(message.body)")
                    #expect(MessageComposer.showsCaliforniaLicense(message.body, language: "en") == californian)
                    let (loaded, consumer, snapshot) = try await snapshots.load(account.id, scope: scope, collectorName: "Acme", at: Instant(clock.now()))
                    let point = try #require(consumer.contactPoints.first { $0.id == message.destinationID })
                    let decision = ComplianceEngine().decide(snapshot, AccountSnapshots.proposal(
                        channel, to: point, account: loaded, consumer: consumer, at: Instant(clock.now()),
                        showingCaliforniaLicense: MessageComposer.showsCaliforniaLicense(message.body, language: message.language)))
                    let license = decision.findings.first { $0.rule == "CA-1788.11f-LICNUM" }
                    #expect(decision.allowed)
                    #expect(californian ? license?.verdict == .pass : license == nil, "\(channel) \(account.clientAccountNumber): \(String(describing: license?.message))")
                }
            }
            let unlicensed = MessageService(snapshots: snapshots, outbox: store, clock: clock)
            let californian = try #require(accounts.first { $0.clientAccountNumber == "A-1" })
            guard case let .queued(message, _) = try await unlicensed.send(
                .email, account: californian.id, subject: "Hi", text: "Again.", scope: scope, actor: "test", collectorName: "Acme")
            else { Issue.record("refused"); return }
            #expect(!message.body.contains("License"), "no licence configured: none is made up")
        }
    }

    /// The shipped callback voicemail names the agency: for "Acme" that is a limited-content message, for "Acme
    /// Collections" it would tell whoever plays the mailbox what the call is about, so it is refused.
    @Test(arguments: TestDatabase.available)
    func aVoicemailWhoseFilledInWordsRevealADebtIsRefused(_ kind: TestDatabase) async throws {
        try await withStore(kind) { _, store in
            let storage = StorageTests()
            let acme = try await storage.agency(store)
            var debt = Fixture.debt(number: "VM-1", tenant: acme.tenant.id, client: acme.client.id)
            debt.consumer.contactPoints[1] = ContactPoint(kind: .phone(number: "+15125550100", type: .cell, source: .consumer, consent: .yes))
            _ = try await storage.place(store, acme, [debt])
            let scope = AccessScope(tenantID: acme.tenant.id)
            let clock = ManualClock(Self.t0)
            let account = try #require(try await store.accounts(scope: scope, filter: AccountFilter(), after: nil, limit: 1).first)
            let accounts = AccountService(accounts: store, clock: clock)
            let service = MessageService(
                snapshots: AccountSnapshots(accounts: accounts, contacts: store, facts: store), outbox: store, clock: clock,
                templates: TemplateService(templates: store, accounts: accounts, clock: clock, sender: TemplateSender(agencyPhone: "(512) 555-0199")))
            func leave(as agency: String) async throws -> MessageService.Queued {
                try await service.send(.voicemail, account: account.id, subject: nil, text: nil, template: "callback", scope: scope,
                                       actor: "test", collectorName: agency)
            }
            await #expect { try await leave(as: "Acme Collections") } throws: { error in
                "\(error)".contains(#"would say "collect""#) && "\(error)".contains("1006.2(j)")
            }
            guard case let .queued(message, _) = try await leave(as: "Acme") else { Issue.record("refused"); return }
            #expect(message.body.contains("Acme") && TemplateRenderer.revealingWord(in: message.body) == nil)
        }
    }

    /// A relay that keeps failing: the retry waits 30 s, then 60 s (doubling from `backoff`), and the third failed
    /// attempt, with `maxAttempts` 3, gives up: the message goes to the dead letters with its reason and audit event.
    /// The evening it was held back for the morning, never handed off, is not an attempt.
    @Test(arguments: TestDatabase.available)
    func transientFailuresBackOffDoublingThenGiveUp(_ kind: TestDatabase) async throws {
        try await withStore(kind) { _, store in
            let (acme, account) = try await setUp(store)
            let scope = AccessScope(tenantID: acme.tenant.id)
            let clock = ManualClock(Self.t0)
            let message = try await queueEmail(store, clock, account: account, scope: scope)
            let relay = RecordingTransport(failing: Array(repeating: .transient("421 try again later"), count: 5))
            let dispatcher = dispatcher(store, relay, clock, maxAttempts: 3)
            func stored() async throws -> OutboxMessage {
                guard let found = try await store.messages(account: account, tenantID: acme.tenant.id).first(where: { $0.id == message.id })
                else { throw RecoupError.notFound("message \(message.id)") }
                return found
            }
            clock.advance(by: 12 * 3600 + 20 * 60)  // 21:34 CDT
            #expect(try await dispatcher.drain().rescheduled == 1)
            let deferred = try await stored()
            #expect(deferred.attempts == 0 && relay.tried.isEmpty, "held back for the morning: not an attempt")
            clock.advance(by: deferred.dueAt.timeIntervalSince(clock.now()))  // 8 a.m.
            for (attempt, wait) in [(1, 30.0), (2, 60.0)] {
                #expect(try await dispatcher.drain().retried == 1)
                let waiting = try await stored()
                #expect(waiting.status == .queued && waiting.attempts == attempt && waiting.dueAt == clock.now() + wait, "attempt \(attempt)")
                #expect(waiting.lastError == "421 try again later")
                #expect(try await dispatcher.drain().claimed == 0, "not before its backoff")
                clock.advance(by: wait)
            }
            #expect(try await dispatcher.drain().dead == 1)
            let dead = try await stored()
            #expect(dead.status == .dead && dead.lastError == "gave up after 3 attempts: 421 try again later")
            #expect(relay.tried.count == 3 && relay.sent.isEmpty)
            let events = try await store.auditEvents(tenantID: acme.tenant.id, afterSequence: 0, limit: 100, subjectType: "account", subjectID: nil,
                                                     action: "message.dead")
            #expect(events.count == 1 && events.first?.details["attempts"] == "3")
            #expect(try await store.messages(status: .dead, tenantID: acme.tenant.id, limit: 10).map(\.id) == [message.id])
        }
    }

    @Test(arguments: TestDatabase.available)
    func permanentRefusalsAndBlockedSendsAreNeverQueuedTwice(_ kind: TestDatabase) async throws {
        try await withStore(kind) { _, store in
            let (acme, account) = try await setUp(store)
            let scope = AccessScope(tenantID: acme.tenant.id)
            let clock = ManualClock(Self.t0)
            let service = messages(store, clock)
            guard case .queued = try await service.send(.email, account: account, subject: "Hi", text: "Text", scope: scope, actor: "test", collectorName: "Acme")
            else { Issue.record("refused"); return }
            let transport = RecordingTransport(failing: [.permanent("RCPT: 550 no such user")])
            let report = try await dispatcher(store, transport, clock).drain()
            #expect(report.dead == 1)
            let dead = try await store.messages(status: .dead, tenantID: acme.tenant.id, limit: 10)
            #expect(dead.count == 1 && dead[0].lastError == "RCPT: 550 no such user")

            // At 22:00 in Austin the send is refused at once, with the decision; nothing is queued.
            clock.advance(by: 12 * 3600 + 47 * 60)
            let refused = try await service.send(.email, account: account, subject: "Hi", text: "Text", scope: scope, actor: "test", collectorName: "Acme")
            guard case let .refused(decision) = refused else { Issue.record("queued at night"); return }
            #expect(decision.rule == "REGF-1006.6b1i-TIME" && decision.nextAllowedAt != nil)
            #expect(try await store.messages(account: account, tenantID: acme.tenant.id).count == 1)
            await #expect(throws: RecoupError.self) {
                try await service.send(.email, account: account, subject: "Two\nlines", text: "Text", scope: scope, actor: "test", collectorName: "Acme")
            }
        }
    }
}
