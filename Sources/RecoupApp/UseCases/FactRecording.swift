import Compliance
import Foundation
import RecoupCore

/// A recorded fact about a consumer: a consent, an opt-out, a hold, an inconvenient time or place, a death.
public struct RecordedFact: Sendable {
    public var id: UUID
    public var consumerID: ConsumerID
    public var accountID: AccountID
    public var kind: RecordedFactKind
    /// The fact as its check-document entry (validated JSON).
    public var fact: Data
    public var recordedAt: Date
    public var recordedBy: String

    public init(id: UUID = .timeOrdered(), consumerID: ConsumerID, accountID: AccountID, kind: RecordedFactKind, fact: Data,
                recordedAt: Date, recordedBy: String) {
        self.id = id
        self.consumerID = consumerID
        self.accountID = accountID
        self.kind = kind
        self.fact = fact
        self.recordedAt = recordedAt
        self.recordedBy = recordedBy
    }
}

/// Stores recorded facts, each with its audit event in the same transaction.
public protocol FactRepository: Sendable {
    func record(_ fact: RecordedFact, tenantID: TenantID) async throws
    func facts(consumer: ConsumerID, tenantID: TenantID) async throws -> [RecordedFact]
    /// The tenant's do-not-text entries for any of `numbers`.
    func textSuppressions(numbers: [String], tenantID: TenantID) async throws -> [TextSuppression]
}

/// A number that texted STOP (or asked in words to stop): nothing is texted to it on any of the tenant's accounts,
/// those placed later included, until it texts START. Kept by number because a revocation belongs to the phone,
/// not to the accounts Recoup happened to hold when it came.
public struct TextSuppression: Sendable, Equatable {
    public var number: String
    public var since: Date
    /// What the consumer texted.
    public var statement: String
    /// A keyword (STOP and its kin) rather than words: per se reasonable.
    public var perSe: Bool

    public init(number: String, since: Date, statement: String, perSe: Bool) {
        self.number = number
        self.since = since
        self.statement = statement
        self.perSe = perSe
    }
}

/// Records what a consumer, their attorney, a court or a creditor told the agency. Each fact is validated by the
/// same strict reader as the check document (errors name the JSON path) and takes effect at once: the next
/// contactability answer includes it.
public struct FactRecordingService: Sendable {
    let facts: any FactRepository
    let accounts: AccountService
    let clock: any Clock

    public init(facts: any FactRepository, accounts: AccountService, clock: any Clock) {
        self.facts = facts
        self.accounts = accounts
        self.clock = clock
    }

    public func record(account id: AccountID, kind: RecordedFactKind, fact: Data, scope: AccessScope, actor: String)
        async throws -> RecordedFact
    {
        var probe = ContactSnapshot(asOf: Instant(clock.now()))
        do {
            try CheckDocument.apply(kind, fact, to: &probe)
        } catch {
            throw RecoupError.invalid([FieldProblem(field: error.path, reason: error.problem)])
        }
        let (_, consumer) = try await accounts.accountWithPrimaryConsumer(id, scope: scope)
        let recorded = RecordedFact(
            consumerID: consumer.id, accountID: id, kind: kind, fact: fact, recordedAt: clock.now(), recordedBy: actor)
        try await facts.record(recorded, tenantID: scope.tenantID)
        return recorded
    }

    /// The facts recorded about the account's consumer: on every debt of theirs for the agency's staff (a
    /// representation or a bankruptcy told on one debt bears on all), on this account only for a creditor client's
    /// key, for the others were told about another creditor's debt.
    public func facts(account id: AccountID, scope: AccessScope) async throws -> [RecordedFact] {
        let (_, consumer) = try await accounts.accountWithPrimaryConsumer(id, scope: scope)
        let recorded = try await facts.facts(consumer: consumer.id, tenantID: scope.tenantID)
        return scope.clientID == nil ? recorded : recorded.filter { $0.accountID == id }
    }
}
