import Foundation
import RecoupCore
import Testing
@testable import Compliance

// What a message must say (catalogue §3.5, §3.6): the validation period of 1006.34(b)(5) with the business-day
// convention of compliance-check.md convention 6 (weekends and 5 U.S.C. 6103(a) holidays on their actual dates;
// assumed receipt = provided + 5 business days; end = assumed receipt + 30 calendar days, no roll-forward),
// overshadowing, mini-Miranda, the electronic opt-out notice, translations, and suits on time-barred debts.

/// A validation notice mailed at 09:00 local on `provided` (a date), stating `stated` as the end of the period.
private func validationNotice(provided: String, offset: String = "-05:00", stated: String?) -> Scenario {
    var s = Scenario(at: "\(provided)T09:00:00\(offset)", channel: .letter)
    s.snapshot.validationNotice = nil
    var content = ContentFacts(type: .validationNotice)
    content.includesMiniMiranda = true
    content.disputePrompts = true
    content.originalCreditorPrompt = true
    content.language = "en"
    content.validationPeriodEndDateStated = stated.map { ymd($0) }
    s.proposal.content = content
    return s
}

@Suite("Validation period end date (1006.34(b)(5))")
struct ValidationPeriodTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let provided: String
        let assumedReceipt: String
        let earliestEnd: String
        let holidays: String
        var testDescription: String { "provided \(provided)" }
    }

    static let cases = [
        // Mon 11/3: Tue..Fri, Mon 11/10 (VN-001).
        Case(provided: "2025-11-03", assumedReceipt: "2025-11-10", earliestEnd: "2025-12-10", holidays: ""),
        // Wed 11/5: Thu 6, Fri 7, Mon 10, (Tue 11 Veterans Day), Wed 12, Thu 13; +30 = Sat 12/13, no roll-forward.
        Case(provided: "2025-11-05", assumedReceipt: "2025-11-13", earliestEnd: "2025-12-13", holidays: "2025-11-11"),
        // Wed 11/26: (Thu 27 Thanksgiving), Fri 28, Mon 12/1, Tue 2, Wed 3, Thu 4.
        Case(provided: "2025-11-26", assumedReceipt: "2025-12-04", earliestEnd: "2026-01-03", holidays: "2025-11-27"),
        // Fri 12/19: Mon 22, Tue 23, Wed 24, (Thu 25 Christmas), Fri 26 (a business day: no 6103(a) holiday), Mon 29.
        Case(provided: "2025-12-19", assumedReceipt: "2025-12-29", earliestEnd: "2026-01-28", holidays: "2025-12-25"),
        // Wed 12/24: (Christmas), Fri 26, Mon 29, Tue 30, Wed 31, (Thu 1/1 New Year's Day), Fri 1/2.
        Case(provided: "2025-12-24", assumedReceipt: "2026-01-02", earliestEnd: "2026-02-01", holidays: "2025-12-25, 2026-01-01"),
        // Fri 12/26: Mon 29, Tue 30, Wed 31, (New Year's Day), Fri 1/2, Mon 1/5.
        Case(provided: "2025-12-26", assumedReceipt: "2026-01-05", earliestEnd: "2026-02-04", holidays: "2026-01-01"),
        // Fri 2026-01-16: (Mon 19 Martin Luther King Jr.), Tue 20 .. Fri 23, Mon 26.
        Case(provided: "2026-01-16", assumedReceipt: "2026-01-26", earliestEnd: "2026-02-25", holidays: "2026-01-19"),
        // A Saturday: Mon..Fri of the next week.
        Case(provided: "2025-11-01", assumedReceipt: "2025-11-07", earliestEnd: "2025-12-07", holidays: ""),
    ]

    @Test("stating the earliest lawful end date", arguments: cases)
    func earliestEndDate(_ c: Case) {
        let outcome = validationNotice(provided: c.provided, stated: c.earliestEnd).decide()
        expectDecision(outcome, allowed: true, rule: "REGF-1006.34b5-VPERIOD", next: .none)
        expectFigure(outcome, "provided_date", c.provided)
        expectFigure(outcome, "assumed_receipt_date", c.assumedReceipt)
        expectFigure(outcome, "earliest_permissible_end_date", c.earliestEnd)
        expectFigure(outcome, "stated_end_date", c.earliestEnd)
        expectFigure(outcome, "excluded_holidays", c.holidays)
    }

    @Test("a stated end date one day early is blocked", arguments: cases)
    func oneDayEarly(_ c: Case) {
        let early = ymd(c.earliestEnd).adding(days: -1).iso
        let outcome = validationNotice(provided: c.provided, stated: early).decide()
        expectDecision(outcome, allowed: false, rule: "REGF-1006.34b5-VPERIOD", next: .none)
        expectFigure(outcome, "stated_end_date", early)
        expectFigure(outcome, "earliest_permissible_end_date", c.earliestEnd)
    }

    @Test("a later end date is always lawful", arguments: cases)
    func laterEndDate(_ c: Case) {
        let later = ymd(c.earliestEnd).adding(days: 1).iso
        expectDecision(validationNotice(provided: c.provided, stated: later).decide(), allowed: true,
                       rule: "REGF-1006.34b5-VPERIOD", next: .none)
    }

    /// compliance-check.md convention 6: holidays count "on their actual dates". Independence Day 2026 is a
    /// Saturday, observed Fri 7/3; on the literal reading 7/3 is a business day: provided Thu 7/2 → Fri 7/3, Mon 6,
    /// Tue 7, Wed 8, Thu 9 → assumed receipt 7/9, earliest end 8/8. (Catalogue §1 flags the observed-day question
    /// as ambiguous; the document states the actual-date rule.)
    @Test("observed-day substitutes are business days (convention 6)")
    func observedHoliday() {
        let outcome = validationNotice(provided: "2026-07-02", offset: "-04:00", stated: "2026-08-08").decide()
        expectDecision(outcome, allowed: true, rule: "REGF-1006.34b5-VPERIOD", next: .none)
        expectFigure(outcome, "assumed_receipt_date", "2026-07-09")
        expectFigure(outcome, "earliest_permissible_end_date", "2026-08-08")
    }

    @Test("the validation period as a check document (provided Wed 2025-11-05, Veterans Day skipped)")
    func validationPeriodDocument() throws {
        let outcome = try decideDocument(#"""
        {
          "facts": {
            "jurisdiction": {"consumer_state": "OH", "consumer_city": "Columbus, OH"},
            "collector": {"name": "Acme Recovery LLC", "type": "third_party_debt_collector", "fdcpa_covered": true, "licensed_states": ["*"]},
            "consumer": {"id": "P1", "location_signals": [{"source": "mailing_address", "tz": "America/New_York", "detail": "Columbus, OH"}]},
            "persons": [{"id": "P1", "role": "consumer", "name": "Pat Doe"}],
            "debts": [{"id": "D1", "type": "credit_card", "creditor": "Big Bank", "sol_expired": false}]
          },
          "proposed": {"action": "contact", "channel": "letter", "timestamp": "2025-11-05T09:00:00-05:00", "debt_id": "D1",
                       "person": "P1", "destination": "mail-1", "destination_type": "mail", "dialing_method": "n/a",
                       "content": {"type": "validation_notice", "includes_mini_miranda": true, "dispute_prompts": true,
                                   "original_creditor_prompt": true, "validation_period_end_date_stated": "2025-12-12"}}
        }
        """#)
        expectDecision(outcome, allowed: false, rule: "REGF-1006.34b5-VPERIOD", next: .none)
        expectFigure(outcome, "assumed_receipt_date", "2025-11-13")
        expectFigure(outcome, "earliest_permissible_end_date", "2025-12-13")
        expectFigure(outcome, "excluded_holidays", "2025-11-11")
    }

    @Test("a validation notice without the dispute or original-creditor prompts", arguments: [(false, true), (true, false)])
    func missingPrompts(_ dispute: Bool, _ originalCreditor: Bool) {
        var s = validationNotice(provided: "2025-11-03", stated: "2025-12-10")
        s.proposal.content.disputePrompts = dispute
        s.proposal.content.originalCreditorPrompt = originalCreditor
        expectDecision(s.decide(), allowed: false, rule: "REGF-1006.34c-VN-CONTENT", next: .none)
    }

    @Test("a translated notice needs an English one", arguments: [(false, false), (true, true)])
    func translation(_ englishSent: Bool, _ allowed: Bool) {
        var s = validationNotice(provided: "2025-11-03", stated: "2025-12-10")
        s.proposal.content.language = "es"
        s.proposal.content.englishNoticeIncludedOrPreviouslySent = englishSent
        let outcome = s.decide()
        if allowed {
            expectDecision(outcome, allowed: true, next: .none)
        } else {
            expectDecision(outcome, allowed: false, rule: "REGF-1006.34f-TRANSLATION", next: .none)
        }
    }
}

@Suite("Overshadowing the validation rights (1006.38(b))")
struct OvershadowingTests {
    /// Notice provided Mon 2025-11-03: the validation period ends Wed 2025-12-10.
    static func demand(_ at: String, days: Int?, channel: ProposedChannel = .letter, threatens: Bool = false) -> Scenario {
        var s = Scenario(at: at, channel: channel)
        s.snapshot.validationNotice = ValidationNoticeFacts(providedAt: ymd("2025-11-03"))
        var content = ContentFacts(type: .paymentDemand)
        content.includesMiniMiranda = true
        content.includesOptOutNotice = true
        content.paymentDeadlineDays = days
        content.threatensLegalAction = threatens
        s.proposal.content = content
        return s
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let at: String
        let days: Int
        let next: String?
        var testDescription: String { "\(at) +\(days)d" }
    }

    static let cases = [
        Case(at: "2025-11-20T10:00:00-05:00", days: 10, next: "2025-12-01T00:00:00-05:00"),  // deadline 11/30, inside
        Case(at: "2025-11-20T10:00:00-05:00", days: 20, next: "2025-11-21T00:00:00-05:00"),  // deadline 12/10 = end date, inside
        Case(at: "2025-11-20T10:00:00-05:00", days: 21, next: nil),  // deadline 12/11, after the period
        Case(at: "2025-11-30T10:00:00-05:00", days: 10, next: "2025-12-01T00:00:00-05:00"),  // deadline 12/10
        Case(at: "2025-12-01T10:00:00-05:00", days: 10, next: nil),  // deadline 12/11
        Case(at: "2025-12-11T10:00:00-05:00", days: 5, next: nil),  // the period is over
    ]

    @Test("a payment deadline inside the validation period is blocked until it would fall after it", arguments: cases)
    func paymentDeadline(_ c: Case) {
        let outcome = Self.demand(c.at, days: c.days).decide()
        if let next = c.next {
            expectDecision(outcome, allowed: false, rule: "REGF-1006.38b-OVERSHADOW", next: .at(next))
        } else {
            expectDecision(outcome, allowed: true, next: .none)
        }
    }

    @Test("a call with a payment deadline reopens at 08:00 the first lawful day")
    func callDeadline() {
        let outcome = Self.demand("2025-11-20T11:00:00-05:00", days: 10, channel: .call).decide()
        expectDecision(outcome, allowed: false, rule: "REGF-1006.38b-OVERSHADOW", next: .at("2025-12-01T08:00:00-05:00"))
    }

    @Test("threatening legal action during the validation period overshadows it")
    func threatDuringPeriod() {
        let outcome = Self.demand("2025-11-20T10:00:00-05:00", days: nil, threatens: true).decide()
        expectDecision(outcome, allowed: false, rule: "REGF-1006.38b-OVERSHADOW", next: .at("2025-12-11T00:00:00-05:00"))
    }
}

@Suite("Disclosures in communications")
struct DisclosureTests {
    @Test("mini-Miranda missing on a communication is blocked", arguments: [ProposedChannel.letter, .call, .email, .sms])
    func miniMirandaMissing(_ channel: ProposedChannel) {
        var s = Scenario(at: "2025-10-15T11:00:00-04:00", channel: channel)
        s.proposal.content.includesMiniMiranda = false
        expectDecision(s.decide(), allowed: false, rule: "REGF-1006.18e-MINIMIRANDA", next: .none)
    }

    @Test("a limited-content message needs no mini-Miranda")
    func limitedContentMessage() {
        var s = Scenario(at: "2025-10-15T11:00:00-04:00", channel: .voicemail)
        var content = ContentFacts(type: .limitedContentMessage)
        content.includesMiniMiranda = false
        s.proposal.content = content
        expectDecision(s.decide(), allowed: true, next: .none)
    }

    @Test("the opt-out notice is required on every email and text", arguments: [(ProposedChannel.email, false), (.sms, false),
                                                                                (.letter, true)])
    func optOutNoticeMissing(_ channel: ProposedChannel, _ allowed: Bool) {
        var s = Scenario(at: "2025-10-15T11:00:00-04:00", channel: channel)
        s.proposal.content.includesOptOutNotice = false
        let outcome = s.decide()
        if allowed {
            expectDecision(outcome, allowed: true, next: .none)
        } else {
            expectDecision(outcome, allowed: false, rule: "REGF-1006.6e-OPTOUT-NOTICE", next: .none)
        }
    }
}

@Suite("Time-barred debts (1006.26(b))")
struct TimeBarredTests {
    static func lawsuit(expired: Bool) -> Scenario {
        var s = Scenario(at: "2025-10-15T11:00:00-04:00", channel: .none, action: .fileLawsuit)
        s.proposal.destinationType = .court
        s.snapshot.debts[0].solExpired = expired
        return s
    }

    @Test("a lawsuit on a time-barred debt is blocked; on a live one it is not", arguments: [true, false])
    func lawsuitOnTimeBarredDebt(_ expired: Bool) {
        let outcome = Self.lawsuit(expired: expired).decide()
        if expired {
            expectDecision(outcome, allowed: false, rule: "REGF-1006.26b-TIMEBARRED", next: .none)
        } else {
            expectDecision(outcome, allowed: true, next: .none)
        }
    }

    @Test("threatening suit on a time-barred debt is blocked", arguments: [true, false])
    func threatOnTimeBarredDebt(_ expired: Bool) {
        var s = Scenario(at: "2025-10-15T11:00:00-04:00", channel: .letter)
        s.snapshot.debts[0].solExpired = expired
        s.proposal.content.threatensLegalAction = true
        let outcome = s.decide()
        if expired {
            expectDecision(outcome, allowed: false, rule: "REGF-1006.26b-TIMEBARRED", next: .none)
        } else {
            expectDecision(outcome, allowed: true, next: .none)
        }
    }

    @Test("a proof of claim on a time-barred debt is not a legal action")
    func proofOfClaim() {
        var s = Scenario(at: "2025-10-15T11:00:00-04:00", channel: .none, action: .fileProofOfClaim)
        s.proposal.destinationType = .court
        s.snapshot.debts[0].solExpired = true
        expectDecision(s.decide(), allowed: true, next: .none)
    }
}

@Suite("The validation notice as the history shows it (1006.34(a)(1), 1006.38)")
struct NoticeInHistoryTests {
    /// An email on Wed 2025-10-15 (Ohio) after a letter on Wed 2025-10-01, with no `validation_notice` block: the
    /// letter is the initial communication, and its five days are long over unless it was the notice.
    static func emailAfterLetter(_ content: ContentType, debts: [String] = ["D1"]) -> Scenario {
        var s = Scenario(at: "2025-10-15T11:00:00-04:00", channel: .email)
        s.snapshot.validationNotice = nil
        s.letter("2025-10-01T10:00:00-04:00", debts: debts, content: content)
        return s
    }

    @Test("a notice letter the history shows mailed is the notice provided")
    func mailedNoticeCounts() {
        let outcome = Self.emailAfterLetter(.validationNotice).decide()
        expectDecision(outcome, allowed: true, next: .none)
        #expect(outcome.verdict("REGF-1006.34-VN-TIMING") == .pass, "\(outcome.trace)")
    }

    @Test("without one, the sixth day after the initial communication is blocked; a notice about another debt is none",
          arguments: [["D1"], ["D2"]])
    func noNotice(_ debts: [String]) {
        let content: ContentType = debts == ["D1"] ? .collection : .validationNotice
        expectDecision(Self.emailAfterLetter(content, debts: debts).decide(), allowed: false, rule: "REGF-1006.34-VN-TIMING", next: .none)
    }

    @Test("a notice letter that came back undeliverable was not provided")
    func returnedNotice() {
        var s = Self.emailAfterLetter(.validationNotice)
        s.snapshot.history.removeAll()
        s.letter("2025-10-01T10:00:00-04:00", .returnedUndeliverable, content: .validationNotice)
        #expect(s.decide().verdict("REGF-1006.34-VN-TIMING") != .pass, "\(s.decide().trace)")
    }

    @Test("a conversation the consumer started is the initial communication too")
    func inboundConversation() {
        var s = Scenario(at: "2025-10-20T11:00:00-04:00", channel: .email)
        s.snapshot.validationNotice = nil
        s.call("2025-10-01T10:00:00-04:00", .conversation, direction: .inbound)
        expectDecision(s.decide(), allowed: false, rule: "REGF-1006.34-VN-TIMING", next: .none)
    }

    @Test("the notice mailed starts the validation period: a payment deadline inside it overshadows")
    func mailedNoticeStartsThePeriod() {
        var s = OvershadowingTests.demand("2025-11-20T10:00:00-05:00", days: 10)
        s.snapshot.validationNotice = nil
        s.letter("2025-11-03T10:00:00-05:00", content: .validationNotice)
        expectDecision(s.decide(), allowed: false, rule: "REGF-1006.38b-OVERSHADOW", next: .at("2025-12-01T00:00:00-05:00"))
    }

    /// Provided Wed 2025-10-01: the earliest lawful end is Fri 2025-11-07. A written dispute on 2025-11-03 falls inside
    /// it, whatever earlier end the notice stated, unless the consumer's actual receipt is known.
    @Test("a stated end before the earliest lawful one does not shorten the dispute hold", arguments: [false, true])
    func statedEndTooEarly(_ actualReceiptKnown: Bool) {
        var s = Scenario(at: "2025-11-04T11:00:00-05:00", channel: .call)
        var notice = ValidationNoticeFacts(providedAt: ymd("2025-10-01"))
        notice.validationPeriodEndDate = ymd("2025-10-31")
        notice.actualReceiptKnown = actualReceiptKnown
        s.snapshot.validationNotice = notice
        s.snapshot.holds.dispute = DisputeFacts(receivedAt: ts("2025-11-03T12:00:00-05:00"), written: true, withinValidationPeriod: nil,
                                                debtIDs: [], duplicative: false, verificationSentAt: nil)
        let outcome = s.decide()
        if actualReceiptKnown {
            #expect(outcome.verdict("REGF-1006.38d2-DISPUTE") == .warn, "\(outcome.trace)")
        } else {
            expectDecision(outcome, allowed: false, rule: "REGF-1006.38d2-DISPUTE", next: .none)
        }
    }
}
