import Foundation
import RecoupCore

/// What an entry records. The opening kinds carry the amounts the creditor placed, as given.
public enum EntryKind: String, CaseIterable, Sendable, Codable {
    /// The balance on the itemization date (12 CFR 1006.34(c)(2)(vi)), as principal.
    case openingBalance = "opening_balance"
    /// Interest, fees, payments and credits between the itemization date and placement.
    case openingInterest = "opening_interest"
    case openingFees = "opening_fees"
    case openingPayments = "opening_payments"
    case openingCredits = "opening_credits"
    case interestAccrual = "interest_accrual"
    case fee
    case payment
    case credit
    /// A correction by the agency or the client, either way.
    case adjustment
    /// What a completed settlement forgives.
    case settlementWriteDown = "settlement_write_down"
    /// Undoes an earlier entry exactly (a returned payment, a chargeback, NSF).
    case reversal
}

/// One posting to an account. Entries are never changed or removed: a mistake is undone by a reversal.
public struct LedgerEntry: Hashable, Sendable, Identifiable {
    public let id: UUID
    public let postedOn: LocalDate
    public let kind: EntryKind
    /// Positive: owed more; negative: owed less.
    public let amounts: BucketAmounts
    /// For a reversal: the entry it undoes.
    public let reverses: UUID?
    public let memo: String?

    public init(id: UUID = UUID(), postedOn: LocalDate, kind: EntryKind, amounts: BucketAmounts, reverses: UUID? = nil, memo: String? = nil) {
        self.id = id
        self.postedOn = postedOn
        self.kind = kind
        self.amounts = amounts
        self.reverses = reverses
        self.memo = memo
    }
}

/// Why the ledger refuses an entry.
public enum LedgerError: Error, Hashable, Sendable, CustomStringConvertible {
    case currencyMismatch(expected: Currency, got: Currency)
    case notPositive(Int64)
    /// The payment is more than is owed; the ledger never takes a balance below zero.
    case overpayment(owed: Int64, paid: Int64)
    case unknownEntry(UUID)
    case alreadyReversed(UUID)
    /// A reversal would give back more of the entry than is left of it.
    case reversalExceedsEntry(UUID, left: Int64, asked: Int64)
    case notReversible(EntryKind)
    /// The entry would take a bucket below zero.
    case negativeBucket(Bucket)
    case beforeItemization(LocalDate)

    public var description: String {
        switch self {
        case let .currencyMismatch(expected, got): "the ledger is in \(expected), the amount in \(got)"
        case let .notPositive(amount): "the amount must be positive (got \(amount) minor units)"
        case let .overpayment(owed, paid): "\(paid) minor units paid, \(owed) owed: the excess is not taken"
        case let .unknownEntry(id): "no entry \(id.lowercasedString) on this account"
        case let .alreadyReversed(id): "entry \(id.lowercasedString) is already reversed"
        case let .reversalExceedsEntry(id, left, asked):
            "\(asked) minor units asked back of entry \(id.lowercasedString), which has \(left) left to give back"
        case let .notReversible(kind): "a \(kind.rawValue) entry cannot be reversed"
        case let .negativeBucket(bucket): "the entry would take \(bucket.rawValue) below zero"
        case let .beforeItemization(date): "\(date.iso) is before the itemization date"
        }
    }
}
