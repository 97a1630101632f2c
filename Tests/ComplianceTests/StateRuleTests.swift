import Foundation
import RecoupCore
import Testing
@testable import Compliance

// State and city overlays (catalogue §5): Massachusetts 2-in-7 / 2-in-30 and hours in Eastern time, Washington 3
// per week, New York City 3 attempts in 7 days in all media (per creditor before 2026-09-01, per account from then)
// and e-consent, West Virginia 30 calls / 10 conversations per week, California licensing and licence number,
// Colorado's 30-day wait before third-party location contacts. Strictest wins (§1); the reported rule follows §8.

private func massachusetts(_ at: String) -> Scenario {
    var s = Scenario(at: at)
    s.state(.MA, city: "Boston, MA")
    s.zones("America/New_York", areaCodes: ["America/New_York"])
    return s
}

@Suite("Massachusetts")
struct MassachusettsTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let first: ContactOutcome?
        let second: ContactOutcome?
        let firstDay: Int
        let debts: [String]
        let texts: Bool
        let allowed: Bool
        var testDescription: String { name }
    }

    /// History on 10/(firstDay) and 10/9; the proposed call is Sat 10/11 11:00 ET to cell-1 about D1.
    static let cases = [
        Case(name: "one voicemail reached → 2nd allowed", first: .voicemailReachedNoMessageLeft, second: nil, firstDay: 8,
             debts: ["D1"], texts: false, allowed: true),
        Case(name: "voicemail reached + LCM left → 3rd blocked", first: .voicemailReachedNoMessageLeft,
             second: .limitedContentMessageLeft, firstDay: 8, debts: ["D1"], texts: false, allowed: false),
        Case(name: "two answered → 3rd blocked", first: .answeredHungUp, second: .answeredHungUp, firstDay: 8, debts: ["D1"],
             texts: false, allowed: false),
        Case(name: "two busy → allowed", first: .busy, second: .busy, firstDay: 8, debts: ["D1"], texts: false, allowed: true),
        Case(name: "voicemail reached + busy → allowed", first: .voicemailReachedNoMessageLeft, second: .busy, firstDay: 8,
             debts: ["D1"], texts: false, allowed: true),
        Case(name: "two unanswered without voicemail → allowed", first: .noAnswer, second: .noAnswer, firstDay: 8, debts: ["D1"],
             texts: false, allowed: true),
        Case(name: "two texts → 3rd blocked", first: nil, second: nil, firstDay: 8, debts: ["D1"], texts: true, allowed: false),
        Case(name: "two voicemails about D2 → D1 allowed", first: .voicemailReachedNoMessageLeft,
             second: .voicemailReachedNoMessageLeft, firstDay: 8, debts: ["D2"], texts: false, allowed: true),
        Case(name: "voicemail on D-7 and D-2 → allowed", first: .voicemailReachedNoMessageLeft,
             second: .voicemailReachedNoMessageLeft, firstDay: 4, debts: ["D1"], texts: false, allowed: true),
        Case(name: "voicemail on D-6 and D-2 → blocked", first: .voicemailReachedNoMessageLeft,
             second: .voicemailReachedNoMessageLeft, firstDay: 5, debts: ["D1"], texts: false, allowed: false),
    ]

    @Test("two initiated communications per 7 days to personal numbers, per debt", arguments: cases)
    func personalNumbers(_ c: Case) {
        var s = massachusetts("2025-10-11T11:00:00-04:00")
        s.addDebt("D2", creditor: "Other Bank")
        let first = String(format: "2025-10-%02dT11:00:00-04:00", c.firstDay)
        if c.texts {
            s.text(first, debts: c.debts)
            s.text("2025-10-09T11:00:00-04:00", debts: c.debts)
        } else {
            if let outcome = c.first { s.call(first, outcome, debts: c.debts) }
            if let outcome = c.second { s.call("2025-10-09T11:00:00-04:00", outcome, debts: c.debts) }
        }
        let outcome = s.decide()
        if c.allowed {
            expectDecision(outcome, allowed: true, next: .none)
        } else {
            // Communications on 10/(firstDay) and 10/9: the window drops below two when the first leaves it
            // (10/12 for a first on 10/5, 10/15 for a first on 10/8).
            expectDecision(outcome, allowed: false, rule: "MA-940CMR7.04-1f-FREQ",
                           next: .at(c.firstDay == 5 ? "2025-10-12T08:00:00-04:00" : "2025-10-15T08:00:00-04:00"))
        }
    }

    @Test("two per 30 days to a work number", arguments: [
        ("2025-10-20T11:00:00-04:00", 2, false), ("2025-10-20T11:00:00-04:00", 1, true),
        ("2025-10-30T20:00:00-04:00", 2, false), ("2025-10-31T08:00:00-04:00", 2, true),
    ])
    func workNumber(_ at: String, _ priorCalls: Int, _ allowed: Bool) {
        var s = massachusetts(at)
        s.calls(Array(["2025-10-01T11:00:00-04:00", "2025-10-05T11:00:00-04:00"].suffix(priorCalls)),
                .limitedContentMessageLeft, destination: "work-1")
        s.proposal.destination = "work-1"
        s.proposal.destinationType = .work
        let outcome = s.decide()
        if allowed {
            expectDecision(outcome, allowed: true, next: .none)
        } else {
            // Calls 10/1 and 10/5: 10/31's window (10/2..10/31) holds one.
            expectDecision(outcome, allowed: false, rule: "MA-940CMR7.04-1f-FREQ", next: .at("2025-10-31T08:00:00-04:00"))
        }
    }

    @Test("calls to the work number do not count toward the personal-number limit")
    func workCallsSeparate() {
        var s = massachusetts("2025-10-11T11:00:00-04:00")
        s.calls(["2025-10-08T11:00:00-04:00", "2025-10-09T11:00:00-04:00"], .limitedContentMessageLeft, destination: "work-1")
        expectDecision(s.decide(), allowed: true, next: .none)
    }

    struct TimeCase: Sendable, CustomTestStringConvertible {
        let proposed: String
        let allowed: Bool
        let rule: String?
        let next: String?
        var testDescription: String { proposed }
    }

    /// A Massachusetts consumer whose location signals put him in Pacific time (2025-10-15: PDT −7, EDT −4). The
    /// federal rule wants 08:00–21:00 PT, Massachusetts 08:00–21:00 ET: together 08:00–18:00 PT.
    static let timeCases = [
        TimeCase(proposed: "2025-10-15T07:59:59-07:00", allowed: false, rule: "REGF-1006.6b1i-TIME", next: "2025-10-15T08:00:00-07:00"),
        TimeCase(proposed: "2025-10-15T08:00:00-07:00", allowed: true, rule: nil, next: nil),
        TimeCase(proposed: "2025-10-15T17:59:59-07:00", allowed: true, rule: nil, next: nil),
        TimeCase(proposed: "2025-10-15T18:00:00-07:00", allowed: false, rule: "MA-940CMR7.04-TIME", next: "2025-10-16T08:00:00-07:00"),
        TimeCase(proposed: "2025-10-15T19:30:00-07:00", allowed: false, rule: "MA-940CMR7.04-TIME", next: "2025-10-16T08:00:00-07:00"),
        TimeCase(proposed: "2025-10-15T20:59:59-07:00", allowed: false, rule: "MA-940CMR7.04-TIME", next: "2025-10-16T08:00:00-07:00"),
    ]

    @Test("08:00–21:00 Eastern for a Massachusetts consumer in Pacific time", arguments: timeCases)
    func easternHours(_ c: TimeCase) {
        var s = Scenario(at: c.proposed)
        s.state(.MA, city: "Boston, MA")
        s.zones("America/Los_Angeles", areaCodes: ["America/Los_Angeles"])
        let outcome = s.decide()
        if c.allowed {
            expectDecision(outcome, allowed: true, next: .none)
        } else {
            expectDecision(outcome, allowed: false, rule: c.rule, next: .at(c.next ?? ""))
        }
    }

    @Test("Massachusetts hours do not apply to letters")
    func lettersNotTimed() {
        var s = Scenario(at: "2025-10-15T19:30:00-07:00", channel: .letter)
        s.state(.MA, city: "Boston, MA")
        s.zones("America/Los_Angeles")
        expectDecision(s.decide(), allowed: true, next: .none)
    }

    @Test("a Massachusetts consumer in Eastern time before 08:00: the federal rule is reported first")
    func federalFirst() {
        expectDecision(massachusetts("2025-10-15T07:59:59-04:00").decide(), allowed: false, rule: "REGF-1006.6b1i-TIME",
                       next: .at("2025-10-15T08:00:00-04:00"))
    }
}

@Suite("Washington")
struct WashingtonTests {
    static func scenario(_ at: String = "2025-10-09T10:00:00-07:00") -> Scenario {
        var s = Scenario(at: at, channel: .email)
        s.state(.WA, city: "Seattle, WA")
        s.zones("America/Los_Angeles", areaCodes: ["America/Los_Angeles"])
        return s
    }

    @Test("three communications in a week: the fourth is blocked")
    func fourthBlocked() {
        var s = Self.scenario()
        s.email("2025-10-06T10:00:00-07:00")
        s.email("2025-10-07T10:00:00-07:00")
        s.email("2025-10-08T10:00:00-07:00")
        // 10/13's window (10/7..10/13) holds two.
        expectDecision(s.decide(), allowed: false, rule: "WA-RCW19.16.250-FREQ", next: .at("2025-10-13T08:00:00-07:00"))
    }

    @Test("a call, a letter and a text that reached the debtor are three communications")
    func mixedMedia() {
        var s = Self.scenario()
        s.call("2025-10-06T10:00:00-07:00", .limitedContentMessageLeft)
        s.letter("2025-10-07T10:00:00-07:00")
        s.text("2025-10-08T10:00:00-07:00")
        expectDecision(s.decide(), allowed: false, rule: "WA-RCW19.16.250-FREQ", next: .at("2025-10-13T08:00:00-07:00"))
    }

    @Test("two communications: the third is allowed")
    func thirdAllowed() {
        var s = Self.scenario()
        s.email("2025-10-06T10:00:00-07:00")
        s.email("2025-10-08T10:00:00-07:00")
        expectDecision(s.decide(), allowed: true, next: .none)
    }

    @Test("unanswered and busy calls are attempts, not communications")
    func attemptsNotCounted() {
        var s = Self.scenario()
        s.call("2025-10-06T10:00:00-07:00", .noAnswer)
        s.call("2025-10-07T10:00:00-07:00", .busy)
        s.call("2025-10-08T10:00:00-07:00", .noAnswer)
        expectDecision(s.decide(), allowed: true, next: .none)
    }

    @Test("an email to the debtor's own address is no communication at work; a message left at work is")
    func personalEmailIsNotAtWork() {
        var s = Self.scenario("2025-10-10T10:00:00-07:00")
        s.email("2025-10-09T10:00:00-07:00")
        s.proposal.channel = .call
        s.proposal.destination = "work-1"
        s.proposal.destinationType = .work
        s.proposal.dialingMethod = .manual
        #expect(s.decide().verdict("WA-RCW19.16.250-FREQ") != .block, "\(s.decide().trace)")
        s.call("2025-10-09T11:00:00-07:00", .limitedContentMessageLeft, destination: "work-1")
        expectDecision(s.decide(), allowed: false, rule: "WA-RCW19.16.250-FREQ", next: .unchecked)
    }

    @Test("three communications eight days ago are outside the week")
    func outsideWeek() {
        var s = Self.scenario()
        s.email("2025-10-01T10:00:00-07:00")
        s.email("2025-10-02T10:00:00-07:00")
        s.email("2025-10-02T11:00:00-07:00")
        expectDecision(s.decide(), allowed: true, next: .none)
    }
}

@Suite("New York City")
struct NewYorkCityTests {
    static func scenario(_ at: String, channel: ProposedChannel = .call) -> Scenario {
        var s = Scenario(at: at, channel: channel)
        s.state(.NY, city: "Brooklyn, NY (New York City)")
        s.zones("America/New_York", areaCodes: ["America/New_York"])
        s.addDebt("D2", creditor: "Big Bank")
        s.addDebt("D3", creditor: "Other Bank")
        return s
    }

    @Test("three attempts in all media in 7 days: the fourth is blocked")
    func fourthAttemptBlocked() {
        var s = Self.scenario("2025-10-15T11:00:00-04:00")
        s.call("2025-10-10T11:00:00-04:00", .noAnswer)
        s.text("2025-10-12T11:00:00-04:00")
        s.letter("2025-10-13T11:00:00-04:00")
        // 10/17's window (10/11..10/17) holds two.
        expectDecision(s.decide(), allowed: false, rule: "NYC-6RCNY5-77-FREQ", next: .at("2025-10-17T08:00:00-04:00"))
    }

    @Test("busy calls are attempts too")
    func busyCallsAreAttempts() {
        var s = Self.scenario("2025-10-15T11:00:00-04:00")
        s.calls(["2025-10-10T11:00:00-04:00", "2025-10-12T11:00:00-04:00", "2025-10-13T11:00:00-04:00"], .busy)
        expectDecision(s.decide(), allowed: false, rule: "NYC-6RCNY5-77-FREQ", next: .at("2025-10-17T08:00:00-04:00"))
    }

    @Test("two attempts: the third is allowed")
    func thirdAllowed() {
        var s = Self.scenario("2025-10-15T11:00:00-04:00")
        s.call("2025-10-10T11:00:00-04:00", .noAnswer)
        s.email("2025-10-12T11:00:00-04:00")
        expectDecision(s.decide(), allowed: true, next: .none)
    }

    /// Three attempts about `attemptDebt`; the proposed call is about D1 (Big Bank). D2 is also Big Bank's, D3 is
    /// Other Bank's. Before 2026-09-01 the cap is per creditor, from then per account.
    @Test("per creditor before 2026-09-01, per account from then", arguments: [
        ("2025-10-15", "D2", false), ("2025-10-15", "D3", true), ("2026-09-15", "D2", true), ("2026-09-15", "D1", false),
    ])
    func perCreditorThenPerAccount(_ date: String, _ attemptDebt: String, _ allowed: Bool) {
        var s = Self.scenario("\(date)T11:00:00-04:00")
        let day = ymd(date)
        for back in [5, 3, 2] {
            s.call("\(day.adding(days: -back).iso)T11:00:00-04:00", .noAnswer, debts: [attemptDebt])
        }
        let outcome = s.decide()
        if allowed {
            expectDecision(outcome, allowed: true, next: .none)
        } else {
            expectDecision(outcome, allowed: false, rule: "NYC-6RCNY5-77-FREQ")
        }
    }

    /// Attempts about D2 (same creditor) on 8/27, 8/28 and 8/29: on Mon 2026-08-31 they block a call about D1;
    /// on 9/1 the per-account rule applies and they do not. The earliest lawful instant is 9/1 08:00.
    @Test("the day the per-account rule takes effect", arguments: [("2026-08-31T11:00:00-04:00", false), ("2026-09-01T08:00:00-04:00", true)])
    func amendmentBoundary(_ at: String, _ allowed: Bool) {
        var s = Self.scenario(at)
        s.calls(["2026-08-27T11:00:00-04:00", "2026-08-28T11:00:00-04:00", "2026-08-29T11:00:00-04:00"], .noAnswer, debts: ["D2"])
        let outcome = s.decide()
        if allowed {
            expectDecision(outcome, allowed: true, next: .none)
        } else {
            expectDecision(outcome, allowed: false, rule: "NYC-6RCNY5-77-FREQ", next: .at("2026-09-01T08:00:00-04:00"))
        }
    }

    @Test("email without the consumer's consent to electronic communication is blocked; with it, allowed",
          arguments: [false, true])
    func emailConsent(_ consented: Bool) {
        var s = Self.scenario("2025-10-15T11:00:00-04:00", channel: .email)
        if consented {
            s.snapshot.consents = [Consent(type: .nycElectronicCommunicationConsent, givenDirectlyToCollector: true,
                                           receivedAt: ts("2025-10-01T10:00:00-04:00"), destinations: ["email-1"])]
        }
        let outcome = s.decide()
        if consented {
            expectDecision(outcome, allowed: true, next: .none)
        } else {
            expectDecision(outcome, allowed: false, rule: "NYC-6RCNY5-77-ECONSENT", next: .none)
        }
    }
}

@Suite("West Virginia")
struct WestVirginiaTests {
    /// Five debts; calls to P1 on 10/5..10/10, one per debt per day (6 per debt: no federal 7-in-7 block).
    static func scenario(calls: Int) -> Scenario {
        var s = Scenario(at: "2025-10-11T11:00:00-04:00")
        s.state(.WV, city: "Charleston, WV")
        for id in ["D2", "D3", "D4", "D5"] { s.addDebt(id, creditor: "Bank \(id)") }
        var placed = 0
        for day in 5...10 {
            for (i, debt) in ["D1", "D2", "D3", "D4", "D5"].enumerated() where placed < calls {
                s.call(String(format: "2025-10-%02dT%02d:00:00-04:00", day, 10 + i), .noAnswer, debts: [debt])
                placed += 1
            }
        }
        return s
    }

    @Test("30 calls a week to a person across all debts", arguments: [(29, true), (30, false)])
    func thirtyCalls(_ calls: Int, _ allowed: Bool) {
        let outcome = Self.scenario(calls: calls).decide()
        if allowed {
            expectDecision(outcome, allowed: true, next: .none)
        } else {
            // 10/12's window (10/6..10/12) holds 25.
            expectDecision(outcome, allowed: false, rule: "WV-46A-2-125d-FREQ", next: .at("2025-10-12T08:00:00-04:00"))
        }
        #expect(outcome.verdict("REGF-1006.14b2-7IN7") == .pass, "\(outcome.trace)")
    }

    @Test("10 conversations a week", arguments: [(9, true), (10, false)])
    func tenConversations(_ conversations: Int, _ allowed: Bool) {
        var s = Scenario(at: "2025-10-11T11:00:00-04:00")
        s.state(.WV, city: "Charleston, WV")
        // Conversations about other debts (D2...), two a day on 10/6..10/10; the proposed call is about D1.
        for n in 0..<conversations {
            let id = "D\(n + 2)"
            s.addDebt(id, creditor: "Bank \(id)")
            s.call(String(format: "2025-10-%02dT%02d:00:00-04:00", 6 + n / 2, 10 + n % 2), .conversation, debts: [id])
        }
        let outcome = s.decide()
        if allowed {
            expectDecision(outcome, allowed: true, next: .none)
        } else {
            // 10/13's window (10/7..10/13) holds eight.
            expectDecision(outcome, allowed: false, rule: "WV-46A-2-125d-FREQ", next: .at("2025-10-13T08:00:00-04:00"))
        }
    }
}

@Suite("California")
struct CaliforniaTests {
    static func scenario(_ channel: ProposedChannel = .call, licensed: Set<USState>? = [.OH]) -> Scenario {
        var s = Scenario(at: "2025-10-15T11:00:00-07:00", channel: channel)
        s.state(.CA, city: "Los Angeles, CA")
        s.zones("America/Los_Angeles", areaCodes: ["America/Los_Angeles"])
        s.snapshot.collector.licensedStates = licensed
        s.snapshot.collector.californiaLicenseNumber = licensed?.contains(.CA) == true ? "10059-99" : nil
        return s
    }

    @Test("no California licence: every collection contact is blocked", arguments: [ProposedChannel.call, .letter, .email])
    func unlicensed(_ channel: ProposedChannel) {
        var s = Self.scenario(channel)
        s.proposal.content.californiaLicenseNumberDisplayedPt = channel == .call ? nil : 12
        expectDecision(s.decide(), allowed: false, rule: "CA-DCLA-LICENSE", next: .none)
    }

    @Test("licensed in California: allowed")
    func licensed() {
        expectDecision(Self.scenario(licensed: [.CA, .OH]).decide(), allowed: true, next: .none)
    }

    @Test("an original creditor needs no collection licence")
    func originalCreditor() {
        var s = Self.scenario()
        s.snapshot.collector.type = .originalCreditor
        s.snapshot.collector.fdcpaCovered = false
        let outcome = s.decide()
        expectDecision(outcome, allowed: true, next: .none)
        #expect(outcome.verdict("CA-DCLA-LICENSE") == nil, "\(outcome.trace)")
    }

    @Test("licensing is reported before frequency (§8 stage 6 before 10)")
    func licensingBeforeFrequency() {
        var s = Self.scenario()
        s.calls(["2025-10-09T10:00:00-07:00", "2025-10-09T11:00:00-07:00", "2025-10-10T10:00:00-07:00", "2025-10-10T11:00:00-07:00",
                 "2025-10-11T10:00:00-07:00", "2025-10-12T10:00:00-07:00", "2025-10-13T10:00:00-07:00"])
        expectDecision(s.decide(), allowed: false, rule: "CA-DCLA-LICENSE", next: .none)
    }

    @Test("licence number on written and digital communications in at least 12-point type",
          arguments: [(ProposedChannel.letter, 11, false), (.letter, 12, true), (.letter, 14, true), (.email, 10, false),
                      (.email, 12, true), (.sms, 11, false)])
    func licenceNumberSize(_ channel: ProposedChannel, _ points: Int, _ allowed: Bool) {
        var s = Self.scenario(channel, licensed: [.CA])
        s.proposal.content.californiaLicenseNumberDisplayedPt = points
        let outcome = s.decide()
        if allowed {
            expectDecision(outcome, allowed: true, next: .none)
        } else {
            expectDecision(outcome, allowed: false, rule: "CA-1788.11f-LICNUM", next: .none)
        }
    }

    @Test("a call carries no printed licence number")
    func callNoLicenceNumber() {
        let outcome = Self.scenario(licensed: [.CA]).decide()
        expectDecision(outcome, allowed: true, next: .none)
        #expect(outcome.verdict("CA-1788.11f-LICNUM") == nil, "\(outcome.trace)")
    }
}

@Suite("Colorado third-party location contacts")
struct ColoradoTests {
    /// Attorney known since 9/20; the collector wrote to the attorney on 2025-10-01 10:00 MDT. Neighbor N1 is asked
    /// for location information by a manual call to a directory landline.
    static func scenario(_ at: String, unresponsive: Bool = true, letterSent: Bool = true) -> Scenario {
        var s = Scenario(at: at)
        s.state(.CO, city: "Denver, CO")
        s.zones("America/Denver", areaCodes: ["America/Denver"])
        s.addPerson("N1", role: .neighborThirdParty, name: "Nell Neighbor")
        s.addDestination("nb-line", type: .landline, person: "N1", source: .directory)
        var attorney = AttorneyRepresentation(written: true, noticeReceivedAt: ts("2025-09-20T10:00:00-06:00"),
                                              attorneyName: "Jordan Counsel", attorneyAddress: "1 Court St, Denver, CO")
        attorney.attorneyUnresponsive = unresponsive
        attorney.collectorLetterToAttorneySentAt = letterSent ? ts("2025-10-01T10:00:00-06:00") : nil
        s.snapshot.holds.attorney = attorney
        s.proposal.person = "N1"
        s.proposal.destination = "nb-line"
        s.proposal.destinationType = .landline
        var content = ContentFacts(type: .locationInformationRequest)
        content.mentionsDebt = false
        s.proposal.content = content
        return s
    }

    @Test("within 30 days of writing to the attorney: blocked", arguments: ["2025-10-20T10:00:00-06:00", "2025-10-30T12:00:00-06:00"])
    func within30Days(_ at: String) throws {
        let outcome = Self.scenario(at).decide()
        expectDecision(outcome, allowed: false, rule: "CO-5-16-104-1f-ATTY30")
        let next = try #require(outcome.next, "\(outcome.trace)")
        // 30 days after 2025-10-01 10:00 MDT: 2025-10-31 (at 10:00 on an instant reading, from 08:00 on a day reading).
        #expect(next.hasPrefix("2025-10-31T") && next.hasSuffix("-06:00") && next <= "2025-10-31T10:00:00-06:00",
                "next_allowed_at \(next)\n\(outcome.trace)")
    }

    @Test("after 30 days of silence: allowed")
    func after30Days() {
        expectDecision(Self.scenario("2025-11-01T12:00:00-06:00").decide(), allowed: true, rule: "CO-5-16-104-1f-ATTY30", next: .none)
    }

    @Test("an attorney who is still responding, or was never written to, bars the contact",
          arguments: [(false, true), (true, false)])
    func stillBlocked(_ unresponsive: Bool, _ letterSent: Bool) {
        let outcome = Self.scenario("2025-11-15T12:00:00-07:00", unresponsive: unresponsive, letterSent: letterSent).decide()
        expectDecision(outcome, allowed: false, rule: "CO-5-16-104-1f-ATTY30", next: .none)
    }
}

/// New York City is recognised however the city is written, as whole words, and only in New York (or where no state
/// is known).
@Test(arguments: [
    ("Brooklyn, NY (New York City)", USState.NY, true), ("BRONX", .NY, true), ("Staten Island", .NY, true),
    ("new york, ny 10001", nil, true), ("Queens Village", .NY, true), ("NYC", .NY, true), ("Manhattan", .KS, false),
    ("Buffalo", .NY, false), ("New York Mills", .MN, false), ("Nyack", .NY, false), ("", .NY, false), ("Ny", .NY, false),
    ("Bronxville", .NY, false), ("Queensbury, NY", .NY, false),
])
func newYorkCityIsReadFromTheCityName(city: String, state: USState?, expected: Bool) {
    #expect(Jurisdiction(state: state, city: city).isNewYorkCity() == expected)
}

/// With the mailing address's ZIP code the boroughs are told by it, whatever the city is called: Queens mail goes to
/// its neighbourhoods, and Nassau County shares Queens' 110 prefix.
@Test(arguments: [
    ("Flushing, NY", "11354", true), ("Jamaica, NY", "11432", true), ("Long Island City, NY", "11101", true),
    ("Far Rockaway, NY", "11691", true), ("Glen Oaks, NY", "11004", true), ("Brooklyn, NY", "11201-1234", true),
    ("New York, NY", "10001", true), ("Staten Island, NY", "10301", true), ("Bronx, NY", "10451", true),
    ("Floral Park, NY", "11001", false), ("Hempstead, NY", "11550", false), ("Bronxville, NY", "10708", false),
    ("Queensbury, NY", "12804", false), ("Brooklyn, NY", "not a zip", true),
])
func newYorkCityIsReadFromTheZIPCode(city: String, zip: String, expected: Bool) {
    #expect(Jurisdiction(state: .NY, city: city).isNewYorkCity(mailingZIP: zip) == expected)
}

@Test func aQueensAddressIsNewYorkCityToTheEngine() {
    var s = Scenario(at: "2025-10-15T11:00:00-04:00", channel: .sms)
    s.state(.NY, city: "Flushing, NY")
    s.snapshot.consumer.locationSignals = [LocationSignal(source: .mailingAddress, zone: "America/New_York", detail: "11354")]
    let outcome = s.decide()
    #expect(outcome.verdict("NYC-6RCNY5-77-ECONSENT") != nil, "\(outcome.trace)")
}
