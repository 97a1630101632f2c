import Ledger
import RecoupCore
import Testing

/// The convenience-fee decision: the rail's configured fee, only when every state the consumer has an address in
/// permits it; otherwise none, with the reason.
struct ConvenienceFeeTests {
    let terms = ConvenienceFeeTerms(cardMinor: 295, bankMinor: nil, permittedStates: [.TX, .FL])

    @Test func chargedOnlyWhereEveryAddressIsInAPermittedState() {
        #expect(terms.fee(card: true, consumerStates: [.TX]) == ConvenienceFee(
            minorUnits: 295, reason: "authorised by the client's agreement and permitted in TX"))
        #expect(terms.fee(card: true, consumerStates: [.FL, .TX]).minorUnits == 295)
        #expect(terms.fee(card: true, consumerStates: [.TX, .NY, .CA]) == ConvenienceFee(
            minorUnits: 0, reason: "not permitted in CA, NY, where the consumer has an address"))
        #expect(terms.fee(card: true, consumerStates: []).reason == "no address on file: the consumer's state is unknown")
        #expect(terms.fee(card: false, consumerStates: [.TX]) == ConvenienceFee(
            minorUnits: 0, reason: "the client sets no convenience fee on bank payments"))
        #expect(ConvenienceFeeTerms(cardMinor: 0, bankMinor: 100, permittedStates: [.TX]).fee(card: true, consumerStates: [.TX]).minorUnits == 0)
        #expect(ConvenienceFeeTerms(cardMinor: 0, bankMinor: 100, permittedStates: [.TX]).fee(card: false, consumerStates: [.TX]).minorUnits == 100)
        #expect(ClientTerms.standard.convenienceFee == nil, "off by default")
    }
}
