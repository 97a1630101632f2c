import Foundation
import Ledger
import RecoupCore

/// How money moves: a card through the processor, or a debit in the agency's NACHA file.
public enum PaymentRail: String, Sendable, CaseIterable {
    case card, ach
}

/// A way a consumer pays, stored as the processor's tokens (a card number never reaches Recoup) or as bank details
/// (the account number sealed at rest) with the consumer's ACH authorization.
public struct PaymentMethod: Sendable, Equatable {
    public enum Details: Sendable, Equatable {
        /// The processor's customer and payment-method tokens, and what may be shown of the card.
        case card(customer: String, token: String, brand: String, last4: String)
        /// `accountNumber` is stored sealed; ``PaymentMethod/display`` shows the last four only.
        case bank(routing: String, accountNumber: String, checking: Bool, holder: String)
    }

    public var id: UUID
    public var tenantID: TenantID
    public var accountID: AccountID
    public var details: Details
    /// What the consumer agreed to, word for word (the ACH authorization Nacha requires the originator to keep), and
    /// how and when.
    public var authorization: String
    public var authorizedVia: String
    public var createdAt: Date
    /// Why the method may no longer be charged (the consumer revoked the debit authorization, the account closed).
    public var revoked: String?

    public init(
        id: UUID = UUID(), tenantID: TenantID, accountID: AccountID, details: Details, authorization: String, authorizedVia: String,
        createdAt: Date, revoked: String? = nil
    ) {
        self.id = id
        self.tenantID = tenantID
        self.accountID = accountID
        self.details = details
        self.authorization = authorization
        self.authorizedVia = authorizedVia
        self.createdAt = createdAt
        self.revoked = revoked
    }

    public var rail: PaymentRail {
        if case .card = details { return .card }
        return .ach
    }

    /// Safe to show an agent or a client: brand and last four, or bank and last four.
    public var display: String {
        switch details {
        case let .card(_, _, brand, last4): "\(brand) ····\(last4)"
        case let .bank(routing, number, checking, _): "\(checking ? "checking" : "savings") ····\(number.suffix(4)) at \(routing)"
        }
    }
}

/// Where a payment is on its way to the ledger.
public enum PaymentStatus: String, Sendable, CaseIterable {
    /// Recorded; the processor has not answered (or could not be reached: the retry carries the same key).
    case pending
    /// The processor accepted it but has not settled it (a card needing more time; an ACH debit in a sent file).
    case processing
    /// Money received and posted to the ledger.
    case succeeded
    /// Declined; nothing was posted.
    case failed
    /// Posted, then undone: an ACH return, a refund, a chargeback. Its reversal is on the ledger.
    case returned, refunded
    case chargedBack = "charged_back"
}

/// One payment an agent, the consumer or autopay made on an account.
public struct Payment: Sendable, Equatable {
    public var id: UUID
    public var tenantID: TenantID
    public var accountID: AccountID
    public var clientID: ClientID
    public var methodID: UUID
    public var rail: PaymentRail
    /// What the payment pays on the debt: the amount posted to the ledger.
    public var amount: Money
    /// The convenience fee charged on top (zero: none), the agency's and never posted to the debt.
    public var convenienceFee: Money
    public var status: PaymentStatus
    /// The processor's payment-intent id, or the ACH trace number once filed.
    public var processorRef: String?
    public var failureReason: String?
    /// The ledger entry the payment posted, once it did.
    public var entryID: UUID?
    /// The plan and installment autopay charged it for.
    public var planID: UUID?
    public var installment: Int?
    public var createdBy: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: UUID = UUID(), tenantID: TenantID, accountID: AccountID, clientID: ClientID, methodID: UUID, rail: PaymentRail, amount: Money,
        convenienceFee: Money? = nil, status: PaymentStatus = .pending, processorRef: String? = nil, failureReason: String? = nil, entryID: UUID? = nil,
        planID: UUID? = nil, installment: Int? = nil, createdBy: String, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.tenantID = tenantID
        self.accountID = accountID
        self.clientID = clientID
        self.methodID = methodID
        self.rail = rail
        self.amount = amount
        self.convenienceFee = convenienceFee ?? Money(minorUnits: 0, currency: amount.currency)
        self.status = status
        self.processorRef = processorRef
        self.failureReason = failureReason
        self.entryID = entryID
        self.planID = planID
        self.installment = installment
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// What is taken from the consumer's card or bank account: the amount and the convenience fee.
    public var charged: Money { Money(minorUnits: amount.minorUnits + convenienceFee.minorUnits, currency: amount.currency) }
}

/// A ledger entry as stored: the entry, the payment it belongs to, and the client's and agency's shares of it.
public struct PostedEntry: Sendable, Equatable {
    public var entry: LedgerEntry
    public var paymentID: UUID?
    /// Zero for entries that are not money collected (opening, interest, write-downs).
    public var split: RemittanceSplit

    public init(entry: LedgerEntry, paymentID: UUID? = nil, split: RemittanceSplit = .zero) {
        self.entry = entry
        self.paymentID = paymentID
        self.split = split
    }
}

/// A change to a payment, decided against the account's ledger under the account's lock.
public struct PaymentTransition: Sendable {
    public var status: PaymentStatus
    public var processorRef: String?
    public var failureReason: String?
    public var post: [PostedEntry]
    /// The account's new status when the posting changes it (paid off, settled; active again after a reversal).
    public var accountStatus: AccountStatus?
    /// The settlement this posting completed, or (a reversal of its last payment) opened again.
    public var completedSettlement: UUID?
    public var reopenedSettlement: UUID?
    public var audit: [AuditEntry]
    /// Messages the change causes (the consumer's receipt), queued in the change's own transaction.
    public var messages: [QueuedMessage] = []

    public init(
        status: PaymentStatus, processorRef: String? = nil, failureReason: String? = nil, post: [PostedEntry] = [],
        accountStatus: AccountStatus? = nil, audit: [AuditEntry]
    ) {
        self.status = status
        self.processorRef = processorRef
        self.failureReason = failureReason
        self.post = post
        self.accountStatus = accountStatus
        self.audit = audit
    }
}

/// The account as a posting decision sees it, read under the account's row lock: a payment that paid it off or
/// completed its settlement a moment earlier shows here.
public struct LockedAccount: Sendable {
    public var status: AccountStatus
    /// The account's settlements, newest first.
    public var settlements: [SettlementRecord]

    public init(status: AccountStatus, settlements: [SettlementRecord]) {
        self.status = status
        self.settlements = settlements
    }
}

/// Stores payment methods, payments, ledger entries and the processor's events.
///
/// Money changes in ``transition(_:tenantID:at:decide:)``: in one transaction it locks the account, reads its status
/// and settlements, the payment and the account's stored entries, asks `decide` what to do (nil: nothing, e.g. the payment already
/// moved on) and stores the result. Two deliveries of the same outcome (the API answer and a webhook, or a webhook
/// replayed) therefore post once.
public protocol PaymentRepository: Sendable {
    func terms(client: ClientID, tenantID: TenantID) async throws -> ClientTerms
    func setTerms(_ terms: ClientTerms, client: ClientID, tenantID: TenantID, audit: AuditEntry, at: Date) async throws
    func addMethod(_ method: PaymentMethod, audit: AuditEntry) async throws
    func method(_ id: UUID, tenantID: TenantID) async throws -> PaymentMethod?
    func methods(account: AccountID, tenantID: TenantID) async throws -> [PaymentMethod]
    /// Records a new payment; the same `idempotencyKey` answers the payment already recorded with it and the digest
    /// of the request that created it (`created` false).
    func begin(_ payment: Payment, idempotencyKey: String, requestDigest: String, audit: AuditEntry) async throws
        -> (Payment, requestDigest: String, created: Bool)
    func payment(_ id: UUID, tenantID: TenantID) async throws -> Payment?
    func payment(reference: String, tenantID: TenantID) async throws -> Payment?
    /// The payment recorded under an idempotency key, with the digest of the request that created it.
    func payment(idempotencyKey: String, tenantID: TenantID) async throws -> (Payment, requestDigest: String)?
    func payments(account: AccountID, tenantID: TenantID) async throws -> [Payment]
    /// The tenant's payments on `rail` taken from `from` to `to` (UTC days, both included), oldest first.
    func payments(rail: PaymentRail, tenantID: TenantID, from: LocalDate, to: LocalDate) async throws -> [Payment]
    /// The tenant's ACH debits a return file took back from `from` to `to` (UTC days of the return, both included).
    func returnedDebits(tenantID: TenantID, from: LocalDate, to: LocalDate) async throws -> [Payment]
    /// The account's stored entries in posting order (none until its first payment: the opening entries are stored
    /// with it).
    func entries(account: AccountID, tenantID: TenantID) async throws -> [PostedEntry]
    /// See the protocol's comment. Nil when there is no such payment or `decide` answered nil.
    func transition(
        _ paymentID: UUID, tenantID: TenantID, at: Date,
        decide: @escaping @Sendable (Payment, LockedAccount, [PostedEntry]) throws -> PaymentTransition?
    ) async throws -> Payment?
    /// Posts entries that belong to no payment (interest accrual) under the account's lock: `decide` sees the stored
    /// entries and answers what to post and its audit events, or nil. Answers what was posted.
    func post(
        to account: AccountID, tenantID: TenantID, at: Date,
        decide: @escaping @Sendable ([PostedEntry]) throws -> (post: [PostedEntry], audit: [AuditEntry])?
    ) async throws -> [PostedEntry]
    /// Notes a processor event id once it has been applied; false when it was noted before.
    func noteEvent(_ id: String, type: String, tenantID: TenantID, at: Date) async throws -> Bool
    func eventNoted(_ id: String, tenantID: TenantID) async throws -> Bool
    /// Payments on `rail` still `pending` and not claimed by a file, oldest first (ACH debits waiting for the next file).
    func pendingPayments(rail: PaymentRail, tenantID: TenantID) async throws -> [Payment]
    /// Replaces a bank method's details (a notification of change), or records its revocation; audited.
    func updateMethod(_ method: PaymentMethod, audit: AuditEntry, at: Date) async throws
    /// Stores a NACHA file being built, claiming its debits (each takes its trace number, and only if it is still
    /// pending and unclaimed: two exports at once cannot both take one; the loser's export fails and changes
    /// nothing).
    func saveACHFile(_ file: ACHFileRecord, audit: AuditEntry) async throws
    /// Marks a file being built `ready`: true for the one caller that moved it, who alone hands the file out, so two
    /// exports resuming the same file at once never both give it to the bank.
    func markACHFileReady(_ id: UUID, tenantID: TenantID) async throws -> Bool
    /// How many ACH debits were ever filed under the originator, all tenants together: trace numbers continue it.
    func achDebitsFiled() async throws -> Int
    func achFiles(tenantID: TenantID) async throws -> [ACHFileRecord]
}

/// A NACHA file of debits, kept so it can be written out again and so an interrupted export resumes: it is stored
/// `building` with its payments and trace numbers before any of them is marked filed, and `ready` once all are.
public struct ACHFileRecord: Sendable, Equatable {
    public enum Status: String, Sendable { case building, ready }
    public var id: UUID
    public var tenantID: TenantID
    public var effectiveDate: LocalDate
    public var createdAt: Date
    public var status: Status
    /// Each debit's payment and its trace number, in file order.
    public var debits: [(paymentID: UUID, trace: String)]
    public var totalMinor: Int64
    public var text: String

    public init(
        id: UUID = UUID(), tenantID: TenantID, effectiveDate: LocalDate, createdAt: Date, status: Status,
        debits: [(paymentID: UUID, trace: String)], totalMinor: Int64, text: String
    ) {
        self.id = id
        self.tenantID = tenantID
        self.effectiveDate = effectiveDate
        self.createdAt = createdAt
        self.status = status
        self.debits = debits
        self.totalMinor = totalMinor
        self.text = text
    }

    public static func == (lhs: ACHFileRecord, rhs: ACHFileRecord) -> Bool {
        lhs.id == rhs.id && lhs.status == rhs.status && lhs.text == rhs.text
            && lhs.debits.map(\.paymentID) == rhs.debits.map(\.paymentID) && lhs.debits.map(\.trace) == rhs.debits.map(\.trace)
    }
}
