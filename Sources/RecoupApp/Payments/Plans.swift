import Foundation
import Ledger
import RecoupCore

/// Where a payment plan stands.
public enum PlanStatus: String, Sendable, CaseIterable {
    case active, completed
    /// Too many missed or returned installments: the account goes back to its workflow.
    case broken
    case cancelled
    /// Re-arranged: a newer plan took its place (its history stays).
    case replaced
}

/// An agreed payment plan. Its installments are derived from its terms, never stored.
public struct PlanRecord: Sendable, Equatable {
    public var id: UUID
    public var tenantID: TenantID
    public var accountID: AccountID
    public var clientID: ClientID
    public var amount: Money
    public var downPayment: Int64
    public var installmentCount: Int
    public var frequency: InstallmentFrequency
    public var firstDate: LocalDate
    /// Autopay charges each installment to this method when it falls due; nil: the consumer pays each one.
    public var methodID: UUID?
    public var status: PlanStatus
    /// The plan this one re-arranged.
    public var replaces: UUID?
    public var createdBy: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: UUID = UUID(), tenantID: TenantID, accountID: AccountID, clientID: ClientID, amount: Money, downPayment: Int64,
        installmentCount: Int, frequency: InstallmentFrequency, firstDate: LocalDate, methodID: UUID?, status: PlanStatus = .active,
        replaces: UUID? = nil, createdBy: String, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.tenantID = tenantID
        self.accountID = accountID
        self.clientID = clientID
        self.amount = amount
        self.downPayment = downPayment
        self.installmentCount = installmentCount
        self.frequency = frequency
        self.firstDate = firstDate
        self.methodID = methodID
        self.status = status
        self.replaces = replaces
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public var schedule: [Installment] {
        PaymentPlan.installments(
            amount: amount.minorUnits, downPayment: downPayment, count: installmentCount, frequency: frequency, firstDate: firstDate)
    }
}

/// Where a plan stands on a day, from its schedule and its payments: kept and missed installments, failed autopay
/// attempts, and whether that breaks it.
public struct PlanProgress: Sendable, Equatable {
    public var paid: Int64
    public var standing: PlanStanding
    /// Autopay attempts declined or returned.
    public var failures: Int
    public var arrears: Int64
    /// Every installment paid.
    public var complete: Bool

    /// Payments count toward the plan when autopay took them for it, or when they were made on the account while it
    /// ran. A returned or declined autopay debit is a failure at once; an installment still uncovered after the grace
    /// period is a miss; `missesToBreak` of either breaks the plan.
    /// `day` names the day a payment was made on: the consumer's.
    public static func of(
        _ plan: PlanRecord, payments: [Payment], on date: LocalDate, terms: ClientTerms, day: (Date) -> LocalDate = LocalDate.init(utc:)
    ) -> PlanProgress {
        let mine = payments.filter { $0.planID == plan.id || ($0.planID == nil && $0.createdAt >= plan.createdAt) }
        let received = mine.filter { $0.status == .succeeded || ($0.status == .processing && $0.entryID != nil) }
        let paidOn = received.map { (on: day($0.createdAt), amount: $0.amount.minorUnits) }
        let paid = paidOn.reduce(0) { $0 + $1.amount }
        var standing = PlanStanding.on(
            date, schedule: plan.schedule, payments: paidOn, graceDays: terms.graceDays, missesToBreak: terms.missesToBreak)
        let failures = mine.filter { $0.planID == plan.id && [.failed, .returned, .chargedBack].contains($0.status) }.count
        standing.broken = standing.broken || failures >= max(1, terms.missesToBreak)
        return PlanProgress(paid: paid, standing: standing, failures: failures,
                            arrears: PaymentPlan.arrears(on: date, schedule: plan.schedule, paid: paid),
                            complete: paid >= plan.amount.minorUnits)
    }
}

/// Stores payment plans.
public protocol PlanRepository: Sendable {
    /// Stores `plan`; an active plan it re-arranges becomes `replaced` in the same transaction.
    func createPlan(_ plan: PlanRecord, audit: [AuditEntry]) async throws
    func plan(_ id: UUID, tenantID: TenantID) async throws -> PlanRecord?
    func plans(account: AccountID, tenantID: TenantID) async throws -> [PlanRecord]
    /// Every active plan of the tenant, for the daily autopay run.
    func activePlans(tenantID: TenantID) async throws -> [PlanRecord]
    /// Moves a plan to `status` if it is still in one of `from`; false when it had moved on.
    func setPlanStatus(_ id: UUID, tenantID: TenantID, to status: PlanStatus, from: Set<PlanStatus>, audit: AuditEntry, at: Date) async throws -> Bool
}
