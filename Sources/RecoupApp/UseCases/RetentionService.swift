import Compliance
import Foundation
import RecoupCore

/// Deletes what 12 CFR 1006.100 no longer requires Recoup to keep, and nothing else.
///
/// Only accounts out of collection are considered (an active account's last collection activity is today). For
/// each, the compliance engine is asked the same question as for any other action (`delete_record` on that
/// debt, with its contact history and the day activity ended), so the retention rule, its citation and the
/// retain-through date are the engine's, and an account is erased only when the answer is "allowed". Every
/// erasure writes an audit event naming the rule that allowed it.
public struct RetentionService: Sendable {
    let accounts: AccountService
    let contacts: any ContactRepository
    let retention: any RetentionRepository
    let clock: any Clock
    let engine: ComplianceEngine

    public init(
        accounts: AccountService, contacts: any ContactRepository, retention: any RetentionRepository, clock: any Clock,
        engine: ComplianceEngine = ComplianceEngine()
    ) {
        self.accounts = accounts
        self.contacts = contacts
        self.retention = retention
        self.clock = clock
        self.engine = engine
    }

    /// One account considered by a purge.
    public struct Outcome: Sendable {
        public var account: InactiveAccount
        /// The engine's answer to deleting the account's records now.
        public var decision: ContactDecision
        /// Rows deleted per table; nil when the account was kept (or the purge was a dry run).
        public var erased: [String: Int]?

        /// The last day the records must be kept, as the retention rule computed it.
        public var retainThrough: LocalDate? {
            let figures = decision.computed
            return figures.compactMap { name, value -> LocalDate? in
                guard name.hasPrefix("retain_"), case let .date(date) = value else { return nil }
                return date
            }.max()
        }
    }

    /// Considers every inactive account of the tenant and erases those whose retention has ended, unless
    /// `dryRun`. `asOf` moves the question to another instant and is only accepted for a dry run: deleting
    /// records early because someone typed a future date must be impossible.
    public func purge(tenantID: TenantID, actor: String, dryRun: Bool, asOf: Date? = nil) async throws -> [Outcome] {
        if asOf != nil, !dryRun {
            throw RecoupError.invalid([FieldProblem(field: "as_of", reason: "only a dry run may look at another date; a purge deletes as of now")])
        }
        let now = Instant(asOf ?? clock.now())
        let scope = AccessScope(tenantID: tenantID)
        var outcomes: [Outcome] = []
        for inactive in try await retention.inactiveAccounts(tenantID: tenantID) {
            let (account, consumer) = try await accounts.accountWithPrimaryConsumer(inactive.id, scope: scope)
            var snapshot = AccountSnapshots.snapshot(account: account, consumer: consumer, collectorName: "", at: now)
            snapshot.history = try await contacts.contacts(consumer: consumer.id, tenantID: tenantID)
                .filter { $0.accountID == account.id }.map(\.contactEvent)
            // The day activity ended, in the consumer's zone (UTC when none is known).
            let ended = Instant(inactive.endedAt)
            let zone = snapshot.consumer.locationSignals.first.flatMap { ZoneClock.named($0.zone) }
            snapshot.debts[0].lastCollectionActivityDate = LocalDate(
                dayNumber: zone?.dayNumber(ended) ?? Int((Double(ended.secondsSince1970) / 86_400).rounded(.down)))
            var proposal = ProposedContact(action: .deleteRecord, channel: .none, at: now)
            proposal.debtID = account.id.description
            let decision = engine.decide(snapshot, proposal)
            var outcome = Outcome(account: inactive, decision: decision, erased: nil)
            if decision.allowed, !dryRun {
                var details = ["status": inactive.status.rawValue, "rule": decision.rule ?? "", "rule_set_version": decision.ruleSetVersion]
                if let through = outcome.retainThrough { details["retained_through"] = through.iso }
                outcome.erased = try await retention.erase(
                    account.id, tenantID: tenantID,
                    audit: AuditEntry(actor: actor, action: "account.purged", subjectType: "account", subjectID: account.id.description,
                                      details: details),
                    at: now.date)
            }
            outcomes.append(outcome)
        }
        return outcomes
    }
}
