import Foundation
import RecoupCore
import Testing
@testable import Compliance

// REGF-1006.14b2-7IN7, REGF-1006.14b2-CONV7, REGF-1006.14b3-EXCL, REGF-1006.14b4-STUDENTLOAN (catalogue §3.4;
// conventions §1 "Day counting"; compliance-check.md conventions 2-4). A call on local day D is blocked if 7 or
// more counted calls exist on D-6..D; a conversation on day C blocks C..C+6; consent received on day R excludes
// calls on R..R+6. The proposed call below is Saturday 2025-10-11 11:00 ET unless said otherwise.

private let proposedAt = "2025-10-11T11:00:00-04:00"

/// `count` calls, at 10:00, 11:00, … on the given local days of October 2025 (ET), cycling through the days.
private func octoberCalls(days: [Int], perDay: Int) -> [String] {
    days.flatMap { day in
        (0..<perDay).map { i in String(format: "2025-10-%02dT%02d:00:00-04:00", day, 10 + i) }
    }
}

/// Seven calls: two on 10/6, two on 10/7, one each on 10/8, 10/9 and 10/10 (example F7-006).
private let sevenCalls = [
    "2025-10-06T10:00:00-04:00", "2025-10-06T15:00:00-04:00", "2025-10-07T10:00:00-04:00", "2025-10-07T15:00:00-04:00",
    "2025-10-08T11:00:00-04:00", "2025-10-09T11:00:00-04:00", "2025-10-10T11:00:00-04:00",
]

@Suite("7-in-7 call count")
struct SevenInSevenTests {
    @Test("n counted calls in the window: the 7th is allowed, the 8th blocked", arguments: [5, 6, 7, 8])
    func countThreshold(_ n: Int) {
        var s = Scenario(at: proposedAt)
        s.calls(Array((sevenCalls + ["2025-10-09T16:00:00-04:00"]).prefix(n)))
        let outcome = s.decide()
        expectFigure(outcome, "counted_calls_in_window", "\(n)")
        expectFigure(outcome, "window_start", "2025-10-05")
        expectFigure(outcome, "window_end", "2025-10-11")
        if n < 7 {
            expectDecision(outcome, allowed: true, next: .none)
            #expect(outcome.verdict("REGF-1006.14b2-7IN7") == .pass)
        } else {
            // 10/12's window (10/6..10/12) still holds 7 (or 8); 10/13's (10/7..10/13) holds 5 (or 6).
            expectDecision(outcome, allowed: false, rule: "REGF-1006.14b2-7IN7", next: .at("2025-10-13T08:00:00-04:00"))
        }
    }

    @Test("past calls that name nobody were to the consumer, as a proposal that names nobody is")
    func callsNamingNobodyCount() {
        var s = Scenario(at: proposedAt)
        s.calls(sevenCalls)
        for index in s.snapshot.history.indices { s.snapshot.history[index].person = nil }
        expectDecision(s.decide(), allowed: false, rule: "REGF-1006.14b2-7IN7", next: .at("2025-10-13T08:00:00-04:00"))
    }

    struct Spread: Sendable, CustomTestStringConvertible {
        let name: String
        let calls: [String]
        let allowed: Bool
        let next: String?
        var testDescription: String { name }
    }

    static let spreads = [
        // Seven calls on D-7 (10/4) are outside the window D-6..D.
        Spread(name: "7 calls on D-7", calls: octoberCalls(days: [4], perDay: 7), allowed: true, next: nil),
        // Seven calls on D-6 (10/5) are inside it; they leave the window the next day.
        Spread(name: "7 calls on D-6", calls: octoberCalls(days: [5], perDay: 7), allowed: false, next: "2025-10-12T08:00:00-04:00"),
        // One call a day 10/5..10/11 (the last this morning): 10/12's window 10/6..10/12 holds 6.
        Spread(name: "one a day D-6..D", calls: octoberCalls(days: [5, 6, 7, 8, 9, 10], perDay: 1) + ["2025-10-11T09:00:00-04:00"],
               allowed: false, next: "2025-10-12T08:00:00-04:00"),
        // Seven calls earlier today: they stay in the window through 10/17.
        Spread(name: "7 calls earlier on D", calls: ["2025-10-11T08:00:00-04:00", "2025-10-11T08:10:00-04:00",
               "2025-10-11T08:20:00-04:00", "2025-10-11T08:30:00-04:00", "2025-10-11T08:40:00-04:00",
               "2025-10-11T08:50:00-04:00", "2025-10-11T10:00:00-04:00"], allowed: false, next: "2025-10-18T08:00:00-04:00"),
        // 3 on 10/5, 4 on 10/10: the window drops below 7 when 10/5 leaves it (10/12).
        Spread(name: "3 on D-6, 4 on D-1", calls: octoberCalls(days: [5], perDay: 3) + octoberCalls(days: [10], perDay: 4),
               allowed: false, next: "2025-10-12T08:00:00-04:00"),
        // 1 on 10/5, 3 on 10/9, 6 on 10/10 (10 in the window): 9 remain through 10/15; 10/16's window (10/10..10/16)
        // holds 6.
        Spread(name: "10 in window", calls: octoberCalls(days: [5], perDay: 1) + octoberCalls(days: [9], perDay: 3)
               + octoberCalls(days: [10], perDay: 6), allowed: false, next: "2025-10-16T08:00:00-04:00"),
    ]

    @Test("which days are in the window, and when it drops below 7", arguments: spreads)
    func windowSpread(_ spread: Spread) {
        var s = Scenario(at: proposedAt)
        s.calls(spread.calls)
        let outcome = s.decide()
        if spread.allowed {
            expectDecision(outcome, allowed: true, next: .none)
        } else {
            expectDecision(outcome, allowed: false, rule: "REGF-1006.14b2-7IN7", next: .at(spread.next ?? ""))
        }
    }

    struct OutcomeCase: Sendable, CustomTestStringConvertible {
        let outcome: ContactOutcome
        let counted: Bool
        var testDescription: String { outcome.rawValue }
    }

    /// DEF-CALL-PLACED: every call connected to the dialled number counts; busy, not in service and failed do not.
    static let outcomeCases = [
        OutcomeCase(outcome: .busy, counted: false),
        OutcomeCase(outcome: .notInService, counted: false),
        OutcomeCase(outcome: .failed, counted: false),
        OutcomeCase(outcome: .noAnswer, counted: true),
        OutcomeCase(outcome: .voicemailReachedNoMessageLeft, counted: true),
        OutcomeCase(outcome: .limitedContentMessageLeft, counted: true),
        OutcomeCase(outcome: .limitedContentMessageInterrupted, counted: true),
        OutcomeCase(outcome: .answeredHungUp, counted: true),
        OutcomeCase(outcome: .answeredPrerecordedMessagePlayed, counted: true),
        OutcomeCase(outcome: .wrongParty, counted: true),
    ]

    @Test("six counted calls plus one with this outcome", arguments: outcomeCases)
    func outcomeCounts(_ c: OutcomeCase) {
        var s = Scenario(at: proposedAt)
        s.calls(Array(sevenCalls.prefix(6)))
        s.call(sevenCalls[6], c.outcome)
        let outcome = s.decide()
        expectFigure(outcome, "counted_calls_in_window", c.counted ? "7" : "6")
        if c.counted {
            expectDecision(outcome, allowed: false, rule: "REGF-1006.14b2-7IN7", next: .at("2025-10-13T08:00:00-04:00"))
        } else {
            expectDecision(outcome, allowed: true, next: .none)
        }
    }

    @Test("seven busy / not-in-service / failed calls count for nothing")
    func sevenUnconnectedCalls() {
        var s = Scenario(at: proposedAt)
        s.calls(Array(sevenCalls.prefix(3)), .busy)
        s.calls(Array(sevenCalls[3..<5]), .notInService)
        s.calls(Array(sevenCalls[5...]), .failed)
        let outcome = s.decide()
        expectFigure(outcome, "counted_calls_in_window", "0")
        expectDecision(outcome, allowed: true, next: .none)
    }

    // MARK: Unit of count: person × particular debt

    @Test("calls about another debt are not counted")
    func otherDebtNotCounted() {
        var s = Scenario(at: proposedAt)
        s.addDebt("D2", creditor: "Other Bank")
        s.calls(sevenCalls, debts: ["D2"])
        let outcome = s.decide()
        expectFigure(outcome, "counted_calls_in_window", "0")
        expectDecision(outcome, allowed: true, next: .none)
        // And the same history blocks a call about D2.
        s.proposal.debtID = "D2"
        expectDecision(s.decide(), allowed: false, rule: "REGF-1006.14b2-7IN7", next: .at("2025-10-13T08:00:00-04:00"))
    }

    @Test("a call about two debts counts for each", arguments: ["D1", "D2"])
    func multiDebtCallCountsForEach(_ proposedDebt: String) {
        var s = Scenario(at: proposedAt)
        s.addDebt("D2", creditor: "Other Bank")
        s.calls(sevenCalls, debts: ["D1", "D2"])
        s.proposal.debtID = proposedDebt
        expectDecision(s.decide(), allowed: false, rule: "REGF-1006.14b2-7IN7", next: .at("2025-10-13T08:00:00-04:00"))
    }

    @Test("4 calls about D1+D2 and 3 about D1: D1 is at 7, D2 at 4", arguments: [("D1", false), ("D2", true)])
    func mixedDebtCounts(_ proposedDebt: String, _ allowed: Bool) {
        var s = Scenario(at: proposedAt)
        s.addDebt("D2", creditor: "Other Bank")
        s.calls(Array(sevenCalls.prefix(4)), debts: ["D1", "D2"])
        s.calls(Array(sevenCalls[4...]), debts: ["D1"])
        s.proposal.debtID = proposedDebt
        let outcome = s.decide()
        expectFigure(outcome, "counted_calls_in_window", allowed ? "4" : "7")
        expectDecision(outcome, allowed: allowed, rule: allowed ? nil : "REGF-1006.14b2-7IN7")
    }

    @Test("a proposed call about D1 and D2 is blocked when either debt is at 7")
    func proposedMultiDebtCall() {
        var s = Scenario(at: proposedAt)
        s.addDebt("D2", creditor: "Other Bank")
        s.calls(Array(sevenCalls.prefix(2)), debts: ["D1"])
        s.calls(sevenCalls, debts: ["D2"])
        s.proposal.additionalDebtIDs = ["D2"]
        let outcome = s.decide()
        expectDecision(outcome, allowed: false, rule: "REGF-1006.14b2-7IN7", next: .at("2025-10-13T08:00:00-04:00"))
        expectFigure(outcome, "counted_calls_in_window", "7")
    }

    @Test("calls to another person (the spouse) are a separate count")
    func otherPersonSeparateCount() {
        var s = Scenario(at: proposedAt)
        s.addPerson("S1", role: .spouse, name: "Sam Doe")
        s.addDestination("cell-s", type: .cell, person: "S1", source: .consumerProvided)
        s.calls(sevenCalls, person: "S1", destination: "cell-s")
        let outcome = s.decide()
        expectFigure(outcome, "counted_calls_in_window", "0")
        expectDecision(outcome, allowed: true, next: .none)
    }

    @Test("all of the consumer's numbers aggregate into one count")
    func numbersAggregate() {
        var s = Scenario(at: proposedAt)
        s.calls(Array(sevenCalls.prefix(3)), destination: "cell-1")
        s.calls(Array(sevenCalls[3..<5]), destination: "landline-1")
        s.calls(Array(sevenCalls[5...]), destination: "work-1")
        expectDecision(s.decide(), allowed: false, rule: "REGF-1006.14b2-7IN7", next: .at("2025-10-13T08:00:00-04:00"))
    }

    // MARK: Student loans (1006.14(b)(4))

    @Test("student loans: one account number at acquisition share a count; different numbers don't",
          arguments: [("ACCT-100", "ACCT-100", false), ("ACCT-100", "ACCT-200", true), ("ACCT-100", nil, true)] as [(String, String?, Bool)])
    func studentLoans(_ first: String, _ second: String?, _ allowed: Bool) {
        var s = Scenario(at: proposedAt)
        s.snapshot.debts = []
        s.addDebt("SL1", type: .studentLoan, creditor: "Loan Servicer", studentLoanAccount: first)
        s.addDebt("SL2", type: .studentLoan, creditor: "Loan Servicer", studentLoanAccount: second)
        s.calls(Array(sevenCalls.prefix(4)), debts: ["SL1"])
        s.calls(Array(sevenCalls[4...]), debts: ["SL2"])
        s.proposal.debtID = "SL2"
        let outcome = s.decide()
        expectFigure(outcome, "counted_calls_in_window", allowed ? "3" : "7")
        if allowed {
            expectDecision(outcome, allowed: true, next: .none)
        } else {
            expectDecision(outcome, allowed: false, rule: "REGF-1006.14b2-7IN7", next: .at("2025-10-13T08:00:00-04:00"))
        }
        #expect(outcome.verdict("REGF-1006.14b4-STUDENTLOAN") == .pass)
    }

    // MARK: Excluded recipients and media (1006.14(b)(3)(iii), compliance-check.md convention 3)

    @Test("calls to the consumer's attorney are not counted for the consumer")
    func attorneyCallsNotCounted() {
        var s = Scenario(at: proposedAt)
        s.addPerson("A1", role: .consumerAttorney, name: "Jordan Counsel")
        s.addDestination("atty-line", type: .landline, person: "A1", source: .consumerProvided)
        s.calls(Array(sevenCalls.prefix(6)))
        s.calls(["2025-10-08T14:00:00-04:00", "2025-10-09T14:00:00-04:00", "2025-10-10T14:00:00-04:00"],
                .answeredHungUp, person: "A1", destination: "atty-line")
        let outcome = s.decide()
        expectFigure(outcome, "counted_calls_in_window", "6")
        expectDecision(outcome, allowed: true, next: .none)
    }

    @Test("calls to the attorney are excluded from any count (the exclusion decides)")
    func callToAttorneyExcluded() {
        var s = Scenario(at: proposedAt)
        s.addPerson("A1", role: .consumerAttorney, name: "Jordan Counsel")
        s.addDestination("atty-line", type: .landline, person: "A1", source: .consumerProvided)
        s.calls(sevenCalls + ["2025-10-11T09:00:00-04:00"], .answeredHungUp, person: "A1", destination: "atty-line")
        s.proposal.person = "A1"
        s.proposal.destination = "atty-line"
        s.proposal.destinationType = .landline
        expectDecision(s.decide(), allowed: true, rule: "REGF-1006.14b3-EXCL", next: .none)
    }

    @Test("texts, emails, letters and inbound calls never count")
    func otherMediaNotCounted() {
        var s = Scenario(at: proposedAt)
        s.calls(Array(sevenCalls.prefix(6)))
        s.text("2025-10-09T12:00:00-04:00")
        s.text("2025-10-10T12:00:00-04:00")
        s.email("2025-10-09T13:00:00-04:00")
        s.letter("2025-10-08T09:00:00-04:00")
        s.call("2025-10-10T13:00:00-04:00", .noAnswer, direction: .inbound)
        s.call("2025-10-10T14:00:00-04:00", .voicemailReachedNoMessageLeft, direction: .inbound)
        let outcome = s.decide()
        expectFigure(outcome, "counted_calls_in_window", "6")
        expectDecision(outcome, allowed: true, next: .none)
    }

    @Test("the 7-in-7 count does not apply to texts and emails", arguments: [ProposedChannel.sms, .email])
    func textsAreNotCalls(_ channel: ProposedChannel) {
        var s = Scenario(at: proposedAt, channel: channel)
        s.calls(sevenCalls)
        let outcome = s.decide()
        expectDecision(outcome, allowed: true, next: .none)
        #expect(outcome.verdict("REGF-1006.14b2-7IN7") == nil, "\(outcome.trace)")
    }

    @Test("a voicemail is left on a call: it is subject to the count")
    func voicemailIsACall() {
        var s = Scenario(at: proposedAt, channel: .voicemail)
        s.calls(sevenCalls)
        expectDecision(s.decide(), allowed: false, rule: "REGF-1006.14b2-7IN7", next: .at("2025-10-13T08:00:00-04:00"))
    }
}

// MARK: - Consent exclusion (1006.14(b)(3)(i))

@Suite("Direct consent excludes calls on R..R+6")
struct ConsentExclusionTests {
    static func consent(_ received: String, direct: Bool = true, type: ConsentType = .regFCallConsent) -> Consent {
        Consent(type: type, givenDirectlyToCollector: direct, receivedAt: ts(received), statement: "call me this week")
    }

    /// The consent covers landline-1 only, so the proposed call to cell-1 on 10/11 (R+6) is not itself consented
    /// and the 7-in-7 count is computed.
    @Test("seven calls on the consent day R are excluded")
    func callsOnConsentDay() {
        var s = Scenario(at: proposedAt)
        var consent = Self.consent("2025-10-05T09:00:00-04:00")
        consent.destinations = ["landline-1"]
        s.snapshot.consents = [consent]
        s.calls(octoberCalls(days: [5], perDay: 7), destination: "landline-1")
        let outcome = s.decide()
        expectFigure(outcome, "counted_calls_in_window", "0")
        expectDecision(outcome, allowed: true, next: .none)
    }

    @Test("seven calls on R+6 are excluded; R+7 is not", arguments: [(10, true), (11, false)])
    func consentWindowEdge(_ callDay: Int, _ excluded: Bool) {
        // Consent received 10/4 (R): R+6 = 10/10, R+7 = 10/11. Calls at 08:00..08:06 on the day; proposal 10/11 20:00.
        var s = Scenario(at: "2025-10-11T20:00:00-04:00")
        s.snapshot.consents = [Self.consent("2025-10-04T07:30:00-04:00")]
        s.calls((0..<7).map { String(format: "2025-10-%02dT08:%02d:00-04:00", callDay, $0) })
        let outcome = s.decide()
        expectFigure(outcome, "counted_calls_in_window", excluded ? "0" : "7")
        if excluded {
            expectDecision(outcome, allowed: true, next: .none)
        } else {
            expectDecision(outcome, allowed: false, rule: "REGF-1006.14b2-7IN7", next: .at("2025-10-18T08:00:00-04:00"))
        }
    }

    @Test("calls on R+7 after a consent count again")
    func callsAfterConsentWindowCount() {
        // Consent 10/1 (R); seven calls on 10/8 (R+7) count; the window holds them until 10/14.
        var s = Scenario(at: proposedAt)
        s.snapshot.consents = [Self.consent("2025-10-01T09:00:00-04:00")]
        s.calls(octoberCalls(days: [8], perDay: 7))
        let outcome = s.decide()
        expectFigure(outcome, "counted_calls_in_window", "7")
        expectDecision(outcome, allowed: false, rule: "REGF-1006.14b2-7IN7", next: .at("2025-10-15T08:00:00-04:00"))
    }

    /// Consent for landline-1 only, received on 10/8 at 09:00 or at 18:00; seven calls to landline-1 on 10/8
    /// between 10:00 and 16:00; the proposed call goes to cell-1 (not covered by the consent) on 10/11.
    @Test("calls placed on day R before the consent was received count; calls after it don't",
          arguments: [("2025-10-08T09:00:00-04:00", true), ("2025-10-08T18:00:00-04:00", false)])
    func callsBeforeConsentOnDayR(_ received: String, _ excluded: Bool) {
        var s = Scenario(at: proposedAt)
        var consent = Self.consent(received)
        consent.destinations = ["landline-1"]
        s.snapshot.consents = [consent]
        s.calls(octoberCalls(days: [8], perDay: 7), destination: "landline-1")
        let outcome = s.decide()
        expectFigure(outcome, "counted_calls_in_window", excluded ? "0" : "7")
        if excluded {
            expectDecision(outcome, allowed: true, next: .none)
        } else {
            expectDecision(outcome, allowed: false, rule: "REGF-1006.14b2-7IN7", next: .at("2025-10-15T08:00:00-04:00"))
        }
    }

    @Test("consent given to the creditor, not directly to the collector, excludes nothing")
    func consentToCreditor() {
        var s = Scenario(at: proposedAt)
        s.snapshot.consents = [Self.consent("2025-10-05T09:00:00-04:00", direct: false)]
        s.calls(sevenCalls)
        let outcome = s.decide()
        expectFigure(outcome, "counted_calls_in_window", "7")
        expectDecision(outcome, allowed: false, rule: "REGF-1006.14b2-7IN7", next: .at("2025-10-13T08:00:00-04:00"))
    }

    @Test("a call-consent on the creditor's file is not a 1006.14(b)(3)(i) consent")
    func creditorFileConsent() {
        var s = Scenario(at: proposedAt)
        s.snapshot.consents = [Self.consent("2025-10-05T09:00:00-04:00", direct: true, type: .callConsentOnCreditorFile)]
        s.calls(sevenCalls)
        expectDecision(s.decide(), allowed: false, rule: "REGF-1006.14b2-7IN7")
    }

    /// Seven counted calls, then the consumer asks directly to be called today: the proposed (8th) call is
    /// placed with consent and is excluded from the count. §8: the reported rule is the one whose exception
    /// applied, REGF-1006.14b3-EXCL.
    @Test("the 8th call, placed with direct consent received today, is allowed by the exclusion",
          arguments: ["cell-1", "landline-1"])
    func consentedEighthCall(_ destination: String) {
        var s = Scenario(at: proposedAt)
        s.calls(sevenCalls)
        s.snapshot.consents = [Self.consent("2025-10-11T09:00:00-04:00")]
        s.proposal.destination = destination
        s.proposal.destinationType = destination == "cell-1" ? .cell : .landline
        let outcome = s.decide()
        expectDecision(outcome, allowed: true, rule: "REGF-1006.14b3-EXCL", next: .none)
    }

    @Test("consented calls drop out of the count; calls before the consent still count")
    func partlyConsented() {
        // Consent for landline-1 received 10/8 09:00: 4 calls to cell-1 on 10/6-10/7 count, 3 calls to landline-1 on
        // 10/8-10/10 are excluded, 3 more to cell-1 on 10/9-10/10 count: 7 counted calls for a cell-1 call on 10/11.
        var s = Scenario(at: proposedAt)
        var consent = Self.consent("2025-10-08T09:00:00-04:00")
        consent.destinations = ["landline-1"]
        s.snapshot.consents = [consent]
        s.calls(Array(sevenCalls.prefix(4)))
        s.calls(Array(sevenCalls[4...]), destination: "landline-1")
        s.calls(["2025-10-09T16:00:00-04:00", "2025-10-10T16:00:00-04:00", "2025-10-10T17:00:00-04:00"])
        let outcome = s.decide()
        expectFigure(outcome, "counted_calls_in_window", "7")
        expectDecision(outcome, allowed: false, rule: "REGF-1006.14b2-7IN7", next: .at("2025-10-13T08:00:00-04:00"))
    }
}

// MARK: - Conversation (1006.14(b)(2)(i)(B))

@Suite("A conversation on day C blocks C..C+6")
struct ConversationTests {
    /// Conversation Wednesday 2025-10-08 10:00 ET.
    static func scenario(_ proposed: String, direction: Direction = .outbound, conversationDebts: [String] = ["D1"]) -> Scenario {
        var s = Scenario(at: proposed)
        s.addDebt("D2", creditor: "Other Bank")
        s.call("2025-10-08T10:00:00-04:00", .conversation, debts: conversationDebts, direction: direction)
        return s
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let proposed: String
        let blocked: Bool
        var testDescription: String { proposed }
    }

    static let cases = [
        Case(proposed: "2025-10-08T15:00:00-04:00", blocked: true),  // later the same day (C)
        Case(proposed: "2025-10-09T08:00:00-04:00", blocked: true),  // C+1
        Case(proposed: "2025-10-14T20:59:59-04:00", blocked: true),  // C+6, last second of the window
        Case(proposed: "2025-10-15T08:00:00-04:00", blocked: false),  // C+7
        Case(proposed: "2025-10-16T12:00:00-04:00", blocked: false),  // C+8
    ]

    @Test("outbound and inbound conversations", arguments: cases, [Direction.outbound, .inbound])
    func conversationWindow(_ c: Case, _ direction: Direction) {
        let outcome = Self.scenario(c.proposed, direction: direction).decide()
        if c.blocked {
            expectDecision(outcome, allowed: false, rule: "REGF-1006.14b2-CONV7", next: .at("2025-10-15T08:00:00-04:00"))
            expectFigure(outcome, "blocked_from", "2025-10-08")
            expectFigure(outcome, "blocked_through", "2025-10-14")
            expectFigure(outcome, "first_permitted_date", "2025-10-15")
        } else {
            expectDecision(outcome, allowed: true, next: .none)
        }
    }

    @Test("a conversation about another debt does not block")
    func otherDebt() {
        let outcome = Self.scenario("2025-10-09T11:00:00-04:00", conversationDebts: ["D2"]).decide()
        expectDecision(outcome, allowed: true, next: .none)
    }

    @Test("a conversation about two debts starts the window for each", arguments: ["D1", "D2"])
    func conversationAboutTwoDebts(_ debt: String) {
        var s = Self.scenario("2025-10-09T11:00:00-04:00", conversationDebts: ["D1", "D2"])
        s.proposal.debtID = debt
        expectDecision(s.decide(), allowed: false, rule: "REGF-1006.14b2-CONV7", next: .at("2025-10-15T08:00:00-04:00"))
    }

    @Test("a wrong-party pickup is not a conversation with the consumer")
    func wrongParty() {
        var s = Scenario(at: "2025-10-09T11:00:00-04:00")
        s.call("2025-10-08T10:00:00-04:00", .wrongParty)
        expectDecision(s.decide(), allowed: true, next: .none)
    }

    @Test("a conversation with the spouse does not block calls to the consumer")
    func conversationWithSpouse() {
        var s = Scenario(at: "2025-10-09T11:00:00-04:00")
        s.addPerson("S1", role: .spouse, name: "Sam Doe")
        s.addDestination("cell-s", type: .cell, person: "S1", source: .consumerProvided)
        s.call("2025-10-08T10:00:00-04:00", .conversation, person: "S1", destination: "cell-s")
        expectDecision(s.decide(), allowed: true, next: .none)
    }

    /// An inbound conversation at 23:30 ET on 10/7 (03:30 UTC on 10/8) is on local day C = 10/7: calls are blocked
    /// through 10/13 and allowed on 10/14.
    @Test("the conversation day is the consumer's local day, not the UTC day",
          arguments: [("2025-10-13T20:00:00-04:00", false), ("2025-10-14T12:00:00-04:00", true)])
    func lateNightConversationDay(_ proposed: String, _ allowed: Bool) {
        var s = Scenario(at: proposed)
        s.call("2025-10-07T23:30:00-04:00", .conversation, direction: .inbound)
        let outcome = s.decide()
        if allowed {
            expectDecision(outcome, allowed: true, next: .none)
        } else {
            expectDecision(outcome, allowed: false, rule: "REGF-1006.14b2-CONV7", next: .at("2025-10-14T08:00:00-04:00"))
            expectFigure(outcome, "blocked_from", "2025-10-07")
            expectFigure(outcome, "blocked_through", "2025-10-13")
        }
    }

    @Test("texts and emails after a conversation are not calls", arguments: [ProposedChannel.sms, .email])
    func textAfterConversation(_ channel: ProposedChannel) {
        var s = Scenario(at: "2025-10-09T11:00:00-04:00", channel: channel)
        s.call("2025-10-08T10:00:00-04:00", .conversation)
        let outcome = s.decide()
        expectDecision(outcome, allowed: true, next: .none)
        #expect(outcome.verdict("REGF-1006.14b2-CONV7") == nil)
    }

    /// Comment 14(b)(3)(i)-2 (catalogue REGF-1006.14b3-EXCL): at the end of the 10/8 conversation the consumer asks
    /// to be called back on Friday 10/10. That call is placed with consent and counts toward neither prong; once the
    /// consented-to conversation has happened, the consent is spent and the new conversation starts a new window.
    @Test("a call-back the consumer asked for inside the conversation window")
    func consentedCallBack() {
        var s = Scenario(at: "2025-10-10T11:00:00-04:00")
        s.call("2025-10-08T10:00:00-04:00", .conversation)
        s.snapshot.consents = [Consent(type: .regFCallConsent, givenDirectlyToCollector: true,
                                       receivedAt: ts("2025-10-08T10:10:00-04:00"), statement: "call me back on Friday")]
        expectDecision(s.decide(), allowed: true, rule: "REGF-1006.14b3-EXCL", next: .none)

        // The consented call on 10/10 is a conversation; a call on 10/11 is no longer covered by the consent.
        s.call("2025-10-10T11:00:00-04:00", .conversation)
        s.proposal.at = ts("2025-10-11T11:00:00-04:00")
        let outcome = s.decide()
        expectDecision(outcome, allowed: false, rule: "REGF-1006.14b2-CONV7", next: .at("2025-10-17T08:00:00-04:00"))
        expectFigure(outcome, "blocked_from", "2025-10-10")
    }

    /// Both federal presumptions block: CONV7 is reported first (§8 stage 10 lists it before 7IN7) and the next
    /// lawful instant is the later of the two reopenings. Three unanswered calls on 10/9, three on 10/10 and a
    /// conversation on 10/10 (itself the 7th counted call): 7IN7 reopens 10/16 (window 10/10..10/16 holds 4),
    /// CONV7 on 10/17.
    @Test("conversation and 7-in-7 together")
    func conversationAndCount() {
        var s = Scenario(at: proposedAt)
        s.calls(["2025-10-09T10:00:00-04:00", "2025-10-09T11:00:00-04:00", "2025-10-09T12:00:00-04:00",
                 "2025-10-10T09:00:00-04:00", "2025-10-10T10:00:00-04:00", "2025-10-10T11:00:00-04:00"])
        s.call("2025-10-10T15:00:00-04:00", .conversation)
        let outcome = s.decide()
        expectDecision(outcome, allowed: false, rule: "REGF-1006.14b2-CONV7", next: .at("2025-10-17T08:00:00-04:00"))
        #expect(outcome.verdict("REGF-1006.14b2-7IN7") == .block, "\(outcome.trace)")
        expectFigure(outcome, "counted_calls_in_window", "7")
    }

    @Test("conversation window across the fall-back DST change")
    func conversationAcrossDST() {
        // C = Thu 2025-10-30 (EDT); C+6 = Wed 11/5 (EST); first permitted Thu 11/6 08:00 -05:00.
        var s = Scenario(at: "2025-11-05T12:00:00-05:00")
        s.call("2025-10-30T10:00:00-04:00", .conversation)
        let outcome = s.decide()
        expectDecision(outcome, allowed: false, rule: "REGF-1006.14b2-CONV7", next: .at("2025-11-06T08:00:00-05:00"))
        expectFigure(outcome, "blocked_through", "2025-11-05")
    }
}

// REGF-1006.14a-GENERAL: a contact to the same number under `rapid_succession_minutes` (5) before, or a
// `concentrated_calls_per_day` (7)th contact to it on the local day, warns. The rule looks back from the proposed
// instant only as far as the interval and counts only the proposed local day, so the edges are tested here.
@Suite("Harassment patterns: rapid succession and concentrated calling")
struct HarassmentPatternTests {
    static let rule = "REGF-1006.14a-GENERAL"
    static let at = "2025-10-08T14:00:00-04:00"

    struct Earlier: Sendable, CustomTestStringConvertible {
        let name: String
        let record: @Sendable (inout Scenario) -> Void
        let verdict: Verdict
        var testDescription: String { name }
    }

    static let earlier = [
        Earlier(name: "same cell 4m59s before", record: { $0.call("2025-10-08T13:55:01-04:00") }, verdict: .warn),
        Earlier(name: "same cell exactly 5 minutes before", record: { $0.call("2025-10-08T13:55:00-04:00") }, verdict: .pass),
        Earlier(name: "another line 2 minutes before", record: { $0.call("2025-10-08T13:58:00-04:00", destination: "landline-1") }, verdict: .pass),
        Earlier(name: "a text to the cell 3 minutes before", record: { $0.text("2025-10-08T13:57:00-04:00") }, verdict: .warn),
        Earlier(name: "the consumer called from the cell 2 minutes before",
                record: { $0.call("2025-10-08T13:58:00-04:00", direction: .inbound) }, verdict: .pass),
        Earlier(name: "same cell 4 minutes before, another line since", record: {
            $0.call("2025-10-08T13:56:00-04:00")
            $0.call("2025-10-08T13:59:00-04:00", destination: "landline-1")
        }, verdict: .warn),
    ]

    @Test("rapid succession: the same number within the interval", arguments: earlier)
    func rapidSuccession(_ case: Earlier) {
        var s = Scenario(at: Self.at)
        `case`.record(&s)
        let outcome = s.decide()
        #expect(outcome.verdict(Self.rule) == `case`.verdict, Comment(rawValue: outcome.trace))
        expectDecision(outcome, allowed: true)
    }

    @Test("concentrated calling counts the proposed local day only", arguments: [
        ("00:30 today", "2025-10-08T00:30:00-04:00", Verdict.warn), ("23:59 yesterday", "2025-10-07T23:59:00-04:00", .pass),
    ])
    func concentratedCalling(_ name: String, _ sixth: String, _ verdict: Verdict) {
        var s = Scenario(at: Self.at)
        s.call(sixth)
        s.calls((8...12).map { "2025-10-08T\($0 < 10 ? "0" : "")\($0):00:00-04:00" })
        let outcome = s.decide()
        #expect(outcome.verdict(Self.rule) == verdict, "\(name)\n\(outcome.trace)")
    }
}

@Suite("Counting a window of a list kept oldest first")
struct OnDaysTests {
    static let calls = [3, 3, 5, 8, 8, 9].enumerated().map { RecipientCall(index: $0.offset, day: $0.element, debts: 0) }

    @Test("the days of a window, ends included", arguments: [
        (3, 8, [8, 8]), (3, 5, [3, 3, 5]), (1, 3, [3, 3]), (3, 2, []), (3, 20, []), (100, 9, [3, 3, 5, 8, 8, 9]), (2, 7, []),
    ])
    func window(_ window: Int, _ end: Int, _ days: [Int]) {
        #expect(Self.calls.onDays(window: window, endingOn: end).map(\.day) == days)
        // The same as counting every element.
        #expect(days.count == Self.calls.count { $0.day > end - window && $0.day <= end })
    }

    @Test("an empty list has an empty window")
    func empty() {
        #expect([RecipientCall]().onDays(window: 7, endingOn: 100).isEmpty)
        #expect([Int]().partitioningIndex { $0 > 0 } == 0)
    }
}
