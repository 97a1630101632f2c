import Compliance
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import RecoupApp
import RecoupCore
import RecoupTestSupport
import Testing

/// Outbound calls driven as the voice provider drives them: an agent's click-to-call rings the agent, the signed
/// `bridge` webhook dials the consumer, and `dialed` reports how the consumer's leg ended. Busy and failed calls do
/// not count toward 7-in-7, unanswered ones do; the agent's disposition of a conversation starts the week without
/// calls. A limited-content voicemail goes through the outbox: the dispatcher places the call with machine
/// detection, the provider fetches the words, and reports the message left.
struct CallsAPITests {
    /// With the agency's ceiling at one attempt in seven days across media, an agent's second call to the consumer
    /// that week is refused (409) with the agency's rule and when a call may go again; the law alone would allow it.
    @Test(arguments: TestDatabase.available)
    func anAgentsCallOverTheAgencysCeilingIsRefused(_ kind: TestDatabase) async throws {
        try await APIHarness.with(kind, contactPressure: ContactPressure(attempts: 1, days: 7)) { h in
        try await h.app.test(.router) { client in
            let accountID = try await client.placeForAcme([placementHeader, placementRow("CALL-P")].joined(separator: "\n"), h)
            let body = #"{"agent_phone": "+15125550199"}"#
            let (first, _, text) = try await client.call(.post, "/v1/accounts/\(accountID)/calls", key: h.acmeAgent, body: body)
            #expect(first == .created, "\(text)")
            h.clock.advance(by: 3600)
            let (second, refusal, _) = try await client.call(.post, "/v1/accounts/\(accountID)/calls", key: h.acmeAgent, body: body)
            #expect(second == .conflict && refusal["rule"] as? String == ContactPressure.rule && refusal["citation"] as? String == "agency policy")
            #expect((refusal["detail"] as? String)?.contains("the agency's ceiling") == true && refusal["next_allowed_at"] as? String != nil, "\(refusal)")
            #expect(h.calls.placed.count == 1, "the provider rang the agent once")
        }
        }
    }

    /// A server without a voice provider answers a click-to-call 503 (it cannot, whatever the law says), and an
    /// account outside the caller's scope not found before that.
    @Test(arguments: TestDatabase.available)
    func withoutAVoiceProviderACallIsUnavailableAndAnotherAgencysAccountNotFound(_ kind: TestDatabase) async throws {
        try await APIHarness.with(kind) { h in
        try await h.app.test(.router) { client in
            let accountID = try #require(AccountID(try await client.placeForAcme([placementHeader, placementRow("CALL-N")].joined(separator: "\n"), h)))
            let calls = OutboundCallService(
                calls: h.store, snapshots: AccountSnapshots(accounts: AccountService(accounts: h.store, clock: h.clock), contacts: h.store, facts: h.store),
                transport: nil, urls: nil, clock: h.clock)
            func call(_ scope: AccessScope) async throws -> OutboundCallService.Placed {
                try await calls.clickToCall(account: accountID, destination: nil, agentPhone: "+15125550199", idempotencyKey: nil, scope: scope,
                                            actor: "agent", collectorName: "Acme")
            }
            await #expect(throws: RecoupError.unavailable("no voice provider is configured (RECOUP_SMS_URL and RECOUP_PUBLIC_URL)")) {
                try await call(AccessScope(tenantID: h.acme))
            }
            let foreign = await #expect(throws: RecoupError.self) { try await call(AccessScope(tenantID: h.other)) }
            guard case .notFound? = foreign else { Issue.record("another agency's account: \(String(describing: foreign))"); return }
        }
        }
    }

    @Test(arguments: TestDatabase.available)
    func clickToCallCountsWhatConnectedAndTheAgentSaysHowItWent(_ kind: TestDatabase) async throws {
        try await APIHarness.with(kind) { h in
        try await h.app.test(.router) { client in
            let csv = [placementHeader, placementRow("CALL-1")].joined(separator: "\n")
            let accountID = try await client.placeForAcme(csv, h)
            let voice = "/webhooks/voice/\(h.acme)"

            func place(key: String? = nil) async throws -> (HTTPResponse.Status, [String: Any], String) {
                var headers: HTTPFields = [.authorization: "Bearer \(h.acmeAgent)", .contentType: "application/json"]
                if let key { headers[HTTPField.Name("Idempotency-Key")!] = key }
                return try await client.execute(
                    uri: "/v1/accounts/\(accountID)/calls", method: .post, headers: headers,
                    body: ByteBuffer(string: #"{"agent_phone": "+15125550199"}"#)) { response in
                    let text = String(buffer: response.body)
                    return (response.status, (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:], text)
                }
            }
            /// One call from click to hang-up: the agent answers, the consumer's leg ends in `status`.
            func call(ending status: String) async throws -> String {
                let (placed, answer, text) = try await place()
                #expect(placed == .created, "\(text)")
                let id = try #require(answer["id"] as? String)
                let (bridged, twiml) = try await client.webhook("\(voice)/bridge?call=\(id)", [("CallSid", "CA-\(id)"), ("From", "+15125559999"), ("To", "+15125550199")])
                #expect(bridged == .ok && twiml.contains("<Dial action=\"/webhooks/voice/\(h.acme)/dialed?call=\(id)\" method=\"POST\">+15125550100</Dial>"), "\(twiml)")
                let (ended, hangup) = try await client.webhook("\(voice)/dialed?call=\(id)", [("CallSid", "CA-\(id)"), ("DialCallStatus", status)])
                #expect(ended == .ok && hangup.contains("<Hangup/>"))
                return id
            }

            #expect(try await client.call(.post, "/v1/accounts/\(accountID)/calls", key: h.acmeAgent, body: #"{"agent_phone": "5550199"}"#).0
                == .badRequest, "the agent's phone in E.164")
            #expect(try await client.call(.post, "/v1/accounts/\(accountID)/calls", key: h.otherAdmin, body: #"{"agent_phone": "+15125550199"}"#).0
                == .notFound, "another agency cannot call this consumer")

            // A retried click places one call.
            let (first, placedCall, _) = try await place(key: "click-1")
            let (again, samePlaced, _) = try await place(key: "click-1")
            #expect(first == .created && again == .ok && placedCall["id"] as? String == samePlaced["id"] as? String)
            let firstID = try #require(placedCall["id"] as? String)
            #expect(placedCall["status"] as? String == "ringing_agent" && placedCall["outcome"] as? String == "no_answer")
            #expect(h.calls.placed.count == 1)
            let rung = try #require(h.calls.placed.first)
            #expect(rung.to == "+15125550199" && !rung.detectMachine && rung.idempotencyKey == firstID)
            #expect(rung.answerURL == "https://pay.acme.test\(voice)/bridge?call=\(firstID)")
            #expect(rung.statusCallback == "https://pay.acme.test\(voice)/call-status?call=\(firstID)")

            // The agent never picked up: the consumer was not dialled, the attempt does not count.
            #expect(try await client.webhook("\(voice)/call-status?call=\(firstID)", [("CallSid", "CA1"), ("CallStatus", "no-answer")]).0 == .noContent)
            #expect(try await client.webhook("\(voice)/call-status?call=\(firstID)", [("CallSid", "CA1"), ("CallStatus", "no-answer")], signedWith: "forged").0
                == .forbidden)
            #expect(try await client.webhook("/webhooks/voice/\(h.other)/call-status?call=\(firstID)", [("CallSid", "CA1"), ("CallStatus", "completed")]).0
                == .notFound, "another agency's webhook cannot touch this call")

            // Seven busy or failed calls: none connected, none counts; the next call is still lawful.
            for status in ["busy", "failed", "busy", "canceled", "busy", "failed", "busy"] { _ = try await call(ending: status) }
            // Six rang out unanswered: with the seventh, 7-in-7 is reached.
            var lastID = ""
            for _ in 0..<7 { lastID = try await call(ending: "no-answer") }
            let (refused, refusal, _) = try await place()
            #expect(refused == .conflict && refusal["rule"] as? String == "REGF-1006.14b2-7IN7", "\(refusal)")
            #expect(h.calls.placed.count == 15, "nobody is rung for a refused call")

            let (_, history, _) = try await client.call(.get, "/v1/accounts/\(accountID)/contacts", key: h.acmeAgent)
            let outcomes = try #require(history["items"] as? [[String: Any]]).compactMap { $0["outcome"] as? String }
            #expect(outcomes.filter { $0 == "no_answer" }.count == 7 && outcomes.filter { $0 == "busy" }.count == 4
                && outcomes.filter { $0 == "failed" }.count == 4, "\(outcomes)")

            // The agent says the last one was a conversation after all: rewritten, audited, and the week after a
            // conversation now decides.
            let (disposed, call, _) = try await client.call(.post, "/v1/calls/\(lastID)/disposition", key: h.acmeAgent, body: #"{"outcome": "conversation"}"#)
            #expect(disposed == .ok && call["outcome"] as? String == "conversation")
            #expect(try await client.call(.post, "/v1/calls/\(lastID)/disposition", key: h.otherAdmin, body: #"{"outcome": "wrong_party"}"#).0 == .notFound)
            #expect(try await client.call(.post, "/v1/calls/\(lastID)/disposition", key: h.acmeAgent, body: #"{"outcome": "delivered"}"#).0 == .badRequest)
            let (_, audit, _) = try await client.call(.get, "/v1/audit-events?action=contact.outcome&limit=50", key: h.acmeAdmin)
            let amended = try #require(audit["items"] as? [[String: Any]])
            #expect(amended.count == 9 && amended.contains { ($0["details"] as? [String: String])?["after"] == "conversation" }, "\(amended.count)")
            let (_, contactability, _) = try await client.call(.get, "/v1/accounts/\(accountID)/contactability", key: h.acmeAgent)
            let phone = try #require((contactability["items"] as? [[String: Any]])?.first { $0["channel"] as? String == "call" })
            #expect(phone["rule"] as? String == "REGF-1006.14b2-CONV7", "\(phone)")

            let (_, calls, _) = try await client.call(.get, "/v1/accounts/\(accountID)/calls", key: h.acmeAgent)
            #expect((calls["items"] as? [[String: Any]])?.count == 15)
            #expect(try await client.call(.get, "/v1/accounts/\(accountID)/calls", key: h.bankKey).0 == .forbidden)
        }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aVoicemailIsLeftFromItsTemplateAfterTheGreeting(_ kind: TestDatabase) async throws {
        try await APIHarness.with(kind) { h in
        try await h.app.test(.router) { client in
            let csv = [placementHeader + ",phone1_consent", placementRow("VM-1") + ",yes"].joined(separator: "\n")
            let accountID = try await client.placeForAcme(csv, h)

            #expect(try await client.call(.post, "/v1/accounts/\(accountID)/messages", key: h.acmeAgent,
                                          body: #"{"channel": "voicemail", "text": "Call us about your debt."}"#).0 == .badRequest,
                    "a voicemail's words come from a template checked for limited content")
            let (queued, message, text) = try await client.call(
                .post, "/v1/accounts/\(accountID)/messages", key: h.acmeAgent, body: #"{"channel": "voicemail", "template": "callback"}"#)
            #expect(queued == .accepted, "\(text)")
            let messageID = try #require(message["id"] as? String)

            #expect(!h.dispatcher(calls: h.calls, publicURL: nil).channels.contains(.voicemail), "the provider could not fetch the words")
            let dispatcher = h.dispatcher(calls: h.calls)
            #expect(try await dispatcher.drain().sent == 1)
            let placed = try #require(h.calls.placed.first)
            let voice = "/webhooks/voice/\(h.acme)"
            #expect(placed.to == "+15125550100" && placed.detectMachine && placed.idempotencyKey == messageID)
            #expect(placed.answerURL == "https://pay.acme.test\(voice)/voicemail?message=\(messageID)")

            let (played, twiml) = try await client.webhook("\(voice)/voicemail?message=\(messageID)", [("CallSid", "CA1"), ("AnsweredBy", "machine_end_beep")])
            #expect(played == .ok && twiml.contains("<Say language=\"en-US\">Hello, this is Acme from Acme. Please call me back at (512) 555-0199."), "\(twiml)")
            #expect(!twiml.lowercased().contains("debt") && twiml.hasSuffix("<Hangup/></Response>"))
            #expect(try await client.webhook("/webhooks/voice/\(h.other)/voicemail?message=\(messageID)", [("CallSid", "CA1")]).0 == .notFound)

            let (_, before, _) = try await client.call(.get, "/v1/accounts/\(accountID)/contacts", key: h.acmeAgent)
            let pending = try #require((before["items"] as? [[String: Any]])?.first)
            #expect(pending["outcome"] as? String == "no_answer" && pending["dialing_method"] as? String == "prerecorded"
                && pending["content_type"] as? String == "limited_content_message")
            #expect(try await client.webhook("\(voice)/voicemail-status?message=\(messageID)",
                                             [("CallSid", "CA1"), ("CallStatus", "completed"), ("AnsweredBy", "machine_end_beep")]).0 == .noContent)
            let (_, after, _) = try await client.call(.get, "/v1/accounts/\(accountID)/contacts", key: h.acmeAgent)
            #expect((after["items"] as? [[String: Any]])?.first?["outcome"] as? String == "limited_content_message_left")
            let (_, communications, _) = try await client.call(.get, "/v1/accounts/\(accountID)/communications", key: h.acmeAgent)
            let sent = try #require((communications["items"] as? [[String: Any]])?.first)
            #expect(sent["channel"] as? String == "voicemail" && sent["provider_ref"] as? String == "CA1")
            #expect((sent["events"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } == ["delivered"])
        }
        }
    }
}
