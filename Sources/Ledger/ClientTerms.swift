import RecoupCore

/// What a creditor client agreed with the agency about money: how payments reduce the buckets, which plans and
/// settlements agents may offer without asking, when a plan breaks, and the agency's contingency fee. Part of the
/// client's contract, so changing it is a configuration change the audit trail records.
public struct ClientTerms: Hashable, Sendable {
    public var allocation: AllocationPolicy
    public var plans: PlanRules
    public var settlements: SettlementRules
    /// The agency's fee on every dollar collected, in basis points (2,500 = 25 %).
    public var contingencyBasisPoints: Int64
    /// Days after an installment falls due before it counts as missed.
    public var graceDays: Int
    /// Missed installments (or returned autopay debits) that break a plan.
    public var missesToBreak: Int
    /// Whether the agency remits net of its fee or gross (and invoices the fee).
    public var remit: RemitMethod
    /// Interest the client allows after placement (simple daily, on the principal); nil: none accrues.
    public var interest: InterestTerms?
    /// The convenience fee the client authorises on payments; nil: none (the default).
    public var convenienceFee: ConvenienceFeeTerms?

    public init(
        allocation: AllocationPolicy, plans: PlanRules, settlements: SettlementRules, contingencyBasisPoints: Int64, graceDays: Int,
        missesToBreak: Int, remit: RemitMethod = .net, interest: InterestTerms? = nil, convenienceFee: ConvenienceFeeTerms? = nil
    ) {
        self.allocation = allocation
        self.plans = plans
        self.settlements = settlements
        self.contingencyBasisPoints = contingencyBasisPoints
        self.graceDays = graceDays
        self.missesToBreak = missesToBreak
        self.remit = remit
        self.interest = interest
        self.convenienceFee = convenienceFee
    }

    /// The terms of a client that has not configured its own: the common card-issuer shape (fees, interest, then
    /// principal; plans up to 12 months of at least $25; settlements from 60 % in up to 3 payments within 30 days;
    /// 25 % contingency remitted net; a plan breaks on the second miss after 5 days' grace; no interest; no convenience fee).
    public static let standard = ClientTerms(
        allocation: .feesInterestPrincipal,
        plans: PlanRules(maxMonths: 12, minimumInstallment: 2_500),
        settlements: SettlementRules(minimumBasisPoints: 6_000, maxInstallments: 3, maxValidDays: 30),
        contingencyBasisPoints: 2_500, graceDays: 5, missesToBreak: 2)
}

/// How a collected amount is shared between the client and the agency.
public struct RemittanceSplit: Hashable, Sendable {
    public var clientShare: Int64
    public var agencyFee: Int64

    public init(clientShare: Int64, agencyFee: Int64) {
        self.clientShare = clientShare
        self.agencyFee = agencyFee
    }

    /// Splits `collected` (minor units, either sign: a reversal splits like the payment it undoes) at the contingency
    /// rate. The fee is rounded half away from zero to the minor unit and the client gets exactly the rest, so the
    /// two always add up to what was collected.
    public static func of(_ collected: Int64, contingencyBasisPoints: Int64) -> RemittanceSplit {
        let magnitude = collected.magnitude
        let fee = Int64((magnitude * UInt64(max(0, contingencyBasisPoints)) + 5_000) / 10_000)
        let signedFee = collected < 0 ? -fee : fee
        return RemittanceSplit(clientShare: collected - signedFee, agencyFee: signedFee)
    }

    public static let zero = RemittanceSplit(clientShare: 0, agencyFee: 0)

    /// This split carried over to `amount`, a part of what it split (what a payment keeps after a partial refund):
    /// the fee in the same proportion, rounded half away from zero, and the client the rest. The rate is the one the
    /// money was split at, whatever the client's terms say now.
    public func scaled(to amount: Int64) -> RemittanceSplit {
        let whole = clientShare + agencyFee
        guard whole != 0 else { return RemittanceSplit(clientShare: amount, agencyFee: 0) }
        let product = agencyFee.magnitude.multipliedFullWidth(by: amount.magnitude)
        let (quotient, remainder) = whole.magnitude.dividingFullWidth(product)
        let fee = Int64(quotient + (remainder * 2 >= whole.magnitude ? 1 : 0))
        let negative = ((agencyFee < 0) != (amount < 0)) != (whole < 0)
        let signedFee = negative ? -fee : fee
        return RemittanceSplit(clientShare: amount - signedFee, agencyFee: signedFee)
    }

    public static func + (lhs: RemittanceSplit, rhs: RemittanceSplit) -> RemittanceSplit {
        RemittanceSplit(clientShare: lhs.clientShare + rhs.clientShare, agencyFee: lhs.agencyFee + rhs.agencyFee)
    }

    public static prefix func - (split: RemittanceSplit) -> RemittanceSplit {
        RemittanceSplit(clientShare: -split.clientShare, agencyFee: -split.agencyFee)
    }
}
