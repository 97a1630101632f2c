import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import RecoupApp
import RecoupCore
import RecoupTestSupport
import Testing

/// One-off messages over HTTP: queued with the disclosures after a compliance check, refused with 409 and the
/// deciding rule when the engine says no, idempotent, listed per account and in the outbox, staff only, and never
/// across tenants.
struct MessagesAPITests {
    @Test(arguments: TestDatabase.available)
    func emailIsQueuedOnceListedAndRefusedWithTheDecisionAfterAnOptOut(_ kind: TestDatabase) async throws {
        try await APIHarness.with(kind) { h in
        try await h.app.test(.router) { client in
            let csv = [placementHeader, placementRow("MS-1")].joined(separator: "\n")
            let accountID = try await client.placeForAcme(csv, h)
            let body = #"{"channel": "email", "subject": "Your Big Bank account", "text": "Hello Pat,\n\nA payment plan is available."}"#
            func send(_ key: String, idempotencyKey: String?) async throws -> (HTTPResponse.Status, [String: Any], String) {
                var headers: HTTPFields = [.authorization: "Bearer \(key)", .contentType: "application/json"]
                if let idempotencyKey { headers[HTTPField.Name("Idempotency-Key")!] = idempotencyKey }
                return try await client.execute(
                    uri: "/v1/accounts/\(accountID)/messages", method: .post, headers: headers, body: ByteBuffer(string: body)
                ) { response in
                    let text = String(buffer: response.body)
                    return (response.status, (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:], text)
                }
            }

            let (queued, message, text) = try await send(h.acmeAgent, idempotencyKey: "m-1")
            #expect(queued == .accepted, "\(text)")
            #expect(message["status"] as? String == "queued" && message["recipient"] as? String == "pat@example.com")
            let (again, repeated, _) = try await send(h.acmeAgent, idempotencyKey: "m-1")
            #expect(again == .ok && repeated["id"] as? String == message["id"] as? String, "a retried request queues nothing new")

            let (listed, communications, _) = try await client.call(.get, "/v1/accounts/\(accountID)/communications", key: h.acmeAgent)
            #expect(listed == .ok && (communications["items"] as? [[String: Any]])?.count == 1)
            let (outbox, queue, _) = try await client.call(.get, "/v1/outbox?status=queued", key: h.acmeAdmin)
            #expect(outbox == .ok && (queue["items"] as? [[String: Any]])?.map { $0["id"] as? String } == [message["id"] as? String])
            let (dead, deadLetters, _) = try await client.call(.get, "/v1/outbox?status=dead", key: h.acmeAdmin)
            #expect(dead == .ok && (deadLetters["items"] as? [[String: Any]])?.isEmpty == true)

            // The consumer opts out of email at that address: the next send is refused with the rule, not queued.
            let destination = try #require(message["destination_id"] as? String)
            let optOut = #"{"kind": "opt_out", "fact": {"recorded_at": "2026-09-21T13:00:00Z", "medium": "email", "scope": "address", "destination": "\#(destination)"}}"#
            let (recorded, _, _) = try await client.call(.post, "/v1/accounts/\(accountID)/facts", key: h.acmeAgent, body: optOut)
            #expect(recorded == .created)
            let (refused, refusal, refusalText) = try await send(h.acmeAgent, idempotencyKey: nil)
            #expect(refused == .conflict, "\(refusalText)")
            #expect(refusal["status"] as? Int == 409 && refusal["rule"] as? String == "REGF-1006.14h-MEDIUM")
            #expect((refusal["detail"] as? String)?.isEmpty == false && (refusal["citation"] as? String)?.contains("1006.14(h)") == true)
            let (_, after, _) = try await client.call(.get, "/v1/accounts/\(accountID)/communications", key: h.acmeAgent)
            #expect((after["items"] as? [[String: Any]])?.count == 1)

            // Creditor clients cannot send or read messages; another agency sees nothing.
            #expect(try await send(h.bankKey, idempotencyKey: nil).0 == .forbidden)
            #expect(try await client.call(.get, "/v1/accounts/\(accountID)/communications", key: h.bankKey).0 == .forbidden)
            #expect(try await client.call(.get, "/v1/accounts/\(accountID)/communications", key: h.otherAdmin).0 == .notFound)
            #expect(try await send(h.otherAdmin, idempotencyKey: nil).0 == .notFound)
            let (_, otherQueue, _) = try await client.call(.get, "/v1/outbox?status=queued", key: h.otherAdmin)
            #expect((otherQueue["items"] as? [[String: Any]])?.isEmpty == true)
            #expect(try await client.call(.get, "/v1/outbox?status=lost", key: h.acmeAdmin).0 == .badRequest)
        }
        }
    }

    @Test(arguments: TestDatabase.available)
    func theOneClickUnsubscribeLinkOptsTheAddressOutWithoutAKey(_ kind: TestDatabase) async throws {
        try await APIHarness.with(kind) { h in
        try await h.app.test(.router) { client in
            let csv = [placementHeader, placementRow("UN-1")].joined(separator: "\n")
            let accountID = try await client.placeForAcme(csv, h)
            let send = #"{"channel": "email", "subject": "Your account", "text": "Hello."}"#
            let (queued, message, _) = try await client.call(.post, "/v1/accounts/\(accountID)/messages", key: h.acmeAgent, body: send)
            #expect(queued == .accepted)
            let id = try #require((message["id"] as? String).flatMap(UUID.init(uuidString:)))
            let token = h.links.token(for: id)
            #expect(h.links.link(for: id) == "https://pay.acme.test/u/\(token)")

            // A link scanner's GET changes nothing; the page's button (or the mail client's one-click POST) does.
            let (shown, _, html) = try await client.call(.get, "/u/\(token)", key: nil)
            #expect(shown == .ok && html.contains("<form method=\"post\""))
            let (_, noFacts, _) = try await client.call(.get, "/v1/accounts/\(accountID)/facts", key: h.acmeAgent)
            #expect((noFacts["items"] as? [[String: Any]])?.isEmpty == true)

            let (done, _, confirmation) = try await client.call(.post, "/u/\(token)", key: nil, body: "List-Unsubscribe=One-Click",
                                                               contentType: "application/x-www-form-urlencoded")
            #expect(done == .ok && confirmation.contains("pat@example.com"), "\(confirmation)")
            #expect(try await client.call(.post, "/u/\(token)", key: nil).0 == .ok, "following the link again is harmless")
            let (_, facts, _) = try await client.call(.get, "/v1/accounts/\(accountID)/facts", key: h.acmeAgent)
            let recorded = try #require(facts["items"] as? [[String: Any]])
            #expect(recorded.count == 1 && recorded.first?["kind"] as? String == "opt_out")
            #expect(recorded.first?["recorded_by"] as? String == "consumer:unsubscribe-link")

            let (refused, refusal, _) = try await client.call(.post, "/v1/accounts/\(accountID)/messages", key: h.acmeAgent, body: send)
            #expect(refused == .conflict && refusal["rule"] as? String == "REGF-1006.14h-MEDIUM")

            // A forged or altered link does nothing.
            let forged = String(token.dropLast()) + (token.hasSuffix("A") ? "B" : "A")
            #expect(try await client.call(.post, "/u/\(forged)", key: nil).0 == .notFound)
            #expect(try await client.call(.post, "/u/\(UUID().uuidString.lowercased()).x", key: nil).0 == .notFound)
        }
        }
    }
}

/// What happens to an email after it leaves: the open pixel and click redirects of its HTML part (signed, no open
/// redirect), and the relay's signed event webhook (delivered, bounced, complaint → opt-out), shown per message in
/// the account's communications.
struct EmailEngagementAPITests {
    @Test(arguments: TestDatabase.available)
    func opensClicksBouncesAndComplaintsAreTrackedPerMessage(_ kind: TestDatabase) async throws {
        try await APIHarness.with(kind) { h in
        try await h.app.test(.router) { client in
            let csv = [placementHeader, placementRow("EN-1")].joined(separator: "\n")
            let accountID = try await client.placeForAcme(csv, h)
            let body = #"{"channel": "email", "subject": "Your account", "text": "Pay at https://pay.acme.test/r/1 today."}"#
            let (_, message, _) = try await client.call(.post, "/v1/accounts/\(accountID)/messages", key: h.acmeAgent, body: body)
            let id = try #require((message["id"] as? String).flatMap(UUID.init(uuidString:)))
            let links = TrackingLinks(baseURL: "https://pay.acme.test", key: SymmetricKey(data: Data(repeating: 9, count: 32)))
            func kinds() async throws -> [String] {
                let (_, listed, _) = try await client.call(.get, "/v1/accounts/\(accountID)/communications", key: h.acmeAgent)
                return try #require((listed["items"] as? [[String: Any]])?.first?["events"] as? [[String: Any]]).compactMap { $0["kind"] as? String }
            }

            // The pixel: a GIF whatever the token; only a signed one records an open, once.
            let pixel = String(links.pixel(for: id).dropFirst("https://pay.acme.test".count))
            let (shown, _, _) = try await client.call(.get, pixel, key: nil)
            #expect(shown == .ok)
            _ = try await client.call(.get, pixel, key: nil)
            #expect(try await client.call(.get, "/t/\(id.uuidString.lowercased()).forged.gif", key: nil).0 == .ok)
            #expect(try await kinds() == ["opened"])

            // A click, a minute later, redirects only where the message pointed.
            h.clock.advance(by: 60)
            let click = String(links.click(for: id, to: "https://pay.acme.test/r/1").dropFirst("https://pay.acme.test".count))
            let location = try await client.execute(uri: click, method: .get) { ($0.status, $0.headers[.location]) }
            #expect(location.0 == .found && location.1 == "https://pay.acme.test/r/1")
            let elsewhere = click.replacingOccurrences(of: "pay.acme.test%2Fr%2F1", with: "evil.example%2F")
            #expect(try await client.call(.get, elsewhere, key: nil).0 == .notFound, "no open redirect")
            #expect(try await kinds() == ["opened", "clicked"])

            // The relay reports a bounce, then a complaint: both tracked; the complaint opts the address out.
            h.clock.advance(by: 60)
            func events(_ json: String, secret: String = APIHarness.emailEventsSecret) async throws -> (HTTPResponse.Status, String) {
                var headers: HTTPFields = [.contentType: "application/json"]
                headers[HTTPField.Name("X-Recoup-Signature")!] = "sha256=" + WebhookSignature.hmacSHA256(Data(json.utf8), secret: secret)
                return try await client.execute(uri: "/webhooks/email/\(h.acme)/events", method: .post, headers: headers,
                                                body: ByteBuffer(string: json)) { ($0.status, String(buffer: $0.body)) }
            }
            let bounce = #"[{"message_id": "<\#(id.uuidString.lowercased())@recoup.localhost>", "event": "bounced", "detail": "452 mailbox full"}]"#
            #expect(try await events(bounce, secret: "wrong").0 == .forbidden)
            #expect(try await events(bounce).0 == .noContent)
            h.clock.advance(by: 60)
            #expect(try await events(#"[{"message_id": "\#(id.uuidString.lowercased())", "event": "complained"}]"#).0 == .noContent)
            #expect(try await kinds() == ["opened", "clicked", "bounced", "opted_out"])
            let (_, facts, _) = try await client.call(.get, "/v1/accounts/\(accountID)/facts", key: h.acmeAgent)
            #expect((facts["items"] as? [[String: Any]])?.first?["recorded_by"] as? String == "relay:complaint")
            let (refused, refusal, _) = try await client.call(.post, "/v1/accounts/\(accountID)/messages", key: h.acmeAgent, body: body)
            #expect(refused == .conflict && refusal["rule"] as? String == "REGF-1006.14h-MEDIUM")

            // Bad rows are named; another agency's webhook cannot reach this message.
            let (bad, problem) = try await events(#"[{"message_id": "nope", "event": "bounced"}, {"message_id": "\#(UUID().uuidString)", "event": "delivered"}]"#)
            #expect(bad == .badRequest && problem.contains("[0]") && problem.contains("no such message"), "\(problem)")
            var headers: HTTPFields = [.contentType: "application/json"]
            let foreign = #"[{"message_id": "\#(id.uuidString.lowercased())", "event": "delivered"}]"#
            headers[HTTPField.Name("X-Recoup-Signature")!] = "sha256=" + WebhookSignature.hmacSHA256(Data(foreign.utf8), secret: APIHarness.emailEventsSecret)
            let other = try await client.execute(uri: "/webhooks/email/\(h.other)/events", method: .post, headers: headers,
                                                 body: ByteBuffer(string: foreign)) { $0.status }
            #expect(other == .badRequest)
            #expect(try await kinds() == ["opened", "clicked", "bounced", "opted_out"])
        }
        }
    }
}
