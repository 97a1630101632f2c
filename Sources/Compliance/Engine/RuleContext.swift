import RecoupCore

/// A snapshot and a proposal prepared once for every rule: the candidate zones resolved to clocks, the facts
/// known as of the snapshot's instant, each past contact's local day, who the recipient is and which
/// "particular debts" the contact is about. Rules read these instead of recomputing them, which is what keeps a
/// decision to a few microseconds.
///
/// A class, so handing it to thirty rules (and again at every step of the next-lawful search) passes one
/// reference instead of copying the snapshot's arrays.
public final class RuleContext: Sendable {
    public let snapshot: ContactSnapshot
    public let proposal: ProposedContact
    public let ruleSet: RuleSet
    let limitations: StatuteOfLimitations
    let calendar: BusinessCalendar

    /// Every zone the consumer may be in; a time is convenient only if it is convenient in all of them.
    public let zones: [ZoneClock]
    /// The first candidate (the mailing address's zone when known): local days are counted on its calendar and
    /// instants are printed in it.
    public let primaryZone: ZoneClock
    /// Past contacts known as of the snapshot, oldest first, each with its local day number.
    let datedHistory: [PastContact]
    /// Outbound calls to the recipient and telephone conversations with them, oldest first, precomputed because
    /// several rules count them.
    let callsToRecipient: [PastContact]
    let conversationsWithRecipient: [PastContact]
    /// The recipient of the proposed contact; the consumer when the proposal names nobody else.
    let person: Person
    let destination: Destination?
    /// The "particular debts" (1006.14(b)(4)) the proposed contact is about.
    let particularDebts: [String]
    /// Which debt ids share a particular debt.
    let debtGrouping: DebtGrouping
    let debts: [DebtFacts]
    /// The end of the validation period the rules respect, if a notice is known (computed once: counting business
    /// days walks the holiday calendar).
    let validationPeriodEnd: LocalDate?
    /// The call window and Washington's home hours as seconds of the local day.
    let windowStart: Int, windowEnd: Int, washingtonStart: Int, washingtonEnd: Int

    public init(
        snapshot: ContactSnapshot, proposal: ProposedContact, ruleSet: RuleSet,
        limitations: StatuteOfLimitations = .current, calendar: BusinessCalendar = .usFederal, windows: DailyWindows? = nil
    ) {
        self.snapshot = snapshot
        self.proposal = proposal
        self.ruleSet = ruleSet
        self.limitations = limitations
        self.calendar = calendar

        var zones: [ZoneClock] = []
        let signals = snapshot.consumer.locationSignals.sorted { lhs, rhs in
            (lhs.source == .mailingAddress ? 0 : 1) < (rhs.source == .mailingAddress ? 0 : 1)
        }
        for signal in signals {
            if let clock = ZoneClock.named(signal.zone), !zones.contains(clock) { zones.append(clock) }
        }
        if zones.isEmpty, let state = snapshot.jurisdiction.state {
            // No signal: every zone the state spans, the same way placements resolve zones.
            for name in TimeZoneResolver.standard.zones(for: state).sorted() {
                if let clock = ZoneClock.named(name) { zones.append(clock) }
            }
        }
        if zones.isEmpty {
            // Nothing known: every zone of the fifty states, so only hours convenient everywhere pass.
            zones = Self.everyStateZone
        }
        self.zones = zones
        primaryZone = zones[0]

        let asOf = snapshot.asOf
        let primary = zones[0]
        let grouping = DebtGrouping(snapshot.debts)
        debtGrouping = grouping
        var dated: [PastContact] = []
        dated.reserveCapacity(snapshot.history.count)
        for event in snapshot.history where event.at <= asOf {
            dated.append(PastContact(event: event, day: primary.dayNumber(event.at),
                                     particularDebts: grouping.keys(event.debtIDs)))
        }
        if !dated.indices.dropFirst().allSatisfy({ dated[$0 - 1].event.at <= dated[$0].event.at }) {
            dated.sort { $0.event.at < $1.event.at }
        }
        datedHistory = dated
        let consumerID = snapshot.consumer.id
        let recipient = proposal.person.flatMap { id in snapshot.persons.first { $0.id == id } }
            ?? Person(id: proposal.person ?? consumerID, role: proposal.person == nil || proposal.person == consumerID ? .consumer : .neighborThirdParty)
        person = recipient
        var calls: [PastContact] = [], talks: [PastContact] = []
        for entry in dated where entry.event.channel == .call && entry.event.person == recipient.id {
            if entry.event.direction == .outbound { calls.append(entry) }
            if entry.event.outcome == .conversation { talks.append(entry) }
        }
        callsToRecipient = calls
        conversationsWithRecipient = talks
        destination = proposal.destination.flatMap { id in snapshot.destinations.first { $0.id == id } }
        debts = proposal.debtIDs.compactMap { id in snapshot.debts.first { $0.id == id } }
        particularDebts = grouping.keys(proposal.debtIDs)
        let windows = windows ?? DailyWindows(ruleSet)
        windowStart = windows.callStart
        windowEnd = windows.callEnd
        washingtonStart = windows.washingtonStart
        washingtonEnd = windows.washingtonEnd
        if let notice = snapshot.validationNotice {
            validationPeriodEnd = notice.validationPeriodEndDate
                ?? notice.providedAt.map { ValidationPeriod(providedOn: $0, ruleSet: ruleSet, calendar: calendar).earliestEndDate }
        } else {
            validationPeriodEnd = nil
        }
    }

    static let everyStateZone: [ZoneClock] = [
        "America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
        "America/Anchorage", "Pacific/Honolulu",
    ].compactMap(ZoneClock.named)

    // MARK: Facts as of the snapshot

    /// A fact recorded at or before the snapshot's instant (undated facts are taken as known).
    func isKnown(_ recordedAt: Instant?) -> Bool { recordedAt.map { $0 <= snapshot.asOf } ?? true }

    /// Whether a scope list covers one of the proposal's debts (an empty list covers every debt).
    func covers(_ scope: [String]) -> Bool {
        scope.isEmpty || scope.contains("all") || proposal.debtIDs.contains { scope.contains($0) }
    }

    var state: USState? { snapshot.jurisdiction.state }
    var isDebtCollector: Bool { snapshot.collector.isFDCPACovered }
    var contentType: ContentType { proposal.content.type ?? .collection }
    var channel: ProposedChannel { proposal.channel }
    var isContact: Bool { proposal.action == .contact && proposal.channel != .none }

    /// The kind of line or address the proposal uses, from the destination on file or the proposal itself.
    var destinationType: ProposedDestinationType? {
        if let type = proposal.destinationType { return type }
        switch destination?.type {
        case .cell: return .cell
        case .landline: return .landline
        case .work: return .work
        case .email: return destination?.source?.isEmployerProvided == true ? .workEmail : .email
        case .socialMediaPublic: return .socialPublic
        case nil: return channel == .letter ? .mail : nil
        }
    }

    /// How the proposed call or text is dialled; not stated for a call or text means possibly automated, the
    /// reading under which the TCPA rules still protect the consumer.
    var dialingMethod: DialingMethod {
        let phone = channel == .call || channel == .voicemail || channel == .sms
        return phone && proposal.dialingMethod == .notApplicable ? .autodialer : proposal.dialingMethod
    }

    var isWorkplace: Bool {
        destinationType == .work || destinationType == .workEmail || destination?.source?.isEmployerProvided == true
    }

    // MARK: Local time

    func localDay(_ instant: Instant) -> Int { primaryZone.dayNumber(instant) }

    /// The instant local midnight starts a local day (primary zone).
    func startOfDay(_ dayNumber: Int) -> Instant {
        primaryZone.instant(day: LocalDate(dayNumber: dayNumber), secondOfDay: 0)
    }

    func format(_ instant: Instant) -> String { primaryZone.iso8601(instant) }

}

/// A past contact prepared for the rules: its local day and the particular debts it was about, computed once per
/// decision. A class, so the rules' filters pass references instead of copying the event's strings and arrays.
final class PastContact: Sendable {
    let event: ContactEvent
    /// Local day number in the consumer's primary zone.
    let day: Int
    /// The particular debts (1006.14(b)(4)) the contact was about; empty when it named none.
    let particularDebts: [String]

    init(event: ContactEvent, day: Int, particularDebts: [String]) {
        self.event = event
        self.day = day
        self.particularDebts = particularDebts
    }
}

/// Which debt ids share a particular debt (1006.14(b)(4)): student loans serviced under one account number at
/// acquisition are one particular debt, every other debt is its own. Built once per snapshot, so keying forty past
/// contacts does not search the debts forty times.
struct DebtGrouping: Sendable {
    private let grouped: [(id: String, key: String)]

    init(_ debts: [DebtFacts]) {
        grouped = debts.compactMap { debt in
            guard debt.type == .studentLoan, let number = debt.studentLoanAccountNumberAtAcquisition, !number.isEmpty else { return nil }
            return (debt.id, "student-loan:" + number)
        }
    }

    /// The particular debt of one debt id.
    func key(_ id: String) -> String { grouped.first { $0.id == id }?.key ?? id }

    /// The distinct particular debts a list of debt ids names, in order.
    func keys(_ ids: [String]) -> [String] {
        // Most contacts name one debt that is its own particular debt: share the list instead of building one.
        if ids.count == 1, key(ids[0]) == ids[0] { return ids }
        var keys: [String] = []
        for id in ids {
            let key = key(id)
            if !keys.contains(key) { keys.append(key) }
        }
        return keys
    }
}

/// The rule set's times of day as seconds of the local day, parsed once per engine rather than per decision.
public struct DailyWindows: Sendable {
    let callStart: Int, callEnd: Int, washingtonStart: Int, washingtonEnd: Int

    public init(_ ruleSet: RuleSet) {
        callStart = ruleSet.windowStartSecond
        callEnd = ruleSet.windowEndSecond
        washingtonStart = ruleSet.washingtonStartSecond
        washingtonEnd = ruleSet.washingtonEndSecond
    }
}
