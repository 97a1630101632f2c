import Compliance
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Payments
import RecoupApp
import RecoupCore
import RecoupTestSupport
import Storage
import Testing

extension TestClientProtocol {
    /// Stores a checking account on the account, authorised once on the web; answers the method's id.
    func addBank(_ account: String, _ h: APIHarness) async throws -> String {
        let (status, bank, text) = try await call(.post, "/v1/accounts/\(account)/payment-methods", key: h.acmeAgent, body: """
            {"type": "bank", "routing": "011000015", "account_number": "000123456789", "account_type": "checking", "holder": "Pat Doe",
             "authorization": "I authorise Acme Recovery to debit my checking account once for the amount stated.", "authorized_via": "web"}
            """)
        #expect(status == .created, "\(text)")
        return try #require(bank["id"] as? String)
    }
}

/// Plans agreed through the API inside the client's rules, their daily autopay run, ACH debits filed in a NACHA file
/// and returned by the bank, on both databases.
@Suite(.serialized)
struct PlansAndACHTests {
    static let originator = NACHAOriginator(
        destinationRouting: "091000019", destinationName: "Agency Bank", originID: "1234567890", originName: "Acme Recovery",
        companyName: "Acme Recovery", companyID: "1234567890", originatingDFI: "09100001")

    /// The plan runner and the ACH desk as the CLI builds them, on the harness's store and clock (with receipts when asked).
    static func desk(_ h: APIHarness, reminders: InstallmentReminders? = nil, receipts: Bool = false) -> (PlanService, ACHFiling) {
        var payments = PaymentService(
            payments: h.store, settlements: h.store, accounts: AccountService(accounts: h.store, clock: h.clock), processor: h.processor, clock: h.clock)
        if receipts { payments.receipts = PaymentReceipts(messages: messages(h), agencyName: { _ in "Acme Recovery" }) }
        payments.consumerDays = ConsumerDays(messages: messages(h))
        var plans = PlanService(plans: h.store, payments: payments, clock: h.clock, reminders: reminders)
        plans.consumerDays = ConsumerDays(messages: messages(h))
        return (plans, ACHFiling(payments: payments, plans: plans, repository: h.store, planRepository: h.store, originator: originator))
    }

    /// Messages on the harness's store and clock, as the CLI composes them.
    static func messages(_ h: APIHarness) -> MessageService {
        MessageService(
            snapshots: AccountSnapshots(accounts: AccountService(accounts: h.store, clock: h.clock), contacts: h.store, facts: h.store),
            outbox: h.store, clock: h.clock)
    }

    /// A 94-character record from its fields, each padded or cut to its width.
    static func record(_ fields: [(String, Int)]) -> String {
        fields.map { text, width in String(text.prefix(width)) + String(repeating: " ", count: max(0, width - text.count)) }.joined()
    }

    /// The bank's return file: each debit sent back with its return code, under its original trace number.
    static func returnFile(_ returns: [(trace: String, code: String)]) -> String {
        ([record([("101 091000019 123456789", 94)])] + returns.flatMap { trace, code in
            [record([("6", 1), ("26", 2), ("01100001", 8), ("5", 1), ("000123456789", 17), ("0000000833", 10), ("R-1", 15), ("PAT DOE", 22),
                     ("  ", 2), ("1", 1), ("011000010000001", 15)]),
             record([("7", 1), ("99", 2), (code, 3), (trace, 15), ("", 6), ("09100001", 8), ("", 44), ("011000010000001", 15)])]
        } + [record([("9", 94)])]).joined(separator: "\r\n")
    }

    static func setTerms(_ client: some TestClientProtocol, _ h: APIHarness, minimumInstallment: Int, missesToBreak: Int) async throws {
        let (status, _, text) = try await client.call(.put, "/v1/clients/\(h.acmeBank)/terms", key: h.acmeAdmin, body: """
            {"allocation": ["fees", "interest", "principal"], "plan_max_months": 12, "plan_minimum_installment_minor": \(minimumInstallment),
             "plan_minimum_down_payment_bp": 0, "settlement_minimum_bp": 6000, "settlement_max_installments": 3,
             "settlement_max_valid_days": 30, "contingency_bp": 2500, "grace_days": 5, "misses_to_break": \(missesToBreak)}
            """)
        #expect(status == .ok, "\(text)")
    }

    @Test(arguments: TestDatabase.available)
    func aTwelveMonthPlanInsideTheClientsRulesRunsOnAutopay(_ kind: TestDatabase) async throws {
        try await PaymentsAPITests.withProcessor(kind) { h, processor in
            try await h.app.test(.router) { client in
                let account = try await client.placeForAcme(placementHeader + "\n" + placementRow("A-1"), h)
                let card = try await client.addCard(account, token: "pm_card_visa", h)
                let proposal = #"{"installments": 12, "frequency": "monthly", "first_date": "2026-09-21", "method_id": "\#(card)"}"#
                let (tooSmall, problem, _) = try await client.call(.post, "/v1/accounts/\(account)/plans", key: h.acmeAgent, body: proposal)
                #expect(tooSmall == .badRequest && (problem["detail"] as? String)?.hasSuffix("below the client's minimum of 2500") == true,
                        "standard terms: $25 minimum: \(problem)")
                try await Self.setTerms(client, h, minimumInstallment: 500, missesToBreak: 2)
                let (quoted, quote, _) = try await client.call(.post, "/v1/accounts/\(account)/plans/quote", key: h.acmeAgent, body: proposal)
                let schedule = try #require(quote["installments"] as? [[String: Any]])
                #expect(quoted == .ok && quote["status"] as? String == "quote" && schedule.count == 12)
                #expect(schedule.compactMap { $0["amount_minor"] as? Int }.reduce(0, +) == 10_000, "the schedule sums to the plan")
                #expect(schedule.last?["amount_minor"] as? Int == 837 && schedule.last?["due_on"] as? String == "2027-08-21")
                let (_, plans, _) = try await client.call(.get, "/v1/accounts/\(account)/plans", key: h.acmeAdmin)
                #expect((plans["items"] as? [Any])?.isEmpty == true, "a quote stores nothing")

                let (created, plan, text) = try await client.call(.post, "/v1/accounts/\(account)/plans", key: h.acmeAgent, body: proposal)
                #expect(created == .created && plan["status"] as? String == "active", "\(text)")
                let (runner, _) = Self.desk(h)
                let day = LocalDate(iso: "2026-09-21")!
                // Two runs at once on the same day charge the installment once.
                let reports = try await withThrowingTaskGroup(of: AutopayReport.self) { group in
                    for _ in 0..<2 { group.addTask { try await runner.runAutopay(tenantID: h.acme, on: day, actor: "test") } }
                    return try await group.reduce(into: [AutopayReport]()) { $0.append($1) }
                }
                #expect(processor.intents.count == 1 && processor.intents.first?.amount == 833)
                #expect(reports.map(\.charged).reduce(0, +) >= 1)
                #expect(try await runner.runAutopay(tenantID: h.acme, on: day, actor: "test").charged == 0, "nothing more is due today")
                let nextMonth = LocalDate(iso: "2026-10-21")!
                #expect(try await runner.runAutopay(tenantID: h.acme, on: nextMonth, actor: "test").charged == 1)
                let (_, listed, _) = try await client.call(.get, "/v1/accounts/\(account)/plans", key: h.acmeAdmin)
                let standing = try #require((listed["items"] as? [[String: Any]])?.first)
                #expect(standing["paid_minor"] as? Int == 1_666 && standing["missed"] as? Int == 0)

                // Re-arranging keeps the first plan as replaced.
                let (rearranged, second, _) = try await client.call(
                    .post, "/v1/accounts/\(account)/plans", key: h.acmeAgent,
                    body: #"{"installments": 6, "frequency": "monthly", "first_date": "2026-11-01", "method_id": "\#(card)"}"#)
                #expect(rearranged == .created && second["replaces"] as? String == plan["id"] as? String)
                let (_, both, _) = try await client.call(.get, "/v1/accounts/\(account)/plans", key: h.acmeAdmin)
                #expect((both["items"] as? [[String: Any]])?.map { $0["status"] as? String } == ["active", "replaced"])
                let (_, other, _) = try await client.call(.get, "/v1/accounts/\(account)/plans", key: h.otherAdmin)
                #expect(other.isEmpty || other["status"] as? Int == 404)
            }
        }
    }

    /// Two bank payments taken for the whole $100 (one in the portal, one by phone): the file takes the first, and the
    /// second is failed with the reason, for the bank would take money the ledger cannot post.
    @Test(arguments: TestDatabase.available)
    func debitsThatTogetherExceedTheBalanceAreNotAllFiled(_ kind: TestDatabase) async throws {
        try await APIHarness.with(kind) { h in
            try await h.app.test(.router) { client in
                let account = try await client.placeForAcme(placementHeader + "\n" + placementRow("A-1"), h)
                let (_, bank, text) = try await client.call(.post, "/v1/accounts/\(account)/payment-methods", key: h.acmeAgent, body: """
                    {"type": "bank", "routing": "011000015", "account_number": "000123456789", "account_type": "checking", "holder": "Pat Doe",
                     "authorization": "I authorise Acme Recovery to debit my checking account once.", "authorized_via": "web"}
                    """)
                let method = try #require(bank["id"] as? String, "\(text)")
                let (_, portal) = try await client.pay(account, method: method, minor: 10_000, key: "portal", h)
                let (_, phone) = try await client.pay(account, method: method, minor: 10_000, key: "phone", h)
                #expect(portal["status"] as? String == "pending" && phone["status"] as? String == "pending", "\(portal) \(phone)")
                let (_, desk) = Self.desk(h)
                let file = try #require(try await desk.export(tenantID: h.acme, effectiveDate: LocalDate(iso: "2026-09-22")!, at: h.clock.now(),
                                                              actor: "test").first)
                #expect(file.debits.count == 1 && file.totalMinor == 10_000)
                let (_, second, _) = try await client.call(.get, "/v1/payments/\(phone["id"] as? String ?? "")", key: h.acmeAdmin)
                #expect(second["status"] as? String == "failed", "\(second)")
                #expect((second["failure_reason"] as? String)?.contains("debits before it in this file") == true, "\(second)")
            }
        }
    }

    /// Places A-1 ($100) and agrees four monthly installments of $25 from `first` on autopay by card; answers the account.
    static func fourMonthCardPlan(_ client: some TestClientProtocol, _ h: APIHarness, from first: String) async throws -> String {
        let account = try await client.placeForAcme(placementHeader + "\n" + placementRow("A-1"), h)
        let card = try await client.addCard(account, token: "pm_card_visa", h)
        try await setTerms(client, h, minimumInstallment: 500, missesToBreak: 2)
        let proposal = #"{"installments": 4, "frequency": "monthly", "first_date": "\#(first)", "method_id": "\#(card)"}"#
        let (created, _, text) = try await client.call(.post, "/v1/accounts/\(account)/plans", key: h.acmeAgent, body: proposal)
        #expect(created == .created, "\(text)")
        return account
    }

    /// An installment refunded in part is paid only in part: the plan counts what it kept, and the next run charges
    /// the rest of that installment with the next one.
    @Test(arguments: TestDatabase.available)
    func aPartialRefundLeavesItsInstallmentOwed(_ kind: TestDatabase) async throws {
        try await PaymentsAPITests.withProcessor(kind) { h, processor in
            try await h.app.test(.router) { client in
                let account = try await Self.fourMonthCardPlan(client, h, from: "2026-09-21")
                let (runner, _) = Self.desk(h)
                #expect(try await runner.runAutopay(tenantID: h.acme, on: LocalDate(iso: "2026-09-21")!, actor: "test").charged == 1)
                let (_, listed, _) = try await client.call(.get, "/v1/accounts/\(account)/payments", key: h.acmeAdmin)
                let paymentID = try #require((listed["items"] as? [[String: Any]])?.first?["id"] as? String)
                var headers: HTTPFields = [.authorization: "Bearer \(h.acmeAdmin)", .contentType: "application/json"]
                headers[HTTPField.Name("Idempotency-Key")!] = "part"
                let refunded = try await client.execute(uri: "/v1/payments/\(paymentID)/refund", method: .post, headers: headers,
                                                        body: ByteBuffer(string: #"{"reason": "goodwill", "amount_minor": 1000}"#)) { $0.status }
                #expect(refunded == .ok)
                let (_, plans, _) = try await client.call(.get, "/v1/accounts/\(account)/plans", key: h.acmeAdmin)
                #expect((plans["items"] as? [[String: Any]])?.first?["paid_minor"] as? Int == 1_500, "\(plans)")
                #expect(try await runner.runAutopay(tenantID: h.acme, on: LocalDate(iso: "2026-10-21")!, actor: "test").charged == 1)
                #expect(processor.intents.map(\.amount) == [2_500, 3_500], "the second installment and the $10 refunded of the first")
            }
        }
    }

    /// Without a date the nightly run takes each consumer's today: at 8:30 p.m. in Austin, already tomorrow in UTC,
    /// tomorrow's installment is not charged yet; at 1:30 a.m. there, it is.
    @Test(arguments: TestDatabase.available)
    func withoutADateThePlanRunTakesEachConsumersToday(_ kind: TestDatabase) async throws {
        try await PaymentsAPITests.withProcessor(kind) { h, processor in
            try await h.app.test(.router) { client in
                _ = try await Self.fourMonthCardPlan(client, h, from: "2026-09-22")
                let (runner, _) = Self.desk(h)
                h.clock.advance(by: 11 * 3600 + 17 * 60)  // Monday 20:30 CDT, Tuesday 01:30 UTC
                #expect(try await runner.runAutopay(tenantID: h.acme, actor: "test").charged == 0 && processor.intents.isEmpty,
                        "still Monday for the consumer")
                h.clock.advance(by: 5 * 3600)  // Tuesday 01:30 CDT
                #expect(try await runner.runAutopay(tenantID: h.acme, actor: "test").charged == 1)
                #expect(processor.intents.map(\.amount) == [2_500])
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func anACHReturnReversesTheRightDebitAndBreaksThePlanAfterTheConfiguredFailures(_ kind: TestDatabase) async throws {
        try await APIHarness.with(kind) { h in
            try await h.app.test(.router) { client in
                let account = try await client.placeForAcme(placementHeader + "\n" + placementRow("A-1"), h)
                try await Self.setTerms(client, h, minimumInstallment: 500, missesToBreak: 2)
                let (badBank, problem, _) = try await client.call(.post, "/v1/accounts/\(account)/payment-methods", key: h.acmeAgent, body: """
                    {"type": "bank", "routing": "011000016", "account_number": "000123456789", "holder": "Pat Doe", "authorization": "yes"}
                    """)
                #expect(badBank == .badRequest && "\(problem)".contains("routing"), "a mistyped routing number is caught at once")
                let (added, bank, text) = try await client.call(.post, "/v1/accounts/\(account)/payment-methods", key: h.acmeAgent, body: """
                    {"type": "bank", "routing": "011000015", "account_number": "000123456789", "account_type": "checking", "holder": "Pat Doe",
                     "authorization": "I authorise Acme Recovery to debit my checking account monthly for my plan.", "authorized_via": "phone"}
                    """)
                #expect(added == .created && bank["display"] as? String == "checking ····6789 at 011000015", "\(text)")
                let method = try #require(bank["id"] as? String)
                let (_, plan, _) = try await client.call(.post, "/v1/accounts/\(account)/plans", key: h.acmeAgent,
                    body: #"{"installments": 12, "frequency": "monthly", "first_date": "2026-09-21", "method_id": "\#(method)"}"#)
                let planID = try #require(plan["id"] as? String)

                // A card plan on another account, with no processor configured: named in the run, which goes on.
                _ = try await client.call(.post, "/v1/placements?client_id=\(h.acmeBank)", key: h.acmeAdmin,
                                          body: placementHeader + "\n" + placementRow("A-2", ssn: "123-45-6780"), contentType: "text/csv")
                let (_, page, _) = try await client.call(.get, "/v1/accounts", key: h.acmeAdmin)
                let cardAccount = try #require((page["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String }.first { $0 != account })
                let card = try await client.addCard(cardAccount, token: "pm_card_visa", h)
                let (_, cardPlan, _) = try await client.call(.post, "/v1/accounts/\(cardAccount)/plans", key: h.acmeAgent,
                    body: #"{"installments": 12, "frequency": "monthly", "first_date": "2026-09-21", "method_id": "\#(card)"}"#)

                let (runner, desk) = Self.desk(h)
                let september = LocalDate(iso: "2026-09-21")!
                let firstRun = try await runner.runAutopay(tenantID: h.acme, on: september, actor: "test")
                #expect(firstRun.queued == 1 && firstRun.errors.map { $0.plan.uuidString.lowercased() } == [cardPlan["id"] as? String])
                #expect(firstRun.errors.first?.reason.contains("no card processor") == true)
                #expect(try await runner.runAutopay(tenantID: h.acme, on: september, actor: "test").queued == 0, "queued once")
                // Two exports at once: the debit goes into one file only; the other export files nothing.
                let exports = await withTaskGroup(of: [ACHFileRecord].self) { group in
                    for _ in 0..<2 {
                        group.addTask {
                            (try? await desk.export(tenantID: h.acme, effectiveDate: LocalDate(iso: "2026-09-22")!, at: h.clock.now(), actor: "test")) ?? []
                        }
                    }
                    return await group.reduce(into: [ACHFileRecord]()) { $0 += $1 }
                }
                let file = try #require(exports.first)
                #expect(exports.count == 1 && file.debits.count == 1 && file.totalMinor == 833, "\(exports.map(\.debits.count))")
                #expect(file.text.contains("TEL"), "authorised on a recorded call: a TEL entry")
                #expect(file.text.split(whereSeparator: \.isNewline).allSatisfy { $0.count == 94 })
                #expect(file.text.contains("000123456789") && file.text.contains("PAT DOE") || file.text.contains("Pat Doe"))
                #expect(try await desk.export(tenantID: h.acme, effectiveDate: september, at: h.clock.now(), actor: "test").isEmpty,
                        "a debit is in one file only")
                let (_, payments, _) = try await client.call(.get, "/v1/accounts/\(account)/payments", key: h.acmeAdmin)
                let debit = try #require((payments["items"] as? [[String: Any]])?.first)
                #expect(debit["status"] as? String == "processing" && debit["processor_ref"] as? String == file.debits[0].trace)
                let (_, posted, _) = try await client.call(.get, "/v1/accounts/\(account)/ledger", key: h.acmeAdmin)
                #expect(PaymentsAPITests.total(posted) == 9_167, "an ACH debit posts when filed")

                let first = try await desk.importReturns(Self.returnFile([(file.debits[0].trace, "R01"), ("091000019999999", "R01")]),
                                                         tenantID: h.acme, on: september, actor: "test")
                #expect(first.returned.map(\.status) == [.returned] && first.returned.first?.failureReason == "R01 insufficient funds")
                #expect(first.problems.map(\.reason) == ["no debit with trace number 091000019999999"], "the unknown line is named")
                #expect(first.brokenPlans.isEmpty, "one failure of the two the client allows")
                let (_, reversed, _) = try await client.call(.get, "/v1/accounts/\(account)/ledger", key: h.acmeAdmin)
                #expect(PaymentsAPITests.total(reversed) == 10_000)
                #expect(PaymentsAPITests.stored(reversed).map { $0["kind"] as? String } == ["opening_balance", "payment", "reversal"])

                let october = LocalDate(iso: "2026-10-21")!
                #expect(try await runner.runAutopay(tenantID: h.acme, on: october, actor: "test").queued == 1)
                let second = try #require(try await desk.export(tenantID: h.acme, effectiveDate: october, at: h.clock.now(), actor: "test").first)
                #expect(second.debits[0].trace != file.debits[0].trace && second.totalMinor == 1_666, "the arrears, under a new trace number")
                let again = try await desk.importReturns(Self.returnFile([(second.debits[0].trace, "R01")]), tenantID: h.acme, on: october,
                                                         actor: "test")
                #expect(again.brokenPlans.map { $0.uuidString.lowercased() } == [planID])
                let (_, listed, _) = try await client.call(.get, "/v1/accounts/\(account)/plans", key: h.acmeAdmin)
                let broken = try #require((listed["items"] as? [[String: Any]])?.first)
                #expect(broken["status"] as? String == "broken" && broken["failures"] as? Int == 2)
                #expect(try await runner.runAutopay(tenantID: h.acme, on: october.adding(days: 1), actor: "test").queued == 0,
                        "a broken plan is not charged again")

                // A debit queued before its plan was cancelled is never filed: it fails, naming why.
                let (_, rearranged, _) = try await client.call(.post, "/v1/accounts/\(account)/plans", key: h.acmeAgent,
                    body: #"{"installments": 6, "frequency": "monthly", "first_date": "2026-10-22", "method_id": "\#(method)"}"#)
                #expect(try await runner.runAutopay(tenantID: h.acme, on: LocalDate(iso: "2026-10-22")!, actor: "test").queued == 1)
                let (cancelled, _, _) = try await client.call(.post, "/v1/plans/\(rearranged["id"] as? String ?? "")/cancel", key: h.acmeAgent,
                                                              body: #"{"reason": "consumer asked"}"#)
                #expect(cancelled == .ok)
                #expect(try await desk.export(tenantID: h.acme, effectiveDate: LocalDate(iso: "2026-10-23")!, at: h.clock.now(), actor: "test").isEmpty)
                let (_, afterCancel, _) = try await client.call(.get, "/v1/accounts/\(account)/payments", key: h.acmeAdmin)
                let unfiled = try #require((afterCancel["items"] as? [[String: Any]])?.first)
                #expect(unfiled["status"] as? String == "failed" && unfiled["failure_reason"] as? String == "not filed: its plan is cancelled")
                let (_, audit, _) = try await client.call(.get, "/v1/audit-events?action=plan.broken", key: h.acmeAdmin)
                #expect((audit["items"] as? [Any])?.count == 1)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aBankDebitQueuesOneReceiptWhenItIsFiledAndNoneWhenItComesBack(_ kind: TestDatabase) async throws {
        try await APIHarness.with(kind) { h in
            try await h.app.test(.router) { client in
                let account = try await client.placeForAcme(placementHeader + "\n" + placementRow("A-1"), h)
                let (paid, payment) = try await client.pay(account, method: try await client.addBank(account, h), minor: 2_500, key: "bank-1", h)
                #expect(paid == .created && payment["status"] as? String == "pending", "\(payment)")
                let accountID = try #require(AccountID(account))
                #expect(try await h.store.messages(account: accountID, tenantID: h.acme).isEmpty, "nothing is received before the debit is filed")

                let (_, desk) = Self.desk(h, receipts: true)
                let day = LocalDate(iso: "2026-09-22")!
                let file = try #require(try await desk.export(tenantID: h.acme, effectiveDate: day, at: h.clock.now(), actor: "test").first)
                #expect(try await desk.export(tenantID: h.acme, effectiveDate: day, at: h.clock.now(), actor: "test").isEmpty)
                let receipts = try await h.store.messages(account: accountID, tenantID: h.acme)
                #expect(receipts.count == 1 && receipts.first?.channel == .email && receipts.first?.subject == "Bank payment sent", "\(receipts)")
                #expect(receipts.first?.body.contains("We sent your bank payment of $25.00 to your bank on September 21, 2026. Reference ") == true,
                        "\(receipts.first?.body ?? "")")

                _ = try await desk.importReturns(Self.returnFile([(file.debits[0].trace, "R01")]), tenantID: h.acme, on: day, actor: "test")
                let (_, ledger, _) = try await client.call(.get, "/v1/accounts/\(account)/ledger", key: h.acmeAdmin)
                #expect(PaymentsAPITests.total(ledger) == 10_000, "the return reversed the debit")
                #expect(try await h.store.messages(account: accountID, tenantID: h.acme).count == 1, "a returned debit gets no second receipt")
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aNotificationOfChangeCorrectsTheStoredBankDetails(_ kind: TestDatabase) async throws {
        try await APIHarness.with(kind) { h in
            try await h.app.test(.router) { client in
                let account = try await client.placeForAcme(placementHeader + "\n" + placementRow("A-1"), h)
                let method = try await client.addBank(account, h)
                #expect(try await client.pay(account, method: method, minor: 2_000, key: "ach-1", h).0 == .created)
                let (_, desk) = Self.desk(h)
                let file = try #require(try await desk.export(tenantID: h.acme, effectiveDate: LocalDate(iso: "2026-09-22")!, at: h.clock.now(),
                                                              actor: "test").first)
                let change = Self.record([("7", 1), ("98", 2), ("C01", 3), (file.debits[0].trace, 15), ("", 6), ("09100001", 8), ("55501234", 44),
                                          ("011000010000001", 15)])
                let text = Self.returnFile([]).replacingOccurrences(
                    of: "\r\n" + Self.record([("9", 94)]),
                    with: "\r\n" + Self.record([("6", 1), ("26", 2), ("01100001", 8), ("5", 1), ("000123456789", 17), ("0000000000", 10),
                                                 ("R-1", 15), ("PAT DOE", 22), ("  ", 2), ("1", 1), ("011000010000001", 15)])
                        + "\r\n" + change + "\r\n" + Self.record([("9", 94)]))
                let report = try await desk.importReturns(text, tenantID: h.acme, on: LocalDate(iso: "2026-09-23")!, actor: "test")
                #expect(report.corrected.map(\.display) == ["checking ····1234 at 011000015"] && report.problems.isEmpty)
                // The consumer then tells the bank the debit was unauthorised (R10): the method is never debited again.
                let revoked = try await desk.importReturns(Self.returnFile([(file.debits[0].trace, "R10")]), tenantID: h.acme,
                                                           on: LocalDate(iso: "2026-09-24")!, actor: "test")
                #expect(revoked.returned.count == 1)
                let refused = try await client.pay(account, method: method, minor: 2_000, key: "ach-2", h)
                #expect(refused.0 == .badRequest && (refused.1["detail"] as? String)?.contains("may not be charged any more: R10") == true, "\(refused)")
                let (_, methods, _) = try await client.call(.get, "/v1/accounts/\(account)/payment-methods", key: h.acmeAgent)
                #expect((methods["items"] as? [[String: Any]])?.first?["display"] as? String == "checking ····1234 at 011000015")
                let (_, audit, _) = try await client.call(.get, "/v1/audit-events?action=payment_method.corrected", key: h.acmeAdmin)
                #expect((audit["items"] as? [Any])?.count == 1)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func installmentRemindersGoOutOnceInTheConsumersLanguage(_ kind: TestDatabase) async throws {
        try await PaymentsAPITests.withProcessor(kind) { h, _ in
            try await h.app.test(.router) { client in
                let account = try await client.placeForAcme(placementHeader + ",language\n" + placementRow("A-1") + ",es", h)
                try await Self.setTerms(client, h, minimumInstallment: 500, missesToBreak: 2)
                let card = try await client.addCard(account, token: "pm_card_visa", h)
                let (created, _, text) = try await client.call(
                    .post, "/v1/accounts/\(account)/plans", key: h.acmeAgent,
                    body: #"{"installments": 12, "frequency": "monthly", "first_date": "2026-09-21", "method_id": "\#(card)"}"#)
                #expect(created == .created, "\(text)")
                let (runner, _) = Self.desk(h, reminders: InstallmentReminders(messages: Self.messages(h), agencyName: { _ in "Acme Recovery" }))
                #expect(try await runner.runAutopay(tenantID: h.acme, on: LocalDate(iso: "2026-09-21")!, actor: "test").reminded == 0,
                        "the next installment is a month away")
                let threeDaysBefore = LocalDate(iso: "2026-10-18")!
                // The run at 10:30 p.m. in Austin queues the reminder for 8 a.m.
                h.clock.advance(by: 1_790_047_800 - h.clock.now().timeIntervalSince1970)
                #expect(try await runner.runAutopay(tenantID: h.acme, on: threeDaysBefore, actor: "test").reminded == 1)
                #expect(try await runner.runAutopay(tenantID: h.acme, on: threeDaysBefore.adding(days: 1), actor: "test").reminded == 0,
                        "once per installment")
                let queued = try await h.store.messages(account: try #require(AccountID(account)), tenantID: h.acme)
                #expect(queued.count == 1)
                let email = try #require(queued.first)
                #expect(email.channel == .email && email.language == "es")
                #expect(email.dueAt == Date(timeIntervalSince1970: 1_790_082_000), "due at 8 a.m. CDT, not \(email.dueAt)")
                #expect(email.subject == "Su plan de pagos: próximo pago el 21 de octubre de 2026")
                #expect(email.body.contains("Su pago del plan de \(Money(minorUnits: 833, currency: .usd).formatted(.esUS)) vence el 21 de octubre de 2026. "
                                            + "Se cargará al método de pago que nos dio."), "\(email.body)")
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func twoExportsResumingOneInterruptedFileHandItOutOnce(_ kind: TestDatabase) async throws {
        try await APIHarness.with(kind) { h in
            try await h.app.test(.router) { client in
                let account = try await client.placeForAcme(placementHeader + "\n" + placementRow("A-1"), h)
                try await Self.setTerms(client, h, minimumInstallment: 500, missesToBreak: 2)
                let (_, bank, text) = try await client.call(.post, "/v1/accounts/\(account)/payment-methods", key: h.acmeAgent, body: """
                    {"type": "bank", "routing": "011000015", "account_number": "000123456789", "holder": "Pat Doe",
                     "authorization": "I authorise Acme Recovery to debit my checking account monthly for my plan."}
                    """)
                let method = try #require(bank["id"] as? String, "\(text)")
                _ = try await client.call(.post, "/v1/accounts/\(account)/plans", key: h.acmeAgent,
                    body: #"{"installments": 12, "frequency": "monthly", "first_date": "2026-09-21", "method_id": "\#(method)"}"#)
                let (runner, desk) = Self.desk(h)
                #expect(try await runner.runAutopay(tenantID: h.acme, on: LocalDate(iso: "2026-09-21")!, actor: "test").queued == 1)
                // An export that stored its file and claimed the debit, then died before filing it.
                let debit = try #require(try await h.store.pendingPayments(rail: .ach, tenantID: h.acme).first)
                let interrupted = ACHFileRecord(
                    tenantID: h.acme, effectiveDate: LocalDate(iso: "2026-09-22")!, createdAt: h.clock.now(), status: .building,
                    debits: [(debit.id, "091000010000001")], totalMinor: debit.charged.minorUnits, text: "the file as first written")
                try await h.store.saveACHFile(interrupted, audit: AuditEntry(
                    actor: "test", action: "nacha.exported", subjectType: "ach_file", subjectID: interrupted.id.uuidString.lowercased()))

                let handedOut = try await withThrowingTaskGroup(of: [ACHFileRecord].self) { group in
                    for _ in 0..<4 {
                        group.addTask { try await desk.export(tenantID: h.acme, effectiveDate: LocalDate(iso: "2026-09-23")!, at: h.clock.now(), actor: "test") }
                    }
                    return try await group.reduce(into: [ACHFileRecord]()) { $0 += $1 }
                }
                #expect(handedOut.map(\.id) == [interrupted.id] && handedOut.first?.status == .ready, "one export hands the file out")
                #expect(try await desk.export(tenantID: h.acme, effectiveDate: LocalDate(iso: "2026-09-23")!, at: h.clock.now(), actor: "test").isEmpty)
                let (_, ledger, _) = try await client.call(.get, "/v1/accounts/\(account)/ledger", key: h.acmeAdmin)
                #expect(PaymentsAPITests.stored(ledger).filter { $0["kind"] as? String == "payment" }.count == 1, "filed and posted once")
            }
        }
    }
}
