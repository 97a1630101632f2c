import Compliance
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RecoupApp
import RecoupCore
import RecoupTestSupport
import Testing

/// A letter the post office returns: the mailing becomes `returned_undeliverable`, the letter shows `returned`, a
/// validation notice still waiting for that address is blocked at send time (REGF-1006.42-DELIVERY), and no new
/// letter is queued to it.
struct ReturnedMailAPITests {
    /// Files every letter at once, as the print batch does.
    struct FiledLetters: LetterTransport {
        func send(_ letter: OutboxMessage) async throws -> String { "print/\(letter.id.uuidString.lowercased()).pdf" }
    }

    /// The validation notice mailed is the notice provided (REGF-1006.34-VN-TIMING): collection goes on past the fifth
    /// day after it, and the validation period it started is the one the engine keeps.
    @Test(arguments: TestDatabase.available)
    func aMailedNoticeIsTheNoticeProvided(_ kind: TestDatabase) async throws {
        try await APIHarness.with(kind) { h in
        try await h.app.test(.router) { client in
            let accountID = try await client.placeForAcme([placementHeader, placementRow("VN-1")].joined(separator: "\n"), h)
            let notice = #"{"channel": "letter", "letter": "validation_notice"}"#
            #expect(try await client.call(.post, "/v1/accounts/\(accountID)/messages", key: h.acmeAgent, body: notice).0 == .accepted)
            #expect(try await h.dispatcher(letters: FiledLetters()).drain().sent == 1)
            h.clock.advance(by: 8 * 86_400)  // Tuesday 2026-09-29, 09:13 in Austin
            let email = #"{"channel": "email", "subject": "Your account", "text": "Hello."}"#
            let (status, _, text) = try await client.call(.post, "/v1/accounts/\(accountID)/messages", key: h.acmeAgent, body: email)
            #expect(status == .accepted, "the notice went out with the first letter: \(text)")
            let (_, check, _) = try await client.call(.get, "/v1/accounts/\(accountID)/contactability", key: h.acmeAgent)
            let emailCheck = (check["items"] as? [[String: Any]])?.first { $0["channel"] as? String == "email" }
            #expect(emailCheck?["allowed"] as? Bool == true, "\(check)")
        }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aReturnedLetterStopsMailToThatAddress(_ kind: TestDatabase) async throws {
        try await APIHarness.with(kind) { h in
        try await h.app.test(.router) { client in
            let csv = [placementHeader, placementRow("RM-1")].joined(separator: "\n")
            let accountID = try await client.placeForAcme(csv, h)
            let notice = #"{"channel": "letter", "letter": "validation_notice"}"#
            let (queued, letter, text) = try await client.call(.post, "/v1/accounts/\(accountID)/messages", key: h.acmeAgent, body: notice)
            #expect(queued == .accepted, "\(text)")
            let letterID = try #require(letter["id"] as? String)

            let dispatcher = h.dispatcher(letters: FiledLetters())
            #expect(try await dispatcher.drain().sent == 1)
            h.clock.advance(by: 3600)
            let (again, second, _) = try await client.call(.post, "/v1/accounts/\(accountID)/messages", key: h.acmeAgent, body: notice)
            #expect(again == .accepted, "a second notice waits in the outbox")

            let returned = #"{"reason": "moved_left_no_address"}"#
            #expect(try await client.call(.post, "/v1/letters/\(letterID)/returned", key: h.otherAdmin, body: returned).0 == .notFound)
            #expect(try await client.call(.post, "/v1/letters/\(letterID)/returned", key: h.bankKey, body: returned).0 == .forbidden)
            #expect(try await client.call(.post, "/v1/letters/\(letterID)/returned", key: h.acmeAgent, body: #"{"reason": "lost"}"#).0 == .badRequest)
            #expect(try await client.call(.post, "/v1/letters/\(second["id"] as? String ?? "")/returned", key: h.acmeAgent, body: returned).0
                == .conflict, "a letter still in the outbox was never mailed")
            for _ in 0..<2 {
                let (status, answer, text) = try await client.call(.post, "/v1/letters/\(letterID)/returned", key: h.acmeAgent, body: returned)
                #expect(status == .ok, "\(text)")
                #expect((answer["events"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } == ["returned"], "recorded once")
            }
            let (_, contacts, _) = try await client.call(.get, "/v1/accounts/\(accountID)/contacts", key: h.acmeAgent)
            #expect((contacts["items"] as? [[String: Any]])?.compactMap { $0["outcome"] as? String } == ["returned_undeliverable"])
            let (_, audit, _) = try await client.call(.get, "/v1/audit-events?action=contact.outcome", key: h.acmeAdmin)
            #expect((audit["items"] as? [[String: Any]])?.count == 1)

            // The notice still queued for that address is not sent: it would not give actual notice.
            #expect(try await dispatcher.drain().blocked == 1)
            let (_, blocked, _) = try await client.call(.get, "/v1/outbox?status=blocked", key: h.acmeAgent)
            #expect((blocked["items"] as? [[String: Any]])?.first?["rule"] as? String == "REGF-1006.42-DELIVERY")
            // And no new letter is queued there.
            let (refused, problem, _) = try await client.call(
                .post, "/v1/accounts/\(accountID)/messages", key: h.acmeAgent, body: #"{"channel": "letter", "letter": "final_demand", "text": "Please pay."}"#)
            #expect(refused == .badRequest && "\(problem)".contains("came back undeliverable"), "\(problem)")
        }
        }
    }
}
