import RecoupCore

/// What a client authorises an agency to settle for without asking.
public struct SettlementRules: Hashable, Sendable {
    /// The lowest share of the balance accepted, in basis points (6,000 = 60 %).
    public var minimumBasisPoints: Int64
    /// The most installments a settlement may be paid in (1: lump sum only).
    public var maxInstallments: Int
    /// The longest an offer may stay open, in days.
    public var maxValidDays: Int

    public init(minimumBasisPoints: Int64, maxInstallments: Int, maxValidDays: Int) {
        self.minimumBasisPoints = minimumBasisPoints
        self.maxInstallments = maxInstallments
        self.maxValidDays = maxValidDays
    }
}

/// A settlement offer and whether it may be made at once.
public struct SettlementOffer: Hashable, Sendable {
    public var balance: Int64
    public var amount: Int64
    public var installments: Int
    public var expiresOn: LocalDate
    /// Why a manager must approve it first; empty when it is inside the client's authority.
    public var approvalReasons: [String]

    public var needsApproval: Bool { !approvalReasons.isEmpty }
    /// What the client forgives if it is paid.
    public var writeDown: Int64 { balance - amount }
}

/// Settlement offers, as a share of the balance or an amount, lump sum or a short plan, with an expiry.
public enum Settlements {
    /// How an offer's amount is given.
    public enum Terms: Hashable, Sendable {
        /// A share of the balance in basis points, rounded up to the minor unit (the agency never offers less than it says).
        case percent(basisPoints: Int64)
        case amount(Int64)
    }

    /// The offer for `balance` on `today`; outside the client's authority it is still made, marked for approval with
    /// every reason.
    public static func offer(
        _ terms: Terms, balance: Int64, installments: Int, expiresOn: LocalDate, today: LocalDate, rules: SettlementRules
    ) -> SettlementOffer {
        let amount: Int64 = switch terms {
        case let .percent(basisPoints): (balance * basisPoints + 9_999) / 10_000
        case let .amount(value): value
        }
        var reasons: [String] = amount > 0 ? [] : ["the amount must be positive"]
        let floor = (balance * rules.minimumBasisPoints + 9_999) / 10_000
        if amount < floor {
            reasons.append("\(amount) minor units is below the client's floor of \(rules.minimumBasisPoints / 100) % (\(floor))")
        }
        if installments > rules.maxInstallments {
            reasons.append("\(installments) installments; the client allows \(rules.maxInstallments)")
        }
        if today.days(until: expiresOn) > rules.maxValidDays {
            reasons.append("open until \(expiresOn.iso); the client allows offers for \(rules.maxValidDays) days")
        }
        return SettlementOffer(balance: balance, amount: min(amount, balance), installments: max(1, installments), expiresOn: expiresOn,
                               approvalReasons: reasons)
    }
}
