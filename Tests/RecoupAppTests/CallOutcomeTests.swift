import Compliance
import RecoupApp
import Testing

/// How the voice provider's reports become the outcomes the frequency rules count: busy, failed and cancelled calls
/// never connected; unanswered ones and voicemails did; a prerecorded message was left or heard.
struct CallOutcomeTests {
    @Test(arguments: [
        ("busy", nil, false, ContactOutcome.busy), ("failed", nil, false, .failed), ("canceled", nil, false, .failed),
        ("no-answer", nil, false, .noAnswer), ("completed", nil, false, .conversation), ("answered", nil, false, .conversation),
        ("completed", "machine_start", false, .voicemailReachedNoMessageLeft), ("completed", "fax", false, .voicemailReachedNoMessageLeft),
        ("completed", "human", false, .conversation),
        ("completed", "machine_end_beep", true, .limitedContentMessageLeft), ("completed", "unknown", true, .limitedContentMessageLeft),
        ("completed", "human", true, .answeredPrerecordedMessagePlayed), ("no-answer", nil, true, .noAnswer), ("busy", nil, true, .busy),
    ] as [(String, String?, Bool, ContactOutcome)])
    func aFinalStatusHasTheOutcomeTheRulesCount(status: String, answeredBy: String?, prerecorded: Bool, expected: ContactOutcome) {
        #expect(CallOutcome.outcome(status: status, answeredBy: answeredBy, prerecorded: prerecorded) == expected)
    }

    @Test(arguments: ["queued", "initiated", "ringing", "in-progress", "something-new"])
    func aCallUnderWayHasNoOutcomeYet(status: String) {
        #expect(CallOutcome.outcome(status: status, answeredBy: nil, prerecorded: false) == nil)
    }

    @Test func aPlacedCallCountsUntilReportedAndAgentsGiveOnlyCallOutcomes() {
        #expect(CallOutcome.pending == .noAnswer, "an unreported call is counted, never left out")
        #expect(CallOutcome.dispositions.isDisjoint(with: [.delivered, .mailed, .received, .returnedUndeliverable, .answeredPrerecordedMessagePlayed]))
    }
}
