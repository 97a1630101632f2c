import Compliance
import Foundation
import RecoupCore

/// Where a queued message stands. `queued` and `sending` are live; `sent`, `blocked` and `dead` are final.
public enum OutboxStatus: String, Sendable, CaseIterable {
    /// Waiting for its due time.
    case queued
    /// Claimed by a dispatcher under a lease. If the lease runs out (the process died), the hand-off's outcome
    /// is unknown and the message is sent again with the same Message-ID, so the receiver can de-duplicate.
    case sending
    /// Handed to the provider; the contact attempt is recorded.
    case sent
    /// The compliance engine refused it and no later instant would change that without new facts.
    case blocked
    /// The provider refused it permanently, or it failed too many times: the dead-letter state.
    case dead
}

/// One message in the outbox: written in the same transaction as the decision that caused it, sent by the
/// dispatcher once it is due and lawful.
/// A message ready to be queued with what queueing it records: written by whichever transaction decided it (an
/// agent's send, a payment's posting), so the message exists exactly when the decision does.
public struct QueuedMessage: Sendable {
    public var message: OutboxMessage
    /// The same key again queues nothing new.
    public var idempotencyKey: String?
    /// `message.queued`, with the message's digest.
    public var audit: AuditEntry

    public init(message: OutboxMessage, idempotencyKey: String?, actor: String) {
        self.message = message
        self.idempotencyKey = idempotencyKey
        audit = AuditEntry(
            actor: actor, action: "message.queued", subjectType: "account", subjectID: message.accountID.description,
            afterDigest: AuditChain.hexDigest(Data((message.subject + "\n" + message.body).utf8)),
            details: ["message_id": message.id.lowercasedString, "channel": message.channel.rawValue])
    }
}

public struct OutboxMessage: Sendable, Equatable {
    public var id: UUID
    public var tenantID: TenantID
    public var accountID: AccountID
    public var consumerID: ConsumerID
    public var channel: ProposedChannel
    public var destinationID: ContactPointID
    /// The address as it was when the message was queued.
    public var recipient: String
    public var language: String
    public var subject: String
    /// The text as composed, required disclosures included.
    public var body: String
    public var status: OutboxStatus
    public var dueAt: Date
    /// Hand-offs tried so far, the current claim's included: a claim that ends deferred, before any hand-off, is not
    /// counted (a text held back every evening by the time-of-day rule or the rate limit keeps all its retries for
    /// the provider's failures). The claim's fencing token too: a resolution writes only at the attempt it claimed.
    public var attempts: Int
    /// Why the last attempt did not send: a transport error or the blocking rule's message.
    public var lastError: String?
    /// The rule that last blocked or rescheduled it.
    public var rule: String?
    public var createdAt: Date
    public var sentAt: Date?
    /// The provider's id for the hand-off (an SMS provider's message SID), which its status callbacks name.
    public var providerRef: String?

    public init(
        id: UUID = .timeOrdered(), tenantID: TenantID, accountID: AccountID, consumerID: ConsumerID, channel: ProposedChannel,
        destinationID: ContactPointID, recipient: String, language: String, subject: String, body: String,
        status: OutboxStatus = .queued, dueAt: Date, attempts: Int = 0, lastError: String? = nil, rule: String? = nil,
        createdAt: Date, sentAt: Date? = nil, providerRef: String? = nil
    ) {
        self.id = id
        self.tenantID = tenantID
        self.accountID = accountID
        self.consumerID = consumerID
        self.channel = channel
        self.destinationID = destinationID
        self.recipient = recipient
        self.language = language
        self.subject = subject
        self.body = body
        self.status = status
        self.dueAt = dueAt
        self.attempts = attempts
        self.lastError = lastError
        self.rule = rule
        self.createdAt = createdAt
        self.sentAt = sentAt
        self.providerRef = providerRef
    }

    /// The RFC 5322 Message-ID every hand-off of this message carries: the same on every retry.
    public func messageID(domain: String) -> String { "<\(id.lowercasedString)@\(domain)>" }
}

/// What finishing a claimed message writes, in one transaction with the status change.
public enum OutboxResolution: Sendable {
    /// Handed off: the contact attempt, its audit event and the provider's id for the message, if it gave one.
    case sent(RecordedContact, AuditEntry, providerRef: String?)
    /// Not handed off: not lawful yet (`rule` says why), the agency's contact pressure, or no rate-limit slot in time.
    /// Due again `until`; the claim is not counted as an attempt.
    case deferred(until: Date, reason: String, rule: String?)
    /// Handed off and failed for a reason that may pass (a timeout, a 4xx SMTP reply): tried again at `at`.
    case retry(at: Date, reason: String)
    /// Final refusal: `blocked` by compliance or `dead` after a permanent failure, with its audit event.
    case closed(OutboxStatus, reason: String, rule: String?, AuditEntry)
}

/// The outbox as stored. Claims are leases: a claim is exclusive until it expires, whichever process or
/// database connection asks, so several dispatchers can drain one database without sending anything twice; they
/// also share its hand-off schedules, so a rate limit holds across them.
public protocol OutboxRepository: HandOffSlots {
    /// Queues a message with its audit event; the same `idempotencyKey` answers the message already queued.
    func enqueue(_ message: OutboxMessage, idempotencyKey: String?, audit: AuditEntry) async throws -> (OutboxMessage, created: Bool)
    /// Claims up to `limit` messages on `channels` that are due (queued, or sending with an expired lease) for
    /// `worker` until `now + lease`, counting an attempt on each. A dispatcher claims only the channels it can send.
    func claimDue(now: Date, limit: Int, lease: TimeInterval, worker: String, channels: Set<ProposedChannel>) async throws -> [OutboxMessage]
    /// Finishes claimed messages in one transaction (a group commit). For each, false when `worker` no longer holds
    /// the claim: nothing is written for it.
    func resolve(_ items: [(OutboxMessage, OutboxResolution)], worker: String, at: Date) async throws -> [Bool]
    /// One message by id, whatever its tenant: only for callers that proved the id (a signed consumer link).
    func message(id: UUID) async throws -> OutboxMessage?
    /// An account's messages, newest first.
    func messages(account: AccountID, tenantID: TenantID) async throws -> [OutboxMessage]
    /// A tenant's messages in one status, oldest first.
    func messages(status: OutboxStatus, tenantID: TenantID, limit: Int) async throws -> [OutboxMessage]
    /// Records what happened to a message after it left (delivered, failed, opened, …), once per message and kind,
    /// with its audit event. The message is named by the provider's id within a tenant, or by its own id (proven
    /// by a signed link or a signed webhook). Returns nil when there is no such message.
    func recordEngagement(_ kind: EngagementKind, of message: EngagementTarget, detail: String?, at: Date) async throws -> OutboxMessage?
    /// What was reported about these messages, oldest first.
    func engagement(messages: [UUID], tenantID: TenantID) async throws -> [UUID: [EngagementEvent]]
}

/// How an engagement report names its message.
public enum EngagementTarget: Sendable {
    /// The provider's id for it (an SMS SID), within a tenant.
    case provider(String, TenantID)
    /// Its own id, within a tenant.
    case message(UUID, TenantID)
    /// Its own id, from a link only this server can sign (the pixel, a click).
    case signed(UUID)
}

/// What happened to a message after it left: the tracking the strategy engine learns from.
public enum EngagementKind: String, Sendable, CaseIterable {
    case delivered, bounced, opened, clicked, replied, failed
    case optedOut = "opted_out"
    /// A letter came back from the post office.
    case returned
}

/// One thing that happened to a message, when.
public struct EngagementEvent: Sendable, Equatable {
    public var kind: EngagementKind
    public var occurredAt: Date
    public var detail: String?

    public init(kind: EngagementKind, occurredAt: Date, detail: String? = nil) {
        self.kind = kind
        self.occurredAt = occurredAt
        self.detail = detail
    }
}

extension OutboxRepository {
    /// Finishes one claimed message. Returns false, changing nothing, when `worker` no longer holds the claim.
    public func resolve(_ message: OutboxMessage, worker: String, _ resolution: OutboxResolution, at: Date) async throws -> Bool {
        try await resolve([(message, resolution)], worker: worker, at: at).first ?? false
    }
}

/// An email ready for the wire.
public struct OutboundEmail: Sendable, Equatable {
    public var messageID: String
    public var from: String
    public var to: String
    public var subject: String
    public var text: String
    /// `List-Unsubscribe` targets (RFC 2369/8058), when the message can be unsubscribed from with one click.
    public var unsubscribe: String?
    /// Open and click tracking for the HTML part, when the server has a public URL.
    public var tracking: EmailTracking?

    public init(
        messageID: String, from: String, to: String, subject: String, text: String, unsubscribe: String? = nil, tracking: EmailTracking? = nil
    ) {
        self.messageID = messageID
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.unsubscribe = unsubscribe
        self.tracking = tracking
    }
}

/// Hands an email to a relay.
public protocol EmailTransport: Sendable {
    /// Returns when the relay accepted the message. Throws ``TransportFailure``.
    func send(_ email: OutboundEmail) async throws
}

/// A text message ready for the provider.
public struct OutboundText: Sendable, Equatable {
    /// The outbox message's id: the same on every retry, so the provider can de-duplicate.
    public var idempotencyKey: String
    public var to: String
    public var body: String
    /// Where the provider reports delivery (the tenant's status webhook), when Recoup has a public URL.
    public var statusCallback: String?

    public init(idempotencyKey: String, to: String, body: String, statusCallback: String? = nil) {
        self.idempotencyKey = idempotencyKey
        self.to = to
        self.body = body
        self.statusCallback = statusCallback
    }
}

/// Hands a text to an SMS provider.
public protocol TextTransport: Sendable {
    /// Returns the provider's id for the message when it accepted it. Throws ``TransportFailure``.
    func send(_ text: OutboundText) async throws -> String
}

/// Puts a letter in the print-and-mail vendor's batch.
public protocol LetterTransport: Sendable {
    /// Renders the queued letter (its kind in `subject`, its words in `body`) and files it in the day's print batch;
    /// returns where it was filed. Filing the same message again replaces it, never adds a second copy.
    func send(_ letter: OutboxMessage) async throws -> String
}

/// Why a hand-off failed, and whether trying again can help.
public enum TransportFailure: Error, Sendable, Equatable {
    /// The relay refused the message for good (5xx): dead letter.
    case permanent(String)
    /// Try again later (4xx, connection refused or dropped). When the connection dropped after the message was
    /// sent, the outcome is unknown; the retry carries the same Message-ID.
    case transient(String)

    /// What went wrong, in the provider's or the relay's words.
    public var reason: String {
        switch self {
        case let .permanent(why), let .transient(why): why
        }
    }
}
