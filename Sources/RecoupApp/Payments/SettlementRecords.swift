import Foundation
import Ledger
import RecoupCore

/// Where a settlement offer stands.
public enum SettlementStatus: String, Sendable, CaseIterable {
    /// Made to the consumer, inside the client's authority or approved.
    case offered
    /// Outside the client's authority: a manager must approve it before it is made.
    case pendingApproval = "pending_approval"
    /// The consumer took it; payments toward it are coming.
    case accepted
    /// Paid: the rest was written down and the account is settled in full.
    case completed
}

/// A settlement offer on an account.
public struct SettlementRecord: Sendable, Equatable {
    public var id: UUID
    public var tenantID: TenantID
    public var accountID: AccountID
    public var clientID: ClientID
    /// The balance it was offered against, and what settles it.
    public var balance: Money
    public var amount: Money
    public var installments: Int
    public var expiresOn: LocalDate
    public var status: SettlementStatus
    /// Why it needs approval (empty inside the client's authority).
    public var approvalReasons: [String]
    /// The balance when the consumer accepted: payments since then count toward the amount.
    public var balanceAtAcceptance: Int64?
    public var planID: UUID?
    public var offeredBy: String
    public var approvedBy: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: UUID = UUID(), tenantID: TenantID, accountID: AccountID, clientID: ClientID, balance: Money, amount: Money, installments: Int,
        expiresOn: LocalDate, status: SettlementStatus, approvalReasons: [String], balanceAtAcceptance: Int64? = nil, planID: UUID? = nil,
        offeredBy: String, approvedBy: String? = nil, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.tenantID = tenantID
        self.accountID = accountID
        self.clientID = clientID
        self.balance = balance
        self.amount = amount
        self.installments = installments
        self.expiresOn = expiresOn
        self.status = status
        self.approvalReasons = approvalReasons
        self.balanceAtAcceptance = balanceAtAcceptance
        self.planID = planID
        self.offeredBy = offeredBy
        self.approvedBy = approvedBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Still owed under the settlement when the account's balance is `balance`: the amount less what was paid since
    /// the consumer accepted.
    public func remaining(atBalance balance: Int64) -> Int64 {
        amount.minorUnits - ((balanceAtAcceptance ?? balance) - balance)
    }
}

/// Stores settlement offers.
public protocol SettlementRepository: Sendable {
    /// Stores a new settlement (`expecting` nil) or changes one that is still `expecting` (else a conflict: another
    /// request moved it first).
    func saveSettlement(_ settlement: SettlementRecord, expecting: SettlementStatus?, audit: AuditEntry) async throws
    func settlement(_ id: UUID, tenantID: TenantID) async throws -> SettlementRecord?
    func settlements(account: AccountID, tenantID: TenantID) async throws -> [SettlementRecord]
}
