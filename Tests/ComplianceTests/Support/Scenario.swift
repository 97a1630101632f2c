import Foundation
import RecoupCore
import Testing
@testable import Compliance

// A small builder for edge tests of the compliance rules (docs/rule-catalogue.md, docs/compliance-check.md).
//
// The defaults are the common facts of Fixtures/examples.json: a third-party debt collector (Acme Recovery LLC,
// FDCPA-covered, licensed everywhere), an Ohio consumer P1 whose mailing address and area code (614) both put him
// in America/New_York, one credit-card debt D1 owed to Big Bank (not time-barred), a cell phone `cell-1` the
// consumer gave the creditor on the application, and a manually dialled collection call. A validation notice was
// provided long before (2024-12-02), so the validation-notice timing rule stays quiet unless a test sets its own.
// Each test changes only the facts its edge is about.

/// An instant from an ISO 8601 timestamp with offset, `2025-10-11T11:00:00-04:00`.
func ts(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> Instant {
    guard let parsed = ISOTimestamp(text) else {
        Issue.record("bad timestamp in test: \(text)", sourceLocation: sourceLocation)
        return Instant(secondsSince1970: 0)
    }
    return parsed.instant
}

/// A local calendar date, `2025-11-05`.
func ymd(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> LocalDate {
    guard let date = LocalDate(iso: text) else {
        Issue.record("bad date in test: \(text)", sourceLocation: sourceLocation)
        return LocalDate(dayNumber: 0)
    }
    return date
}

struct Scenario {
    var snapshot: ContactSnapshot
    var proposal: ProposedContact
    /// When set, the facts are known as of this instant; otherwise as of the proposal (the usual case).
    var asOf: Instant?

    /// A proposed contact at `timestamp` through `channel`, with the defaults described above.
    init(at timestamp: String, channel: ProposedChannel = .call, action: ProposedAction = .contact,
         sourceLocation: SourceLocation = #_sourceLocation)
    {
        let instant = ts(timestamp, sourceLocation: sourceLocation)
        snapshot = ContactSnapshot(asOf: instant)
        snapshot.jurisdiction = Jurisdiction(state: .OH, city: "Columbus, OH")
        var collector = CollectorProfile()
        collector.name = "Acme Recovery LLC"
        collector.type = .thirdPartyDebtCollector
        collector.fdcpaCovered = true
        snapshot.collector = collector
        var consumer = ConsumerFacts()
        consumer.id = "P1"
        consumer.locationSignals = [
            LocationSignal(source: .mailingAddress, zone: "America/New_York", detail: "Columbus, OH"),
            LocationSignal(source: .phoneAreaCode, zone: "America/New_York", detail: "614"),
        ]
        snapshot.consumer = consumer
        snapshot.persons = [Person(id: "P1", role: .consumer, name: "Pat Doe")]
        var d1 = DebtFacts(id: "D1", type: .creditCard)
        d1.creditor = "Big Bank"
        d1.solExpired = false
        snapshot.debts = [d1]
        snapshot.destinations = [
            Destination(id: "cell-1", type: .cell, value: "+16145550101", person: "P1", source: .providedToCreditorOnApplication),
            Destination(id: "landline-1", type: .landline, value: "+16145550102", person: "P1", source: .creditorFile),
            Destination(id: "work-1", type: .work, value: "+16145550103", person: "P1", source: .creditorFileEmployerNumber),
            Destination(id: "email-1", type: .email, value: "pat@example.com", person: "P1", source: .consumerProvided),
        ]
        snapshot.validationNotice = ValidationNoticeFacts(providedAt: LocalDate(year: 2024, month: 12, day: 2))

        proposal = ProposedContact(action: action, channel: channel, at: instant)
        proposal.debtID = "D1"
        proposal.person = "P1"
        var content = ContentFacts(type: .collection)
        content.includesMiniMiranda = true
        content.includesOptOutNotice = true
        content.threatensLegalAction = false
        proposal.content = content
        switch channel {
        case .call, .voicemail, .sms:
            proposal.destination = "cell-1"
            proposal.destinationType = .cell
            proposal.dialingMethod = .manual
        case .email:
            proposal.destination = "email-1"
            proposal.destinationType = .email
        case .letter:
            proposal.destination = "mail-1"
            proposal.destinationType = .mail
        case .socialMedia, .none:
            break
        }
        if action != .contact {
            proposal.content = ContentFacts()
        }
    }

    // MARK: Facts

    /// Replaces the candidate zones: the first is the mailing address, the rest phone area codes.
    mutating func zones(_ mailing: String, areaCodes: [String] = []) {
        snapshot.consumer.locationSignals = [LocationSignal(source: .mailingAddress, zone: mailing)]
            + areaCodes.map { LocationSignal(source: .phoneAreaCode, zone: $0) }
    }

    mutating func state(_ state: USState, city: String? = nil) {
        snapshot.jurisdiction = Jurisdiction(state: state, city: city)
    }

    mutating func addDebt(_ id: String, type: DebtType = .creditCard, creditor: String = "Big Bank",
                          studentLoanAccount: String? = nil)
    {
        var debt = DebtFacts(id: id, type: type)
        debt.creditor = creditor
        debt.solExpired = false
        debt.studentLoanAccountNumberAtAcquisition = studentLoanAccount
        snapshot.debts.append(debt)
    }

    mutating func addPerson(_ id: String, role: PersonRole, name: String? = nil) {
        snapshot.persons.append(Person(id: id, role: role, name: name))
    }

    mutating func addDestination(_ id: String, type: DestinationType, person: String = "P1", source: DestinationSource? = nil) {
        snapshot.destinations.removeAll { $0.id == id }
        snapshot.destinations.append(Destination(id: id, type: type, value: id, person: person, source: source))
    }

    // MARK: History

    private mutating func record(_ event: ContactEvent) { snapshot.history.append(event) }

    /// One call; outbound, manual, to P1's cell about D1 unless said otherwise.
    mutating func call(_ timestamp: String, _ outcome: ContactOutcome = .noAnswer, debts: [String] = ["D1"],
                       person: String = "P1", destination: String = "cell-1", direction: Direction = .outbound,
                       dialing: DialingMethod = .manual, recording: String? = nil,
                       sourceLocation: SourceLocation = #_sourceLocation)
    {
        var event = ContactEvent(
            at: ts(timestamp, sourceLocation: sourceLocation), direction: direction, channel: .call, person: person,
            destination: destination, debtIDs: debts, dialingMethod: dialing, outcome: outcome)
        event.recordingID = recording
        record(event)
    }

    /// Several calls with the same outcome.
    mutating func calls(_ timestamps: [String], _ outcome: ContactOutcome = .noAnswer, debts: [String] = ["D1"],
                        person: String = "P1", destination: String = "cell-1", dialing: DialingMethod = .manual,
                        sourceLocation: SourceLocation = #_sourceLocation)
    {
        for timestamp in timestamps {
            call(timestamp, outcome, debts: debts, person: person, destination: destination, dialing: dialing,
                 sourceLocation: sourceLocation)
        }
    }

    mutating func text(_ timestamp: String, direction: Direction = .outbound, destination: String = "cell-1",
                       debts: [String] = ["D1"], content: ContentType? = nil, sourceLocation: SourceLocation = #_sourceLocation)
    {
        var event = ContactEvent(
            at: ts(timestamp, sourceLocation: sourceLocation), direction: direction, channel: .sms, person: "P1",
            destination: destination, debtIDs: debts, dialingMethod: .manual, outcome: direction == .outbound ? .delivered : .received)
        event.content = content.map { ContentFacts(type: $0) }
        record(event)
    }

    mutating func email(_ timestamp: String, direction: Direction = .outbound, destination: String = "email-1",
                        debts: [String] = ["D1"], content: ContentType? = nil, outcome: ContactOutcome? = nil,
                        sourceLocation: SourceLocation = #_sourceLocation)
    {
        var event = ContactEvent(
            at: ts(timestamp, sourceLocation: sourceLocation), direction: direction, channel: .email, person: "P1",
            destination: destination, debtIDs: debts, dialingMethod: .notApplicable,
            outcome: outcome ?? (direction == .outbound ? .delivered : .received))
        event.content = content.map { ContentFacts(type: $0) }
        record(event)
    }

    mutating func letter(_ timestamp: String, _ outcome: ContactOutcome = .mailed, debts: [String] = ["D1"],
                         content: ContentType? = .collection, sourceLocation: SourceLocation = #_sourceLocation)
    {
        var event = ContactEvent(
            at: ts(timestamp, sourceLocation: sourceLocation), direction: .outbound, channel: .letter, person: "P1",
            destination: "mail-1", debtIDs: debts, dialingMethod: .notApplicable, outcome: outcome)
        event.content = content.map { ContentFacts(type: $0) }
        record(event)
    }

    // MARK: Deciding

    func decide() -> Outcome {
        var snapshot = snapshot
        snapshot.asOf = asOf ?? proposal.at
        return Outcome(decision: ComplianceEngine().decide(snapshot, proposal))
    }
}

/// The engine's answer with the accessors the tests assert on.
struct Outcome {
    let decision: ContactDecision

    var allowed: Bool { decision.allowed }
    var rule: String? { decision.rule }
    /// `next_allowed_at` as the document prints it: in the consumer's first candidate zone.
    var next: String? { decision.nextAllowedAt.map { decision.zone.iso8601($0) } }

    /// A `computed` figure as the document prints it (dates `YYYY-MM-DD`, lists joined by ", ").
    func computed(_ name: String) -> String? {
        decision.computed.first { $0.0 == name }.map { "\($0.1)" }
    }

    /// A rule's verdict, nil when the rule did not apply.
    func verdict(_ rule: String) -> Verdict? { decision.findings.first { $0.rule == rule }?.verdict }

    /// Every finding, for failure messages.
    var trace: String {
        "allowed=\(allowed) rule=\(rule ?? "nil") next=\(next ?? "nil")\n"
            + decision.findings.map { "  \($0.rule) \($0.verdict.rawValue): \($0.message)" }.joined(separator: "\n")
    }
}

/// What a test wants of `next_allowed_at`.
enum NextExpectation: Equatable {
    /// Not checked.
    case unchecked
    /// `null`: not without a change of facts (or the contact is allowed).
    case none
    case at(String)
}

/// Asserts the decision's allowed flag, deciding rule (when given) and next allowed instant (when given), printing
/// the findings on failure.
func expectDecision(
    _ outcome: Outcome, allowed: Bool, rule: String? = nil, next: NextExpectation = .unchecked,
    _ label: String = "", sourceLocation: SourceLocation = #_sourceLocation
) {
    let context = Comment(rawValue: (label.isEmpty ? "" : label + "\n") + outcome.trace)
    #expect(outcome.allowed == allowed, context, sourceLocation: sourceLocation)
    if let rule {
        #expect(outcome.rule == rule, context, sourceLocation: sourceLocation)
    }
    switch next {
    case .unchecked: break
    case .none: #expect(outcome.next == nil, context, sourceLocation: sourceLocation)
    case let .at(text): #expect(outcome.next == text, context, sourceLocation: sourceLocation)
    }
}

/// Asserts one `computed` figure.
func expectFigure(_ outcome: Outcome, _ name: String, _ value: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(outcome.computed(name) == value, "computed.\(name)\n\(outcome.trace)", sourceLocation: sourceLocation)
}

/// Decodes a check document (docs/compliance-check.md) and decides it.
func decideDocument(_ json: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Outcome {
    let (snapshot, proposal) = try CheckDocument.decode(Data(json.utf8))
    return Outcome(decision: ComplianceEngine().decide(snapshot, proposal))
}
