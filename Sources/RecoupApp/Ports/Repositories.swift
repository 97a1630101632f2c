import Foundation
import RecoupCore

/// Tenants, clients and API keys: who exists and who may call.
public protocol DirectoryRepository: Sendable {
    func createTenant(_ tenant: Tenant, audit: AuditEntry) async throws
    func tenants() async throws -> [Tenant]
    func createClient(_ client: Client, audit: AuditEntry) async throws
    func clients(scope: AccessScope) async throws -> [Client]
    func client(_ id: ClientID, scope: AccessScope) async throws -> Client?
    func createAPIKey(_ key: APIKeyRecord, audit: AuditEntry) async throws
    /// The key with this secret's hash, revoked, expired or not (``DirectoryService/authenticate(secret:)`` refuses those).
    func apiKey(secretHash: String) async throws -> APIKeyRecord?
    /// Every key of the tenant, revoked ones included, oldest first.
    func apiKeys(tenantID: TenantID) async throws -> [APIKeyRecord]
    /// Marks the tenant's key revoked at `at` and writes `audit`, in one transaction; false when the tenant has no
    /// such key or it was already revoked (nothing written then).
    func revokeAPIKey(_ id: APIKeyID, tenantID: TenantID, at: Date, audit: AuditEntry) async throws -> Bool
    /// Stores `new` and moves the tenant's key `id` to expire at `expiresAt` (never later than it already would),
    /// with the audit events, in one transaction; false when the tenant has no such key still working (nothing
    /// written then).
    func rotateAPIKey(_ id: APIKeyID, tenantID: TenantID, to new: APIKeyRecord, expiresAt: Date, audit: [AuditEntry]) async throws -> Bool
    /// Notes that the key authenticated a request at `at`.
    func noteUse(of id: APIKeyID, at: Date) async throws
}

/// Filters for listing accounts; every field narrows the result.
public struct AccountFilter: Hashable, Sendable {
    public var clientID: ClientID?
    public var status: AccountStatus?
    public var placementID: PlacementID?
    public var clientAccountNumber: String?
    public var ssnLastFour: String?
    public var state: USState?

    public init(
        clientID: ClientID? = nil, status: AccountStatus? = nil, placementID: PlacementID? = nil,
        clientAccountNumber: String? = nil, ssnLastFour: String? = nil, state: USState? = nil
    ) {
        self.clientID = clientID
        self.status = status
        self.placementID = placementID
        self.clientAccountNumber = clientAccountNumber
        self.ssnLastFour = ssnLastFour
        self.state = state
    }
}

/// One line of an account list: enough to pick an account from a queue without loading it.
public struct AccountSummary: Hashable, Sendable {
    public var id: AccountID
    public var clientID: ClientID
    public var placementID: PlacementID
    public var clientAccountNumber: String
    public var originalCreditor: String
    public var debtType: DebtType
    public var status: AccountStatus
    public var currentBalance: Money
    public var primaryConsumerID: ConsumerID?
    public var primaryConsumerName: String?
    public var state: USState?
    public var placedAt: Date

    public init(
        id: AccountID, clientID: ClientID, placementID: PlacementID, clientAccountNumber: String,
        originalCreditor: String, debtType: DebtType, status: AccountStatus, currentBalance: Money,
        primaryConsumerID: ConsumerID?, primaryConsumerName: String?, state: USState?, placedAt: Date
    ) {
        self.id = id
        self.clientID = clientID
        self.placementID = placementID
        self.clientAccountNumber = clientAccountNumber
        self.originalCreditor = originalCreditor
        self.debtType = debtType
        self.status = status
        self.currentBalance = currentBalance
        self.primaryConsumerID = primaryConsumerID
        self.primaryConsumerName = primaryConsumerName
        self.state = state
        self.placedAt = placedAt
    }
}

/// Reading accounts and consumers, and recalling accounts. Every call is confined to a scope.
public protocol AccountRepository: Sendable {
    /// Accounts in id order after `after`, at most `limit`.
    func accounts(scope: AccessScope, filter: AccountFilter, after: AccountID?, limit: Int) async throws
        -> [AccountSummary]
    func account(_ id: AccountID, scope: AccessScope) async throws -> Account?
    /// The consumer and the ids of the in-scope accounts they are party to; nil when no such account is in scope.
    func consumer(_ id: ConsumerID, scope: AccessScope) async throws -> (Consumer, [AccountID])?
    /// Marks the accounts recalled, one audit event each, in one transaction. Returns the ids that changed;
    /// ids already recalled are left alone, ids out of scope are ignored.
    func recall(
        _ ids: [AccountID], clientAccountNumbers: [String], scope: AccessScope, actor: String, reason: String?,
        at: Date
    ) async throws -> RecallOutcome
}

/// What a recall did.
public struct RecallOutcome: Hashable, Sendable {
    public var recalled: [AccountID]
    public var alreadyRecalled: [AccountID]
    /// Requested ids or account numbers that match nothing in scope.
    public var notFound: [String]

    public init(recalled: [AccountID] = [], alreadyRecalled: [AccountID] = [], notFound: [String] = []) {
        self.recalled = recalled
        self.alreadyRecalled = alreadyRecalled
        self.notFound = notFound
    }
}

/// The audit trail as stored.
public protocol AuditRepository: Sendable {
    /// Appends entries to a tenant's chain in one transaction.
    func append(_ entries: [AuditEntry], tenantID: TenantID, at: Date) async throws
    /// Events in chain order after `afterSequence`, at most `limit`, optionally filtered.
    func auditEvents(
        tenantID: TenantID, afterSequence: Int64, limit: Int, subjectType: String?, subjectID: String?,
        action: String?
    ) async throws -> [AuditEvent]
    func checkpoints(tenantID: TenantID) async throws -> [AuditCheckpoint]
    /// Tenants that have at least one audit event.
    func auditedTenants() async throws -> [TenantID]
}

/// An account no longer in collection, as the retention purge sees it.
public struct InactiveAccount: Hashable, Sendable {
    public var id: AccountID
    public var status: AccountStatus
    /// When collection activity on it ended: the recall, or the last change that closed it.
    public var endedAt: Date

    public init(id: AccountID, status: AccountStatus, endedAt: Date) {
        self.id = id
        self.status = status
        self.endedAt = endedAt
    }
}

/// What the retention purge needs from storage: the accounts it may consider, and their erasure.
public protocol RetentionRepository: Sendable {
    /// Every account of the tenant whose status is not `active`, in id order.
    func inactiveAccounts(tenantID: TenantID) async throws -> [InactiveAccount]
    /// Deletes the account and everything recorded about it (contacts, facts, stored decisions, its parties), and
    /// every consumer it leaves without an account (their contact points and facts with them), in one transaction
    /// with `audit`. Returns the rows deleted per table. Audit events stay: the chain is what proves the purge.
    func erase(_ id: AccountID, tenantID: TenantID, audit: AuditEntry, at: Date) async throws -> [String: Int]
}
