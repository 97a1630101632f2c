import Foundation
import Ledger
import RecoupCore

/// Who took a promise to pay.
public enum PromiseSource: String, Sendable, CaseIterable {
    case agent, ivr, portal
}

/// A consumer's promise to pay an amount by a date.
public struct PromiseRecord: Sendable, Equatable {
    public var id: UUID
    public var tenantID: TenantID
    public var accountID: AccountID
    public var clientID: ClientID
    public var amount: Money
    public var dueOn: LocalDate
    public var source: PromiseSource
    public var madeBy: String
    public var createdAt: Date

    public init(
        id: UUID = UUID(), tenantID: TenantID, accountID: AccountID, clientID: ClientID, amount: Money, dueOn: LocalDate, source: PromiseSource,
        madeBy: String, createdAt: Date
    ) {
        self.id = id
        self.tenantID = tenantID
        self.accountID = accountID
        self.clientID = clientID
        self.amount = amount
        self.dueOn = dueOn
        self.source = source
        self.madeBy = madeBy
        self.createdAt = createdAt
    }

    /// Where each promise stands on `date`. Payments received are applied to promises in the order they were made, each
    /// payment to the oldest promise it can count for (made before the payment, due no earlier than the payment's day
    /// less the grace days), so one payment never keeps two promises. A promise is kept once its amount is covered,
    /// broken once its date and the grace days pass without that, open until then. Derived, never stored.
    /// `day` names the day a payment was made on: the consumer's (an 8 p.m. payment in Austin is that day's, not the
    /// next UTC day's).
    public static func standings(
        _ promises: [PromiseRecord], payments: [Payment], on date: LocalDate, graceDays: Int, day: (Date) -> LocalDate = LocalDate.init(utc:)
    ) -> [UUID: PromiseStanding] {
        var left = payments
            .filter { $0.status == .succeeded || ($0.status == .processing && $0.entryID != nil) }
            .sorted { $0.createdAt < $1.createdAt }
            .map { (at: $0.createdAt, amount: $0.amount.minorUnits) }
        var standings: [UUID: PromiseStanding] = [:]
        for promise in promises.sorted(by: { $0.createdAt < $1.createdAt }) {
            let deadline = promise.dueOn.adding(days: graceDays)
            var owed = promise.amount.minorUnits
            for index in left.indices where owed > 0 && left[index].amount > 0 && left[index].at >= promise.createdAt
                && day(left[index].at) <= deadline {
                let take = min(owed, left[index].amount)
                left[index].amount -= take
                owed -= take
            }
            standings[promise.id] = owed == 0 ? .kept : date > deadline ? .broken : .open
        }
        return standings
    }
}

public enum PromiseStanding: String, Sendable {
    case open, kept, broken
}

/// Stores promises to pay.
public protocol PromiseRepository: Sendable {
    /// Stores a promise; the same `idempotencyKey` answers the one already stored (an IVR step the provider retried).
    func savePromise(_ promise: PromiseRecord, idempotencyKey: String?, audit: AuditEntry) async throws -> PromiseRecord
    func promises(account: AccountID, tenantID: TenantID) async throws -> [PromiseRecord]
}

/// Promises to pay from agents and the IVR, and whether each was kept.
public struct PromiseService: Sendable {
    let promises: any PromiseRepository
    let payments: PaymentService
    let clock: any Clock
    /// A promise is made for, and kept on, the consumer's days; UTC days without it.
    public var consumerDays: ConsumerDays?

    public init(promises: any PromiseRepository, payments: PaymentService, clock: any Clock) {
        self.promises = promises
        self.payments = payments
        self.clock = clock
    }

    public func promise(
        account: AccountID, amount: Int64, dueOn: LocalDate, source: PromiseSource, idempotencyKey: String? = nil, scope: AccessScope,
        actor: String
    ) async throws -> PromiseRecord {
        let view = try await payments.ledger(account: account, scope: scope)
        var problems: [FieldProblem] = []
        if amount <= 0 || amount > view.ledger.balance.total {
            problems.append(FieldProblem(field: "amount_minor", reason: "must be between 0.01 and the balance of \(view.ledger.balanceMoney.decimalString)"))
        }
        let today = try await today(account: view.account.id, scope: scope)
        if dueOn < today { problems.append(FieldProblem(field: "due_on", reason: "is before today (\(today.iso), the consumer's day)")) }
        guard problems.isEmpty else { throw RecoupError.invalid(problems) }
        let promise = PromiseRecord(
            tenantID: scope.tenantID, accountID: view.account.id, clientID: view.account.clientID,
            amount: Money(minorUnits: amount, currency: view.ledger.currency), dueOn: dueOn, source: source, madeBy: actor, createdAt: clock.now())
        return try await promises.savePromise(promise, idempotencyKey: idempotencyKey, audit: AuditEntry(
            actor: actor, action: "promise.made", subjectType: "account", subjectID: view.account.id.description,
            details: ["promise_id": promise.id.lowercasedString, "amount": promise.amount.decimalString, "due_on": dueOn.iso,
                      "source": source.rawValue]))
    }

    /// Today for the account's consumer: the earliest day a promise may be made for.
    public func today(account: AccountID, scope: AccessScope) async throws -> LocalDate {
        try await consumerDays.day(account: account, scope: scope)(clock.now())
    }

    /// The account's promises, newest first, each kept, broken or still open today.
    public func promises(account: AccountID, scope: AccessScope) async throws -> [(PromiseRecord, PromiseStanding)] {
        let account = try await payments.accounts.account(account, scope: scope)
        let terms = try await payments.payments.terms(client: account.clientID, tenantID: scope.tenantID)
        let made = try await payments.paymentsNetOfRefunds(account: account.id, tenantID: scope.tenantID)
        let all = try await promises.promises(account: account.id, tenantID: scope.tenantID)
        let day = try await consumerDays.day(account: account.id, scope: scope)
        let standings = PromiseRecord.standings(all, payments: made, on: day(clock.now()), graceDays: terms.graceDays, day: day)
        return all.map { ($0, standings[$0.id] ?? .open) }
    }

}
