import Foundation
import RecoupCore
import Testing
@testable import Compliance

// Medium requests (REGF-1006.14h-MEDIUM), TCPA consent, revocation and the residential prerecorded-call limit
// (catalogue §3.2, §4), work email and public social media (§3.2), compliance-check.md convention 8 (manual means
// outside 227(b)(1)(A)).

private func content(_ type: ContentType) -> ContentFacts {
    var content = ContentFacts(type: type)
    content.includesMiniMiranda = true
    content.includesOptOutNotice = true
    return content
}

@Suite("Medium requests and opt-outs (1006.14(h))")
struct MediumRequestTests {
    /// Consumer used the opt-out link in an email to email-1 on 2025-10-03 10:00 ET (example EOPT-001).
    static func emailScenario(_ at: String, to destination: String = "email-1", scope: OptOutScope = .address) -> Scenario {
        var s = Scenario(at: at, channel: .email)
        s.addDestination("email-2", type: .email, source: .consumerProvided)
        s.snapshot.optOuts = [OptOut(recordedAt: ts("2025-10-03T10:00:00-04:00"), medium: .email, scope: scope,
                                     destination: "email-1", how: "opt-out link")]
        s.proposal.destination = destination
        return s
    }

    @Test("opt-out of one address: that address blocked, another allowed",
          arguments: [("email-1", false), ("email-2", true)])
    func addressOptOut(_ destination: String, _ allowed: Bool) {
        let outcome = Self.emailScenario("2025-10-15T11:00:00-04:00", to: destination).decide()
        if allowed {
            expectDecision(outcome, allowed: true, next: .none)
        } else {
            expectDecision(outcome, allowed: false, rule: "REGF-1006.14h-MEDIUM", next: .none)
        }
    }

    @Test("opt-out of all addresses blocks every address", arguments: ["email-1", "email-2"])
    func allAddressesOptOut(_ destination: String) {
        let outcome = Self.emailScenario("2025-10-15T11:00:00-04:00", to: destination, scope: .allAddresses).decide()
        expectDecision(outcome, allowed: false, rule: "REGF-1006.14h-MEDIUM", next: .none)
    }

    @Test("one opt-out confirmation is allowed; a second is not")
    func optOutConfirmationOnce() {
        var s = Self.emailScenario("2025-10-03T10:05:00-04:00")
        s.proposal.content = content(.optOutConfirmationOnly)
        expectDecision(s.decide(), allowed: true, rule: "REGF-1006.14h-MEDIUM", next: .none)

        s.email("2025-10-03T10:05:00-04:00", content: .optOutConfirmationOnly)
        s.proposal.at = ts("2025-10-03T12:00:00-04:00")
        expectDecision(s.decide(), allowed: false, rule: "REGF-1006.14h-MEDIUM", next: .none)
    }

    @Test("a collection email after the confirmation is still blocked")
    func collectionAfterConfirmation() {
        var s = Self.emailScenario("2025-10-04T11:00:00-04:00")
        s.email("2025-10-03T10:05:00-04:00", content: .optOutConfirmationOnly)
        expectDecision(s.decide(), allowed: false, rule: "REGF-1006.14h-MEDIUM", next: .none)
    }

    @Test("one reply in the medium the consumer used after opting out (1006.14(h)(2)(ii))")
    func replyToConsumerInitiatedContact() {
        var s = Self.emailScenario("2025-10-11T11:00:00-04:00", scope: .allAddresses)
        s.email("2025-10-10T09:00:00-04:00", direction: .inbound)
        s.proposal.content = content(.responseToConsumerInquiry)
        expectDecision(s.decide(), allowed: true, rule: "REGF-1006.14h-MEDIUM", next: .none)

        s.email("2025-10-11T11:00:00-04:00")
        s.proposal.at = ts("2025-10-11T15:00:00-04:00")
        expectDecision(s.decide(), allowed: false, rule: "REGF-1006.14h-MEDIUM", next: .none)
    }

    @Test("an opt-out of one number blocks calls to that number only",
          arguments: [("cell-1", false), ("landline-1", true)])
    func numberOptOut(_ destination: String, _ allowed: Bool) {
        var s = Scenario(at: "2025-10-15T11:00:00-04:00")
        s.snapshot.optOuts = [OptOut(recordedAt: ts("2025-10-03T10:00:00-04:00"), medium: .telephoneCalls, scope: .number,
                                     destination: "cell-1", how: "oral", statement: "don't call my cell")]
        s.proposal.destination = destination
        s.proposal.destinationType = destination == "cell-1" ? .cell : .landline
        let outcome = s.decide()
        if allowed {
            expectDecision(outcome, allowed: true, next: .none)
        } else {
            expectDecision(outcome, allowed: false, rule: "REGF-1006.14h-MEDIUM", next: .none)
        }
    }

    @Test("an opt-out of texts does not stop calls to the same number")
    func textOptOutLeavesCalls() {
        var s = Scenario(at: "2025-10-15T11:00:00-04:00")
        s.snapshot.optOuts = [OptOut(recordedAt: ts("2025-10-03T10:00:00-04:00"), medium: .sms, scope: .number,
                                     destination: "cell-1", how: "reply STOP")]
        expectDecision(s.decide(), allowed: true, next: .none)
        s.proposal.channel = .sms
        expectDecision(s.decide(), allowed: false, rule: "REGF-1006.14h-MEDIUM", next: .none)
    }

    @Test("after a text STOP: one confirmation text, then nothing")
    func textStopConfirmation() {
        var s = Scenario(at: "2025-10-03T10:01:00-04:00", channel: .sms)
        s.snapshot.optOuts = [OptOut(recordedAt: ts("2025-10-03T10:00:00-04:00"), medium: .sms, scope: .number,
                                     destination: "cell-1", how: "reply STOP")]
        var revocation = TCPARevocation(receivedAt: ts("2025-10-03T10:00:00-04:00"), destination: "cell-1", method: "reply STOP",
                                        perSeReasonable: true)
        revocation.text = "STOP"
        s.snapshot.tcpaRevocations = [revocation]
        s.proposal.content = content(.optOutConfirmationOnly)
        s.proposal.dialingMethod = .autodialer
        let first = s.decide()
        expectDecision(first, allowed: true, next: .none)
        #expect(first.verdict("TCPA-64.1200a11-CONFIRM") == .pass, "\(first.trace)")

        s.text("2025-10-03T10:01:00-04:00", content: .optOutConfirmationOnly)
        s.proposal.at = ts("2025-10-03T10:30:00-04:00")
        expectDecision(s.decide(), allowed: false, rule: "REGF-1006.14h-MEDIUM", next: .none)
    }
}

@Suite("TCPA consent, revocation and prerecorded calls")
struct TCPATests {
    /// cell-2 was found by skip tracing: the consumer never gave it to anyone.
    static func skipTraced(_ channel: ProposedChannel = .call, dialing: DialingMethod) -> Scenario {
        var s = Scenario(at: "2025-10-15T11:00:00-04:00", channel: channel)
        s.addDestination("cell-2", type: .cell, source: .skipTrace)
        s.proposal.destination = "cell-2"
        s.proposal.dialingMethod = dialing
        return s
    }

    @Test("autodialled or prerecorded call or text to a skip-traced cell: blocked",
          arguments: [(ProposedChannel.call, DialingMethod.autodialer), (.call, .prerecorded), (.voicemail, .prerecorded),
                      (.sms, .autodialer)])
    func skipTracedCellBlocked(_ channel: ProposedChannel, _ dialing: DialingMethod) {
        expectDecision(Self.skipTraced(channel, dialing: dialing).decide(), allowed: false, rule: "TCPA-227b1A-CELL", next: .none)
    }

    @Test("manual call or text to a skip-traced cell: outside 227(b)(1)(A)", arguments: [ProposedChannel.call, .sms])
    func skipTracedManual(_ channel: ProposedChannel) {
        expectDecision(Self.skipTraced(channel, dialing: .manual).decide(), allowed: true, rule: "TCPA-227b1A-CELL", next: .none)
    }

    @Test("autodialled call or text to the cell given on the application: prior express consent",
          arguments: [(ProposedChannel.call, DialingMethod.autodialer), (.call, .prerecorded), (.sms, .autodialer)])
    func applicationCellAllowed(_ channel: ProposedChannel, _ dialing: DialingMethod) {
        var s = Scenario(at: "2025-10-15T11:00:00-04:00", channel: channel)
        s.proposal.dialingMethod = dialing
        expectDecision(s.decide(), allowed: true, rule: "TCPA-227b1A-CELL", next: .none)
    }

    @Test("a prerecorded voicemail or autodialled text to a work number without consent: it may be a cell, so blocked",
          arguments: [(ProposedChannel.voicemail, DialingMethod.prerecorded), (.sms, .autodialer)])
    func workLineTreatedAsPossiblyWireless(_ channel: ProposedChannel, _ dialing: DialingMethod) {
        var s = Scenario(at: "2025-10-15T11:00:00-04:00", channel: channel)
        s.proposal.destination = "work-1"
        s.proposal.destinationType = .work
        s.proposal.dialingMethod = dialing
        expectDecision(s.decide(), allowed: false, rule: "TCPA-227b1A-CELL", next: .none)
        s.proposal.dialingMethod = .manual
        #expect(s.decide().verdict("TCPA-227b1A-CELL") == .pass, "a call dialled by hand is outside 227(b)(1)(A)")
    }

    @Test("a consent on file for the skip-traced cell is prior express consent")
    func consentOnFile() {
        var s = Self.skipTraced(dialing: .autodialer)
        s.snapshot.consents = [Consent(type: .callConsentOnCreditorFile, givenDirectlyToCollector: false,
                                       receivedAt: ts("2025-09-01T10:00:00-04:00"), destinations: ["cell-2"])]
        expectDecision(s.decide(), allowed: true, rule: "TCPA-227b1A-CELL", next: .none)
    }

    // MARK: Revocation

    /// The consumer replied STOP from cell-1 on Fri 2025-10-10. Ten business days, skipping Columbus Day
    /// (Mon 10/13): 10/14 … 10/27.
    static func revoked(_ at: String, _ channel: ProposedChannel, dialing: DialingMethod, destination: String = "cell-1") -> Scenario {
        var s = Scenario(at: at, channel: channel)
        s.addDestination("cell-2", type: .cell, source: .consumerProvided)
        s.snapshot.tcpaRevocations = [TCPARevocation(receivedAt: ts("2025-10-10T12:00:00-04:00"), destination: destination,
                                                     method: "reply STOP", perSeReasonable: true)]
        s.proposal.dialingMethod = dialing
        return s
    }

    @Test("revocation blocks autodialled texts and calls at once",
          arguments: [("2025-10-15T11:00:00-04:00", ProposedChannel.sms, DialingMethod.autodialer),
                      ("2025-10-15T11:00:00-04:00", .call, .autodialer), ("2025-10-15T11:00:00-04:00", .call, .prerecorded),
                      ("2025-10-10T12:05:00-04:00", .sms, .autodialer)])
    func revocationBlocksRobo(_ at: String, _ channel: ProposedChannel, _ dialing: DialingMethod) {
        let outcome = Self.revoked(at, channel, dialing: dialing).decide()
        expectDecision(outcome, allowed: false, rule: "TCPA-64.1200a10-REVOKE", next: .none)
        expectFigure(outcome, "revocation_received_date", "2025-10-10")
        expectFigure(outcome, "honor_no_later_than", "2025-10-27")
    }

    @Test("revocation does not bar a manual live call")
    func revocationLeavesManualCalls() {
        let outcome = Self.revoked("2025-10-15T11:00:00-04:00", .call, dialing: .manual).decide()
        expectDecision(outcome, allowed: true, next: .none)
        #expect(outcome.verdict("TCPA-64.1200a10-REVOKE") == .pass, "\(outcome.trace)")
    }

    @Test("revocation for another number does not reach this one")
    func revocationOtherNumber() {
        let outcome = Self.revoked("2025-10-15T11:00:00-04:00", .sms, dialing: .autodialer, destination: "cell-2").decide()
        expectDecision(outcome, allowed: true, next: .none)
    }

    @Test("consent given back after the revocation (a START reply) reopens texts to that number only; an older one does not",
          arguments: [("2025-10-12T09:00:00-04:00", "cell-1", true), ("2025-10-09T09:00:00-04:00", "cell-1", false),
                      ("2025-10-12T09:00:00-04:00", "cell-2", false)])
    func renewedConsent(_ given: String, _ covering: String, _ allowed: Bool) {
        var s = Self.revoked("2025-10-15T11:00:00-04:00", .sms, dialing: .autodialer)
        s.snapshot.optOuts = [OptOut(recordedAt: ts("2025-10-10T12:00:00-04:00"), medium: .sms, scope: .number, destination: "cell-1")]
        s.snapshot.consents = [Consent(type: .regFTextConsent, givenDirectlyToCollector: true, receivedAt: ts(given), destinations: [covering])]
        let outcome = s.decide()
        if allowed {
            expectDecision(outcome, allowed: true, next: .none)
            #expect(outcome.verdict("TCPA-64.1200a10-REVOKE") == .pass && outcome.verdict("REGF-1006.14h-MEDIUM") == .pass, "\(outcome.trace)")
        } else {
            #expect(!outcome.decision.allowed, "\(outcome.trace)")
        }
    }

    @Test("a consent to texts does not reopen calls the consumer refused")
    func textConsentLeavesCallsRevoked() {
        var s = Self.revoked("2025-10-15T11:00:00-04:00", .call, dialing: .autodialer)
        s.snapshot.consents = [Consent(type: .regFTextConsent, givenDirectlyToCollector: true,
                                       receivedAt: ts("2025-10-12T09:00:00-04:00"), destinations: ["cell-1"])]
        expectDecision(s.decide(), allowed: false, rule: "TCPA-64.1200a10-REVOKE", next: .none)
    }

    // MARK: Prerecorded calls to a residential line (64.1200(a)(3))

    /// landline-1 is from the creditor's file (no consent): prerecorded calls on 10/1, 10/10 and 10/20 at 10:00.
    static func residential(_ at: String, calls: [String] = ["2025-10-01T10:00:00-04:00", "2025-10-10T10:00:00-04:00",
                                                           "2025-10-20T10:00:00-04:00"],
                            dialing: DialingMethod = .prerecorded) -> Scenario {
        var s = Scenario(at: at)
        s.calls(calls, .answeredPrerecordedMessagePlayed, destination: "landline-1", dialing: .prerecorded)
        s.proposal.destination = "landline-1"
        s.proposal.destinationType = .landline
        s.proposal.dialingMethod = dialing
        return s
    }

    @Test("three prerecorded calls in 30 days: the fourth is blocked until the oldest leaves the window",
          arguments: ["2025-10-25T11:00:00-04:00", "2025-10-30T20:00:00-04:00"])
    func fourthPrerecordedBlocked(_ at: String) throws {
        let outcome = Self.residential(at).decide()
        expectDecision(outcome, allowed: false, rule: "TCPA-227b1B-RESIDENTIAL")
        // The 10/1 call leaves the 30-day window on 10/31 (at 10:00 on an instant reading, at 08:00 on a calendar-day one).
        let next = try #require(outcome.next, "\(outcome.trace)")
        #expect(next.hasPrefix("2025-10-31T") && next >= "2025-10-31T08:00:00-04:00" && next <= "2025-10-31T10:00:00-04:00",
                "next_allowed_at \(next)\n\(outcome.trace)")
    }

    @Test("the fourth call once the oldest has left the window", arguments: ["2025-10-31T10:00:00-04:00", "2025-10-31T15:00:00-04:00"])
    func fourthAfterWindow(_ at: String) {
        expectDecision(Self.residential(at).decide(), allowed: true, next: .none)
    }

    @Test("two prerecorded calls: the third is allowed")
    func thirdAllowed() {
        let s = Self.residential("2025-10-25T11:00:00-04:00", calls: ["2025-10-10T10:00:00-04:00", "2025-10-20T10:00:00-04:00"])
        expectDecision(s.decide(), allowed: true, next: .none)
    }

    @Test("a manual call to the same landline is not limited")
    func manualToLandline() {
        expectDecision(Self.residential("2025-10-25T11:00:00-04:00", dialing: .manual).decide(), allowed: true, next: .none)
    }

    @Test("prerecorded calls to another line are not counted")
    func otherLine() {
        var s = Self.residential("2025-10-25T11:00:00-04:00")
        s.addDestination("landline-2", type: .landline, source: .creditorFile)
        s.proposal.destination = "landline-2"
        expectDecision(s.decide(), allowed: true, next: .none)
    }
}

@Suite("Work email and social media (1006.22(f))")
struct WorkEmailAndSocialTests {
    static func workEmail(_ at: String = "2025-10-15T11:00:00-04:00") -> Scenario {
        var s = Scenario(at: at, channel: .email)
        s.addDestination("email-work", type: .email, source: .skipTraceEmployerDomain)
        s.proposal.destination = "email-work"
        s.proposal.destinationType = .workEmail
        return s
    }

    @Test("email to an employer-provided address is blocked")
    func workEmailBlocked() {
        expectDecision(Self.workEmail().decide(), allowed: false, rule: "REGF-1006.22f3-WORKEMAIL", next: .none)
    }

    @Test("a personal address marked as work email by the proposal is blocked too")
    func proposalSaysWorkEmail() {
        var s = Scenario(at: "2025-10-15T11:00:00-04:00", channel: .email)
        s.proposal.destinationType = .workEmail
        expectDecision(s.decide(), allowed: false, rule: "REGF-1006.22f3-WORKEMAIL", next: .none)
    }

    @Test("the consumer emailed the collector from the work address")
    func consumerUsedWorkEmail() {
        var s = Self.workEmail()
        s.email("2025-10-10T09:00:00-04:00", direction: .inbound, destination: "email-work")
        expectDecision(s.decide(), allowed: true, rule: "REGF-1006.22f3-WORKEMAIL", next: .none)
    }

    @Test("the consumer consented directly to the work address")
    func consentToWorkEmail() {
        var s = Self.workEmail()
        s.snapshot.consents = [Consent(type: .regFTextConsent, givenDirectlyToCollector: true,
                                       receivedAt: ts("2025-10-10T09:00:00-04:00"), destinations: ["email-work"],
                                       statement: "you can email me at work")]
        expectDecision(s.decide(), allowed: true, next: .none)
    }

    @Test("a social-media message others can see is blocked; a private message is not",
          arguments: [(true, false), (false, true)])
    func socialMedia(_ isPublic: Bool, _ allowed: Bool) {
        var s = Scenario(at: "2025-10-15T11:00:00-04:00", channel: .socialMedia)
        if isPublic {
            s.addDestination("social-1", type: .socialMediaPublic, source: .directory)
            s.proposal.destination = "social-1"
            s.proposal.destinationType = .socialPublic
        }
        let outcome = s.decide()
        if allowed {
            expectDecision(outcome, allowed: true, next: .none)
        } else {
            expectDecision(outcome, allowed: false, rule: "REGF-1006.22f4-SOCIAL", next: .none)
        }
    }
}
