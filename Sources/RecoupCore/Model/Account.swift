import Foundation

/// The kind of debt; statutes of limitation and several rules depend on it.
public enum DebtType: String, CaseIterable, Sendable, Codable {
    case creditCard = "credit_card"
    case medical
    case utility
    case telecom
    case autoDeficiency = "auto_deficiency"
    case studentLoan = "student_loan"
    case personalLoan = "personal_loan"
    case mortgage
    case other
}

/// The reference date Regulation F lets a collector choose for the itemization (12 CFR 1006.34(b)(3)).
public enum ItemizationDateType: String, CaseIterable, Sendable, Codable {
    case lastStatement = "last_statement"
    case chargeOff = "charge_off"
    case lastPayment = "last_payment"
    case transaction
    case judgment
}

/// Where an account stands in the agency's process.
public enum AccountStatus: String, CaseIterable, Sendable, Codable {
    case active
    /// Taken back by the client: every activity stops, history stays.
    case recalled
    case paid
    case settled
    case closed
}

/// The amounts a creditor placed, kept exactly as given. They become the opening ledger entries later.
///
/// `currentBalance == balanceAtItemization + interest + fees − payments − credits`, to the cent, is checked when
/// the account is placed (see ``Itemization/isReconciled``).
public struct Itemization: Hashable, Sendable {
    public var itemizationDate: LocalDate
    public var itemizationDateType: ItemizationDateType
    public var balanceAtItemization: Money
    public var interestSinceItemization: Money
    public var feesSinceItemization: Money
    public var paymentsSinceItemization: Money
    public var creditsSinceItemization: Money
    public var currentBalance: Money

    public init(
        itemizationDate: LocalDate, itemizationDateType: ItemizationDateType, balanceAtItemization: Money,
        interestSinceItemization: Money, feesSinceItemization: Money, paymentsSinceItemization: Money,
        creditsSinceItemization: Money, currentBalance: Money
    ) {
        self.itemizationDate = itemizationDate
        self.itemizationDateType = itemizationDateType
        self.balanceAtItemization = balanceAtItemization
        self.interestSinceItemization = interestSinceItemization
        self.feesSinceItemization = feesSinceItemization
        self.paymentsSinceItemization = paymentsSinceItemization
        self.creditsSinceItemization = creditsSinceItemization
        self.currentBalance = currentBalance
    }

    /// The balance the components imply, or nil when they mix currencies or overflow.
    public var computedBalance: Money? {
        try? balanceAtItemization
            .adding(interestSinceItemization)
            .adding(feesSinceItemization)
            .subtracting(paymentsSinceItemization)
            .subtracting(creditsSinceItemization)
    }

    /// True when the placed current balance equals the components to the minor unit.
    public var isReconciled: Bool { computedBalance == currentBalance }
}

/// How a consumer stands towards a debt.
public enum ConsumerRole: String, CaseIterable, Sendable, Codable {
    case primary
    case joint
    case coSigner = "co_signer"
}

/// One debt placed by a client.
public struct Account: Hashable, Sendable {
    public let id: AccountID
    public let tenantID: TenantID
    public let clientID: ClientID
    public var placementID: PlacementID
    public var clientAccountNumber: String
    public var originalCreditor: String
    public var currentCreditor: String?
    public var debtType: DebtType
    public var openDate: LocalDate?
    public var chargeOffDate: LocalDate?
    public var lastPaymentDate: LocalDate?
    public var lastPaymentAmount: Money?
    public var itemization: Itemization
    public var status: AccountStatus
    public var placedAt: Date
    /// The student-loan account number at acquisition, which Regulation F requires on the validation notice.
    public var studentLoanAccountNumber: String?
    /// The consumers on this debt and their roles; exactly one primary.
    public var parties: [AccountParty]

    public init(
        id: AccountID = AccountID(), tenantID: TenantID, clientID: ClientID, placementID: PlacementID,
        clientAccountNumber: String, originalCreditor: String, currentCreditor: String?, debtType: DebtType,
        openDate: LocalDate?, chargeOffDate: LocalDate?, lastPaymentDate: LocalDate?, lastPaymentAmount: Money?,
        itemization: Itemization, status: AccountStatus, placedAt: Date, studentLoanAccountNumber: String?,
        parties: [AccountParty]
    ) {
        self.id = id
        self.tenantID = tenantID
        self.clientID = clientID
        self.placementID = placementID
        self.clientAccountNumber = clientAccountNumber
        self.originalCreditor = originalCreditor
        self.currentCreditor = currentCreditor
        self.debtType = debtType
        self.openDate = openDate
        self.chargeOffDate = chargeOffDate
        self.lastPaymentDate = lastPaymentDate
        self.lastPaymentAmount = lastPaymentAmount
        self.itemization = itemization
        self.status = status
        self.placedAt = placedAt
        self.studentLoanAccountNumber = studentLoanAccountNumber
        self.parties = parties
    }
}

/// A consumer's link to an account.
extension Account {
    /// The consumer the account is collected from: the primary party, else the first party placed.
    public var primaryParty: AccountParty? { parties.first { $0.role == .primary } ?? parties.first }
}

public struct AccountParty: Hashable, Sendable {
    public let consumerID: ConsumerID
    public let role: ConsumerRole

    public init(consumerID: ConsumerID, role: ConsumerRole) {
        self.consumerID = consumerID
        self.role = role
    }
}
