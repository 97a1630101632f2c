import Compliance
import Foundation
import RecoupCore

/// One contact attempt or inbound contact and what came of it, as an agent or a channel records it.
public struct RecordedContact: Sendable, Equatable {
    public var id: UUID
    public var accountID: AccountID
    public var consumerID: ConsumerID
    public var occurredAt: Date
    public var direction: Direction
    public var channel: HistoryChannel
    /// The contact point used (phone or email); nil for a letter to the mailing address.
    public var destinationID: ContactPointID?
    public var dialingMethod: DialingMethod?
    public var outcome: ContactOutcome
    public var contentType: ContentType?
    public var recordedBy: String

    public init(
        id: UUID = .timeOrdered(), accountID: AccountID, consumerID: ConsumerID, occurredAt: Date, direction: Direction,
        channel: HistoryChannel, destinationID: ContactPointID?, dialingMethod: DialingMethod?, outcome: ContactOutcome,
        contentType: ContentType?, recordedBy: String
    ) {
        self.id = id
        self.accountID = accountID
        self.consumerID = consumerID
        self.occurredAt = occurredAt
        self.direction = direction
        self.channel = channel
        self.destinationID = destinationID
        self.dialingMethod = dialingMethod
        self.outcome = outcome
        self.contentType = contentType
        self.recordedBy = recordedBy
    }

    /// The same contact as a fact of a compliance snapshot.
    public var contactEvent: ContactEvent {
        var event = ContactEvent(
            at: Instant(occurredAt), direction: direction, channel: channel, person: consumerID.description,
            destination: destinationID?.description, debtIDs: [accountID.description], dialingMethod: dialingMethod,
            outcome: outcome)
        event.content = contentType.map { ContentFacts(type: $0) }
        return event
    }
}

/// Stores recorded contacts; one audit event per contact, written in the same transaction. Recording with an
/// idempotency key twice returns the first record and writes nothing, so a retried request never counts a call twice.
public protocol ContactRepository: Sendable {
    func record(_ contact: RecordedContact, idempotencyKey: String?, tenantID: TenantID, at: Date) async throws
        -> (contact: RecordedContact, created: Bool)
    func contacts(consumer: ConsumerID, tenantID: TenantID) async throws -> [RecordedContact]
    /// Sets the outcome of a recorded contact when it became known later (how a call ended, a letter that came
    /// back), with a `contact.outcome` audit event naming the outcome before and after. False when there is no such
    /// contact; nothing is written when the outcome is already that.
    func amend(contact id: UUID, tenantID: TenantID, outcome: ContactOutcome, actor: String, at: Date) async throws -> Bool
}

/// Records what happened on a contact, after checking it belongs to an account in the caller's scope and uses one
/// of that consumer's destinations.
public struct ContactRecordingService: Sendable {
    let contacts: any ContactRepository
    let accounts: AccountService
    let clock: any Clock

    public init(contacts: any ContactRepository, accounts: AccountService, clock: any Clock) {
        self.contacts = contacts
        self.accounts = accounts
        self.clock = clock
    }

    /// A recorded time may lag (an agent logging a call) but not lead the clock by more than this.
    static let allowedClockSkew: TimeInterval = 300

    public func record(
        account id: AccountID, occurredAt: Date, direction: Direction, channel: HistoryChannel, destinationID: ContactPointID?,
        dialingMethod: DialingMethod?, outcome: ContactOutcome, contentType: ContentType?, idempotencyKey: String?,
        scope: AccessScope, actor: String
    ) async throws -> (contact: RecordedContact, created: Bool) {
        let now = clock.now()
        var problems: [FieldProblem] = []
        if occurredAt > now.addingTimeInterval(Self.allowedClockSkew) {
            problems.append(FieldProblem(field: "occurred_at", reason: "is in the future"))
        }
        if let idempotencyKey, idempotencyKey.isEmpty || idempotencyKey.count > 200 {
            problems.append(FieldProblem(field: "Idempotency-Key", reason: "must be 1 to 200 characters"))
        }
        if channel != .letter, destinationID == nil {
            problems.append(FieldProblem(field: "destination_id", reason: "required for calls, texts and emails"))
        }
        guard problems.isEmpty else { throw RecoupError.invalid(problems) }
        let (_, consumer) = try await accounts.accountWithPrimaryConsumer(id, scope: scope)
        if let destinationID, !consumer.contactPoints.contains(where: { $0.id == destinationID }) {
            throw RecoupError.invalid([FieldProblem(field: "destination_id", reason: "is not one of this consumer's phones or emails")])
        }
        let contact = RecordedContact(
            accountID: id, consumerID: consumer.id, occurredAt: occurredAt, direction: direction, channel: channel,
            destinationID: destinationID, dialingMethod: dialingMethod, outcome: outcome, contentType: contentType,
            recordedBy: actor)
        return try await contacts.record(contact, idempotencyKey: idempotencyKey, tenantID: scope.tenantID, at: now)
    }

    public func history(account id: AccountID, scope: AccessScope) async throws -> [RecordedContact] {
        let (_, consumer) = try await accounts.accountWithPrimaryConsumer(id, scope: scope)
        return try await contacts.contacts(consumer: consumer.id, tenantID: scope.tenantID).filter { $0.accountID == id }
    }
}
