import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import RecoupApp
import RecoupCore
import RecoupTestSupport
import Storage
import Testing

/// Settlements through the API on both databases: inside the client's authority at once, outside it only with a
/// manager's approval; the payment that completes one writes the rest down and settles the account in full.
@Suite(.serialized)
struct SettlementsAPITests {
    @Test(arguments: TestDatabase.available)
    func aSixtyPercentSettlementWithinRangeCompletesAndTheAccountShowsSettled(_ kind: TestDatabase) async throws {
        try await PaymentsAPITests.withProcessor(kind) { h, processor in
            try await h.app.test(.router) { client in
                let account = try await client.placeForAcme(placementHeader + "\n" + placementRow("A-1"), h)
                let (offered, offer, text) = try await client.call(.post, "/v1/accounts/\(account)/settlements", key: h.acmeAgent,
                                                                  body: #"{"percent_bp": 6000, "installments": 1, "expires_on": "2026-10-15"}"#)
                #expect(offered == .created && offer["status"] as? String == "offered", "\(text)")
                #expect((offer["amount"] as? [String: Any])?["amount_minor"] as? Int == 6_000)
                let id = try #require(offer["id"] as? String)
                let (accepted, _, acceptText) = try await client.call(.post, "/v1/settlements/\(id)/accept", key: h.acmeAgent, body: "{}")
                #expect(accepted == .ok, "\(acceptText)")

                let card = try await client.addCard(account, token: "pm_card_visa", h)
                let (paid, payment) = try await client.pay(account, method: card, minor: 6_000, key: "settle", h)
                #expect(paid == .created && payment["status"] as? String == "succeeded")
                let (_, ledger, _) = try await client.call(.get, "/v1/accounts/\(account)/ledger", key: h.acmeAdmin)
                let entries = PaymentsAPITests.stored(ledger)
                #expect(entries.map { $0["kind"] as? String } == ["opening_balance", "payment", "settlement_write_down"])
                #expect(PaymentsAPITests.total(ledger) == 0)
                let itemization = try #require(ledger["itemization"] as? [String: Any])
                #expect(itemization["payments"] as? Int == 6_000 && itemization["credits"] as? Int == 4_000 && itemization["current"] as? Int == 0)
                let (_, detail, _) = try await client.call(.get, "/v1/accounts/\(account)", key: h.acmeAdmin)
                #expect(detail["status"] as? String == "settled")
                let (_, list, _) = try await client.call(.get, "/v1/accounts/\(account)/settlements", key: h.bankKey)
                #expect((list["items"] as? [[String: Any]])?.first?["status"] as? String == "completed", "the creditor sees it settled")
                let (_, audit, _) = try await client.call(.get, "/v1/audit-events?action=settlement.completed", key: h.acmeAdmin)
                #expect((audit["items"] as? [Any])?.count == 1)
                let (again, _, _) = try await client.call(.post, "/v1/accounts/\(account)/settlements", key: h.acmeAgent,
                                                          body: #"{"percent_bp": 6000, "installments": 1, "expires_on": "2026-10-15"}"#)
                #expect(again == .conflict, "a settled account takes no new offer")
                // Posting decisions see the account as it stands under its lock: settled, its settlement completed.
                struct Seen: Error { let account: LockedAccount }
                let paymentID = try #require(UUID(uuidString: payment["id"] as? String ?? ""))
                do {
                    _ = try await h.store.transition(paymentID, tenantID: h.acme, at: h.clock.now()) { _, locked, _ in throw Seen(account: locked) }
                    Issue.record("the decision was not asked")
                } catch let seen as Seen {
                    #expect(seen.account.status == .settled && seen.account.settlements.map(\.status) == [.completed])
                }
                var partial: HTTPFields = [.authorization: "Bearer \(h.acmeAdmin)", .contentType: "application/json"]
                partial[HTTPField.Name("Idempotency-Key")!] = "part-1"
                let inPart = try await client.execute(
                    uri: "/v1/payments/\(paymentID.uuidString.lowercased())/refund", method: .post, headers: partial,
                    body: ByteBuffer(string: #"{"reason": "goodwill", "amount_minor": 1000}"#)) { $0.status }
                #expect(inPart == .conflict, "a settlement's payment is refunded in full or not at all")
                #expect(processor.refunds == 0, "refused before the processor was asked: no money went back unposted")

                // The settling payment is refunded: the write-down is undone too and the settlement is open again.
                let (refunded, _, refundText) = try await client.call(.post, "/v1/payments/\(payment["id"] as? String ?? "")/refund",
                                                                      key: h.acmeAdmin, body: #"{"reason": "card reported stolen"}"#)
                #expect(refunded == .ok, "\(refundText)")
                let (_, reopened, _) = try await client.call(.get, "/v1/accounts/\(account)/ledger", key: h.acmeAdmin)
                #expect(PaymentsAPITests.stored(reopened).map { $0["kind"] as? String }
                    == ["opening_balance", "payment", "settlement_write_down", "reversal", "reversal"])
                #expect(PaymentsAPITests.total(reopened) == 10_000, "all of it is owed again")
                let (_, active, _) = try await client.call(.get, "/v1/accounts/\(account)", key: h.acmeAdmin)
                #expect(active["status"] as? String == "active")
                let (_, open, _) = try await client.call(.get, "/v1/accounts/\(account)/settlements", key: h.acmeAdmin)
                #expect((open["items"] as? [[String: Any]])?.first?["status"] as? String == "accepted")
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func anOfferOutsideTheClientsAuthorityWaitsForAManagerAndThenRunsOnAutopay(_ kind: TestDatabase) async throws {
        try await PaymentsAPITests.withProcessor(kind) { h, processor in
            try await h.app.test(.router) { client in
                let account = try await client.placeForAcme(placementHeader + "\n" + placementRow("A-1"), h)
                let (_, offer, _) = try await client.call(.post, "/v1/accounts/\(account)/settlements", key: h.acmeAgent,
                                                          body: #"{"amount_minor": 5000, "installments": 2, "expires_on": "2026-12-31"}"#)
                #expect(offer["status"] as? String == "pending_approval")
                let reasons = offer["approval_reasons"] as? [String] ?? []
                #expect(reasons.count == 2 && reasons[0].contains("below the client's floor of 60 %") && reasons[1].contains("30 days"), "\(reasons)")
                let id = try #require(offer["id"] as? String)
                let card = try await client.addCard(account, token: "pm_card_visa", h)
                let (early, _, _) = try await client.call(.post, "/v1/settlements/\(id)/accept", key: h.acmeAgent, body: #"{"method_id": "\#(card)"}"#)
                #expect(early == .conflict, "not before a manager approves")
                let (agentApproves, _, _) = try await client.call(.post, "/v1/settlements/\(id)/approve", key: h.acmeAgent)
                #expect(agentApproves == .forbidden)
                let (approved, approval, _) = try await client.call(.post, "/v1/settlements/\(id)/approve", key: h.acmeAdmin)
                #expect(approved == .ok && approval["status"] as? String == "offered" && approval["approved_by"] as? String != nil)
                let (_, accepted, _) = try await client.call(.post, "/v1/settlements/\(id)/accept", key: h.acmeAgent,
                                                             body: #"{"method_id": "\#(card)", "first_date": "2026-09-21"}"#)
                #expect(accepted["status"] as? String == "accepted" && accepted["plan_id"] as? String != nil)

                let (runner, _) = PlansAndACHTests.desk(h)
                #expect(try await runner.runAutopay(tenantID: h.acme, on: LocalDate(iso: "2026-09-21")!, actor: "test").charged == 1)
                let (_, midway, _) = try await client.call(.get, "/v1/accounts/\(account)", key: h.acmeAdmin)
                #expect(midway["status"] as? String == "active")
                let october = try await runner.runAutopay(tenantID: h.acme, on: LocalDate(iso: "2026-10-21")!, actor: "test")
                #expect(october.charged == 1 && october.completed == 1, "the second installment completes plan and settlement")
                #expect(processor.intents.map(\.amount) == [2_500, 2_500])
                let (_, detail, _) = try await client.call(.get, "/v1/accounts/\(account)", key: h.acmeAdmin)
                #expect(detail["status"] as? String == "settled")
                let (_, ledger, _) = try await client.call(.get, "/v1/accounts/\(account)/ledger", key: h.acmeAdmin)
                #expect(PaymentsAPITests.stored(ledger).last?["kind"] as? String == "settlement_write_down" && PaymentsAPITests.total(ledger) == 0)
            }
        }
    }
}

/// Promises to pay: kept by a payment in time, broken when the date and the grace days pass without one.
@Suite(.serialized)
struct PromisesAPITests {
    @Test(arguments: TestDatabase.available)
    func aPromiseIsKeptByAPaymentInTimeAndBrokenWithout(_ kind: TestDatabase) async throws {
        try await PaymentsAPITests.withProcessor(kind) { h, _ in
            try await h.app.test(.router) { client in
                let account = try await client.placeForAcme(placementHeader + "\n" + placementRow("A-1"), h)
                let (made, first, text) = try await client.call(.post, "/v1/accounts/\(account)/promises", key: h.acmeAgent,
                                                                body: #"{"amount_minor": 3000, "due_on": "2026-09-25"}"#)
                #expect(made == .created && first["status"] as? String == "open" && first["source"] as? String == "agent", "\(text)")
                let (tooMuch, _, _) = try await client.call(.post, "/v1/accounts/\(account)/promises", key: h.acmeAgent,
                                                            body: #"{"amount_minor": 30000, "due_on": "2026-09-25"}"#)
                #expect(tooMuch == .badRequest)
                let card = try await client.addCard(account, token: "pm_card_visa", h)
                h.clock.advance(by: 60)
                _ = try await client.pay(account, method: card, minor: 3_000, key: "kept", h)
                h.clock.advance(by: 60)
                _ = try await client.call(.post, "/v1/accounts/\(account)/promises", key: h.acmeAgent,
                                          body: #"{"amount_minor": 1000, "due_on": "2026-10-01"}"#)
                h.clock.advance(by: 20 * 86_400)
                let (_, listed, _) = try await client.call(.get, "/v1/accounts/\(account)/promises", key: h.bankKey)
                let statuses = (listed["items"] as? [[String: Any]])?.compactMap { $0["status"] as? String }
                #expect(statuses == ["broken", "kept"], "newest first: the second was never paid; the first was, in time")
            }
        }
    }

    /// At 8:30 p.m. in Austin it is already the next day in UTC, and still today for the consumer: a promise for today
    /// is taken, a payment at 8:30 p.m. on the last day of grace keeps it and posts that day, and a plan or a
    /// settlement offer may still start or end that day.
    @Test(arguments: TestDatabase.available)
    func promisesAreMadeAndKeptOnTheConsumersDays(_ kind: TestDatabase) async throws {
        try await PaymentsAPITests.withProcessor(kind) { h, _ in
            try await h.app.test(.router) { client in
                let account = try await client.placeForAcme(placementHeader + "\n" + placementRow("A-1"), h)
                let card = try await client.addCard(account, token: "pm_card_visa", h)
                h.clock.advance(by: 11 * 3600 + 17 * 60)  // Monday 20:30 CDT, Tuesday 01:30 UTC
                let (made, promise, text) = try await client.call(.post, "/v1/accounts/\(account)/promises", key: h.acmeAgent,
                                                                  body: #"{"amount_minor": 3000, "due_on": "2026-09-21"}"#)
                #expect(made == .created && promise["status"] as? String == "open", "\(text)")
                h.clock.advance(by: 5 * 86_400)  // Saturday 20:30 CDT: the fifth and last day of grace, Sunday in UTC
                _ = try await client.pay(account, method: card, minor: 3_000, key: "late-evening", h)
                let (_, listed, _) = try await client.call(.get, "/v1/accounts/\(account)/promises", key: h.acmeAgent)
                let statuses = (listed["items"] as? [[String: Any]])?.compactMap { $0["status"] as? String }
                #expect(statuses == ["kept"], "\(listed)")
                let (_, ledger, _) = try await client.call(.get, "/v1/accounts/\(account)/ledger", key: h.acmeAdmin)
                let posted = PaymentsAPITests.stored(ledger).last { $0["kind"] as? String == "payment" }
                #expect(posted?["posted_on"] as? String == "2026-09-26", "posted on the consumer's Saturday, the receipt's day: \(ledger)")

                // A plan quoted that evening may start that day too, and its installment paid then counts for it.
                let proposal = #"{"installments": 2, "frequency": "monthly", "first_date": "2026-09-26", "method_id": "\#(card)"}"#
                let (quoted, quote, quoteText) = try await client.call(.post, "/v1/accounts/\(account)/plans/quote", key: h.acmeAgent, body: proposal)
                #expect(quoted == .ok && quote["status"] as? String == "quote", "\(quoteText)")

                // And a settlement offered until that day may still be offered and accepted that evening.
                let (offered, offer, offerText) = try await client.call(.post, "/v1/accounts/\(account)/settlements", key: h.acmeAgent,
                                                                        body: #"{"percent_bp": 6000, "installments": 1, "expires_on": "2026-09-26"}"#)
                #expect(offered == .created, "\(offerText)")
                let (accepted, _, acceptText) = try await client.call(
                    .post, "/v1/settlements/\(try #require(offer["id"] as? String))/accept", key: h.acmeAgent, body: "{}")
                #expect(accepted == .ok, "\(acceptText)")
            }
        }
    }
}
