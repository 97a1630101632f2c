import Foundation
import Ledger
import RecoupCore

/// Settlement offers: made at once inside the client's authority, held for a manager's approval outside it, and
/// accepted by the consumer (with a short plan and autopay when paid in installments). The payment that completes
/// an accepted settlement posts the write-down and settles the account (see ``PaymentPosting``).
public struct SettlementService: Sendable {
    let settlements: any SettlementRepository
    let plans: PlanService
    let payments: PaymentService
    let clock: any Clock

    public init(settlements: any SettlementRepository, plans: PlanService, payments: PaymentService, clock: any Clock) {
        self.settlements = settlements
        self.plans = plans
        self.payments = payments
        self.clock = clock
    }

    /// Offers to settle for `terms` (a share or an amount of today's balance) in `installments`, open until `expiresOn`.
    public func offer(
        account: AccountID, _ terms: Settlements.Terms, installments: Int, expiresOn: LocalDate, scope: AccessScope, actor: String
    ) async throws -> SettlementRecord {
        let view = try await payments.ledger(account: account, scope: scope)
        guard view.account.status == .active else { throw RecoupError.conflict("the account is \(view.account.status.rawValue)") }
        let today = try await plans.consumerDays.day(account: view.account.id, scope: scope)(clock.now())
        guard expiresOn >= today else { throw RecoupError.invalid([FieldProblem(field: "expires_on", reason: "is before today (\(today.iso))")]) }
        guard installments >= 1 else { throw RecoupError.invalid([FieldProblem(field: "installments", reason: "at least 1")]) }
        let rules = try await payments.payments.terms(client: view.account.clientID, tenantID: scope.tenantID).settlements
        let balance = view.ledger.balance.total
        let offer = Settlements.offer(terms, balance: balance, installments: installments, expiresOn: expiresOn, today: today, rules: rules)
        guard offer.amount > 0 else { throw RecoupError.invalid([FieldProblem(field: "amount", reason: "must be positive")]) }
        let now = clock.now()
        let currency = view.ledger.currency
        let settlement = SettlementRecord(
            tenantID: scope.tenantID, accountID: view.account.id, clientID: view.account.clientID,
            balance: Money(minorUnits: balance, currency: currency), amount: Money(minorUnits: offer.amount, currency: currency),
            installments: offer.installments, expiresOn: expiresOn, status: offer.needsApproval ? .pendingApproval : .offered,
            approvalReasons: offer.approvalReasons, offeredBy: actor, createdAt: now, updatedAt: now)
        try await settlements.saveSettlement(settlement, expecting: nil, audit: AuditEntry(
            actor: actor, action: "settlement.offered", subjectType: "account", subjectID: view.account.id.description,
            details: ["settlement_id": settlement.id.lowercasedString, "balance": settlement.balance.decimalString,
                      "amount": settlement.amount.decimalString, "installments": "\(settlement.installments)", "expires_on": expiresOn.iso,
                      "status": settlement.status.rawValue, "approval_reasons": offer.approvalReasons.joined(separator: "; ")]))
        return settlement
    }

    /// A manager approves an offer outside the client's authority; it is then made.
    public func approve(_ id: UUID, scope: AccessScope, actor: String) async throws -> SettlementRecord {
        var settlement = try await self.settlement(id, scope: scope)
        guard settlement.status == .pendingApproval else {
            throw RecoupError.conflict("the settlement is \(settlement.status.rawValue), not pending approval")
        }
        settlement.status = .offered
        settlement.approvedBy = actor
        settlement.updatedAt = clock.now()
        try await settlements.saveSettlement(settlement, expecting: .pendingApproval, audit: AuditEntry(
            actor: actor, action: "settlement.approved", subjectType: "account", subjectID: settlement.accountID.description,
            details: ["settlement_id": id.lowercasedString, "reasons": settlement.approvalReasons.joined(separator: "; ")]))
        return settlement
    }

    /// The consumer accepts an offer before it expires. In installments, a plan for the amount is agreed (with
    /// autopay on `method` when given), first due on `firstDate` (default today).
    public func accept(_ id: UUID, method: UUID?, firstDate: LocalDate?, scope: AccessScope, actor: String) async throws -> SettlementRecord {
        var settlement = try await self.settlement(id, scope: scope)
        // The consumer's today: an offer accepted at 8:30 p.m. in Austin on its last day has not expired.
        let today = try await plans.consumerDays.day(account: settlement.accountID, scope: scope)(clock.now())
        guard settlement.status == .offered else {
            throw RecoupError.conflict(settlement.status == .pendingApproval
                ? "the settlement is outside the client's authority and waits for a manager's approval"
                : "the settlement is \(settlement.status.rawValue)")
        }
        guard today <= settlement.expiresOn else { throw RecoupError.conflict("the offer expired on \(settlement.expiresOn.iso)") }
        let view = try await payments.ledger(account: settlement.accountID, scope: scope)
        if let method, try await payments.payments.method(method, tenantID: scope.tenantID)?.accountID != settlement.accountID {
            throw RecoupError.invalid([FieldProblem(field: "method_id", reason: "no such payment method on this account")])
        }
        let now = clock.now()
        settlement.status = .accepted
        settlement.balanceAtAcceptance = view.ledger.balance.total
        settlement.updatedAt = now
        // Claimed before the plan is made: of two acceptances at once, one fails here and makes no plan.
        try await settlements.saveSettlement(settlement, expecting: .offered, audit: AuditEntry(
            actor: actor, action: "settlement.accepted", subjectType: "account", subjectID: settlement.accountID.description,
            details: ["settlement_id": id.lowercasedString, "balance_at_acceptance": "\(view.ledger.balance.total)"]))
        if settlement.installments > 1 || method != nil {
            let plan = try await plans.agree(
                PlanRecord(
                    tenantID: scope.tenantID, accountID: settlement.accountID, clientID: settlement.clientID, amount: settlement.amount,
                    downPayment: 0, installmentCount: settlement.installments, frequency: .monthly, firstDate: max(firstDate ?? today, today),
                    methodID: method, createdBy: actor, createdAt: now, updatedAt: now),
                actor: actor, details: ["settlement_id": id.lowercasedString])
            settlement.planID = plan.id
            try await settlements.saveSettlement(settlement, expecting: .accepted, audit: AuditEntry(
                actor: actor, action: "settlement.plan_agreed", subjectType: "account", subjectID: settlement.accountID.description,
                details: ["settlement_id": id.lowercasedString, "plan_id": plan.id.lowercasedString]))
        }
        return settlement
    }

    public func settlement(_ id: UUID, scope: AccessScope) async throws -> SettlementRecord {
        guard let settlement = try await settlements.settlement(id, tenantID: scope.tenantID),
              scope.clientID == nil || scope.clientID == settlement.clientID
        else { throw RecoupError.notFound("settlement \(id.lowercasedString)") }
        return settlement
    }

    public func settlements(account: AccountID, scope: AccessScope) async throws -> [SettlementRecord] {
        let account = try await payments.accounts.account(account, scope: scope)
        return try await settlements.settlements(account: account.id, tenantID: scope.tenantID)
    }
}
