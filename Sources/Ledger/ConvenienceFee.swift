import RecoupCore

/// A client's permission for a convenience ("pay-to-pay") fee on a payment: none unless it gives one.
///
/// FDCPA § 808(1) and Regulation F § 1006.22(b) let a collector take an amount beyond the debt only when the
/// agreement creating the debt expressly authorises it or law permits it, and the CFPB's 2022 advisory opinion
/// (87 FR 39733) holds pay-to-pay fees to that rule: the client confirms its agreements authorise the fee, and the
/// agency lists the states whose law permits it. Anywhere else, nothing is charged.
public struct ConvenienceFeeTerms: Hashable, Sendable {
    /// The flat fee on a card payment, in minor units; nil: card payments carry none.
    public var cardMinor: Int64?
    /// The flat fee on a bank (ACH) payment, in minor units; nil: bank payments carry none.
    public var bankMinor: Int64?
    /// The states where the fee may be charged.
    public var permittedStates: Set<USState>

    public init(cardMinor: Int64?, bankMinor: Int64?, permittedStates: Set<USState>) {
        self.cardMinor = cardMinor
        self.bankMinor = bankMinor
        self.permittedStates = permittedStates
    }

    /// The fee on one payment, and why: by card or bank, from a consumer whose known addresses are in `states`.
    /// A consumer with no address on file, or with any address in a state not listed, pays none: the fee must be
    /// lawful wherever the consumer may live.
    public func fee(card: Bool, consumerStates states: Set<USState>) -> ConvenienceFee {
        let configured = card ? cardMinor : bankMinor
        guard let configured, configured > 0 else {
            return ConvenienceFee(minorUnits: 0, reason: "the client sets no convenience fee on \(card ? "card" : "bank") payments")
        }
        guard !states.isEmpty else {
            return ConvenienceFee(minorUnits: 0, reason: "no address on file: the consumer's state is unknown")
        }
        let barred = states.subtracting(permittedStates)
        guard barred.isEmpty else {
            return ConvenienceFee(
                minorUnits: 0,
                reason: "not permitted in \(barred.map(\.code).sorted().joined(separator: ", ")), where the consumer has an address")
        }
        return ConvenienceFee(
            minorUnits: configured,
            reason: "authorised by the client's agreement and permitted in \(states.map(\.code).sorted().joined(separator: ", "))")
    }
}

/// The convenience fee one payment carries (zero: none) and the reason a collector can repeat to the consumer.
public struct ConvenienceFee: Hashable, Sendable {
    public var minorUnits: Int64
    public var reason: String

    public init(minorUnits: Int64, reason: String) {
        self.minorUnits = minorUnits
        self.reason = reason
    }
}
