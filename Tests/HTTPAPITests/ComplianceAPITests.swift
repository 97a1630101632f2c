import Compliance
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import RecoupCore
import RecoupTestSupport
import SQLKit
import Storage
import Testing

/// `POST /v1/compliance/check`: the check document over HTTP, for staff keys only.
struct ComplianceAPITests {
    /// A manual call at 07:59 Eastern to a consumer in Columbus, Ohio.
    static let earlyCall = """
        {"facts": {"as_of": "2025-10-15T07:59:00-04:00",
                   "jurisdiction": {"consumer_state": "OH", "consumer_city": "Columbus, OH"},
                   "collector": {"name": "Acme Recovery LLC", "type": "third_party_debt_collector", "fdcpa_covered": true, "licensed_states": ["*"]},
                   "consumer": {"id": "P1", "location_signals": [{"source": "mailing_address", "tz": "America/New_York"}]},
                   "persons": [{"id": "P1", "role": "consumer", "name": "Pat Doe"}],
                   "debts": [{"id": "D1", "type": "credit_card", "creditor": "Big Bank"}],
                   "destinations": [{"id": "cell-1", "type": "cell", "value": "+16145550101", "person": "P1",
                                     "source": "provided_by_consumer_to_creditor_on_application"}]},
         "proposed": {"action": "contact", "channel": "call", "timestamp": "2025-10-15T07:59:00-04:00", "debt_id": "D1",
                      "person": "P1", "destination": "cell-1", "destination_type": "cell", "dialing_method": "manual",
                      "content": {"type": "collection", "includes_mini_miranda": true}}}
        """

    @Test func decidesADocumentWithRuleCitationAndNextLawfulInstant() async throws {
        try await APIHarness.with(.sqlite) { h in
        try await h.app.test(.router) { client in
            let (status, decision, text) = try await client.call(.post, "/v1/compliance/check", key: h.acmeAgent, body: Self.earlyCall)
            #expect(status == .ok, "\(text)")
            #expect(decision["allowed"] as? Bool == false)
            #expect(decision["rule"] as? String == "REGF-1006.6b1i-TIME")
            #expect(decision["next_allowed_at"] as? String == "2025-10-15T08:00:00-04:00")
            let findings = try #require(decision["findings"] as? [[String: Any]])
            #expect(findings.contains { $0["rule"] as? String == "REGF-1006.6b1i-TIME" && $0["verdict"] as? String == "block"
                && ($0["citation"] as? String)?.contains("1006.6(b)(1)(i)") == true })
            #expect((decision["computed"] as? [String: Any])?["local_time"] as? String == "2025-10-15 07:59")
        }
        }
    }

    @Test func invalidDocumentsAnswer422WithTheJSONPath() async throws {
        try await APIHarness.with(.sqlite) { h in
        try await h.app.test(.router) { client in
            let typo = Self.earlyCall.replacingOccurrences(of: #""dialing_method": "manual""#, with: #""dialing_method": "by hand""#)
            let (status, problem, text) = try await client.call(.post, "/v1/compliance/check", key: h.acmeAdmin, body: typo)
            #expect(status == .unprocessableContent, "\(text)")
            let errors = try #require(problem["errors"] as? [[String: Any]])
            #expect(errors.first?["field"] as? String == "proposed.dialing_method")
            let unknown = Self.earlyCall.replacingOccurrences(of: #""as_of""#, with: #""asof""#)
            let (unknownStatus, unknownProblem, _) = try await client.call(.post, "/v1/compliance/check", key: h.acmeAdmin, body: unknown)
            #expect(unknownStatus == .unprocessableContent)
            #expect(((unknownProblem["errors"] as? [[String: Any]])?.first?["field"] as? String) == "facts.asof")
        }
        }
    }

    @Test func creditorClientsAndAnonymousCallersCannotCheck() async throws {
        try await APIHarness.with(.sqlite) { h in
        try await h.app.test(.router) { client in
            let (clientStatus, _, _) = try await client.call(.post, "/v1/compliance/check", key: h.bankKey, body: Self.earlyCall)
            #expect(clientStatus == .forbidden)
            let (anonymous, _, _) = try await client.call(.post, "/v1/compliance/check", key: nil, body: Self.earlyCall)
            #expect(anonymous == .unauthorized)
        }
        }
    }

    @Test func validationNoticeAsHTMLAndPDFForTheAccountsOwnData() async throws {
        try await APIHarness.with(.sqlite) { h in
        try await h.app.test(.router) { client in
            let csv = [placementHeader, placementRow("VN-1", balance: "250.00")].joined(separator: "\n")
            let accountID = try await client.placeForAcme(csv, h)
            let uri = "/v1/accounts/\(accountID)/validation-notice?provided_on=2025-11-03"
            let (htmlStatus, _, html) = try await client.call(.get, uri + "&format=html", key: h.acmeAgent)
            #expect(htmlStatus == .ok)
            for phrase in ["December 10, 2025", "This is not my debt.", "PO Box 1234", "attempting to collect a debt", "VN-1"] {
                #expect(html.contains(phrase), "missing \(phrase)")
            }
            let (spanishStatus, _, spanish) = try await client.call(.get, uri + "&format=html&language=es", key: h.acmeAgent)
            #expect(spanishStatus == .ok && spanish.contains("10 de diciembre de 2025"))
            let (pdfStatus, _, pdf) = try await client.call(.get, uri, key: h.acmeAdmin)
            #expect(pdfStatus == .ok && pdf.hasPrefix("%PDF-1.4"))
            // A creditor client's key never sees the consumer's address this way.
            let (clientStatus, _, _) = try await client.call(.get, uri, key: h.bankKey)
            #expect(clientStatus == .forbidden)
            let (badDate, _, _) = try await client.call(.get, "/v1/accounts/\(accountID)/validation-notice?provided_on=11/03/2025", key: h.acmeAgent)
            #expect(badDate == .badRequest)
        }
        }
    }

    @Test func contactabilityAnswersPerChannelWithTheRuleAndStopsAtRecall() async throws {
        try await APIHarness.with(.sqlite) { h in
        try await h.app.test(.router) { client in
            let csv = [placementHeader, placementRow("CT-1")].joined(separator: "\n")
            let accountID = try await client.placeForAcme(csv, h)
            // The harness clock: 2026-09-21 14:13:20 UTC, 09:13 in Austin (78701, Central time).
            let (status, answer, text) = try await client.call(.get, "/v1/accounts/\(accountID)/contactability", key: h.acmeAgent)
            #expect(status == .ok, "\(text)")
            #expect(answer["as_of"] as? String == "2026-09-21T09:13:20-05:00")
            let items = try #require(answer["items"] as? [[String: Any]])
            func item(_ channel: String) -> [String: Any]? { items.first { $0["channel"] as? String == channel } }
            #expect(item("call")?["allowed"] as? Bool == true, "\(items)")
            #expect(item("letter")?["allowed"] as? Bool == true)
            // Texts go out automated; a number from the creditor's file is not prior express consent.
            #expect(item("sms")?["allowed"] as? Bool == false)
            #expect(item("sms")?["rule"] as? String == "TCPA-227b1A-CELL")
            #expect((item("sms")?["citation"] as? String)?.contains("227(b)(1)(A)") == true)

            // Every decision is kept with its question: re-asking it gives the same answer.
            let rows = try await h.database.sqlDatabase.raw(
                "SELECT inputs_digest, document, answer, rule_set_version FROM compliance_decisions").all()
            #expect(rows.count == items.count)
            for row in rows {
                let document = Data(try row.decode(column: "document", as: String.self).utf8)
                #expect(try row.decode(column: "inputs_digest", as: String.self) == SHA256.hash(data: document).hexString)
                #expect(try row.decode(column: "rule_set_version", as: String.self) == RuleSet.current.version)
                let (snapshot, proposal) = try CheckDocument.decode(document)
                let again = String(decoding: CheckDocument.encode(ComplianceEngine().decide(snapshot, proposal)), as: UTF8.self)
                #expect(again == (try row.decode(column: "answer", as: String.self)))
            }

            _ = try await client.call(.post, "/v1/accounts/\(accountID)/recall", key: h.acmeAdmin)
            let (_, recalled, _) = try await client.call(.get, "/v1/accounts/\(accountID)/contactability", key: h.acmeAgent)
            let after = try #require(recalled["items"] as? [[String: Any]])
            #expect(!after.isEmpty && after.allSatisfy { $0["allowed"] as? Bool == false && $0["rule"] as? String == "ACCOUNT-RECALLED" })
            let (clientStatus, _, _) = try await client.call(.get, "/v1/accounts/\(accountID)/contactability", key: h.bankKey)
            #expect(clientStatus == .forbidden)
        }
        }
    }

    @Test func recordedCallsCountAtOnceAndRetriesAreNotCountedTwice() async throws {
        try await APIHarness.with(.sqlite) { h in
        try await h.app.test(.router) { client in
            let csv = [placementHeader, placementRow("RC-1")].joined(separator: "\n")
            let accountID = try await client.placeForAcme(csv, h)
            let (_, before, _) = try await client.call(.get, "/v1/accounts/\(accountID)/contactability", key: h.acmeAgent)
            let phone = try #require((before["items"] as? [[String: Any]])?.first { $0["channel"] as? String == "call" })
            let phoneID = try #require(phone["destination_id"] as? String)

            // Seven unanswered calls on 15–21 September (Austin time); the eighth today would be presumed harassment.
            for (index, day) in ["15", "16", "17", "18", "19", "20", "21"].enumerated() {
                let body = #"{"occurred_at": "2026-09-\#(day)T13:00:00Z", "direction": "outbound", "channel": "call", "destination_id": "\#(phoneID)", "dialing_method": "manual", "outcome": "no_answer"}"#
                let (status, _, text) = try await client.execute(
                    uri: "/v1/accounts/\(accountID)/contacts", method: .post,
                    headers: [.authorization: "Bearer \(h.acmeAgent)", .contentType: "application/json",
                              HTTPField.Name("Idempotency-Key")!: "call-\(index)"],
                    body: ByteBuffer(string: body)) { ($0.status, 0, String(buffer: $0.body)) }
                #expect(status == .created, "\(text)")
                if index == 6 {
                    // The dialer retries the last request: same key, same record, nothing counted twice.
                    let (retry, _, _) = try await client.execute(
                        uri: "/v1/accounts/\(accountID)/contacts", method: .post,
                        headers: [.authorization: "Bearer \(h.acmeAgent)", .contentType: "application/json",
                                  HTTPField.Name("Idempotency-Key")!: "call-6"],
                        body: ByteBuffer(string: body)) { ($0.status, 0, String(buffer: $0.body)) }
                    #expect(retry == .ok)
                }
            }
            let (_, history, _) = try await client.call(.get, "/v1/accounts/\(accountID)/contacts", key: h.acmeAgent)
            #expect((history["items"] as? [[String: Any]])?.count == 7)

            let (_, after, _) = try await client.call(.get, "/v1/accounts/\(accountID)/contactability", key: h.acmeAgent)
            let call = try #require((after["items"] as? [[String: Any]])?.first { $0["channel"] as? String == "call" })
            #expect(call["allowed"] as? Bool == false)
            #expect(call["rule"] as? String == "REGF-1006.14b2-7IN7")
            #expect(call["next_allowed_at"] as? String == "2026-09-22T08:00:00-05:00")

            let (events, audit, _) = try await client.call(.get, "/v1/audit-events?action=contact.recorded&limit=50", key: h.acmeAdmin)
            #expect(events == .ok && (audit["items"] as? [[String: Any]])?.count == 7)
            let (clientStatus, _, _) = try await client.call(
                .post, "/v1/accounts/\(accountID)/contacts", key: h.bankKey,
                body: #"{"occurred_at": "2026-09-21T13:00:00Z", "direction": "outbound", "channel": "letter", "outcome": "mailed"}"#)
            #expect(clientStatus == .forbidden)
        }
        }
    }

    @Test func recordedHoldsAndOptOutsTakeEffectAtOnce() async throws {
        try await APIHarness.with(.sqlite) { h in
        try await h.app.test(.router) { client in
            let csv = [placementHeader, placementRow("FH-1")].joined(separator: "\n")
            let accountID = try await client.placeForAcme(csv, h)
            let (_, before, _) = try await client.call(.get, "/v1/accounts/\(accountID)/contactability", key: h.acmeAgent)
            let email = try #require((before["items"] as? [[String: Any]])?.first { $0["channel"] as? String == "email" })
            let emailID = try #require(email["destination_id"] as? String)

            // A typo is refused with the path under `fact`, and nothing is recorded.
            let (bad, problem, _) = try await client.call(
                .post, "/v1/accounts/\(accountID)/facts", key: h.acmeAgent,
                body: #"{"kind": "opt_out", "fact": {"recorded_at": "2026-09-20T10:00:00Z", "medium": "e-mail", "scope": "address"}}"#)
            #expect(bad == .badRequest)
            #expect((problem["errors"] as? [[String: Any]])?.first?["field"] as? String == "fact.medium")

            let optOut = #"{"kind": "opt_out", "fact": {"recorded_at": "2026-09-20T10:00:00Z", "medium": "email", "scope": "address", "destination": "\#(emailID)"}}"#
            let (recorded, _, text) = try await client.call(.post, "/v1/accounts/\(accountID)/facts", key: h.acmeAgent, body: optOut)
            #expect(recorded == .created, "\(text)")
            let (_, afterOptOut, _) = try await client.call(.get, "/v1/accounts/\(accountID)/contactability", key: h.acmeAgent)
            let emailNow = (afterOptOut["items"] as? [[String: Any]])?.first { $0["channel"] as? String == "email" }
            #expect(emailNow?["rule"] as? String == "REGF-1006.14h-MEDIUM")

            let cease = #"{"kind": "cease_communication", "fact": {"received_at": "2026-09-21T09:00:00Z", "written": true}}"#
            let (ceased, _, _) = try await client.call(.post, "/v1/accounts/\(accountID)/facts", key: h.acmeAgent, body: cease)
            #expect(ceased == .created)
            let (_, afterCease, _) = try await client.call(.get, "/v1/accounts/\(accountID)/contactability", key: h.acmeAgent)
            let items = try #require(afterCease["items"] as? [[String: Any]])
            #expect(items.allSatisfy { $0["allowed"] as? Bool == false }, "\(items)")
            #expect(items.first { $0["channel"] as? String == "call" }?["rule"] as? String == "REGF-1006.6c-CEASE")
            // Only a change of facts reopens a cease: no next lawful time.
            let reopens = items.first { $0["channel"] as? String == "call" }?["next_allowed_at"]
            #expect(reopens == nil || reopens is NSNull)

            let (_, facts, _) = try await client.call(.get, "/v1/accounts/\(accountID)/facts", key: h.acmeAgent)
            #expect((facts["items"] as? [[String: Any]])?.map { $0["kind"] as? String } == ["opt_out", "cease_communication"])
            let (_, audit, _) = try await client.call(.get, "/v1/audit-events?action=cease_communication.recorded", key: h.acmeAdmin)
            #expect((audit["items"] as? [[String: Any]])?.count == 1)
            let (clientStatus, _, _) = try await client.call(.post, "/v1/accounts/\(accountID)/facts", key: h.bankKey, body: cease)
            #expect(clientStatus == .forbidden)

            // The same consumer placed for the clinic and an opt-out told on that debt: staff see the facts of
            // either debt, the bank's key only those of its own account (the other was told about another creditor's).
            _ = try await client.call(.post, "/v1/placements?client_id=\(h.acmeClinic)", key: h.acmeAdmin,
                                      body: [placementHeader, placementRow("FH-2")].joined(separator: "\n"), contentType: "text/csv")
            let (_, page, _) = try await client.call(.get, "/v1/accounts", key: h.acmeAdmin)
            let clinicAccount = try #require((page["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String }.first { $0 != accountID })
            func consumerOf(_ account: String) async throws -> String? {
                let (_, detail, _) = try await client.call(.get, "/v1/accounts/\(account)", key: h.acmeAdmin)
                return (detail["consumers"] as? [[String: Any]])?.first?["consumer_id"] as? String
            }
            #expect(try await consumerOf(clinicAccount) == consumerOf(accountID), "one consumer, two creditors")
            let (told, _, toldText) = try await client.call(.post, "/v1/accounts/\(clinicAccount)/facts", key: h.acmeAgent, body: optOut)
            #expect(told == .created, "\(toldText)")
            func kinds(_ account: String, _ key: String) async throws -> [String?] {
                let (_, listed, _) = try await client.call(.get, "/v1/accounts/\(account)/facts", key: key)
                return (listed["items"] as? [[String: Any]])?.map { $0["kind"] as? String } ?? []
            }
            #expect(try await kinds(accountID, h.acmeAgent) == ["opt_out", "cease_communication", "opt_out"])
            #expect(try await kinds(accountID, h.bankKey) == ["opt_out", "cease_communication"])
            let (clinicByBank, _, _) = try await client.call(.get, "/v1/accounts/\(clinicAccount)/facts", key: h.bankKey)
            #expect(clinicByBank == .notFound)
        }
        }
    }
}
