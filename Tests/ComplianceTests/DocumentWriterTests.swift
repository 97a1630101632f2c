import Compliance
import Foundation
import Testing

/// Writing a snapshot back as a check document loses nothing the engine reads: the same bytes come back, and the
/// same decision.
struct DocumentWriterTests {
    @Test(arguments: ExampleTests.examples)
    func documentsRoundTripToTheSameBytesAndTheSameDecision(_ example: ExampleTests.Example) throws {
        let (snapshot, proposal) = try CheckDocument.decode(example.input)
        let written = CheckDocument.document(snapshot, proposal)
        let (again, againProposal) = try CheckDocument.decode(written)
        #expect(CheckDocument.document(again, againProposal) == written)
        let engine = ComplianceEngine()
        #expect(CheckDocument.encode(engine.decide(again, againProposal)) == CheckDocument.encode(engine.decide(snapshot, proposal)))
    }

    @Test func everyFactKindSurvivesTheRoundTrip() throws {
        let (snapshot, proposal) = try CheckDocument.decode(ExampleTests.examples[2].input)  // the cease example
        let text = String(decoding: CheckDocument.document(snapshot, proposal), as: UTF8.self)
        #expect(text.contains(#""cease_communication":{"#))
        #expect(text.contains(#""timestamp":"2025-10-08T15:00:00Z""#))
        #expect(text.contains(#""licensed_states":["*"]"#))
    }
}
