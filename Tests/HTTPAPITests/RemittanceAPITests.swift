import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RecoupApp
import RecoupCore
import RecoupTestSupport
import Testing

/// Remittance statements through the API on both databases: every dollar collected for a client in a period,
/// split into its share and the agency's fee, as JSON, CSV and PDF; periods never remitted twice; the trust balance;
/// one client never sees another's.
@Suite(.serialized)
struct RemittanceAPITests {
    @Test(arguments: TestDatabase.available)
    func theStatementSplitsEveryDollarAndPeriodsAreRemittedOnce(_ kind: TestDatabase) async throws {
        try await PaymentsAPITests.withProcessor(kind) { h, _ in
            try await h.app.test(.router) { client in
                let csv = placementHeader + "\n" + placementRow("A-1") + "\n" + placementRow("A-2", ssn: "123-45-6780")
                _ = try await client.call(.post, "/v1/placements?client_id=\(h.acmeBank)", key: h.acmeAdmin, body: csv, contentType: "text/csv")
                let (_, page, _) = try await client.call(.get, "/v1/accounts", key: h.acmeAdmin)
                let accounts = try #require((page["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String })
                #expect(accounts.count == 2)
                var payments: [String] = []
                for (index, (account, minor)) in zip(accounts + accounts, [Int64(1_001), 2_500, 3_333, 999]).enumerated() {
                    let card = try await client.addCard(account, token: "pm_card_visa", h)
                    let (_, payment) = try await client.pay(account, method: card, minor: minor, key: "k-\(index)", h)
                    payments.append(try #require(payment["id"] as? String))
                }
                let (_, _, refundText) = try await client.call(.post, "/v1/payments/\(payments[1])/refund", key: h.acmeAdmin,
                                                               body: #"{"reason": "duplicate"}"#)
                #expect(!refundText.isEmpty)
                let (_, before, _) = try await client.call(.get, "/v1/clients/\(h.acmeBank)/remittances", key: h.bankKey)
                // 25 % of 10.01, 33.33 and 9.99 (the refunded 25.00 nets to nothing): 7.51 + 25.00 + 7.49 to the client.
                #expect((before["trust_balance"] as? [String: Any])?["amount_minor"] as? Int == 751 + 2_500 + 749)

                let (early, _, _) = try await client.call(.post, "/v1/clients/\(h.acmeBank)/remittances", key: h.acmeAdmin,
                                                          body: #"{"from": "2026-09-01", "to": "2026-09-30"}"#)
                #expect(early == .badRequest, "a period is remitted once it has ended")
                // October 1, 10:00 UTC: still September 30 in Honolulu and Pago Pago, where a payment would post on the 30th.
                h.clock.advance(by: 9 * 86_400 + 19 * 3_600 + 46 * 60 + 40)
                let (stillSeptember, _, stillText) = try await client.call(
                    .post, "/v1/clients/\(h.acmeBank)/remittances", key: h.acmeAdmin, body: #"{"from": "2026-09-01", "to": "2026-09-30"}"#)
                #expect(stillSeptember == .badRequest && stillText.contains("every time zone"), "\(stillText)")
                h.clock.advance(by: 20 * 86_400)
                let (bankTries, _, _) = try await client.call(.post, "/v1/clients/\(h.acmeBank)/remittances", key: h.bankKey,
                                                              body: #"{"from": "2026-09-01", "to": "2026-09-30"}"#)
                #expect(bankTries == .forbidden)
                let (issued, remittance, text) = try await client.call(.post, "/v1/clients/\(h.acmeBank)/remittances", key: h.acmeAdmin,
                                                                       body: #"{"from": "2026-09-01", "to": "2026-09-30"}"#)
                #expect(issued == .created, "\(text)")
                func minor(_ key: String) -> Int? { (remittance[key] as? [String: Any])?["amount_minor"] as? Int }
                #expect(minor("collected") == 1_001 + 3_333 + 999 && remittance["lines"] as? Int == 5)
                #expect(minor("client_share") == 4_000 && minor("agency_fee") == 1_333 && minor("remitted") == 4_000)
                let (overlap, _, _) = try await client.call(.post, "/v1/clients/\(h.acmeBank)/remittances", key: h.acmeAdmin,
                                                            body: #"{"from": "2026-09-15", "to": "2026-10-01"}"#)
                #expect(overlap == .conflict, "no dollar is remitted twice")
                let (_, after, _) = try await client.call(.get, "/v1/clients/\(h.acmeBank)/remittances", key: h.bankKey)
                #expect((after["trust_balance"] as? [String: Any])?["amount_minor"] as? Int == 0)
                #expect((after["items"] as? [Any])?.count == 1)

                let id = try #require(remittance["id"] as? String)
                let (csvStatus, _, statement) = try await client.call(.get, "/v1/remittances/\(id)/statement", key: h.bankKey)
                #expect(csvStatus == .ok)
                let rows = statement.split(separator: "\r\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
                #expect(rows.first?.joined(separator: ",") == "posted_on,account_number,reference,kind,collected,client_share,agency_fee")
                #expect(rows.dropFirst().dropLast().map { String($0[3]) } == ["payment", "payment", "payment", "payment", "reversal"])
                #expect(rows.last?.suffix(3).map(String.init) == ["53.33", "40.00", "13.33"], "the total row")
                for row in rows.dropFirst() {
                    let cents = row.suffix(3).map { Int(Double(String($0))! * 100 + ($0.hasPrefix("-") ? -0.5 : 0.5)) }
                    #expect(cents[0] == cents[1] + cents[2], "every line splits exactly: \(row)")
                }
                let pdf = try await client.execute(uri: "/v1/remittances/\(id)/statement?format=pdf", method: .get,
                                                   headers: [.authorization: "Bearer \(h.acmeAdmin)"]) { response in
                    (response.status, response.headers[.contentType], String(buffer: response.body))
                }
                #expect(pdf.0 == .ok && pdf.1 == "application/pdf" && pdf.2.hasPrefix("%PDF-"))

                let (clinic, _, _) = try await client.call(.get, "/v1/clients/\(h.acmeClinic)/remittances", key: h.bankKey)
                #expect(clinic == .notFound, "a client sees only its own remittances")
                let (other, _, _) = try await client.call(.get, "/v1/remittances/\(id)/statement", key: h.otherAdmin)
                #expect(other == .notFound)
            }
        }
    }
}

/// Interest only where the client allows it: simple daily on the principal, posted by the daily run once per day.
@Suite(.serialized)
struct InterestAPITests {
    @Test(arguments: TestDatabase.available)
    func interestAccruesOnlyWhereTheClientAllowsIt(_ kind: TestDatabase) async throws {
        try await APIHarness.with(kind) { h in
            try await h.app.test(.router) { client in
                let account = try await client.placeForAcme(placementHeader + "\n" + placementRow("A-1"), h)
                let terms = """
                    {"allocation": ["fees", "interest", "principal"], "plan_max_months": 12, "plan_minimum_installment_minor": 2500,
                     "plan_minimum_down_payment_bp": 0, "settlement_minimum_bp": 6000, "settlement_max_installments": 3,
                     "settlement_max_valid_days": 30, "contingency_bp": 2500, "grace_days": 5, "misses_to_break": 2,
                     "interest_bp": 1825, "day_count": "actual/365"}
                    """
                let (saved, echoed, text) = try await client.call(.put, "/v1/clients/\(h.acmeBank)/terms", key: h.acmeAdmin, body: terms)
                #expect(saved == .ok && echoed["interest_bp"] as? Int == 1_825 && echoed["day_count"] as? String == "actual/365", "\(text)")
                let (tooHigh, _, _) = try await client.call(.put, "/v1/clients/\(h.acmeBank)/terms", key: h.acmeAdmin,
                                                            body: terms.replacingOccurrences(of: "1825", with: "9999"))
                #expect(tooHigh == .badRequest, "36 % a year at most")

                let payments = PaymentService(
                    payments: h.store, settlements: h.store, accounts: AccountService(accounts: h.store, clock: h.clock), processor: nil, clock: h.clock)
                #expect(try await payments.accrueInterest(tenantID: h.acme, clients: [h.acmeBank], through: LocalDate(iso: "2026-09-21")!,
                                                          actor: "test").accounts == 0, "nothing on the day it was placed")
                let day = LocalDate(iso: "2026-10-21")!
                let accrued = try await payments.accrueInterest(tenantID: h.acme, clients: [h.acmeBank, h.acmeClinic], through: day, actor: "test")
                // 100.00 at 18.25 % for the 30 days since placement (2026-09-21; what accrued before is in the placed
                // amounts), actual/365: 1.50.
                #expect(accrued.accounts == 1 && accrued.interest == 150)
                let again = try await payments.accrueInterest(tenantID: h.acme, clients: [h.acmeBank], through: day, actor: "test")
                #expect(again.accounts == 0, "once per day")
                let (_, ledger, _) = try await client.call(.get, "/v1/accounts/\(account)/ledger", key: h.acmeAdmin)
                #expect(PaymentsAPITests.stored(ledger).map { $0["kind"] as? String } == ["opening_balance", "interest_accrual"])
                let itemization = try #require(ledger["itemization"] as? [String: Any])
                #expect(itemization["interest"] as? Int == 150 && itemization["current"] as? Int == 10_150)
                let (_, audit, _) = try await client.call(.get, "/v1/audit-events?action=interest.accrued", key: h.acmeAdmin)
                #expect((audit["items"] as? [Any])?.count == 1)

                // Without a date each account accrues through its consumer's today: at 8:30 p.m. on October 21 in
                // Austin (the 22nd in UTC) nothing more; after midnight there, one more day: 0.05.
                var nightly = payments
                nightly.consumerDays = ConsumerDays(messages: PlansAndACHTests.messages(h))
                h.clock.advance(by: 30 * 86_400 + 11 * 3600 + 17 * 60)
                #expect(try await nightly.accrueInterest(tenantID: h.acme, clients: [h.acmeBank], actor: "test").accounts == 0, "still the 21st in Austin")
                h.clock.advance(by: 5 * 3600)
                let nextDay = try await nightly.accrueInterest(tenantID: h.acme, clients: [h.acmeBank], actor: "test")
                #expect(nextDay.accounts == 1 && nextDay.interest == 5, "\(nextDay)")
            }
        }
    }
}
