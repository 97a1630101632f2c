import Foundation
import RecoupCore
import Testing
@testable import Compliance

/// A snapshot prepared once and decided for many proposals (the contactability answer) must give, for each
/// proposal, exactly the decision a fresh preparation gives: nothing one proposal works out may leak into the
/// next.
struct PreparedSnapshotTests {
    /// A consumer with two ordinary debts and two student loans serviced as one particular debt, a spouse and a
    /// neighbour on file, and a fortnight of calls, texts, emails and a letter across them.
    static func busySnapshot(state: USState, city: String) -> ContactSnapshot {
        var scenario = Scenario(at: "2025-11-14T08:00:00-05:00")
        scenario.state(state, city: city)
        scenario.addDebt("D2", creditor: "Other Bank")
        scenario.addDebt("S1", type: .studentLoan, creditor: "Loan Co", studentLoanAccount: "SL-9")
        scenario.addDebt("S2", type: .studentLoan, creditor: "Loan Co", studentLoanAccount: "SL-9")
        scenario.addPerson("P2", role: .spouse, name: "Sam Doe")
        scenario.addPerson("N1", role: .neighborThirdParty)
        scenario.addDestination("cell-2", type: .cell, person: "P2", source: .consumerProvided)
        scenario.calls(["2025-11-03T10:00:00-05:00", "2025-11-04T10:00:00-05:00", "2025-11-10T18:00:00-05:00"])
        scenario.call("2025-11-05T12:00:00-05:00", .conversation, debts: ["D2"], destination: "landline-1")
        scenario.calls(["2025-11-11T09:00:00-05:00", "2025-11-12T09:30:00-05:00"], .limitedContentMessageLeft, debts: ["S1"])
        scenario.call("2025-11-12T14:00:00-05:00", .noAnswer, debts: ["S2"], destination: "work-1")
        scenario.call("2025-11-13T11:00:00-05:00", .conversation, debts: ["D1"], person: "P2", destination: "cell-2")
        scenario.call("2025-11-13T15:00:00-05:00", .conversation, debts: [], direction: .inbound)
        scenario.call("2025-11-13T16:00:00-05:00", .noAnswer, debts: ["D1"], person: "N1", destination: "N1-home")
        scenario.text("2025-11-06T13:00:00-05:00", debts: ["D1", "D2"])
        scenario.text("2025-11-07T13:00:00-05:00", direction: .inbound, debts: [])
        scenario.email("2025-11-08T09:00:00-05:00", debts: ["S1", "S2"])
        scenario.letter("2025-11-01T09:00:00-05:00", debts: ["D1", "D2", "S1", "S2"])
        scenario.snapshot.asOf = ts("2025-11-14T08:00:00-05:00")
        return scenario.snapshot
    }

    /// Every channel to every destination, about each debt and about several, to each person, at hours inside and
    /// outside the call window and on the days the caps count.
    static func proposals() -> [ProposedContact] {
        let targets: [(ProposedChannel, String, ProposedDestinationType, String?)] = [
            (.call, "cell-1", .cell, "P1"), (.sms, "cell-1", .cell, "P1"), (.call, "landline-1", .landline, "P1"),
            (.call, "work-1", .work, nil), (.email, "email-1", .email, "P1"), (.call, "cell-2", .cell, "P2"),
            (.call, "N1-home", .landline, "N1"),
        ]
        let debts: [[String]] = [["D1"], ["D2"], ["S1"], ["S1", "S2"], ["D1", "D2"], []]
        let times = ["2025-11-14T07:30:00-05:00", "2025-11-14T10:00:00-05:00", "2025-11-14T21:30:00-05:00", "2025-11-16T12:00:00-05:00"]
        var proposals: [ProposedContact] = []
        for (channel, destination, type, person) in targets {
            for ids in debts {
                for time in times {
                    var proposal = Scenario(at: time, channel: channel).proposal
                    proposal.destination = destination
                    proposal.destinationType = type
                    proposal.person = person
                    proposal.debtID = ids.first
                    proposal.additionalDebtIDs = Array(ids.dropFirst())
                    proposals.append(proposal)
                }
            }
        }
        return proposals
    }

    @Test(arguments: [(USState.OH, "Columbus, OH"), (.MA, "Boston, MA"), (.WA, "Seattle, WA"), (.NY, "New York, NY")])
    func oneSnapshotPreparedOnceDecidesLikeFreshOnes(_ state: USState, _ city: String) {
        let engine = ComplianceEngine()
        let snapshot = Self.busySnapshot(state: state, city: city)
        let prepared = engine.prepare(snapshot)
        let proposals = Self.proposals()
        var blocked = 0, allowed = 0
        // Decided in order and again in reverse, so no proposal is only ever decided first.
        for proposal in proposals + proposals.reversed() {
            let shared = engine.decide(prepared, proposal)
            let fresh = engine.decide(snapshot, proposal)
            let sharedAnswer = String(decoding: CheckDocument.encode(shared), as: UTF8.self)
            let freshAnswer = String(decoding: CheckDocument.encode(fresh), as: UTF8.self)
            #expect(sharedAnswer == freshAnswer, "\(proposal.channel) \(proposal.destination ?? "-") \(proposal.debtIDs) at \(proposal.at)")
            #expect(shared.findings.map(\.message) == fresh.findings.map(\.message))
            if shared.allowed { allowed += 1 } else { blocked += 1 }
        }
        // The proposals reach both answers, so the comparison covers blocks and allowances alike.
        #expect(blocked > 0 && allowed > 0, "blocked \(blocked), allowed \(allowed)")
    }

    @Test func eventsNamingTheSameDebtsShareOneListAndKeepTheirIDs() {
        let history = Self.busySnapshot(state: .OH, city: "Columbus, OH").history
        let shared = history.sharingDebtLists()
        #expect(shared.map(\.debtIDs) == history.map(\.debtIDs))
        #expect(shared.map(\.at) == history.map(\.at))
        func storage(_ ids: [String]) -> UnsafeRawPointer? { ids.withUnsafeBufferPointer { $0.baseAddress.map(UnsafeRawPointer.init) } }
        let aboutD1 = shared.filter { $0.debtIDs == ["D1"] }
        #expect(aboutD1.count > 2)
        #expect(Set(aboutD1.map { storage($0.debtIDs) }).count == 1)
    }

    /// What was said or written stays behind one reference, so a history of forty events is a few dozen cache lines
    /// for the rules to scan; setting it on a copy leaves the original alone.
    @Test func anEventKeepsItsTextAndContentApart() {
        #expect(MemoryLayout<ContactEvent>.stride <= 80)
        var event = ContactEvent(at: Instant(secondsSince1970: 0), direction: .inbound, channel: .sms, debtIDs: ["D1"])
        let original = event
        event.text = "stop texting me"
        event.note = "consumer upset"
        event.content = ContentFacts(type: .collection)
        #expect(event.text == "stop texting me" && event.note == "consumer upset" && event.content?.type == .collection)
        #expect(original.text == nil && original.note == nil && original.content == nil && original.recordingID == nil)
        event.recordingID = "RE1"
        #expect(event.text == "stop texting me" && event.recordingID == "RE1")
    }
}
