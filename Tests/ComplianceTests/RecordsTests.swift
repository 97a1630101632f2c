import Foundation
import RecoupCore
import Testing
@testable import Compliance

// Post-contact duties (catalogue §3.6): passive credit reporting (REGF-1006.30a-PASSIVE-CR; compliance-check.md
// convention 7: safe from mail date + 15 calendar days) and record retention (REGF-1006.100-RECORDS: three years
// after the last collection activity; recordings three years after each call).

@Suite("Credit furnishing after a mailing (1006.30(a))")
struct CreditFurnishingTests {
    /// A collection letter about D1 mailed Wed 2025-10-01; furnishing proposed at 09:00 on `date`.
    static func furnishing(_ date: String) -> Scenario {
        var s = Scenario(at: "\(date)T09:00:00-04:00", channel: .none, action: .furnishToCRA)
        s.proposal.destinationType = .cra
        s.letter("2025-10-01T10:00:00-04:00")
        return s
    }

    @Test("before mail date + 15 days: blocked until then", arguments: ["2025-10-02", "2025-10-14", "2025-10-15"])
    func tooEarly(_ date: String) {
        let outcome = Self.furnishing(date).decide()
        expectDecision(outcome, allowed: false, rule: "REGF-1006.30a-PASSIVE-CR", next: .at("2025-10-16T00:00:00-04:00"))
        expectFigure(outcome, "mail_date", "2025-10-01")
        expectFigure(outcome, "earliest_safe_furnishing_date", "2025-10-16")
    }

    @Test("from mail date + 15 days on: allowed", arguments: ["2025-10-16", "2025-10-17", "2025-12-01"])
    func safe(_ date: String) {
        let outcome = Self.furnishing(date).decide()
        expectDecision(outcome, allowed: true, rule: "REGF-1006.30a-PASSIVE-CR", next: .none)
        expectFigure(outcome, "earliest_safe_furnishing_date", "2025-10-16")
    }

    @Test("a telephone conversation about the debt allows furnishing at once")
    func afterConversation() {
        var s = Scenario(at: "2025-10-02T09:00:00-04:00", channel: .none, action: .furnishToCRA)
        s.proposal.destinationType = .cra
        s.call("2025-10-01T11:00:00-04:00", .conversation)
        expectDecision(s.decide(), allowed: true, rule: "REGF-1006.30a-PASSIVE-CR", next: .none)
    }

    @Test("nothing sent and no conversation: blocked")
    func nothingSent() {
        var s = Scenario(at: "2025-10-20T09:00:00-04:00", channel: .none, action: .furnishToCRA)
        s.proposal.destinationType = .cra
        expectDecision(s.decide(), allowed: false, rule: "REGF-1006.30a-PASSIVE-CR", next: .none)
    }

    @Test("the letter came back undeliverable: blocked")
    func undeliverable() {
        var s = Self.furnishing("2025-10-20")
        s.letter("2025-10-08T10:00:00-04:00", .returnedUndeliverable)
        expectDecision(s.decide(), allowed: false, rule: "REGF-1006.30a-PASSIVE-CR", next: .none)
    }

    @Test("a letter about another debt does not start the wait for this one")
    func letterAboutOtherDebt() {
        var s = Scenario(at: "2025-10-20T09:00:00-04:00", channel: .none, action: .furnishToCRA)
        s.proposal.destinationType = .cra
        s.addDebt("D2", creditor: "Other Bank")
        s.letter("2025-10-01T10:00:00-04:00", debts: ["D2"])
        expectDecision(s.decide(), allowed: false, rule: "REGF-1006.30a-PASSIVE-CR", next: .none)
    }
}

@Suite("Record retention (1006.100)")
struct RecordRetentionTests {
    static func deletion(_ date: String, lastActivity: String = "2022-10-15") -> Scenario {
        var s = Scenario(at: "\(date)T09:00:00-04:00", channel: .none, action: .deleteRecord)
        s.proposal.destinationType = .records
        s.snapshot.debts[0].lastCollectionActivityDate = ymd(lastActivity)
        return s
    }

    @Test("before three years after the last collection activity: blocked",
          arguments: ["2024-01-10", "2025-10-14", "2025-10-15"])
    func tooEarly(_ date: String) {
        let outcome = Self.deletion(date).decide()
        expectDecision(outcome, allowed: false, rule: "REGF-1006.100-RECORDS", next: .at("2025-10-16T00:00:00-04:00"))
        expectFigure(outcome, "retain_account_records_through", "2025-10-15")
    }

    @Test("after the retention period: allowed", arguments: ["2025-10-16", "2026-01-01"])
    func afterRetention(_ date: String) {
        let outcome = Self.deletion(date).decide()
        expectDecision(outcome, allowed: true, rule: "REGF-1006.100-RECORDS", next: .none)
    }

    @Test("the last contact on record counts as collection activity")
    func historyExtendsRetention() {
        var s = Self.deletion("2025-10-20")
        s.letter("2023-03-01T10:00:00-05:00")
        let outcome = s.decide()
        expectDecision(outcome, allowed: false, rule: "REGF-1006.100-RECORDS", next: .at("2026-03-02T00:00:00-05:00"))
        expectFigure(outcome, "retain_account_records_through", "2026-03-01")
    }

    @Test("a call recording is kept three years after the call")
    func recording() {
        var s = Self.deletion("2025-10-20", lastActivity: "2022-01-10")
        s.call("2023-06-15T11:00:00-04:00", .conversation, recording: "rec-42")
        let outcome = s.decide()
        expectDecision(outcome, allowed: false, rule: "REGF-1006.100-RECORDS", next: .at("2026-06-16T00:00:00-04:00"))
        expectFigure(outcome, "retain_recording_through", "2026-06-15")
    }

    @Test("a last activity on 29 February is kept through 28 February three years on")
    func leapDay() {
        let outcome = Self.deletion("2027-02-28", lastActivity: "2024-02-29").decide()
        expectDecision(outcome, allowed: false, rule: "REGF-1006.100-RECORDS", next: .at("2027-03-01T00:00:00-05:00"))
        expectFigure(outcome, "retain_account_records_through", "2027-02-28")
    }
}
