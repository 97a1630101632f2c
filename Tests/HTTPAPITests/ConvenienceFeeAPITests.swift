import Foundation
import HTTPTypes
import HummingbirdTesting
import RecoupTestSupport
import Testing

/// Convenience fees on both databases: none unless the client's terms authorise one, only where every address of the
/// consumer is in a permitted state, never charged unless the payment names the quoted fee, and never posted to the
/// debt: the processor takes amount + fee, the ledger the amount.
@Suite(.serialized)
struct ConvenienceFeeAPITests {
    static func terms(_ fee: String?) -> String {
        """
        {"allocation": ["fees", "interest", "principal"], "plan_max_months": 12, "plan_minimum_installment_minor": 2500,
         "plan_minimum_down_payment_bp": 0, "settlement_minimum_bp": 6000, "settlement_max_installments": 3,
         "settlement_max_valid_days": 30, "contingency_bp": 2500, "grace_days": 5, "misses_to_break": 2\(fee.map { ", \"convenience_fee\": \($0)" } ?? "")}
        """
    }

    @Test(arguments: TestDatabase.available)
    func aFeeIsChargedOnlyWhereAuthorisedPermittedAndAccepted(_ kind: TestDatabase) async throws {
        try await PaymentsAPITests.withProcessor(kind) { h, processor in
            try await h.app.test(.router) { client in
                // Pat lives in Texas.
                let account = try await client.placeForAcme(placementHeader + "\n" + placementRow("A-1"), h)
                let card = try await client.addCard(account, token: "pm_card_visa", h)
                func quote(_ method: String) async throws -> (Int?, String) {
                    let (status, body, text) = try await client.call(
                        .get, "/v1/accounts/\(account)/convenience-fee?method_id=\(method)", key: h.acmeAgent)
                    #expect(status == .ok, "\(text)")
                    return ((body["fee"] as? [String: Any])?["amount_minor"] as? Int, body["reason"] as? String ?? "")
                }

                // Off by default: nothing to quote, and a fee sent anyway is refused.
                #expect(try await quote(card) == (0, "the client authorises no convenience fee"))
                let (unasked, refusal) = try await client.pay(account, method: card, minor: 4_000, fee: 300, key: "k-0", h)
                #expect(unasked == .badRequest && "\(refusal)".contains("convenience_fee_minor") && "\(refusal)".contains("no convenience fee"))

                // Authorised, but only for California: none for Pat.
                let (saved, _, text) = try await client.call(
                    .put, "/v1/clients/\(h.acmeBank)/terms", key: h.acmeAdmin, body: Self.terms(#"{"card_minor": 300, "states": ["CA"]}"#))
                #expect(saved == .ok, "\(text)")
                #expect(try await quote(card).1 == "not permitted in TX, where the consumer has an address")

                let (bad, problem, _) = try await client.call(
                    .put, "/v1/clients/\(h.acmeBank)/terms", key: h.acmeAdmin, body: Self.terms(#"{"card_minor": 300, "states": ["TX", "XX"]}"#))
                #expect(bad == .badRequest && "\(problem)".contains("convenience_fee.states[1]"))

                // Permitted in Texas for cards: quoted, refused unless accepted, then charged on top.
                _ = try await client.call(
                    .put, "/v1/clients/\(h.acmeBank)/terms", key: h.acmeAdmin, body: Self.terms(#"{"card_minor": 300, "states": ["TX", "CA"]}"#))
                let (_, read, _) = try await client.call(.get, "/v1/clients/\(h.acmeBank)/terms", key: h.acmeAdmin)
                #expect((read["convenience_fee"] as? [String: Any])?["states"] as? [String] == ["CA", "TX"])
                let (fee, reason) = try await quote(card)
                #expect(fee == 300 && reason.contains("permitted in TX"))
                let (silent, unannounced) = try await client.pay(account, method: card, minor: 4_000, key: "k-1", h)
                #expect(silent == .badRequest && "\(unannounced)".contains("carries a convenience fee of 3.00"), "\(unannounced)")
                #expect(processor.intents.isEmpty, "nothing was charged")

                let (status, payment) = try await client.pay(account, method: card, minor: 4_000, fee: 300, key: "k-2", h)
                #expect(status == .created && payment["status"] as? String == "succeeded", "\(payment)")
                #expect((payment["convenience_fee"] as? [String: Any])?["amount_minor"] as? Int == 300)
                #expect(processor.intents.map(\.amount) == [4_300], "the processor takes the amount and the fee together")
                let (_, ledger, _) = try await client.call(.get, "/v1/accounts/\(account)/ledger", key: h.acmeAdmin)
                #expect(PaymentsAPITests.total(ledger) == 6_000, "the debt is reduced by the amount, not the fee")
                let posted = try #require(PaymentsAPITests.stored(ledger).last)
                #expect(posted["client_share_minor"] as? Int == 3_000 && posted["agency_fee_minor"] as? Int == 1_000,
                        "the contingency split is on what was paid on the debt")
                let (_, audit, _) = try await client.call(.get, "/v1/audit-events?action=payment.created", key: h.acmeAdmin)
                let created = try #require((audit["items"] as? [[String: Any]])?.first)
                #expect((created["details"] as? [String: String])?["convenience_fee"] == "3.00")

                // No fee for bank payments under these terms.
                let (_, bank, bankText) = try await client.call(.post, "/v1/accounts/\(account)/payment-methods", key: h.acmeAgent, body: """
                    {"type": "bank", "routing": "011000015", "account_number": "000123456789", "holder": "Pat Doe",
                     "authorization": "I authorise Acme to debit my checking account once for the amount stated."}
                    """)
                let bankID = try #require(bank["id"] as? String, "\(bankText)")
                #expect(try await quote(bankID) == (0, "the client sets no convenience fee on bank payments"))
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aConsumerWithAnAddressInABarredStatePaysNoFee(_ kind: TestDatabase) async throws {
        try await PaymentsAPITests.withProcessor(kind) { h, _ in
            try await h.app.test(.router) { client in
                // The same person (same SSN) placed again with an Oklahoma address: two addresses on file.
                let texas = try await client.placeForAcme(placementHeader + "\n" + placementRow("A-1"), h)
                let oklahoma = placementRow("A-2").replacingOccurrences(of: "Austin,TX,78701", with: "Tulsa,OK,74103")
                _ = try await client.placeForAcme(placementHeader + "\n" + oklahoma, h)
                _ = try await client.call(
                    .put, "/v1/clients/\(h.acmeBank)/terms", key: h.acmeAdmin, body: Self.terms(#"{"card_minor": 300, "states": ["TX"]}"#))
                let card = try await client.addCard(texas, token: "pm_card_visa", h)
                let (_, body, _) = try await client.call(.get, "/v1/accounts/\(texas)/convenience-fee?method_id=\(card)", key: h.acmeAgent)
                #expect(body["reason"] as? String == "not permitted in OK, where the consumer has an address", "\(body)")
            }
        }
    }
}
