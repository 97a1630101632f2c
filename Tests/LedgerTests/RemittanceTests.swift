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
