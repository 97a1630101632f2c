import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import RecoupApp
import RecoupCore
import RecoupTestSupport
import Testing

/// The inbound IVR driven exactly as the voice provider drives it: signed form-encoded webhooks, each answered with
/// TwiML whose `<Gather action>` the next request follows. A caller chooses Spanish, fails identity once, passes
/// with the date of birth, hears the disclosure and the balance, stops calls, disputes, promises a payment and asks
/// for an agent; each action is recorded on the account.
struct VoiceAPITests {
    /// The next action URL and the spoken text of a TwiML answer.
    func parse(_ twiml: String) -> (action: String?, speech: String) {
        var action: String?
        if let start = twiml.range(of: "action=\"") {
            let rest = twiml[start.upperBound...]
            action = rest[..<rest.firstIndex(of: "\"")!].replacingOccurrences(of: "&amp;", with: "&")
        }
        var speech: [String] = []
        var rest = Substring(twiml)
        while let open = rest.range(of: "<Say"), let close = rest.range(of: "</Say>", range: open.upperBound..<rest.endIndex) {
            let inner = rest[open.upperBound..<close.lowerBound]
            speech.append(String(inner[inner.index(after: inner.firstIndex(of: ">")!)...]))
            rest = rest[close.upperBound...]
        }
        return (action, speech.joined(separator: " ").replacingOccurrences(of: "&amp;", with: "&"))
    }

    /// A caller pays by phone with the card already on file (no card number is keyed in): the amount, the card's last
    /// four digits and a confirmation, then one charge however often the provider retries the confirming webhook;
    /// a caller without a card on file is told so and no charge is tried.
    @Test(arguments: TestDatabase.available)
    func aCallerPaysByPhoneWithTheCardOnFileOnce(_ kind: TestDatabase) async throws {
        try await PaymentsAPITests.withProcessor(kind) { h, processor in
        try await h.app.test(.router) { client in
            let accountID = try await client.placeForAcme([placementHeader, placementRow("IVR-P")].joined(separator: "\n"), h)
            let reference = ReferenceCode.of(try #require(AccountID(accountID)))
            func call(_ id: String, _ steps: [String?]) async throws -> [String] {
                var next = "/webhooks/voice/\(h.acme)/inbound", answers: [String] = []
                for digits in steps {
                    var fields = [("CallSid", id), ("From", "+15125550100"), ("To", "+15125559999")]
                    if let digits { fields.append(("Digits", digits)) }
                    let (status, twiml) = try await client.webhook(next, fields)
                    #expect(status == .ok, "\(twiml)")
                    if let action = parse(twiml).action { next = action }
                    answers.append(parse(twiml).speech)
                }
                return answers
            }
            let noCard = try await call("CA-N", [nil, "1", reference, "78701", "6"])
            #expect(noCard[3].contains("To pay now with the card we have on file, press 6"), "offered: a processor is configured")
            #expect(noCard[4].contains("We have no card on file for this account"))
            #expect(processor.intents.isEmpty)

            _ = try await client.addCard(accountID, token: "pm_card_visa", h)
            let paid = try await call("CA-P", [nil, "1", reference, "78701", "6", "40", "1"])
            #expect(paid[5].contains("You are paying $40.00 with the card ending in 4242. To confirm, press 1"), "\(paid[5])")
            #expect(paid[6].contains("Thank you. Your payment of $40.00 was received."), "\(paid[6])")
            // The provider retries the confirming webhook: the same call and amount charge once.
            let fields = [("CallSid", "CA-P"), ("From", "+15125550100"), ("To", "+15125559999"), ("Digits", "1")]
            let confirm = "/webhooks/voice/\(h.acme)/ivr?acct=\(accountID)&amount=40&fee=0&lang=en&ref=\(reference)&step=pay-confirm"
            #expect(try await client.webhook(confirm, fields).1.contains("Your payment of $40.00 was received"))
            #expect(processor.intents.count == 1 && processor.intents.first?.amount == 4_000)
            let (_, ledger, _) = try await client.call(.get, "/v1/accounts/\(accountID)/ledger", key: h.acmeAdmin)
            #expect(PaymentsAPITests.total(ledger) == 6_000)
            let declined = try await call("CA-B", [nil, "1", reference, "78701", "6", "5000", "1"])
            #expect(declined[6].contains("could not take that payment"), "more than is owed: refused, an agent calls back: \(declined[6])")
            #expect(processor.intents.count == 1)
        }
        }
    }

    /// An English caller who confirms with the ZIP code and asks for an agent is transferred to the agency's line
    /// (`<Dial>`), at an agency that has one.
    @Test(arguments: TestDatabase.available)
    func anEnglishCallerConfirmsWithTheZIPCodeAndIsTransferredToAnAgent(_ kind: TestDatabase) async throws {
        try await APIHarness.with(kind) { h in
        try await h.app.test(.router) { client in
            let csv = [placementHeader, placementRow("IVR-2")].joined(separator: "\n")
            _ = try await client.call(.post, "/v1/placements?client_id=\(h.otherClient)", key: h.otherAdmin, body: csv, contentType: "text/csv")
            let (_, page, _) = try await client.call(.get, "/v1/accounts", key: h.otherAdmin)
            let accountID = try #require((page["items"] as? [[String: Any]])?.first?["id"] as? String)
            var next = "/webhooks/voice/\(h.other)/inbound", answers: [String] = []
            // Language, English, the reference, the ZIP code, the balance, an agent.
            for digits in [nil, "1", ReferenceCode.of(try #require(AccountID(accountID))), "78701", "1", "0"] {
                var fields = [("CallSid", "CA2"), ("From", "+15125550100"), ("To", "+15125559999")]
                if let digits { fields.append(("Digits", digits)) }
                let (status, twiml) = try await client.webhook(next, fields)
                #expect(status == .ok, "\(twiml)")
                if let action = parse(twiml).action { next = action }
                answers.append(twiml)
            }
            #expect(parse(answers[1]).speech.contains("ten-digit reference number"))
            #expect(parse(answers[3]).speech.contains("This is a communication from a debt collector"), "the ZIP code confirmed the caller")
            #expect(parse(answers[4]).speech.contains("Your balance is $100.00"), "\(answers[4])")
            let twiml = answers[5]
            #expect(parse(twiml).speech.contains("Please hold while we connect you to an agent"))
            #expect(twiml.contains("<Dial>+15125550142</Dial>"), "\(twiml)")
            let (_, audit, _) = try await client.call(.get, "/v1/audit-events?action=call.received", key: h.otherAdmin)
            #expect((audit["items"] as? [[String: Any]])?.count == 1)
            let (_, acme, _) = try await client.call(.get, "/v1/audit-events?action=call.received", key: h.acmeAdmin)
            #expect((acme["items"] as? [[String: Any]])?.isEmpty == true, "Other's caller is none of Acme's business")
        }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aCallerHearsTheBalanceInSpanishAndEveryKeyPressIsRecorded(_ kind: TestDatabase) async throws {
        try await APIHarness.with(kind) { h in
        try await h.app.test(.router) { client in
            let csv = [placementHeader, placementRow("IVR-1")].joined(separator: "\n")
            let accountID = try await client.placeForAcme(csv, h)
            let reference = ReferenceCode.of(try #require(AccountID(accountID)))

            func post(_ path: String, digits: String? = nil, token: String = APIHarness.smsToken) async throws -> (HTTPResponse.Status, String) {
                var fields = [("CallSid", "CA1"), ("From", "+15125550100"), ("To", "+15125559999")]
                if let digits { fields.append(("Digits", digits)) }
                return try await client.webhook(path, fields, signedWith: token)
            }
            var next = "/webhooks/voice/\(h.acme)/inbound"
            func press(_ digits: String?) async throws -> String {
                let (status, twiml) = try await post(next, digits: digits)
                #expect(status == .ok, "\(twiml)")
                let (action, speech) = parse(twiml)
                if let action { next = action }
                return speech
            }

            #expect(try await post(next, token: "forged").0 == .forbidden)
            #expect(try await press(nil).contains("Para español, oprima 2"))
            #expect(try await press("2").contains("número de referencia de diez dígitos"))
            #expect(try await press("1234567890").contains("no es válido"), "a mistyped reference fails its check digit")
            #expect(try await press(reference).contains("código postal"))
            #expect(try await press("99999").contains("No pudimos confirmar su identidad"))
            _ = try await press(reference)
            let greeting = try await press("02291980")  // date of birth 1980-02-29, as MMDDYYYY
            #expect(greeting.contains("Esta es una comunicación de un cobrador de deudas") && greeting.contains("Para su saldo, oprima 1"))
            let balance = try await press("1")
            #expect(balance.contains("Su saldo es de $100.00") && balance.contains("2025-06-30"), "\(balance)")

            #expect(try await press("5").contains("No volveremos a llamar a este número"))
            #expect(try await press("4").contains("Su disputa quedó registrada"))
            // 8:30 p.m. in Austin, already Tuesday in UTC: "0921" is the caller's today, not next year's.
            h.clock.advance(by: 11 * 3600 + 17 * 60)
            #expect(try await press("2").contains("cantidad en dólares"))
            #expect(try await press("50").contains("mes y el día"))
            #expect(try await press("0921").contains("Su promesa de pagar $50.00"))
            #expect(try await press("0").contains("No hay agentes disponibles"), "no agency phone configured: a call back instead")

            let (_, facts, _) = try await client.call(.get, "/v1/accounts/\(accountID)/facts", key: h.acmeAgent)
            #expect((facts["items"] as? [[String: Any]])?.compactMap { $0["kind"] as? String }.sorted() == ["dispute", "opt_out", "tcpa_revocation"])
            let (_, inbox, _) = try await client.call(.get, "/v1/inbox?status=open", key: h.acmeAgent)
            let open = try #require(inbox["items"] as? [[String: Any]])
            #expect(Set(open.compactMap { $0["intent"] as? String }) == ["promise_to_pay", "callback_request", "dispute"])
            #expect(open.first { $0["intent"] as? String == "promise_to_pay" }?["body"] as? String == "promise to pay $50.00 on 2026-09-21")
            #expect(open.allSatisfy { $0["account_ids"] as? [String] == [accountID] && $0["channel"] as? String == "call" })
            let (_, promises, _) = try await client.call(.get, "/v1/accounts/\(accountID)/promises", key: h.acmeAgent)
            let promise = try #require((promises["items"] as? [[String: Any]])?.first)
            #expect(promise["source"] as? String == "ivr" && promise["due_on"] as? String == "2026-09-21" && promise["status"] as? String == "open")
            #expect((promise["amount"] as? [String: Any])?["amount_minor"] as? Int == 5_000, "the payments module tracks the IVR's promise")

            let (_, audit, _) = try await client.call(.get, "/v1/audit-events?limit=200", key: h.acmeAdmin)
            let actions = try #require(audit["items"] as? [[String: Any]]).filter { $0["subject_type"] as? String == "inbound_message" }
                .compactMap { $0["action"] as? String }
            #expect(actions.contains("call.received") && actions.count >= 5, "the call and each recorded request are audit events: \(actions)")

            // Calls to that number are refused from now on, even an agent's manual call (a Regulation F medium request).
            let (_, contactability, _) = try await client.call(.get, "/v1/accounts/\(accountID)/contactability", key: h.acmeAgent)
            let call = try #require((contactability["items"] as? [[String: Any]])?.first { $0["channel"] as? String == "call" })
            #expect(call["allowed"] as? Bool == false && call["rule"] as? String == "REGF-1006.14h-MEDIUM", "\(call)")
        }
        }
    }
}
