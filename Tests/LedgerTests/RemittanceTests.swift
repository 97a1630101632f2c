import Ledger
import Testing

/// The contingency split: the fee rounds half away from zero, the client gets exactly the rest, and a reversal
/// splits as the mirror of its payment, so remittances always add up to what was collected.
struct RemittanceTests {
    @Test func theFeeRoundsHalfUpAndTheClientGetsTheRest() {
        #expect(RemittanceSplit.of(10_000, contingencyBasisPoints: 2_500) == RemittanceSplit(clientShare: 7_500, agencyFee: 2_500))
        #expect(RemittanceSplit.of(1_001, contingencyBasisPoints: 3_333) == RemittanceSplit(clientShare: 667, agencyFee: 334))
        #expect(RemittanceSplit.of(2, contingencyBasisPoints: 2_500) == RemittanceSplit(clientShare: 1, agencyFee: 1), "0.5 rounds up")
        #expect(RemittanceSplit.of(999, contingencyBasisPoints: 0) == RemittanceSplit(clientShare: 999, agencyFee: 0))
        #expect(RemittanceSplit.of(999, contingencyBasisPoints: 10_000) == RemittanceSplit(clientShare: 0, agencyFee: 999))
    }

    /// What a payment keeps after a partial refund stays split at the payment's rate: $100 split 75/25, $50 kept is
    /// 37.50/12.50 whatever the client's rate is now; the halves round as the fee does and still add up.
    @Test func aSplitScaledToPartOfItKeepsItsRate() {
        let split = RemittanceSplit(clientShare: 7_500, agencyFee: 2_500)
        #expect(split.scaled(to: 5_000) == RemittanceSplit(clientShare: 3_750, agencyFee: 1_250))
        #expect(split.scaled(to: 10_000) == split && split.scaled(to: 0) == .zero)
        #expect(RemittanceSplit(clientShare: 76, agencyFee: 25).scaled(to: 51) == RemittanceSplit(clientShare: 38, agencyFee: 13), "12.62 rounds to 13")
        #expect(RemittanceSplit(clientShare: -7_500, agencyFee: -2_500).scaled(to: -5_000) == RemittanceSplit(clientShare: -3_750, agencyFee: -1_250))
        var random = SeededGenerator(state: 5)
        for _ in 0..<2_000 {
            let amount = Int64.random(in: 1...10_000_000_00, using: &random)
            let whole = RemittanceSplit.of(amount, contingencyBasisPoints: Int64.random(in: 0...10_000, using: &random))
            let part = Int64.random(in: 0...amount, using: &random)
            let scaled = whole.scaled(to: part)
            #expect(scaled.clientShare + scaled.agencyFee == part && scaled.agencyFee >= 0 && scaled.agencyFee <= whole.agencyFee)
        }
    }

    @Test func everySplitAddsUpAndAReversalMirrorsItsPayment() {
        var random = SeededGenerator(state: 17)
        for _ in 0..<5_000 {
            let amount = Int64.random(in: 1...10_000_000_00, using: &random)
            let rate = Int64.random(in: 0...10_000, using: &random)
            let split = RemittanceSplit.of(amount, contingencyBasisPoints: rate)
            #expect(split.clientShare + split.agencyFee == amount)
            #expect(split.clientShare >= 0 && split.agencyFee >= 0)
            #expect(RemittanceSplit.of(-amount, contingencyBasisPoints: rate) == -split)
            #expect(split + -split == .zero)
        }
    }
}
