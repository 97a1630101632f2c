import Foundation
import RecoupCore

/// One account's ledger: its entries, and everything derived from them (the balance by bucket, the Regulation F
/// itemization). Nothing derived is stored. Operations return the entry to post and never change the ledger; the
/// caller stores the entry and ``appending(_:)`` checks it.
public struct AccountLedger: Hashable, Sendable {
    public let currency: Currency
    public let itemizationDate: LocalDate
    public private(set) var entries: [LedgerEntry]

    /// A ledger of the given entries, whatever order they were loaded in.
    public init(currency: Currency, itemizationDate: LocalDate, entries: [LedgerEntry]) {
        self.currency = currency
        self.itemizationDate = itemizationDate
        self.entries = entries
    }

    /// The opening entries of a placed account: the itemization-date balance as principal, then interest, fees,
    /// payments and credits since, each as placed. Payments and credits before placement reduce the buckets in the
    /// client's allocation order. The opening balance equals the placed current balance to the cent.
    public static func opening(_ placed: Itemization, policy: AllocationPolicy) throws(LedgerError) -> AccountLedger {
        let currency = placed.currentBalance.currency
        for amount in [placed.balanceAtItemization, placed.interestSinceItemization, placed.feesSinceItemization,
                       placed.paymentsSinceItemization, placed.creditsSinceItemization] where amount.currency != currency {
            throw .currencyMismatch(expected: currency, got: amount.currency)
        }
        let date = placed.itemizationDate
        var ledger = AccountLedger(currency: currency, itemizationDate: date, entries: [])
        ledger = try ledger.appending(LedgerEntry(
            postedOn: date, kind: .openingBalance, amounts: BucketAmounts(principal: placed.balanceAtItemization.minorUnits)))
        if placed.interestSinceItemization.minorUnits != 0 {
            ledger = try ledger.appending(LedgerEntry(
                postedOn: date, kind: .openingInterest, amounts: BucketAmounts(interest: placed.interestSinceItemization.minorUnits)))
        }
        if placed.feesSinceItemization.minorUnits != 0 {
            ledger = try ledger.appending(LedgerEntry(
                postedOn: date, kind: .openingFees, amounts: BucketAmounts(fees: placed.feesSinceItemization.minorUnits)))
        }
        for (kind, amount) in [(EntryKind.openingPayments, placed.paymentsSinceItemization), (.openingCredits, placed.creditsSinceItemization)]
        where amount.minorUnits > 0 {
            let (applied, unapplied) = policy.allocate(amount.minorUnits, against: ledger.balance)
            guard unapplied == 0 else { throw .overpayment(owed: ledger.balance.total, paid: amount.minorUnits) }
            ledger = try ledger.appending(LedgerEntry(postedOn: date, kind: kind, amounts: applied))
        }
        return ledger
    }

    /// What is owed now, by bucket: the sum of every entry.
    public var balance: BucketAmounts { entries.reduce(.zero) { $0 + $1.amounts } }

    public var balanceMoney: Money { Money(minorUnits: balance.total, currency: currency) }

    /// The Regulation F itemization (1006.34(c)(2)(vi)–(viii)) derived from the entries: the balance on the
    /// itemization date, then interest, fees, payments and credits since (a reversal nets against what it undoes),
    /// and the current amount.
    public var itemization: (atItemization: Int64, interest: Int64, fees: Int64, payments: Int64, credits: Int64, current: Int64) {
        let byID = Dictionary(entries.map { ($0.id, $0) }) { first, _ in first }
        var result = (atItemization: Int64(0), interest: Int64(0), fees: Int64(0), payments: Int64(0), credits: Int64(0), current: balance.total)
        for entry in entries {
            // A reversal counts where the entry it undoes counted, with the opposite sign.
            let kind = entry.kind == .reversal ? (entry.reverses.flatMap { byID[$0]?.kind } ?? .adjustment) : entry.kind
            let total = entry.amounts.total
            switch kind {
            case .openingBalance: result.atItemization += total
            case .openingInterest, .interestAccrual: result.interest += total
            case .openingFees, .fee: result.fees += total
            case .openingPayments, .payment: result.payments -= total
            case .openingCredits, .credit, .settlementWriteDown, .adjustment, .reversal:
                // An adjustment counts as a credit (an upward one as a negative credit), so the figures always
                // reconcile: at itemization + interest + fees − payments − credits = current.
                result.credits -= total
            }
        }
        return result
    }

    /// The entry a payment of `amount` posts, allocated in the client's order. More than is owed is refused: the
    /// split across debts leaves such an excess unapplied before it reaches a ledger.
    public func payment(_ amount: Money, on date: LocalDate, policy: AllocationPolicy, id: UUID = UUID(), memo: String? = nil)
        throws(LedgerError) -> LedgerEntry
    {
        try check(amount, date)
        let (applied, unapplied) = policy.allocate(amount.minorUnits, against: balance)
        guard unapplied == 0 else { throw .overpayment(owed: balance.total, paid: amount.minorUnits) }
        return LedgerEntry(id: id, postedOn: date, kind: .payment, amounts: applied, memo: memo)
    }

    /// A settlement's write-down: forgives what is left after the settlement's payments, interest and fees first
    /// (so the principal that remains is what the client wrote off), leaving the balance at zero.
    public func settlementWriteDown(on date: LocalDate, id: UUID = UUID()) throws(LedgerError) -> LedgerEntry {
        guard date >= itemizationDate else { throw .beforeItemization(date) }
        return LedgerEntry(id: id, postedOn: date, kind: .settlementWriteDown, amounts: -balance, memo: "settled in full")
    }

    /// The entry that undoes `entryID` exactly (a returned payment, a chargeback): the same amounts in each bucket,
    /// opposite signs. An entry is reversed at most once; reversals and opening entries are not reversible.
    public func reversal(of entryID: UUID, on date: LocalDate, reason: String, id: UUID = UUID()) throws(LedgerError) -> LedgerEntry {
        guard let original = entries.first(where: { $0.id == entryID }) else { throw .unknownEntry(entryID) }
        guard [.payment, .credit, .fee, .interestAccrual, .adjustment, .settlementWriteDown].contains(original.kind) else {
            throw .notReversible(original.kind)
        }
        guard !entries.contains(where: { $0.reverses == entryID }) else { throw .alreadyReversed(entryID) }
        guard date >= itemizationDate else { throw .beforeItemization(date) }
        return LedgerEntry(id: id, postedOn: date, kind: .reversal, amounts: -original.amounts, reverses: entryID, memo: reason)
    }

    /// The ledger with `entry` added, once checked: no bucket below zero, a reversal of a known, unreversed entry.
    public func appending(_ entry: LedgerEntry) throws(LedgerError) -> AccountLedger {
        if let reversed = entry.reverses {
            guard entries.contains(where: { $0.id == reversed }) else { throw .unknownEntry(reversed) }
            guard !entries.contains(where: { $0.reverses == reversed }) else { throw .alreadyReversed(reversed) }
        }
        let after = balance + entry.amounts
        for bucket in Bucket.allCases where after[bucket] < 0 { throw .negativeBucket(bucket) }
        var ledger = self
        ledger.entries.append(entry)
        return ledger
    }

    private func check(_ amount: Money, _ date: LocalDate) throws(LedgerError) {
        guard amount.currency == currency else { throw .currencyMismatch(expected: currency, got: amount.currency) }
        guard amount.minorUnits > 0 else { throw .notPositive(amount.minorUnits) }
        guard date >= itemizationDate else { throw .beforeItemization(date) }
    }
}
