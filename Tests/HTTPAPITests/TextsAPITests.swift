import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import RecoupApp
import RecoupCore
import RecoupTestSupport
import Testing

/// Two-way texts over HTTP, driven the way the provider drives them: a text is queued with the disclosure and
/// "reply STOP", dispatched, reported delivered by a signed status callback; the consumer's STOP arrives as a signed
/// inbound webhook, opts the number out with one confirmation and is never answered twice; START gives consent
/// back; HELP answers; a sentence that asks to stop counts; anything else waits in the agents' inbox. Unsigned
/// webhooks change nothing, and another agency's webhook never touches this agency's accounts.
struct TextsAPITests {
    /// Records what would have gone to the provider and answers with a SID per text.
    final class RecordingTexts: TextTransport, @unchecked Sendable {
        private let lock = NSLock()
        private(set) var sent: [OutboundText] = []

        func send(_ text: OutboundText) async throws -> String {
            lock.withLock {
                sent.append(text)
                return "SM\(sent.count)"
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aTextIsDeliveredTrackedAndAStopReplyOptsTheNumberOutWithOneConfirmation(_ kind: TestDatabase) async throws {
        try await APIHarness.with(kind) { h in
        try await h.app.test(.router) { client in
            let csv = [placementHeader + ",phone1_consent", placementRow("TX-1") + ",yes"].joined(separator: "\n")
            let accountID = try await client.placeForAcme(csv, h)
            let text = #"{"channel": "sms", "text": "Hi Pat, a payment plan is available: pay.acme.test"}"#
            func sendText() async throws -> (HTTPResponse.Status, [String: Any], String) {
                try await client.call(.post, "/v1/accounts/\(accountID)/messages", key: h.acmeAgent, body: text)
            }

            let (queued, message, queuedText) = try await sendText()
            #expect(queued == .accepted, "\(queuedText)")
            #expect(message["recipient"] as? String == "+15125550100" && message["channel"] as? String == "sms")
            #expect(try await client.call(.post, "/v1/accounts/\(accountID)/messages", key: h.acmeAgent,
                                          body: #"{"channel": "sms", "subject": "x", "text": "y"}"#).0 == .badRequest, "a text has no subject")

            // The dispatcher hands it to the provider, which reports it delivered.
            let provider = RecordingTexts()
            let dispatcher = h.dispatcher(texts: provider)
            #expect(try await dispatcher.drain().sent == 1)
            let handed = try #require(provider.sent.first)
            #expect(handed.body.hasPrefix("Hi Pat, a payment plan is available") && handed.body.hasSuffix("Reply STOP to opt out."))
            #expect(handed.body.contains("debt collector") && handed.idempotencyKey == message["id"] as? String)
            let messageID = try #require(message["id"] as? String)
            #expect(handed.statusCallback == "https://pay.acme.test/webhooks/sms/\(h.acme)/status?message=\(messageID)")
            // A report that comes before the provider's SID is stored finds the message by the id its URL carries.
            let early = "/webhooks/sms/\(h.acme)/status?message=\(messageID)"
            #expect(try await client.webhook(early, [("MessageSid", "SM-not-stored-yet"), ("MessageStatus", "delivered")]).0 == .noContent)
            #expect(try await client.webhook("/webhooks/sms/\(h.other)/status?message=\(messageID)",
                                             [("MessageSid", "SM-not-stored-yet"), ("MessageStatus", "failed")]).0 == .notFound)

            let statusPath = "/webhooks/sms/\(h.acme)/status"
            #expect(try await client.webhook(statusPath, [("MessageSid", "SM1"), ("MessageStatus", "sent")]).0 == .noContent)
            #expect(try await client.webhook(statusPath, [("MessageSid", "SM1"), ("MessageStatus", "delivered")]).0 == .noContent)
            #expect(try await client.webhook(statusPath, [("MessageSid", "SM1"), ("MessageStatus", "delivered")]).0 == .noContent)
            #expect(try await client.webhook(statusPath, [("MessageSid", "SM1"), ("MessageStatus", "failed")], signedWith: "wrong").0 == .forbidden)
            #expect(try await client.webhook("/webhooks/sms/\(h.other)/status", [("MessageSid", "SM1"), ("MessageStatus", "failed")]).0
                == .notFound, "another agency's callback cannot touch this message")

            // The consumer answers STOP: one confirmation, a revocation and an opt-out recorded, nothing more sent.
            let inboundPath = "/webhooks/sms/\(h.acme)/inbound"
            let stop: [(String, String)] = [("MessageSid", "SMin1"), ("From", "+15125550100"), ("To", "+15125559999"), ("Body", "Stop")]
            #expect(try await client.webhook(inboundPath, stop, signedWith: "forged").0 == .forbidden)
            let (stopped, twiml) = try await client.webhook(inboundPath, stop)
            #expect(stopped == .ok && twiml.contains("<Message>You are unsubscribed"), "\(twiml)")
            let (retried, repeatTwiml) = try await client.webhook(inboundPath, stop)
            #expect(retried == .ok && !repeatTwiml.contains("<Message>"), "a retried webhook is not answered again")
            let (_, facts, _) = try await client.call(.get, "/v1/accounts/\(accountID)/facts", key: h.acmeAgent)
            #expect((facts["items"] as? [[String: Any]])?.compactMap { $0["kind"] as? String }.sorted() == ["opt_out", "tcpa_revocation"])
            let (refused, refusal, _) = try await sendText()
            #expect(refused == .conflict && ["REGF-1006.14h-MEDIUM", "TCPA-64.1200a10-REVOKE"].contains(refusal["rule"] as? String ?? ""))
            #expect(try await dispatcher.drain().claimed == 0 && provider.sent.count == 1)

            let (_, communications, _) = try await client.call(.get, "/v1/accounts/\(accountID)/communications", key: h.acmeAgent)
            let sent = try #require((communications["items"] as? [[String: Any]])?.first)
            #expect(sent["provider_ref"] as? String == "SM1")
            let events = try #require(sent["events"] as? [[String: Any]]).compactMap { $0["kind"] as? String }
            #expect(events.first == "delivered" && Set(events) == ["delivered", "replied", "opted_out"] && events.count == 3)

            // START, a minute later, gives consent back; texts may go again.
            h.clock.advance(by: 60)
            let (started, startTwiml) = try await client.webhook(
                inboundPath, [("MessageSid", "SMin2"), ("From", "+15125550100"), ("To", "+15125559999"), ("Body", "START")])
            #expect(started == .ok && startTwiml.contains("subscribed to texts from us again"), "\(startTwiml)")
            #expect(try await sendText().0 == .accepted)

            // HELP answers who is texting; a question goes to the inbox; a Spanish "stop writing to me" revokes.
            let (_, help) = try await client.webhook(
                inboundPath, [("MessageSid", "SMin3"), ("From", "+15125550100"), ("To", "+15125559999"), ("Body", "help")])
            #expect(help.contains("Acme") && help.contains("STOP"))
            let (_, question) = try await client.webhook(
                inboundPath, [("MessageSid", "SMin4"), ("From", "+15125550100"), ("To", "+15125559999"), ("Body", "Can I pay Friday?")])
            #expect(!question.contains("<Message>"))
            let (_, inbox, _) = try await client.call(.get, "/v1/inbox?status=open", key: h.acmeAgent)
            let open = try #require(inbox["items"] as? [[String: Any]])
            #expect(open.count == 1 && open.first?["body"] as? String == "Can I pay Friday?" && open.first?["account_ids"] as? [String] == [accountID])
            #expect(try await client.call(.get, "/v1/inbox?status=open", key: h.bankKey).0 == .forbidden)
            #expect((try await client.call(.get, "/v1/inbox?status=open", key: h.otherAdmin).1["items"] as? [[String: Any]])?.isEmpty == true)
            let inboundID = try #require(open.first?["id"] as? String)
            #expect(try await client.call(.post, "/v1/inbox/\(inboundID)/close", key: h.otherAdmin).0 == .notFound)
            #expect(try await client.call(.post, "/v1/inbox/\(inboundID)/close", key: h.acmeAgent).0 == .noContent)
            #expect((try await client.call(.get, "/v1/inbox?status=open", key: h.acmeAgent).1["items"] as? [[String: Any]])?.isEmpty == true)

            h.clock.advance(by: 60)
            let (_, spanish) = try await client.webhook(
                inboundPath,
                [("MessageSid", "SMin5"), ("From", "+15125550100"), ("To", "+15125559999"), ("Body", "Por favor dejen de escribirme!")])
            #expect(spanish.contains("<Message>"), "one confirmation of the revocation")
            let (_, handled, _) = try await client.call(.get, "/v1/inbox?status=handled", key: h.acmeAgent)
            #expect((handled["items"] as? [[String: Any]])?.first?["intent"] as? String == "revocation")
            #expect(try await sendText().0 == .conflict)

            // The same number texting another agency's line reaches none of this agency's accounts.
            let (_, elsewhere) = try await client.webhook(
                "/webhooks/sms/\(h.other)/inbound", [("MessageSid", "SMo1"), ("From", "+15125550100"), ("To", "+1"), ("Body", "START")])
            #expect(!elsewhere.contains("<Message>"))
            #expect(try await sendText().0 == .conflict, "another agency's START does not re-subscribe here")
        }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aStopFromANumberNoAccountHoldsYetKeepsLaterAccountsFromTextingIt(_ kind: TestDatabase) async throws {
        try await APIHarness.with(kind) { h in
        try await h.app.test(.router) { client in
            let inboundPath = "/webhooks/sms/\(h.acme)/inbound"
            func text(_ sid: String, from number: String, _ body: String) async throws -> String {
                try await client.webhook(inboundPath, [("MessageSid", sid), ("From", number), ("To", "+15125559999"), ("Body", body)]).1
            }
            // Nobody has the number yet: the STOP is confirmed and kept on the agency's do-not-text list.
            #expect(try await text("SMu1", from: "+15125550100", "STOP").contains("<Message>You are unsubscribed"))

            // A month later a creditor places an account with that mobile number and consent to text it.
            h.clock.advance(by: 30 * 86_400)
            let spanish = placementRow("DNT-2", ssn: "234-56-7890").replacingOccurrences(of: "(512) 555-0100", with: "(512) 555-0111") + ",yes,es"
            let csv = [placementHeader + ",phone1_consent,language", placementRow("DNT-1") + ",yes,en", spanish].joined(separator: "\n")
            let (_, placed, placedText) = try await client.call(.post, "/v1/placements?client_id=\(h.acmeBank)", key: h.acmeAdmin, body: csv, contentType: "text/csv")
            #expect(placed["imported"] as? Int == 2, "\(placedText)")
            let (_, page, _) = try await client.call(.get, "/v1/accounts", key: h.acmeAdmin)
            let accounts = try #require(page["items"] as? [[String: Any]])
            let stopped = try #require(accounts.first { $0["client_account_number"] as? String == "DNT-1" }?["id"] as? String)
            let other = try #require(accounts.first { $0["client_account_number"] as? String == "DNT-2" }?["id"] as? String)
            let message = #"{"channel": "sms", "text": "Hi, a payment plan is available."}"#
            let (refused, refusal, _) = try await client.call(.post, "/v1/accounts/\(stopped)/messages", key: h.acmeAgent, body: message)
            #expect(refused == .conflict && ["TCPA-64.1200a10-REVOKE", "REGF-1006.14h-MEDIUM"].contains(refusal["rule"] as? String ?? ""), "\(refusal)")
            #expect(try await client.call(.post, "/v1/accounts/\(other)/messages", key: h.acmeAgent, body: message).0 == .accepted,
                    "another number is not affected")

            // HELP from the Spanish speaker's phone is answered in Spanish.
            #expect(try await text("SMu2", from: "+15125550111", "AYUDA").contains("llámenos"))

            // START from the stopped number takes it off the list: texting is lawful again.
            h.clock.advance(by: 60)
            #expect(try await text("SMu3", from: "+15125550100", "START").contains("subscribed to texts from us again"))
            #expect(try await client.call(.post, "/v1/accounts/\(stopped)/messages", key: h.acmeAgent, body: message).0 == .accepted)
            let (_, audit, _) = try await client.call(.get, "/v1/audit-events?limit=200", key: h.acmeAdmin)
            let actions = try #require(audit["items"] as? [[String: Any]]).compactMap { $0["action"] as? String }
            #expect(actions.contains("number.suppressed") && actions.contains("number.unsuppressed"))
        }
        }
    }
}
