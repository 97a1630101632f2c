import Foundation
import RecoupCore
import Testing
@testable import Compliance

// Legal holds and stop-contact facts (catalogue §3.1 attorney, §3.2 cease, §3.5 dispute and original-creditor
// holds, §3.7 bankruptcy) and their precedence (§8: legal holds → cease → attorney → dispute/OC holds). None of
// these reopens with time alone: next_allowed_at is null.

private let callAt = "2025-10-15T11:00:00-04:00"

private func withContent(_ s: inout Scenario, _ type: ContentType) {
    var content = ContentFacts(type: type)
    content.includesMiniMiranda = true
    content.includesOptOutNotice = true
    s.proposal.content = content
}

private func bankruptcy(_ status: BankruptcyStatus, prepetition: Bool? = nil, discharged: Bool? = nil) -> BankruptcyFacts {
    var facts = BankruptcyFacts(status: status, petitionDate: ymd("2025-09-02"))
    facts.chapter = 7
    facts.debtIsPrepetition = prepetition
    facts.debtDischarged = discharged
    if status == .discharged { facts.dischargeDate = ymd("2025-10-01") }
    facts.collectorNotifiedAt = ts("2025-09-05T10:00:00-04:00")
    return facts
}

private func cease(written: Bool = true, debts: [String] = []) -> CeaseNotice {
    CeaseNotice(receivedAt: ts("2025-10-06T12:00:00-04:00"), written: written, debtIDs: debts)
}

private func attorney(name: String? = "Jordan Counsel", address: String? = "1 Court St, Columbus, OH", debts: [String] = [])
    -> AttorneyRepresentation
{
    AttorneyRepresentation(written: true, noticeReceivedAt: ts("2025-10-01T12:00:00-04:00"), attorneyName: name,
                           attorneyAddress: address, debtIDs: debts)
}

private func dispute(written: Bool = true, within: Bool? = true, debts: [String] = [], verificationSent: String? = nil,
                     received: String = "2025-10-10T12:00:00-04:00", duplicative: Bool = false) -> DisputeFacts
{
    DisputeFacts(receivedAt: ts(received), written: written, withinValidationPeriod: within, debtIDs: debts,
                 duplicative: duplicative, verificationSentAt: verificationSent.map { ts($0) })
}

@Suite("Bankruptcy")
struct BankruptcyTests {
    @Test("pending case: every act to collect is stayed", arguments: [ProposedChannel.call, .letter, .email, .sms])
    func stayBlocksCollection(_ channel: ProposedChannel) {
        var s = Scenario(at: callAt, channel: channel)
        s.snapshot.holds.bankruptcy = bankruptcy(.pending)
        expectDecision(s.decide(), allowed: false, rule: "BK-362a6-STAY", next: .none)
    }

    @Test("pending case: filing a proof of claim is allowed")
    func proofOfClaimAllowed() {
        var s = Scenario(at: callAt, channel: .none, action: .fileProofOfClaim)
        s.proposal.destinationType = .court
        s.snapshot.holds.bankruptcy = bankruptcy(.pending)
        expectDecision(s.decide(), allowed: true, rule: "BK-362a6-STAY", next: .none)
    }

    @Test("pending case: a lawsuit and credit furnishing are stayed",
          arguments: [ProposedAction.fileLawsuit, .furnishToCRA])
    func stayBlocksLawsuitAndFurnishing(_ action: ProposedAction) {
        var s = Scenario(at: callAt, channel: .none, action: action)
        s.letter("2025-08-01T10:00:00-04:00")
        s.snapshot.holds.bankruptcy = bankruptcy(.pending)
        expectDecision(s.decide(), allowed: false, rule: "BK-362a6-STAY", next: .none)
    }

    @Test("pending case: a post-petition debt is not stayed")
    func postPetitionDebt() {
        var s = Scenario(at: callAt)
        s.snapshot.holds.bankruptcy = bankruptcy(.pending, prepetition: false)
        expectDecision(s.decide(), allowed: true, next: .none)
    }

    @Test("discharged debt: collection is barred for good", arguments: [ProposedChannel.call, .letter])
    func discharged(_ channel: ProposedChannel) {
        var s = Scenario(at: callAt, channel: channel)
        s.snapshot.holds.bankruptcy = bankruptcy(.discharged, prepetition: true)
        expectDecision(s.decide(), allowed: false, rule: "BK-524a2-DISCHARGE", next: .none)
    }

    @Test("discharged case, but this debt was not discharged")
    func notDischargedDebt() {
        var s = Scenario(at: callAt)
        s.snapshot.holds.bankruptcy = bankruptcy(.discharged, prepetition: true, discharged: false)
        expectDecision(s.decide(), allowed: true, next: .none)
    }
}

@Suite("Cease communication (1006.6(c))")
struct CeaseTests {
    @Test("written cease: collection contacts are blocked in every medium",
          arguments: [ProposedChannel.call, .letter, .email, .sms, .voicemail])
    func writtenCeaseBlocks(_ channel: ProposedChannel) {
        var s = Scenario(at: callAt, channel: channel)
        s.snapshot.holds.cease = cease()
        expectDecision(s.decide(), allowed: false, rule: "REGF-1006.6c-CEASE", next: .none)
    }

    @Test("written cease: the (c)(2) notices are still allowed",
          arguments: [ContentType.noticeCollectionTerminated, .noticeIntentToInvokeSpecifiedRemedy])
    func ceaseExceptions(_ type: ContentType) {
        var s = Scenario(at: callAt, channel: .letter)
        withContent(&s, type)
        s.snapshot.holds.cease = cease()
        expectDecision(s.decide(), allowed: true, rule: "REGF-1006.6c-CEASE", next: .none)
    }

    @Test("oral cease is not a 1006.6(c) notice")
    func oralCease() {
        var s = Scenario(at: callAt, channel: .letter)
        s.snapshot.holds.cease = cease(written: false)
        let outcome = s.decide()
        expectDecision(outcome, allowed: true, next: .none)
        #expect(outcome.verdict("REGF-1006.6c-CEASE") == nil, "\(outcome.trace)")
    }

    @Test("an oral 'stop calling' is a medium request: calls blocked, letters allowed",
          arguments: [(ProposedChannel.call, false), (.letter, true)])
    func oralStopCallingIsMediumRequest(_ channel: ProposedChannel, _ allowed: Bool) {
        var s = Scenario(at: callAt, channel: channel)
        s.snapshot.holds.cease = cease(written: false)
        s.snapshot.optOuts = [OptOut(recordedAt: ts("2025-10-06T12:00:00-04:00"), medium: .telephoneCalls, scope: .allNumbers,
                                     how: "oral", statement: "stop calling me")]
        let outcome = s.decide()
        if allowed {
            expectDecision(outcome, allowed: true, next: .none)
        } else {
            expectDecision(outcome, allowed: false, rule: "REGF-1006.14h-MEDIUM", next: .none)
        }
    }

    @Test("a cease about another debt does not reach this one")
    func ceaseScopedToOtherDebt() {
        var s = Scenario(at: callAt)
        s.addDebt("D2", creditor: "Other Bank")
        s.snapshot.holds.cease = cease(debts: ["D2"])
        expectDecision(s.decide(), allowed: true, next: .none)
        s.proposal.debtID = "D2"
        expectDecision(s.decide(), allowed: false, rule: "REGF-1006.6c-CEASE", next: .none)
    }

    @Test("a cease received after the proposed time does not block it")
    func ceaseReceivedLater() {
        var s = Scenario(at: "2025-10-05T11:00:00-04:00")
        s.snapshot.holds.cease = cease()
        s.asOf = ts("2025-10-20T11:00:00-04:00")
        expectDecision(s.decide(), allowed: true, next: .none)
    }
}

@Suite("Attorney representation (1006.6(b)(2))")
struct AttorneyTests {
    @Test("represented with the attorney's name known: no contact with the consumer",
          arguments: [ProposedChannel.call, .letter, .email])
    func representedBlocks(_ channel: ProposedChannel) {
        var s = Scenario(at: callAt, channel: channel)
        s.snapshot.holds.attorney = attorney()
        expectDecision(s.decide(), allowed: false, rule: "REGF-1006.6b2-ATTY", next: .none)
    }

    @Test("the address alone is enough to identify the attorney")
    func addressOnly() {
        var s = Scenario(at: callAt)
        s.snapshot.holds.attorney = attorney(name: nil)
        expectDecision(s.decide(), allowed: false, rule: "REGF-1006.6b2-ATTY", next: .none)
    }

    @Test("neither name nor address known or ascertainable: no bar")
    func attorneyUnidentified() {
        var s = Scenario(at: callAt)
        s.snapshot.holds.attorney = attorney(name: nil, address: nil)
        expectDecision(s.decide(), allowed: true, next: .none)
    }

    @Test("the attorney is unresponsive: contact lifts")
    func unresponsive() {
        var s = Scenario(at: callAt)
        var facts = attorney()
        facts.attorneyUnresponsive = true
        facts.collectorLetterToAttorneySentAt = ts("2025-08-01T10:00:00-04:00")
        s.snapshot.holds.attorney = facts
        expectDecision(s.decide(), allowed: true, rule: "REGF-1006.6b2-ATTY", next: .none)
    }

    @Test("the attorney consented to direct contact", arguments: [("2025-10-10T10:00:00-04:00", true), ("2025-10-20T10:00:00-04:00", false)])
    func attorneyConsented(_ consentAt: String, _ allowed: Bool) {
        var s = Scenario(at: callAt)
        var facts = attorney()
        facts.attorneyConsentedToDirectContact = true
        facts.consentReceivedAt = ts(consentAt)
        s.snapshot.holds.attorney = facts
        if allowed {
            expectDecision(s.decide(), allowed: true, rule: "REGF-1006.6b2-ATTY", next: .none)
        } else {
            // A consent recorded after the proposed time is not known yet.
            expectDecision(s.decide(), allowed: false, rule: "REGF-1006.6b2-ATTY", next: .none)
        }
    }

    @Test("representation on another debt does not bar this one")
    func otherDebt() {
        var s = Scenario(at: callAt)
        s.addDebt("D2", creditor: "Other Bank")
        s.snapshot.holds.attorney = attorney(debts: ["D2"])
        expectDecision(s.decide(), allowed: true, next: .none)
    }

    @Test("calling the attorney is allowed")
    func callTheAttorney() {
        var s = Scenario(at: callAt)
        s.addPerson("A1", role: .consumerAttorney, name: "Jordan Counsel")
        s.addDestination("atty-line", type: .landline, person: "A1", source: .consumerProvided)
        s.snapshot.holds.attorney = attorney()
        s.proposal.person = "A1"
        s.proposal.destination = "atty-line"
        s.proposal.destinationType = .landline
        expectDecision(s.decide(), allowed: true, next: .none)
    }
}

@Suite("Dispute and original-creditor holds (1006.38)")
struct DisputeHoldTests {
    @Test("written dispute within the validation period: collection stops", arguments: [ProposedChannel.call, .letter, .email])
    func writtenDisputeBlocks(_ channel: ProposedChannel) {
        var s = Scenario(at: callAt, channel: channel)
        s.snapshot.holds.dispute = dispute()
        expectDecision(s.decide(), allowed: false, rule: "REGF-1006.38d2-DISPUTE", next: .none)
    }

    @Test("until verification is sent", arguments: [("2025-10-14T10:00:00-04:00", true), ("2025-10-15T11:00:00-04:00", true),
                                                    ("2025-10-15T11:00:01-04:00", false)])
    func verificationSent(_ sentAt: String, _ allowed: Bool) {
        var s = Scenario(at: callAt)
        s.snapshot.holds.dispute = dispute(verificationSent: sentAt)
        s.asOf = ts("2025-10-20T10:00:00-04:00")
        if allowed {
            expectDecision(s.decide(), allowed: true, rule: "REGF-1006.38d2-DISPUTE", next: .none)
        } else {
            expectDecision(s.decide(), allowed: false, rule: "REGF-1006.38d2-DISPUTE")
        }
    }

    @Test("a duplicative dispute answered with the duplicative-dispute notice")
    func duplicative() {
        var s = Scenario(at: callAt)
        s.snapshot.holds.dispute = dispute(verificationSent: "2025-10-12T10:00:00-04:00", duplicative: true)
        expectDecision(s.decide(), allowed: true, rule: "REGF-1006.38d2-DISPUTE", next: .none)
    }

    @Test("an oral dispute warns only")
    func oralDispute() {
        var s = Scenario(at: callAt)
        s.snapshot.holds.dispute = dispute(written: false)
        let outcome = s.decide()
        expectDecision(outcome, allowed: true, next: .none)
        #expect(outcome.verdict("REGF-1006.38d2-DISPUTE") == .warn, "\(outcome.trace)")
    }

    @Test("a written dispute after the validation period warns only")
    func disputeAfterPeriod() {
        var s = Scenario(at: callAt)
        s.snapshot.holds.dispute = dispute(within: false)
        let outcome = s.decide()
        expectDecision(outcome, allowed: true, next: .none)
        #expect(outcome.verdict("REGF-1006.38d2-DISPUTE") == .warn, "\(outcome.trace)")
    }

    /// Notice provided Mon 2025-11-03: the period ends 2025-12-10 (example VN-001). A written dispute received on the
    /// end date is within it; one received the next day is not.
    @Test("within the validation period, derived from the notice",
          arguments: [("2025-12-10T16:00:00-05:00", false), ("2025-12-11T09:00:00-05:00", true)])
    func derivedValidationPeriod(_ received: String, _ allowed: Bool) {
        var s = Scenario(at: "2025-12-15T11:00:00-05:00")
        s.snapshot.validationNotice = ValidationNoticeFacts(providedAt: ymd("2025-11-03"))
        s.snapshot.holds.dispute = dispute(within: nil, received: received)
        let outcome = s.decide()
        if allowed {
            expectDecision(outcome, allowed: true, next: .none)
        } else {
            expectDecision(outcome, allowed: false, rule: "REGF-1006.38d2-DISPUTE", next: .none)
        }
    }

    @Test("sending the verification itself is not collection")
    func sendingVerification() {
        var s = Scenario(at: callAt, channel: .letter)
        withContent(&s, .responseToConsumerInquiry)
        s.snapshot.holds.dispute = dispute()
        expectDecision(s.decide(), allowed: true, next: .none)
    }

    @Test("a dispute of another debt does not hold this one")
    func otherDebt() {
        var s = Scenario(at: callAt)
        s.addDebt("D2", creditor: "Other Bank")
        s.snapshot.holds.dispute = dispute(debts: ["D2"])
        expectDecision(s.decide(), allowed: true, next: .none)
    }

    @Test("written original-creditor request within the period: collection stops until answered",
          arguments: [(nil, true, false), ("2025-10-14T10:00:00-04:00", true, true), (nil, false, true)] as [(String?, Bool, Bool)])
    func originalCreditorRequest(_ respondedAt: String?, _ written: Bool, _ allowed: Bool) {
        var s = Scenario(at: callAt)
        s.snapshot.holds.originalCreditorRequest = OriginalCreditorRequest(
            receivedAt: ts("2025-10-10T12:00:00-04:00"), written: written, withinValidationPeriod: true,
            respondedAt: respondedAt.map { ts($0) })
        let outcome = s.decide()
        if allowed {
            expectDecision(outcome, allowed: true, next: .none)
            if respondedAt != nil { #expect(outcome.rule == "REGF-1006.38c-OCREQ", "\(outcome.trace)") }
            if !written { #expect(outcome.verdict("REGF-1006.38c-OCREQ") == .warn, "\(outcome.trace)") }
        } else {
            expectDecision(outcome, allowed: false, rule: "REGF-1006.38c-OCREQ", next: .none)
        }
    }
}

@Suite("Hold precedence (§8)")
struct HoldPrecedenceTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let bankruptcy: Bool
        let cease: Bool
        let attorney: Bool
        let dispute: Bool
        let ocRequest: Bool
        let sevenCalls: Bool
        let rule: String
        var testDescription: String { name }
    }

    static let cases = [
        Case(name: "everything", bankruptcy: true, cease: true, attorney: true, dispute: true, ocRequest: true, sevenCalls: true,
             rule: "BK-362a6-STAY"),
        Case(name: "cease + attorney + dispute", bankruptcy: false, cease: true, attorney: true, dispute: true, ocRequest: false,
             sevenCalls: true, rule: "REGF-1006.6c-CEASE"),
        Case(name: "attorney + dispute", bankruptcy: false, cease: false, attorney: true, dispute: true, ocRequest: true,
             sevenCalls: false, rule: "REGF-1006.6b2-ATTY"),
        Case(name: "dispute + OC request + 7 calls", bankruptcy: false, cease: false, attorney: false, dispute: true, ocRequest: true,
             sevenCalls: true, rule: "REGF-1006.38d2-DISPUTE"),
        Case(name: "OC request + 7 calls", bankruptcy: false, cease: false, attorney: false, dispute: false, ocRequest: true,
             sevenCalls: true, rule: "REGF-1006.38c-OCREQ"),
    ]

    @Test("the first failing rule in precedence order is reported", arguments: cases)
    func precedence(_ c: Case) {
        var s = Scenario(at: "2025-10-11T11:00:00-04:00")
        if c.bankruptcy { s.snapshot.holds.bankruptcy = bankruptcy(.pending) }
        if c.cease { s.snapshot.holds.cease = cease() }
        if c.attorney { s.snapshot.holds.attorney = attorney() }
        if c.dispute { s.snapshot.holds.dispute = dispute(received: "2025-10-09T12:00:00-04:00") }
        if c.ocRequest {
            s.snapshot.holds.originalCreditorRequest = OriginalCreditorRequest(
                receivedAt: ts("2025-10-09T12:00:00-04:00"), written: true, withinValidationPeriod: true)
        }
        if c.sevenCalls {
            s.calls(["2025-10-05T10:00:00-04:00", "2025-10-05T11:00:00-04:00", "2025-10-05T12:00:00-04:00",
                     "2025-10-05T13:00:00-04:00", "2025-10-05T14:00:00-04:00", "2025-10-05T15:00:00-04:00",
                     "2025-10-05T16:00:00-04:00"])
        }
        expectDecision(s.decide(), allowed: false, rule: c.rule, next: .none)
    }
}
