import Compliance
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Payments
import RecoupApp
import RecoupCore
import RecoupTestSupport
import Storage
import Testing

extension TestClientProtocol {
    /// Delivers a processor event for `intent` to Acme's webhook, signed as of the harness's clock.
    @discardableResult
    func processorEvent(_ type: String, _ intent: TestProcessor.Intent, id: String, _ h: APIHarness, tenant: TenantID? = nil,
                        secret: String = TestProcessor.webhookSecret, at time: Date? = nil) async throws -> HTTPResponse.Status
    {
        let (body, signature) = TestProcessor.event(type, intent: intent, eventID: id, at: time ?? h.clock.now(), secret: secret)
        var headers: HTTPFields = [.contentType: "application/json"]
        headers[HTTPField.Name(ProcessorSignature.header)!] = signature
        return try await execute(uri: "/webhooks/payments/\(tenant ?? h.acme)", method: .post, headers: headers,
                                 body: ByteBuffer(bytes: body)) { $0.status }
    }

    /// Stores a card with `token` on the account; answers the method's id.
    func addCard(_ account: String, token: String, _ h: APIHarness) async throws -> String {
        let (status, method, text) = try await call(.post, "/v1/accounts/\(account)/payment-methods", key: h.acmeAgent, body: """
            {"type": "card", "customer": "cus_pat", "token": "\(token)", "brand": "visa", "last4": "4242",
             "authorization": "I authorise Acme to charge my card today for the amount stated."}
            """)
        #expect(status == .created, "\(text)")
        return try #require(method["id"] as? String)
    }

    /// Takes a payment (with the convenience fee the consumer accepted, if any); answers status and body.
    func pay(_ account: String, method: String, minor: Int64, fee: Int64? = nil, key: String, _ h: APIHarness) async throws
        -> (HTTPResponse.Status, [String: Any])
    {
        var headers: HTTPFields = [.authorization: "Bearer \(h.acmeAgent)", .contentType: "application/json"]
        headers[HTTPField.Name("Idempotency-Key")!] = key
        let accepted = fee.map { #", "convenience_fee_minor": \#($0)"# } ?? ""
        return try await execute(uri: "/v1/accounts/\(account)/payments", method: .post, headers: headers,
                                 body: ByteBuffer(string: #"{"method_id": "\#(method)", "amount_minor": \#(minor)\#(accepted)}"#)) { response in
            (response.status, (try? JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8))) as? [String: Any] ?? [:])
        }
    }
}

/// Card payments through the real processor client against an in-test processor on a real port, on both databases:
/// a payment posts once whatever order the news arrives in and however often the webhook is replayed; declines post
/// nothing; refunds and chargebacks reverse exactly; idempotency keys mean one request each; tenants stay apart.
@Suite(.serialized)
struct PaymentsAPITests {
    /// Runs `body` with a harness whose processor is the in-test one.
    static func withProcessor(
        _ kind: TestDatabase, timeout: TimeAmount = .seconds(10), _ body: @escaping @Sendable (APIHarness, TestProcessor) async throws -> Void
    ) async throws {
        let processor = TestProcessor()
        try await Application(router: processor.router).test(.live) { processorClient in
            let port = try #require(processorClient.port)
            let client = CardProcessorClient(baseURL: "http://127.0.0.1:\(port)", secretKey: TestProcessor.secretKey, timeout: timeout)
            try await APIHarness.with(kind, processor: client) { h in try await body(h, processor) }
        }
    }

    static func stored(_ ledger: [String: Any]) -> [[String: Any]] { ledger["entries"] as? [[String: Any]] ?? [] }
    static func total(_ ledger: [String: Any]) -> Int64? { ((ledger["balance"] as? [String: Any])?["total"] as? NSNumber)?.int64Value }

    @Test(arguments: TestDatabase.available)
    func aCardPaymentPostsOnceWhenTheWebhookIsReplayedTenTimes(_ kind: TestDatabase) async throws {
        try await Self.withProcessor(kind) { h, processor in
            try await h.app.test(.router) { client in
                let account = try await client.placeForAcme(placementHeader + "\n" + placementRow("A-1"), h)
                let method = try await client.addCard(account, token: "pm_card_visa", h)
                let (status, payment) = try await client.pay(account, method: method, minor: 4_000, key: "k-1", h)
                #expect(status == .created && payment["status"] as? String == "succeeded", "\(payment)")
                let (again, replay) = try await client.pay(account, method: method, minor: 4_000, key: "k-1", h)
                #expect(again == .ok && replay["id"] as? String == payment["id"] as? String, "the same key answers the same payment")

                let intent = try #require(processor.intents.first)
                #expect(processor.intents.count == 1 && intent.amount == 4_000 && intent.paymentID == payment["id"] as? String)
                for _ in 0..<10 { #expect(try await client.processorEvent("payment_intent.succeeded", intent, id: "evt_1", h) == .ok) }
                // A second delivery of the news under another event id changes nothing either.
                #expect(try await client.processorEvent("payment_intent.succeeded", intent, id: "evt_2", h) == .ok)

                let (_, ledger, _) = try await client.call(.get, "/v1/accounts/\(account)/ledger", key: h.acmeAdmin)
                let entries = Self.stored(ledger)
                #expect(entries.map { $0["kind"] as? String } == ["opening_balance", "payment"], "\(entries)")
                #expect(Self.total(ledger) == 6_000)
                let posted = try #require(entries.last)
                // Standard terms: 25 % contingency.
                #expect(posted["client_share_minor"] as? Int == 3_000 && posted["agency_fee_minor"] as? Int == 1_000)
                let itemization = try #require(ledger["itemization"] as? [String: Any])
                #expect(itemization["payments"] as? Int == 4_000 && itemization["current"] as? Int == 6_000)

                let (_, audit, _) = try await client.call(.get, "/v1/audit-events?action=payment.posted", key: h.acmeAdmin)
                #expect((audit["items"] as? [Any])?.count == 1, "posted once in the audit trail too")

                // One receipt, queued with the posting, whatever the replays.
                let receipts = try await h.store.messages(account: try #require(AccountID(account)), tenantID: h.acme)
                #expect(receipts.count == 1 && receipts.first?.channel == .email && receipts.first?.subject == "Payment received", "\(receipts)")
                let body = try #require(receipts.first?.body)
                #expect(body.contains("We received your payment of $40.00") && body.contains("This is a communication from a debt collector"), "\(body)")
                let (_, queued, _) = try await client.call(.get, "/v1/audit-events?action=message.queued", key: h.acmeAdmin)
                #expect((queued["items"] as? [[String: Any]])?.first?["actor"] as? String == "system")
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aProcessorThatTimesOutLeavesThePaymentPendingAndItPostsOnceWhenTheNewsComes(_ kind: TestDatabase) async throws {
        try await Self.withProcessor(kind, timeout: .milliseconds(500)) { h, processor in
            try await h.app.test(.router) { client in
                let account = try await client.placeForAcme(placementHeader + "\n" + placementRow("A-1"), h)
                let method = try await client.addCard(account, token: "pm_card_slow", h)
                // The processor charged the card but answered after the client gave up: the outcome is unknown.
                let (status, payment) = try await client.pay(account, method: method, minor: 2_500, key: "k-slow", h)
                #expect(status == .created && payment["status"] as? String == "pending", "\(payment)")
                let intent = try #require(processor.intents.first)
                #expect(processor.intents.count == 1 && intent.amount == 2_500)
                // A retry with the same key asks again with the same idempotency key: the same charge, no second one.
                let (_, retried) = try await client.pay(account, method: method, minor: 2_500, key: "k-slow", h)
                #expect(retried["id"] as? String == payment["id"] as? String && processor.intents.count == 1)
                // The webhook brings the news; a late answer to the retry or a replay posts nothing more.
                #expect(try await client.processorEvent("payment_intent.succeeded", intent, id: "evt_slow", h) == .ok)
                #expect(try await client.processorEvent("payment_intent.succeeded", intent, id: "evt_slow", h) == .ok)
                let (_, ledger, _) = try await client.call(.get, "/v1/accounts/\(account)/ledger", key: h.acmeAdmin)
                #expect(Self.stored(ledger).filter { $0["kind"] as? String == "payment" }.count == 1 && Self.total(ledger) == 7_500)
                let (_, read, _) = try await client.call(.get, "/v1/payments/\(try #require(payment["id"] as? String))", key: h.acmeAdmin)
                #expect(read["status"] as? String == "succeeded")
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aWebhookArrivingBeforeTheProcessorsAnswerPostsOnce(_ kind: TestDatabase) async throws {
        try await Self.withProcessor(kind) { h, processor in
            try await h.app.test(.router) { client in
                let account = try await client.placeForAcme(placementHeader + "\n" + placementRow("A-1"), h)
                let method = try await client.addCard(account, token: "pm_card_webhookFirst", h)
                let delivered = Delivered()
                processor.beforeAnswer = { intent in
                    delivered.status = try await client.processorEvent("payment_intent.succeeded", intent, id: "evt_early", h)
                }
                let (status, payment) = try await client.pay(account, method: method, minor: 10_000, key: "k-early", h)
                #expect(delivered.status == .ok)
                #expect(status == .created && payment["status"] as? String == "succeeded", "\(payment)")
                let (_, ledger, _) = try await client.call(.get, "/v1/accounts/\(account)/ledger", key: h.acmeAdmin)
                #expect(Self.stored(ledger).filter { $0["kind"] as? String == "payment" }.count == 1)
                #expect(Self.total(ledger) == 0)
                let (_, detail, _) = try await client.call(.get, "/v1/accounts/\(account)", key: h.acmeAdmin)
                #expect(detail["status"] as? String == "paid", "paid off in full")
                let (retried, replay) = try await client.pay(account, method: method, minor: 10_000, key: "k-early", h)
                #expect(retried == .ok && replay["id"] as? String == payment["id"] as? String,
                        "a retry after the payoff answers the payment, not 'more than owed'")
                let (fresh, _) = try await client.pay(account, method: method, minor: 100, key: "k-after", h)
                #expect(fresh == .conflict, "a paid account takes no new payment")
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aConsumerWithoutAnEmailAddressGetsTheReceiptByTextAtTheNextLawfulHour(_ kind: TestDatabase) async throws {
        try await Self.withProcessor(kind) { h, _ in
            try await h.app.test(.router) { client in
                let header = "client_account_number,original_creditor,debt_type,itemization_date,itemization_date_type,balance_at_itemization,"
                    + "interest_since_itemization,current_balance,first_name,last_name,date_of_birth,ssn,address_line1,city,state,zip,"
                    + "phone1,phone1_type,phone1_consent,language"
                let account = try await client.placeForAcme(
                    header + "\nT-1,Big Bank,credit_card,2025-06-30,charge_off,100.00,0.00,100.00,Ana,Ruiz,1980-02-29,123-45-6789,"
                        + "1 Main St,Austin,TX,78701,(512) 555-0100,cell,yes,es", h)
                let method = try await client.addCard(account, token: "pm_card_visa", h)
                // 10:30 p.m. in Austin (03:30 the next day in UTC): the card is charged now, the text may go at 8 a.m.
                h.clock.advance(by: 1_790_047_800 - h.clock.now().timeIntervalSince1970)
                let (status, payment) = try await client.pay(account, method: method, minor: 4_000, key: "night-1", h)
                #expect(status == .created && payment["status"] as? String == "succeeded", "\(payment)")

                let receipts = try await h.store.messages(account: try #require(AccountID(account)), tenantID: h.acme)
                let text = try #require(receipts.first)
                #expect(receipts.count == 1 && text.channel == .sms && text.recipient == "+15125550100", "\(receipts)")
                #expect(text.dueAt == Date(timeIntervalSince1970: 1_790_082_000), "8 a.m. CDT on 2026-09-22, not \(text.dueAt)")
                #expect(text.body.hasPrefix("Gracias. Recibimos su pago de \(Money(minorUnits: 4_000, currency: .usd).formatted(.esUS)) el 21 de septiembre de 2026."),
                        "the consumer's day and language: \(text.body)")
                #expect(text.body.contains("STOP"), "a text carries its opt-out: \(text.body)")

                // The dispatcher decides it again when it is due: not before 8 a.m.
                let texts = TextsAPITests.RecordingTexts()
                #expect(try await h.dispatcher(texts: texts).drain().claimed == 0)
                h.clock.advance(by: text.dueAt.timeIntervalSince(h.clock.now()))
                #expect(try await h.dispatcher(texts: texts).drain().sent == 1)
                #expect(texts.sent.map(\.to) == ["+15125550100"])
            }
        }
    }

    /// No email address and only a landline, which Recoup does not text: the receipt is mailed, a letter in the print
    /// batch with the receipt's words, filed by the dispatcher at once (a letter keeps no hours).
    @Test(arguments: TestDatabase.available)
    func aConsumerRecoupMayNeitherEmailNorTextGetsTheReceiptByPost(_ kind: TestDatabase) async throws {
        try await Self.withProcessor(kind) { h, _ in
            try await h.app.test(.router) { client in
                let header = "client_account_number,original_creditor,debt_type,itemization_date,itemization_date_type,balance_at_itemization,"
                    + "interest_since_itemization,current_balance,first_name,last_name,date_of_birth,ssn,address_line1,city,state,zip,"
                    + "phone1,phone1_type,phone1_consent"
                let account = try await client.placeForAcme(
                    header + "\nL-1,Big Bank,credit_card,2025-06-30,charge_off,100.00,0.00,100.00,Lee,Park,1980-02-29,123-45-6789,"
                        + "1 Main St,Austin,TX,78701,(512) 555-0100,landline,yes", h)
                let method = try await client.addCard(account, token: "pm_card_visa", h)
                let (status, payment) = try await client.pay(account, method: method, minor: 4_000, key: "mailed-1", h)
                #expect(status == .created && payment["status"] as? String == "succeeded", "\(payment)")

                let receipts = try await h.store.messages(account: try #require(AccountID(account)), tenantID: h.acme)
                let letter = try #require(receipts.first)
                #expect(receipts.count == 1 && letter.channel == .letter && letter.subject == LetterKind.receipt.rawValue, "\(receipts)")
                #expect(letter.body.hasPrefix("Thank you. We received your payment of $40.00 on September 21, 2026."), "\(letter.body)")
                #expect(try await h.dispatcher(letters: ReturnedMailAPITests.FiledLetters()).drain().sent == 1)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func declinesPostNothingAndAnUnreachableProcessorLeavesThePaymentPendingUntilItsWebhook(_ kind: TestDatabase) async throws {
        try await Self.withProcessor(kind) { h, processor in
            try await h.app.test(.router) { client in
                let account = try await client.placeForAcme(placementHeader + "\n" + placementRow("A-1"), h)
                let declined = try await client.addCard(account, token: "pm_card_chargeDeclined", h)
                let (status, payment) = try await client.pay(account, method: declined, minor: 2_500, key: "k-d", h)
                #expect(status == .created && payment["status"] as? String == "failed")
                #expect(payment["failure_reason"] as? String == "Your card was declined." && payment["processor_ref"] as? String == "pi_1")
                let (_, ledger, _) = try await client.call(.get, "/v1/accounts/\(account)/ledger", key: h.acmeAdmin)
                #expect(Self.stored(ledger).map { $0["kind"] as? String } == ["opening_balance"] && Self.total(ledger) == 10_000)
                let accountID = try #require(AccountID(account))
                #expect(try await h.store.messages(account: accountID, tenantID: h.acme).isEmpty, "a declined payment gets no receipt")

                let flaky = try await client.addCard(account, token: "pm_card_unavailable", h)
                let (pendingStatus, pending) = try await client.pay(account, method: flaky, minor: 2_500, key: "k-u", h)
                #expect(pendingStatus == .created && pending["status"] as? String == "pending", "outcome unknown: nothing posted")
                let id = try #require(pending["id"] as? String)
                let news = TestProcessor.Intent(id: "pi_77", amount: 2_500, currency: "usd", paymentID: id, status: "succeeded")
                #expect(try await client.processorEvent("payment_intent.succeeded", news, id: "evt_u", h) == .ok)
                let (_, settled, _) = try await client.call(.get, "/v1/payments/\(id)", key: h.acmeAdmin)
                #expect(settled["status"] as? String == "succeeded" && settled["processor_ref"] as? String == "pi_77")

                // A success the processor reports after a decline is believed: it holds the money, so it posts.
                let declinedIntent = try #require(processor.intents.first)
                #expect(try await client.processorEvent("payment_intent.succeeded", declinedIntent, id: "evt_late", h) == .ok)
                let (_, after, _) = try await client.call(.get, "/v1/payments/\(payment["id"] as? String ?? "")", key: h.acmeAdmin)
                #expect(after["status"] as? String == "succeeded" && after["entry_id"] as? String != nil)
                let receipts = try await h.store.messages(account: accountID, tenantID: h.acme)
                #expect(receipts.map(\.subject) == ["Payment received", "Payment received"], "one for each payment that posted")
                #expect(Set(receipts.map(\.body)).count == 1, "both $25.00: the same words, two messages")
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func refundsAndChargebacksReverseExactlyWhatThePaymentPosted(_ kind: TestDatabase) async throws {
        try await Self.withProcessor(kind) { h, processor in
            try await h.app.test(.router) { client in
                let account = try await client.placeForAcme(placementHeader + "\n" + placementRow("A-1"), h)
                let method = try await client.addCard(account, token: "pm_card_visa", h)
                let (_, first) = try await client.pay(account, method: method, minor: 10_000, key: "k-1", h)
                let firstID = try #require(first["id"] as? String)
                let (agentTry, _, _) = try await client.call(.post, "/v1/payments/\(firstID)/refund", key: h.acmeAgent, body: #"{"reason": "x"}"#)
                #expect(agentTry == .forbidden, "agents do not refund")
                let (refundStatus, refunded, text) = try await client.call(
                    .post, "/v1/payments/\(firstID)/refund", key: h.acmeAdmin, body: #"{"reason": "paid twice by mistake"}"#)
                #expect(refundStatus == .ok && refunded["status"] as? String == "refunded", "\(text)")
                #expect(processor.refunds == 1)
                let (_, detail, _) = try await client.call(.get, "/v1/accounts/\(account)", key: h.acmeAdmin)
                #expect(detail["status"] as? String == "active", "a refunded payoff leaves the debt owed again")

                let (_, second) = try await client.pay(account, method: method, minor: 3_333, key: "k-2", h)
                let intent = try #require(processor.intents.last)
                #expect(try await client.processorEvent("charge.dispute.created", intent, id: "evt_cb", h) == .ok)
                let (_, payment, _) = try await client.call(.get, "/v1/payments/\(second["id"] as? String ?? "")", key: h.acmeAdmin)
                #expect(payment["status"] as? String == "charged_back")

                let (_, ledger, _) = try await client.call(.get, "/v1/accounts/\(account)/ledger", key: h.acmeAdmin)
                let entries = Self.stored(ledger)
                #expect(entries.map { $0["kind"] as? String } == ["opening_balance", "payment", "reversal", "payment", "reversal"])
                #expect(Self.total(ledger) == 10_000)
                let shares = entries.dropFirst().map { ($0["client_share_minor"] as? Int ?? 0, $0["agency_fee_minor"] as? Int ?? 0) }
                #expect(shares.map { $0.0 + $0.1 } == [10_000, -10_000, 3_333, -3_333], "every split adds up to what moved")
                #expect(shares.reduce(0) { $0 + $1.0 } == 0 && shares.reduce(0) { $0 + $1.1 } == 0, "nothing is remitted for money returned")
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func partialRefundsGiveBackWhatWasPaidLastFirstAndAFullRefundTheRest(_ kind: TestDatabase) async throws {
        try await Self.withProcessor(kind) { h, processor in
            try await h.app.test(.router) { client in
                // $100 principal and $20 interest; standard terms pay fees, then interest, then principal.
                let row = placementRow("A-1").replacingOccurrences(of: ",100.00,0.00,100.00,", with: ",100.00,20.00,120.00,")
                let account = try await client.placeForAcme(placementHeader + "\n" + row, h)
                let method = try await client.addCard(account, token: "pm_card_visa", h)
                let (_, paid) = try await client.pay(account, method: method, minor: 5_000, key: "k-1", h)
                let paymentID = try #require(paid["id"] as? String)
                func refund(_ body: String, key: String?) async throws -> (HTTPResponse.Status, [String: Any]) {
                    var headers: HTTPFields = [.authorization: "Bearer \(h.acmeAdmin)", .contentType: "application/json"]
                    if let key { headers[HTTPField.Name("Idempotency-Key")!] = key }
                    return try await client.execute(uri: "/v1/payments/\(paymentID)/refund", method: .post, headers: headers,
                                                    body: ByteBuffer(string: body)) { response in
                        (response.status, (try? JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8))) as? [String: Any] ?? [:])
                    }
                }
                func balance() async throws -> [String: Any] {
                    let (_, ledger, _) = try await client.call(.get, "/v1/accounts/\(account)/ledger", key: h.acmeAdmin)
                    return ledger["balance"] as? [String: Any] ?? [:]
                }

                let (noKey, problem) = try await refund(#"{"reason": "goodwill", "amount_minor": 1000}"#, key: nil)
                #expect(noKey == .badRequest && "\(problem)".contains("Idempotency-Key"))
                let (first, afterFirst) = try await refund(#"{"reason": "goodwill", "amount_minor": 1000}"#, key: "r-1")
                #expect(first == .ok && afterFirst["status"] as? String == "succeeded", "\(afterFirst)")
                var owed = try await balance()
                #expect(owed["principal"] as? Int == 8_000 && owed["interest"] as? Int == 0, "principal, paid last, is owed again first: \(owed)")
                let (again, _) = try await refund(#"{"reason": "goodwill", "amount_minor": 1000}"#, key: "r-1")
                #expect(again == .ok && processor.refundAmounts == [1_000], "the same key refunds once")
                #expect(try await balance()["total"] as? Int == 8_000, "and posts once")

                let (tooMuch, tooMuchProblem) = try await refund(#"{"reason": "x", "amount_minor": 4500}"#, key: "r-2")
                #expect(tooMuch == .badRequest && "\(tooMuchProblem)".contains("40.00 of this payment is left to refund"))
                _ = try await refund(#"{"reason": "x", "amount_minor": 3500}"#, key: "r-3")
                owed = try await balance()
                #expect(owed["principal"] as? Int == 10_000 && owed["interest"] as? Int == 1_500, "\(owed)")

                let (full, refunded) = try await refund(#"{"reason": "all of it"}"#, key: nil)
                #expect(full == .ok && refunded["status"] as? String == "refunded")
                #expect(processor.refundAmounts == [1_000, 3_500, nil], "the last refund takes what the charge has left")
                owed = try await balance()
                #expect(owed["principal"] as? Int == 10_000 && owed["interest"] as? Int == 2_000, "everything the payment paid is owed again")
                let (_, ledger, _) = try await client.call(.get, "/v1/accounts/\(account)/ledger", key: h.acmeAdmin)
                let shares = Self.stored(ledger).dropFirst(2).map { ($0["client_share_minor"] as? Int ?? 0, $0["agency_fee_minor"] as? Int ?? 0) }
                #expect(shares.map(\.0) == [3_750, -750, -2_625, -375] && shares.map(\.1) == [1_250, -250, -875, -125], "\(shares)")
                let (_, audit, _) = try await client.call(.get, "/v1/audit-events?action=payment.partially_refunded", key: h.acmeAdmin)
                #expect((audit["items"] as? [Any])?.count == 2)

                // Half of a new payment back, then the same request again: now it asks for all that is left, and it
                // is still the retry it is, not a refund of the rest.
                let (_, second) = try await client.pay(account, method: method, minor: 2_000, key: "k-2", h)
                let secondID = try #require(second["id"] as? String)
                var headers: HTTPFields = [.authorization: "Bearer \(h.acmeAdmin)", .contentType: "application/json"]
                headers[HTTPField.Name("Idempotency-Key")!] = "half"
                for _ in 0..<2 {
                    let status = try await client.execute(uri: "/v1/payments/\(secondID)/refund", method: .post, headers: headers,
                                                          body: ByteBuffer(string: #"{"reason": "half", "amount_minor": 1000}"#)) { $0.status }
                    #expect(status == .ok)
                }
                let (_, read, _) = try await client.call(.get, "/v1/payments/\(secondID)", key: h.acmeAdmin)
                #expect(read["status"] as? String == "succeeded" && processor.refundAmounts.suffix(1) == [1_000] && processor.refunds == 4)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func idempotencyKeysAndBadInputAreRefusedClearly(_ kind: TestDatabase) async throws {
        try await Self.withProcessor(kind) { h, processor in
            try await h.app.test(.router) { client in
                let account = try await client.placeForAcme(placementHeader + "\n" + placementRow("A-1"), h)
                let method = try await client.addCard(account, token: "pm_card_visa", h)
                _ = try await client.pay(account, method: method, minor: 1_000, key: "k-1", h)
                let (reused, problem) = try await client.pay(account, method: method, minor: 2_000, key: "k-1", h)
                #expect(reused == .unprocessableContent && (problem["detail"] as? String)?.contains("k-1") == true, "\(problem)")
                let (over, overProblem) = try await client.pay(account, method: method, minor: 9_001, key: "k-over", h)
                #expect(over == .badRequest && "\(overProblem)".contains("more than the 90.00 owed"), "\(overProblem)")
                #expect(processor.intents.count == 1, "neither refusal reached the processor")

                let (cardNumber, refusal, _) = try await client.call(.post, "/v1/accounts/\(account)/payment-methods", key: h.acmeAgent, body: """
                    {"type": "card", "customer": "cus_1", "token": "4242424242424242", "brand": "visa", "last4": "4242", "authorization": "yes"}
                    """)
                #expect(cardNumber == .badRequest && "\(refusal)".contains("card number"))
                let headers: HTTPFields = [.authorization: "Bearer \(h.acmeAgent)", .contentType: "application/json"]
                let missingKey = try await client.execute(
                    uri: "/v1/accounts/\(account)/payments", method: .post, headers: headers,
                    body: ByteBuffer(string: #"{"method_id": "\#(method)", "amount_minor": 100}"#)) { $0.status }
                #expect(missingKey == .badRequest, "Idempotency-Key is required")
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func webhooksMustBeSignedRecentlyAndPaymentsStayInTheirTenant(_ kind: TestDatabase) async throws {
        try await Self.withProcessor(kind) { h, processor in
            try await h.app.test(.router) { client in
                let account = try await client.placeForAcme(placementHeader + "\n" + placementRow("A-1"), h)
                let method = try await client.addCard(account, token: "pm_card_processing", h)
                let (_, payment) = try await client.pay(account, method: method, minor: 1_000, key: "k-1", h)
                #expect(payment["status"] as? String == "processing")
                let id = try #require(payment["id"] as? String)
                let intent = try #require(processor.intents.first)
                #expect(try await client.processorEvent("payment_intent.succeeded", intent, id: "e1", h, secret: "whsec_forged") == .forbidden)
                #expect(try await client.processorEvent("payment_intent.succeeded", intent, id: "e2", h,
                                                        at: h.clock.now().addingTimeInterval(-301)) == .forbidden, "a stale delivery")
                #expect(try await client.processorEvent("payment_intent.succeeded", intent, id: "e3", h, tenant: h.other) == .ok)
                let (_, still, _) = try await client.call(.get, "/v1/payments/\(id)", key: h.acmeAdmin)
                #expect(still["status"] as? String == "processing", "neither a forged, a stale nor another tenant's event moved it")

                for path in ["/v1/payments/\(id)", "/v1/accounts/\(account)/payments", "/v1/accounts/\(account)/ledger",
                             "/v1/accounts/\(account)/payment-methods", "/v1/clients/\(h.acmeBank)/terms"] {
                    let (status, _, _) = try await client.call(.get, path, key: h.otherAdmin)
                    #expect(status == .notFound, "\(path)")
                }
                let (bankReads, _, _) = try await client.call(.get, "/v1/accounts/\(account)/ledger", key: h.bankKey)
                #expect(bankReads == .ok, "the creditor sees its account's ledger")
                let (bankPays, _, _) = try await client.call(.get, "/v1/accounts/\(account)/payment-methods", key: h.bankKey)
                #expect(bankPays == .forbidden, "but not the consumer's payment methods")
                let (clinicTerms, _, _) = try await client.call(.get, "/v1/clients/\(h.acmeClinic)/terms", key: h.bankKey)
                #expect(clinicTerms == .notFound, "nor another client's terms")

                #expect(try await client.processorEvent("payment_intent.succeeded", intent, id: "e4", h) == .ok)
                let (_, done, _) = try await client.call(.get, "/v1/payments/\(id)", key: h.acmeAdmin)
                #expect(done["status"] as? String == "succeeded")
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func clientTermsDecideTheSplitAndEveryChangeIsAudited(_ kind: TestDatabase) async throws {
        try await Self.withProcessor(kind) { h, _ in
            try await h.app.test(.router) { client in
                let account = try await client.placeForAcme(placementHeader + "\n" + placementRow("A-1"), h)
                let terms = """
                    {"allocation": ["principal", "interest", "fees"], "plan_max_months": 12, "plan_minimum_installment_minor": 1000,
                     "plan_minimum_down_payment_bp": 0, "settlement_minimum_bp": 6000, "settlement_max_installments": 3,
                     "settlement_max_valid_days": 30, "contingency_bp": 3333, "grace_days": 5, "misses_to_break": 2}
                    """
                let (agent, _, _) = try await client.call(.put, "/v1/clients/\(h.acmeBank)/terms", key: h.acmeAgent, body: terms)
                #expect(agent == .forbidden)
                let (saved, _, text) = try await client.call(.put, "/v1/clients/\(h.acmeBank)/terms", key: h.acmeAdmin, body: terms)
                #expect(saved == .ok, "\(text)")
                let (_, read, _) = try await client.call(.get, "/v1/clients/\(h.acmeBank)/terms", key: h.bankKey)
                #expect(read["contingency_bp"] as? Int == 3_333 && read["allocation"] as? [String] == ["principal", "interest", "fees"])
                let (bad, problem, _) = try await client.call(
                    .put, "/v1/clients/\(h.acmeBank)/terms", key: h.acmeAdmin,
                    body: terms.replacingOccurrences(of: #"["principal", "interest", "fees"]"#, with: #"["principal", "principal", "fees"]"#))
                #expect(bad == .badRequest && "\(problem)".contains("allocation"))
                let (overFee, feeProblem, _) = try await client.call(
                    .put, "/v1/clients/\(h.acmeBank)/terms", key: h.acmeAdmin,
                    body: terms.replacingOccurrences(of: #""contingency_bp": 3333"#, with: #""contingency_bp": 10001"#))
                #expect(overFee == .badRequest && "\(feeProblem)".contains("contingency_bp"), "a fee above 100 % would pay the client less than nothing")

                let method = try await client.addCard(account, token: "pm_card_visa", h)
                _ = try await client.pay(account, method: method, minor: 1_001, key: "k", h)
                let (_, ledger, _) = try await client.call(.get, "/v1/accounts/\(account)/ledger", key: h.acmeAdmin)
                let posted = try #require(Self.stored(ledger).last)
                #expect(posted["agency_fee_minor"] as? Int == 334 && posted["client_share_minor"] as? Int == 667, "33.33 % of 10.01, half up")
                let (_, audit, _) = try await client.call(.get, "/v1/audit-events?action=client.terms_changed", key: h.acmeAdmin)
                let event = try #require((audit["items"] as? [[String: Any]])?.first)
                #expect(event["before_digest"] as? String != event["after_digest"] as? String)
            }
        }
    }

    @Test(arguments: TestDatabase.available.filter { $0 == .postgres })
    func concurrentRequestsWithOneKeyChargeOnceOnPostgres(_ kind: TestDatabase) async throws {
        try await Self.withProcessor(kind) { h, processor in
            try await h.app.test(.router) { client in
                let account = try await client.placeForAcme(placementHeader + "\n" + placementRow("A-1"), h)
                let method = try await client.addCard(account, token: "pm_card_visa", h)
                let ids = try await withThrowingTaskGroup(of: String?.self) { group in
                    for _ in 0..<16 { group.addTask { try await client.pay(account, method: method, minor: 5_000, key: "same", h).1["id"] as? String } }
                    return try await group.reduce(into: Set<String?>()) { $0.insert($1) }
                }
                #expect(ids.count == 1 && ids.first! != nil, "one payment for one key")
                #expect(processor.intents.count == 1, "charged once")
                // Concurrent deliveries of its success (each under its own event id) post it once.
                let intent = try #require(processor.intents.first)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for n in 0..<8 { group.addTask { _ = try await client.processorEvent("payment_intent.succeeded", intent, id: "evt_\(n)", h) } }
                    try await group.waitForAll()
                }
                let (_, ledger, _) = try await client.call(.get, "/v1/accounts/\(account)/ledger", key: h.acmeAdmin)
                #expect(Self.stored(ledger).filter { $0["kind"] as? String == "payment" }.count == 1 && Self.total(ledger) == 5_000)
            }
        }
    }
}

/// What the early webhook answered, read after the payment request returns.
final class Delivered: @unchecked Sendable {
    private let lock = NSLock()
    private var value: HTTPResponse.Status?
    var status: HTTPResponse.Status? {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
