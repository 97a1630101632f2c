import Compliance
import Foundation
import RecoupCore

/// Queues one-off messages to accounts: checked by the compliance engine when asked (a message that may not be
/// sent now is refused with the decision, never queued to wait silently), composed with the required
/// disclosures, and written to the outbox with its audit event. The dispatcher checks again when it sends.
public struct MessageService: Sendable {
    let snapshots: AccountSnapshots
    let outbox: any OutboxRepository
    let clock: any Clock
    let engine: ComplianceEngine

    public init(snapshots: AccountSnapshots, outbox: any OutboxRepository, clock: any Clock, engine: ComplianceEngine = ComplianceEngine()) {
        self.snapshots = snapshots
        self.outbox = outbox
        self.clock = clock
        self.engine = engine
    }

    /// What became of one request.
    public enum Queued: Sendable {
        /// Queued (or, for a repeated idempotency key, already queued: `created` false).
        case queued(OutboxMessage, created: Bool)
        /// The engine refuses the message now; the decision says why and when it would be lawful.
        case refused(ContactDecision)
    }

    /// Queues an email to the account's primary consumer, at `destination` or their first email address.
    public func email(
        account id: AccountID, destination: ContactPointID? = nil, subject: String, text: String, scope: AccessScope, actor: String,
        collectorName: String, idempotencyKey: String? = nil
    ) async throws -> Queued {
        var problems: [FieldProblem] = []
        if subject.trimmingCharacters(in: .whitespaces).isEmpty { problems.append(FieldProblem(field: "subject", reason: "must not be empty")) }
        if subject.contains(where: \.isNewline) { problems.append(FieldProblem(field: "subject", reason: "must be one line")) }
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { problems.append(FieldProblem(field: "text", reason: "must not be empty")) }
        guard problems.isEmpty else { throw RecoupError.invalid(problems) }

        let now = clock.now()
        let (account, consumer, snapshot) = try await snapshots.load(id, scope: scope, collectorName: collectorName, at: Instant(now))
        let emails = consumer.contactPoints.filter { if case .email = $0.kind { true } else { false } }
        guard let point = destination.map({ wanted in emails.first { $0.id == wanted } }) ?? emails.first,
              case let .email(address, _) = point.kind
        else {
            throw RecoupError.invalid([FieldProblem(
                field: "destination_id", reason: destination == nil ? "the consumer has no email address on file" : "not an email address of this account's consumer")])
        }
        let decision = engine.decide(
            snapshot, AccountSnapshots.proposal(.email, to: point, account: account, consumer: consumer, at: Instant(now)), on: account)
        guard decision.allowed else { return .refused(decision) }

        let message = OutboxMessage(
            tenantID: scope.tenantID, accountID: account.id, consumerID: consumer.id, channel: .email, destinationID: point.id,
            recipient: address, language: consumer.language, subject: subject, body: EmailComposer.body(text, language: consumer.language),
            dueAt: now, createdAt: now)
        let (stored, created) = try await outbox.enqueue(
            message, idempotencyKey: idempotencyKey,
            audit: AuditEntry(actor: actor, action: "message.queued", subjectType: "account", subjectID: account.id.description,
                              afterDigest: AuditChain.hexDigest(Data((message.subject + "\n" + message.body).utf8)),
                              details: ["message_id": message.id.uuidString.lowercased(), "channel": "email"]))
        return .queued(stored, created: created)
    }

    /// The messages queued to an account in scope, newest first.
    public func communications(account id: AccountID, scope: AccessScope) async throws -> [OutboxMessage] {
        _ = try await snapshots.accounts.account(id, scope: scope)
        return try await outbox.messages(account: id, tenantID: scope.tenantID)
    }

    /// The tenant's messages in one status (`dead`: the dead-letter queue), oldest first.
    public func outbox(status: OutboxStatus, scope: AccessScope, limit: Int) async throws -> [OutboxMessage] {
        guard (1...AccountService.maxPageSize).contains(limit) else {
            throw RecoupError.invalid([FieldProblem(field: "limit", reason: "must be between 1 and \(AccountService.maxPageSize)")])
        }
        return try await outbox.messages(status: status, tenantID: scope.tenantID, limit: limit)
    }
}
