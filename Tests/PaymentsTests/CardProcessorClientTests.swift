import Foundation
import Hummingbird
import HummingbirdTesting
import Payments
import RecoupApp
import RecoupCore
import RecoupTestSupport
import Testing

/// The card processor's REST client against an in-test processor on a real port: one intent per idempotency key,
/// declines with the processor's words and intent, an unreachable or failing processor as an unknown outcome, and
/// refunds once per key.
struct CardProcessorClientTests {
    static func charge(_ token: String, key: String, amount: Int64 = 1_234) -> CardCharge {
        CardCharge(idempotencyKey: key, amount: Money(minorUnits: amount, currency: .usd), customer: "cus_1", token: token,
                   paymentID: UUID(), description: "Account R-1")
    }

    @Test func chargesOncePerKeyAndClassifiesEveryAnswer() async throws {
        let processor = TestProcessor()
        try await Application(router: processor.router).test(.live) { server in
            let port = try #require(server.port)
            let client = CardProcessorClient(baseURL: "http://127.0.0.1:\(port)/", secretKey: TestProcessor.secretKey, timeout: .seconds(5))
            let first = Self.charge("pm_card_visa", key: "p-1")
            let answer = try await client.charge(first)
            #expect(answer == ProcessorCharge(reference: "pi_1", outcome: .succeeded))
            #expect(try await client.charge(first) == answer, "a retry with the key is the same charge")
            #expect(processor.requests == 2 && processor.intents.count == 1)
            let intent = try #require(processor.intents.first)
            #expect(intent.amount == 1_234 && intent.currency == "usd" && intent.paymentID == first.paymentID.uuidString.lowercased())

            #expect(try await client.charge(Self.charge("pm_card_chargeDeclined", key: "p-2"))
                == ProcessorCharge(reference: "pi_2", outcome: .declined("Your card was declined.")))
            #expect(try await client.charge(Self.charge("pm_card_processing", key: "p-3")).outcome == .processing)
            await #expect(throws: ProcessorUnavailable.self) { try await client.charge(Self.charge("pm_card_unavailable", key: "p-4")) }

            let wrongKey = CardProcessorClient(baseURL: "http://127.0.0.1:\(port)", secretKey: "sk_wrong", timeout: .seconds(5))
            await #expect(throws: ProcessorUnavailable.self, "credentials an operator must fix: retry later, not a decline") {
                try await wrongKey.charge(Self.charge("pm_card_visa", key: "p-5"))
            }

            let refund = try await client.refund(reference: "pi_1", amount: nil, idempotencyKey: "r-1")
            #expect(try await client.refund(reference: "pi_1", amount: nil, idempotencyKey: "r-1") == refund && processor.refunds == 1)
        }
    }

    @Test func aProcessorNobodyAnswersAtIsAnUnknownOutcome() async throws {
        // A port nothing listens on: refused at once.
        let client = CardProcessorClient(baseURL: "http://127.0.0.1:9", secretKey: TestProcessor.secretKey, timeout: .seconds(2))
        await #expect(throws: ProcessorUnavailable.self) { try await client.charge(Self.charge("pm_card_visa", key: "p-1")) }
    }

    @Test func webhookSignaturesCheckTheSecretTheBodyAndTheTime() throws {
        let body = Data(#"{"id":"evt_1","type":"payment_intent.succeeded","data":{"object":{"id":"pi_1","metadata":{"payment_id":"x"}}}}"#.utf8)
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let header = ProcessorSignature.sign(body, secret: "whsec", at: now)
        try ProcessorSignature.verify(body, header: header, secret: "whsec", now: now.addingTimeInterval(299))
        #expect(throws: ProcessorSignature.Refusal.stale) { try ProcessorSignature.verify(body, header: header, secret: "whsec", now: now.addingTimeInterval(301)) }
        #expect(throws: ProcessorSignature.Refusal.mismatch) { try ProcessorSignature.verify(body, header: header, secret: "other", now: now) }
        #expect(throws: ProcessorSignature.Refusal.mismatch) {
            try ProcessorSignature.verify(body + Data(" ".utf8), header: header, secret: "whsec", now: now)
        }
        #expect(throws: ProcessorSignature.Refusal.malformed) { try ProcessorSignature.verify(body, header: "v1=abc", secret: "whsec", now: now) }
        #expect(throws: ProcessorSignature.Refusal.malformed) { try ProcessorSignature.verify(body, header: nil, secret: "whsec", now: now) }

        let event = try #require(ProcessorEvent.parse(body))
        #expect(event.kind == .succeeded && event.reference == "pi_1" && event.paymentID == nil, "x is not a payment id")
        let dispute = try #require(ProcessorEvent.parse(Data(
            #"{"id":"evt_2","type":"charge.dispute.created","data":{"object":{"id":"dp_1","payment_intent":"pi_9"}}}"#.utf8)))
        #expect(dispute.kind == .chargeback && dispute.reference == "pi_9")
        #expect(ProcessorEvent.parse(Data("[]".utf8)) == nil)
    }
}
