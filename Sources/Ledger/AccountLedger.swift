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

    /// The entry that undoes what is left of `entryID` (a returned payment, a chargeback): the same amounts in each
    /// bucket, opposite signs, less what partial reversals already gave back; for an entry never reversed, exactly
    /// what it changed. Reversals and opening entries are not reversible.
    public func reversal(of entryID: UUID, on date: LocalDate, reason: String, id: UUID = UUID()) throws(LedgerError) -> LedgerEntry {
        let left = try unreversed(entryID)
        guard left != .zero else { throw .alreadyReversed(entryID) }
        guard date >= itemizationDate else { throw .beforeItemization(date) }
        return LedgerEntry(id: id, postedOn: date, kind: .reversal, amounts: -left, reverses: entryID, memo: reason)
    }

    /// The entry that gives back `amount` minor units of a payment (a partial refund): taken from what the payment
    /// reduced and no partial reversal has given back yet, bucket by bucket in `order` — the reverse of the allocation
    /// order, so what was paid last is owed again first. Several partial reversals add up to at most the payment.
    public func partialReversal(of entryID: UUID, amount: Int64, order: [Bucket], on date: LocalDate, reason: String, id: UUID = UUID())
        throws(LedgerError) -> LedgerEntry
    {
        guard amount > 0 else { throw .notPositive(amount) }
        let left = try unreversed(entryID)
        guard left != .zero else { throw .alreadyReversed(entryID) }
        guard amount <= abs(left.total) else { throw .reversalExceedsEntry(entryID, left: abs(left.total), asked: amount) }
        guard date >= itemizationDate else { throw .beforeItemization(date) }
        let sign: Int64 = left.total < 0 ? 1 : -1
        var restored = BucketAmounts.zero
        var remaining = amount
        for bucket in order where remaining > 0 {
            let take = min(remaining, Int64(left[bucket].magnitude))
            restored[bucket] = sign * take
            remaining -= take
        }
        return LedgerEntry(id: id, postedOn: date, kind: .reversal, amounts: restored, reverses: entryID, memo: reason)
    }

    /// What `entryID` changed that its reversals have not given back yet.
    func unreversed(_ entryID: UUID) throws(LedgerError) -> BucketAmounts {
        guard let original = entries.first(where: { $0.id == entryID }) else { throw .unknownEntry(entryID) }
        guard [.payment, .credit, .fee, .interestAccrual, .adjustment, .settlementWriteDown].contains(original.kind) else {
            throw .notReversible(original.kind)
        }
        return entries.filter { $0.reverses == entryID }.reduce(original.amounts) { $0 + $1.amounts }
    }

    /// The ledger with `entry` added, once checked: no bucket below zero; a reversal of a known entry that gives back,
    /// with the entry's other reversals, no more than the entry changed in any bucket.
    public func appending(_ entry: LedgerEntry) throws(LedgerError) -> AccountLedger {
        if let reversed = entry.reverses {
            let left = try unreversed(reversed)
            for bucket in Bucket.allCases {
                let after = left[bucket] + entry.amounts[bucket]
                // Each bucket moves toward zero and not past it.
                guard after.magnitude <= left[bucket].magnitude, after == 0 || (after < 0) == (left[bucket] < 0) else {
                    throw left == .zero
                        ? .alreadyReversed(reversed)
                        : .reversalExceedsEntry(reversed, left: abs(left.total), asked: abs(entry.amounts.total))
                }
            }
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
