import RecoupCore

/// The order in which a client's payments reduce the buckets: the client's policy, part of its placement terms.
public struct AllocationPolicy: Hashable, Sendable {
    /// Every bucket once, the first reduced first.
    public let order: [Bucket]

    public init?(order: [Bucket]) {
        guard Set(order) == Set(Bucket.allCases), order.count == Bucket.allCases.count else { return nil }
        self.order = order
    }

    /// The usual card-issuer order: fees, then interest, then principal.
    public static let feesInterestPrincipal = AllocationPolicy(order: [.fees, .interest, .principal])!
    /// Principal first (some medical and utility clients ask for it), then interest, then fees.
    public static let principalFirst = AllocationPolicy(order: [.principal, .interest, .fees])!

    /// How `amount` (minor units, positive) reduces `balance`: each bucket in order down to zero, never below. The
    /// result is negative per bucket; what is left over when the balance is paid off is `unapplied`.
    public func allocate(_ amount: Int64, against balance: BucketAmounts) -> (applied: BucketAmounts, unapplied: Int64) {
        var left = max(0, amount)
        var applied = BucketAmounts.zero
        for bucket in order {
            let take = min(left, max(0, balance[bucket]))
            applied[bucket] = -take
            left -= take
        }
        return (applied, left)
    }
}

/// One of a consumer's debts as a payment split sees it.
public struct DebtPosition: Hashable, Sendable {
    public var accountID: AccountID
    public var balance: Int64
    /// Disputed and not yet verified: no payment may be applied to it (12 CFR 1006.30(c)).
    public var disputed: Bool

    public init(accountID: AccountID, balance: Int64, disputed: Bool) {
        self.accountID = accountID
        self.balance = balance
        self.disputed = disputed
    }
}

/// Why a payment cannot be split as asked.
public enum SplitError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The consumer asked for part of the payment to go to a disputed debt (1006.30(c) forbids applying it there).
    case disputed(AccountID)
    /// The instruction names a debt that is not the consumer's.
    case unknownDebt(AccountID)
    /// The instruction puts more on a debt than it owes.
    case exceedsBalance(AccountID, asked: Int64, owed: Int64)
    /// The instruction's parts do not add up to the payment.
    case instructionTotal(asked: Int64, paid: Int64)

    public var description: String {
        switch self {
        case let .disputed(id): "debt \(id) is disputed: a payment may not be applied to it (12 CFR 1006.30(c))"
        case let .unknownDebt(id): "debt \(id) is not one of this consumer's debts"
        case let .exceedsBalance(id, asked, owed): "debt \(id) owes \(owed) minor units; \(asked) were asked for it"
        case let .instructionTotal(asked, paid): "the instruction assigns \(asked) minor units of a payment of \(paid)"
        }
    }
}

/// Splits a payment across a consumer's debts: as the consumer instructs when they do, otherwise over the debts
/// in the order given (the caller's, e.g. oldest first), never onto a disputed one. What no debt can take is left
/// `unapplied` (to refund or hold), never forced onto a debt.
public enum PaymentSplit {
    public static func split(
        _ amount: Int64, across debts: [DebtPosition], instruction: [(AccountID, Int64)]? = nil
    ) throws(SplitError) -> (parts: [(AccountID, Int64)], unapplied: Int64) {
        if let instruction {
            var parts: [(AccountID, Int64)] = []
            for (id, asked) in instruction where asked != 0 {
                guard let debt = debts.first(where: { $0.accountID == id }) else { throw .unknownDebt(id) }
                guard !debt.disputed else { throw .disputed(id) }
                guard asked > 0, asked <= debt.balance else { throw .exceedsBalance(id, asked: asked, owed: debt.balance) }
                parts.append((id, asked))
            }
            let total = parts.reduce(0) { $0 + $1.1 }
            guard total == amount else { throw .instructionTotal(asked: total, paid: amount) }
            return (parts, 0)
        }
        var left = max(0, amount)
        var parts: [(AccountID, Int64)] = []
        for debt in debts where !debt.disputed && debt.balance > 0 && left > 0 {
            let take = min(left, debt.balance)
            parts.append((debt.accountID, take))
            left -= take
        }
        return (parts, left)
    }
}
