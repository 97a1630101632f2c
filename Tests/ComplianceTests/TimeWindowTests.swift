import Foundation
import RecoupCore
import Testing
@testable import Compliance

// REGF-1006.6b1i-TIME (catalogue §3.1) with the window-edge convention of §1: allowed iff
// 08:00:00 <= local < 21:00:00 in EVERY candidate zone; letters are never time-checked; email and text time is the
// send time. next_allowed_at is printed in the first candidate zone (the mailing address's).

@Suite("Call window: 08:00:00 ≤ local < 21:00:00")
struct TimeWindowTests {
    struct ZoneCase: Sendable, CustomTestStringConvertible {
        let zone: String
        let state: USState
        let city: String
        /// The zone's UTC offset on the test date, written as in ISO 8601.
        let offset: String
        let date: String
        let nextDate: String
        var testDescription: String { "\(zone) \(date) (\(offset))" }
    }

    /// Summer (2025-07-15) and winter (2025-01-15) in every zone; Phoenix and Honolulu keep one offset all year.
    static let zoneCases: [ZoneCase] = [
        ("America/New_York", USState.NY, "Albany, NY", "-04:00", "-05:00"),
        ("America/Chicago", .IL, "Chicago, IL", "-05:00", "-06:00"),
        ("America/Denver", .UT, "Salt Lake City, UT", "-06:00", "-07:00"),
        ("America/Phoenix", .AZ, "Phoenix, AZ", "-07:00", "-07:00"),
        ("America/Los_Angeles", .CA, "Los Angeles, CA", "-07:00", "-08:00"),
        ("America/Anchorage", .AK, "Anchorage, AK", "-08:00", "-09:00"),
        ("Pacific/Honolulu", .HI, "Honolulu, HI", "-10:00", "-10:00"),
    ].flatMap { zone, state, city, summer, winter in
        [
            ZoneCase(zone: zone, state: state, city: city, offset: summer, date: "2025-07-15", nextDate: "2025-07-16"),
            ZoneCase(zone: zone, state: state, city: city, offset: winter, date: "2025-01-15", nextDate: "2025-01-16"),
        ]
    }

    struct Edge: Sendable, CustomTestStringConvertible {
        let local: String
        let allowed: Bool
        var testDescription: String { local }
    }

    static let edges = [
        Edge(local: "07:59:59", allowed: false), Edge(local: "08:00:00", allowed: true),
        Edge(local: "20:59:59", allowed: true), Edge(local: "21:00:00", allowed: false),
    ]

    static func scenario(_ zoneCase: ZoneCase, local: String, channel: ProposedChannel = .call) -> Scenario {
        var s = Scenario(at: "\(zoneCase.date)T\(local)\(zoneCase.offset)", channel: channel)
        s.state(zoneCase.state, city: zoneCase.city)
        s.zones(zoneCase.zone)
        return s
    }

    @Test("window edge in every US zone", arguments: zoneCases, edges)
    func windowEdge(_ zoneCase: ZoneCase, _ edge: Edge) {
        let outcome = Self.scenario(zoneCase, local: edge.local).decide()
        switch (edge.allowed, edge.local) {
        case (true, _):
            expectDecision(outcome, allowed: true, next: .none)
            #expect(outcome.verdict("REGF-1006.6b1i-TIME") == .pass, "\(outcome.trace)")
        case (false, "07:59:59"):
            expectDecision(outcome, allowed: false, rule: "REGF-1006.6b1i-TIME",
                           next: .at("\(zoneCase.date)T08:00:00\(zoneCase.offset)"))
        default:
            expectDecision(outcome, allowed: false, rule: "REGF-1006.6b1i-TIME",
                           next: .at("\(zoneCase.nextDate)T08:00:00\(zoneCase.offset)"))
        }
        expectFigure(outcome, "local_time", "\(zoneCase.date) \(edge.local.prefix(5))")
    }

    // MARK: Two candidate zones

    struct TwoZoneCase: Sendable, CustomTestStringConvertible {
        let proposed: String
        let allowed: Bool
        let next: String?
        var testDescription: String { proposed }
    }

    /// Mailing address in New York (ET), area code 213 in Los Angeles (PT), 2025-10-15 (EDT −4, PDT −7): the
    /// convenient hours common to both are 11:00–21:00 ET = 08:00–18:00 PT.
    static let twoZoneCases = [
        TwoZoneCase(proposed: "2025-10-15T08:00:00-04:00", allowed: false, next: "2025-10-15T11:00:00-04:00"),  // 05:00 PT
        TwoZoneCase(proposed: "2025-10-15T10:59:59-04:00", allowed: false, next: "2025-10-15T11:00:00-04:00"),  // 07:59:59 PT
        TwoZoneCase(proposed: "2025-10-15T11:00:00-04:00", allowed: true, next: nil),  // 08:00 PT
        TwoZoneCase(proposed: "2025-10-15T20:59:59-04:00", allowed: true, next: nil),  // 17:59:59 PT
        TwoZoneCase(proposed: "2025-10-15T21:00:00-04:00", allowed: false, next: "2025-10-16T11:00:00-04:00"),  // 18:00 PT
        TwoZoneCase(proposed: "2025-10-15T07:30:00-04:00", allowed: false, next: "2025-10-15T11:00:00-04:00"),  // before 8 in both
        TwoZoneCase(proposed: "2025-10-15T23:30:00-04:00", allowed: false, next: "2025-10-16T11:00:00-04:00"),  // 20:30 PT: only ET late
        TwoZoneCase(proposed: "2025-10-16T02:30:00-04:00", allowed: false, next: "2025-10-16T11:00:00-04:00"),  // 23:30 PT the day before
    ]

    @Test("two candidate zones: convenient only if convenient in both", arguments: twoZoneCases)
    func twoZones(_ c: TwoZoneCase) {
        var s = Scenario(at: c.proposed)
        s.state(.NY, city: "Albany, NY")
        s.zones("America/New_York", areaCodes: ["America/Los_Angeles"])
        let outcome = s.decide()
        if c.allowed {
            expectDecision(outcome, allowed: true, next: .none)
        } else {
            expectDecision(outcome, allowed: false, rule: "REGF-1006.6b1i-TIME", next: .at(c.next ?? ""))
        }
    }

    @Test("the mailing-address zone is the first candidate however the signals are listed")
    func mailingAddressZoneIsPrimary() {
        var s = Scenario(at: "2025-10-15T09:00:00-04:00")
        s.state(.NY, city: "Albany, NY")
        s.snapshot.consumer.locationSignals = [
            LocationSignal(source: .phoneAreaCode, zone: "America/Los_Angeles", detail: "213"),
            LocationSignal(source: .mailingAddress, zone: "America/New_York", detail: "Albany, NY"),
        ]
        let outcome = s.decide()
        expectDecision(outcome, allowed: false, rule: "REGF-1006.6b1i-TIME", next: .at("2025-10-15T11:00:00-04:00"))
    }

    @Test("two candidate zones as a check document")
    func twoZonesDocument() throws {
        let outcome = try decideDocument(#"""
        {
          "facts": {
            "jurisdiction": {"consumer_state": "NY", "consumer_city": "Albany, NY"},
            "collector": {"name": "Acme Recovery LLC", "type": "third_party_debt_collector", "fdcpa_covered": true, "licensed_states": ["*"]},
            "consumer": {"id": "P1", "location_signals": [
              {"source": "mailing_address", "tz": "America/New_York", "detail": "Albany, NY"},
              {"source": "phone_area_code", "tz": "America/Los_Angeles", "detail": "213"}]},
            "persons": [{"id": "P1", "role": "consumer", "name": "Pat Doe"}],
            "debts": [{"id": "D1", "type": "credit_card", "creditor": "Big Bank", "sol_expired": false}],
            "destinations": [{"id": "cell-1", "type": "cell", "person": "P1", "source": "provided_by_consumer_to_creditor_on_application"}],
            "validation_notice": {"provided_at": "2025-08-01"}
          },
          "proposed": {"action": "contact", "channel": "call", "timestamp": "2025-10-15T09:30:00-04:00", "debt_id": "D1",
                       "person": "P1", "destination": "cell-1", "destination_type": "cell", "dialing_method": "manual",
                       "content": {"type": "collection", "includes_mini_miranda": true}}
        }
        """#)
        expectDecision(outcome, allowed: false, rule: "REGF-1006.6b1i-TIME", next: .at("2025-10-15T11:00:00-04:00"))
    }

    // MARK: No location signal (catalogue §1 "Unknown / conflicting location")

    /// No signal, Texas: every zone Texas spans (Central and Mountain, El Paso), so the common hours on 2025-10-15
    /// are 09:00–21:00 CDT. Printed in the first candidate zone (America/Chicago).
    @Test("no location signal: every zone of the consumer's state",
          arguments: [("2025-10-15T08:30:00-05:00", "2025-10-15T09:00:00-05:00"), ("2025-10-15T09:00:00-05:00", nil),
                      ("2025-10-15T20:59:59-05:00", nil), ("2025-10-15T21:00:00-05:00", "2025-10-16T09:00:00-05:00")]
            as [(String, String?)])
    func stateZonesWithoutSignals(_ proposed: String, _ next: String?) {
        var s = Scenario(at: proposed)
        s.state(.TX, city: nil)
        s.snapshot.consumer.locationSignals = []
        let outcome = s.decide()
        if let next {
            expectDecision(outcome, allowed: false, rule: "REGF-1006.6b1i-TIME", next: .at(next))
        } else {
            expectDecision(outcome, allowed: true, next: .none)
        }
    }

    /// Nothing known at all: every zone of the fifty states; on 2025-10-15 08:00 HST is 14:00 EDT and 21:00 EDT is
    /// 15:00 HST, so only 14:00–21:00 ET is convenient everywhere.
    @Test("no location signal and no state: every US zone",
          arguments: [("2025-10-15T13:59:59-04:00", "2025-10-15T14:00:00-04:00"), ("2025-10-15T14:00:00-04:00", nil),
                      ("2025-10-15T20:59:59-04:00", nil), ("2025-10-15T21:00:00-04:00", "2025-10-16T14:00:00-04:00")]
            as [(String, String?)])
    func everyZoneWithoutAnything(_ proposed: String, _ next: String?) {
        var s = Scenario(at: proposed)
        s.snapshot.jurisdiction = Jurisdiction(state: nil, city: nil)
        s.snapshot.consumer.locationSignals = []
        let outcome = s.decide()
        if let next {
            expectDecision(outcome, allowed: false, rule: "REGF-1006.6b1i-TIME", next: .at(next))
        } else {
            expectDecision(outcome, allowed: true, next: .none)
        }
    }

    // MARK: Daylight-saving transitions (New York)

    struct DSTCase: Sendable, CustomTestStringConvertible {
        let proposed: String
        let next: String
        var testDescription: String { proposed }
    }

    static let dstCases = [
        // Spring forward Sun 2025-03-09: 07:30 EDT is blocked; 08:00 EDT opens.
        DSTCase(proposed: "2025-03-09T07:30:00-04:00", next: "2025-03-09T08:00:00-04:00"),
        // Fall back Sun 2025-11-02: 07:30 EST is blocked; 08:00 EST opens.
        DSTCase(proposed: "2025-11-02T07:30:00-05:00", next: "2025-11-02T08:00:00-05:00"),
        // Late the evening before each transition: the next day's 08:00 carries the new offset.
        DSTCase(proposed: "2025-03-08T21:30:00-05:00", next: "2025-03-09T08:00:00-04:00"),
        DSTCase(proposed: "2025-11-01T21:30:00-04:00", next: "2025-11-02T08:00:00-05:00"),
        // In the night of the transitions themselves.
        DSTCase(proposed: "2025-03-09T03:30:00-04:00", next: "2025-03-09T08:00:00-04:00"),
        DSTCase(proposed: "2025-11-02T01:30:00-05:00", next: "2025-11-02T08:00:00-05:00"),
        DSTCase(proposed: "2025-11-02T01:30:00-04:00", next: "2025-11-02T08:00:00-05:00"),
    ]

    @Test("DST transition days in New York", arguments: dstCases)
    func dstTransition(_ c: DSTCase) {
        var s = Scenario(at: c.proposed)
        s.state(.NY, city: "Albany, NY")
        let outcome = s.decide()
        expectDecision(outcome, allowed: false, rule: "REGF-1006.6b1i-TIME", next: .at(c.next))
    }

    @Test("08:00 on the DST transition days is allowed", arguments: ["2025-03-09T08:00:00-04:00", "2025-11-02T08:00:00-05:00"])
    func dstEightOClock(_ proposed: String) {
        var s = Scenario(at: proposed)
        s.state(.NY, city: "Albany, NY")
        expectDecision(s.decide(), allowed: true, next: .none)
    }

    // MARK: Reopening

    @Test("a blocked 21:30 call reopens the next day at 08:00",
          arguments: [("2025-10-15T21:30:00-04:00", "2025-10-16T08:00:00-04:00"),
                      ("2025-12-31T21:30:00-05:00", "2026-01-01T08:00:00-05:00"),
                      ("2025-10-15T23:59:59-04:00", "2025-10-16T08:00:00-04:00"),
                      ("2025-10-16T00:00:00-04:00", "2025-10-16T08:00:00-04:00")])
    func lateCallReopensNextMorning(_ proposed: String, _ next: String) {
        expectDecision(Scenario(at: proposed).decide(), allowed: false, rule: "REGF-1006.6b1i-TIME", next: .at(next))
    }

    // MARK: Channels

    @Test("a letter is never time-blocked",
          arguments: ["2025-10-15T03:00:00-04:00", "2025-10-15T07:59:59-04:00", "2025-10-15T21:00:00-04:00", "2025-10-15T23:30:00-04:00"])
    func letterIsNeverTimeBlocked(_ proposed: String) {
        var s = Scenario(at: proposed, channel: .letter)
        s.zones("America/New_York", areaCodes: ["America/Los_Angeles", "Pacific/Honolulu"])
        let outcome = s.decide()
        expectDecision(outcome, allowed: true, next: .none)
        #expect(outcome.verdict("REGF-1006.6b1i-TIME") == nil, "\(outcome.trace)")
    }

    @Test("email, text and voicemail use the send time",
          arguments: [ProposedChannel.email, .sms, .voicemail], [("07:59:59", false), ("08:00:00", true), ("21:00:00", false)])
    func electronicSendTime(_ channel: ProposedChannel, _ edge: (String, Bool)) {
        let s = Scenario(at: "2025-10-15T\(edge.0)-04:00", channel: channel)
        let outcome = s.decide()
        if edge.1 {
            expectDecision(outcome, allowed: true, next: .none)
        } else {
            expectDecision(outcome, allowed: false, rule: "REGF-1006.6b1i-TIME")
        }
    }

    // MARK: Known inconvenient times and consent (REGF-1006.6b1i-KNOWN, REGF-1006.6b4-EXCEPT)

    @Test("a stated inconvenient window blocks until it ends")
    func statedInconvenientTime() throws {
        var s = Scenario(at: "2025-10-15T11:00:00-04:00")
        s.snapshot.consumer.inconvenientTimes = [
            InconvenientTime(window: LocalWindow(start: try #require(TimeOfDay("08:00")), end: try #require(TimeOfDay("12:00"))),
                             statement: "don't call me before noon", recordedAt: ts("2025-10-01T10:00:00-04:00")),
        ]
        expectDecision(s.decide(), allowed: false, rule: "REGF-1006.6b1i-KNOWN", next: .at("2025-10-15T12:00:00-04:00"))
        s.proposal.at = ts("2025-10-15T12:00:00-04:00")
        expectDecision(s.decide(), allowed: true, next: .none)
    }

    /// Catalogue §8, exception handling: when an exception makes the contact lawful the reported rule is the rule
    /// whose exception applied; here the consumer's direct consent to a 07:00 call (1006.6(b)(4)).
    @Test("direct consent to an otherwise inconvenient hour", arguments: [true, false])
    func consentToInconvenientHour(_ direct: Bool) throws {
        var s = Scenario(at: "2025-10-15T07:30:00-04:00")
        s.snapshot.consumer.timeConsents = [
            TimeConsent(window: LocalWindow(start: try #require(TimeOfDay("07:00")), end: try #require(TimeOfDay("08:00"))),
                        givenDirectlyToCollector: direct, statement: "call me at 7:30 before work",
                        recordedAt: ts("2025-10-14T10:00:00-04:00")),
        ]
        let outcome = s.decide()
        if direct {
            expectDecision(outcome, allowed: true, rule: "REGF-1006.6b4-EXCEPT", next: .none)
        } else {
            expectDecision(outcome, allowed: false, rule: "REGF-1006.6b1i-TIME", next: .at("2025-10-15T08:00:00-04:00"))
        }
    }

    // MARK: Precedence of the federal time rule over state time overlays

    /// §8 stage 9 (time) lists REGF-1006.6b1i-TIME before the state time rules; a Colorado consumer called at
    /// 07:59:59 local fails the federal window first.
    @Test("Colorado consumer before 08:00: the federal time rule is reported")
    func coloradoTimePrecedence() {
        var s = Scenario(at: "2025-10-15T07:59:59-06:00")
        s.state(.CO, city: "Denver, CO")
        s.zones("America/Denver")
        let outcome = s.decide()
        expectDecision(outcome, allowed: false, rule: "REGF-1006.6b1i-TIME", next: .at("2025-10-15T08:00:00-06:00"))
    }
}
