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
    /// Past contacts known as of the snapshot, oldest first: the snapshot's own array when it already is that
    /// (the usual case), so nothing is copied. Rules scan ``past`` and come here for the rarely needed facts.
    let history: [ContactEvent]
    /// The same contacts, by the same positions, reduced to plain values the rules compare.
    let past: [PastContact]
    /// The ``PastContact`` keys of the recipient, the consumer and the proposed destination.
    let recipientKey: Int, consumerKey: Int, destinationKey: Int
    /// Outbound calls to the recipient and telephone conversations with them, oldest first, with the particular
    /// debts each was about: precomputed because several rules count them.
    let callsToRecipient: [RecipientCall]
    let conversationsWithRecipient: [RecipientCall]
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
    /// Whether the consumer lives in New York City (read from the city's name, so once rather than in each of the
    /// city's rules).
    let isNewYorkCity: Bool
    /// The call window and Washington's home hours as seconds of the local day.
    let windowStart: Int, windowEnd: Int, washingtonStart: Int, washingtonEnd: Int
    /// The day New York City's amended rules took effect.
    let newYorkCityAmendedFrom: LocalDate

    public init(
        snapshot: ContactSnapshot, proposal: ProposedContact, ruleSet: RuleSet,
        limitations: StatuteOfLimitations = .current, calendar: BusinessCalendar = .usFederal, parsed: ParsedRuleSet? = nil
    ) {
        self.snapshot = snapshot
        self.proposal = proposal
        self.ruleSet = ruleSet
        self.limitations = limitations
        self.calendar = calendar

        var zones: [ZoneClock] = []
        // The mailing address's zones first.
        for mailing in [true, false] {
            for signal in snapshot.consumer.locationSignals where (signal.source == .mailingAddress) == mailing {
                if let clock = ZoneClock.named(signal.zone), !zones.contains(clock) { zones.append(clock) }
            }
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
        let history: [ContactEvent]
        if snapshot.history.indices.allSatisfy({ index in
            snapshot.history[index].at <= asOf && (index == 0 || snapshot.history[index - 1].at <= snapshot.history[index].at)
        }) {
            history = snapshot.history
        } else {
            history = snapshot.history.filter { $0.at <= asOf }.sorted { $0.at < $1.at }
        }
        self.history = history
        let consumerID = snapshot.consumer.id
        let recipient = proposal.person.flatMap { id in snapshot.persons.first { $0.id == id } }
            ?? Person(id: proposal.person ?? consumerID, role: proposal.person == nil || proposal.person == consumerID ? .consumer : .neighborThirdParty)
        person = recipient

        // People and destinations become small numbers, each one's role or kind looked up once.
        var names: [(id: String, personal: Bool, role: PersonRole?)] = []
        names.reserveCapacity(8)
        func key(_ name: String?) -> Int {
            guard let name else { return -1 }
            if let known = names.firstIndex(where: { $0.id == name }) { return known }
            let type = snapshot.destinations.first { $0.id == name }?.type
            names.append((name, type == nil || type == .cell || type == .landline, snapshot.persons.first { $0.id == name }?.role))
            return names.count - 1
        }
        recipientKey = key(recipient.id)
        consumerKey = key(consumerID)
        destinationKey = key(proposal.destination)
        var past: [PastContact] = []
        past.reserveCapacity(history.count)
        var calls: [RecipientCall] = [], talks: [RecipientCall] = []
        calls.reserveCapacity(history.count)
        var period = primary.period(at: history.first?.at ?? asOf)
        for index in history.indices {
            let at = history[index].at
            if !period.contains(at) { period = primary.period(at: at) }
            let person = key(history[index].person), destination = key(history[index].destination)
            let debtIDs = history[index].debtIDs
            let contact = PastContact(
                at: at, day: period.dayNumber(at), direction: history[index].direction,
                channel: history[index].channel, outcome: history[index].outcome, dialingMethod: history[index].dialingMethod,
                isConnected: history[index].isConnected, person: person, personRole: person < 0 ? nil : names[person].role,
                destination: destination, toPersonalNumber: destination < 0 || names[destination].personal,
                aboutProposedDebts: debtIDs.isEmpty || proposal.debtIDs.contains(where: debtIDs.contains))
            past.append(contact)
            if contact.channel == .call, contact.person == recipientKey {
                let call = RecipientCall(index: index, day: contact.day, particularDebts: grouping.keys(debtIDs))
                if contact.direction == .outbound { calls.append(call) }
                if contact.outcome == .conversation { talks.append(call) }
            }
        }
        self.past = past
        callsToRecipient = calls
        conversationsWithRecipient = talks
        destination = proposal.destination.flatMap { id in snapshot.destinations.first { $0.id == id } }
        debts = proposal.debtIDs.compactMap { id in snapshot.debts.first { $0.id == id } }
        particularDebts = grouping.keys(proposal.debtIDs)
        isNewYorkCity = snapshot.jurisdiction.isNewYorkCity
        let parsed = parsed ?? ParsedRuleSet(ruleSet)
        windowStart = parsed.callStart
        windowEnd = parsed.callEnd
        washingtonStart = parsed.washingtonStart
        washingtonEnd = parsed.washingtonEnd
        newYorkCityAmendedFrom = parsed.newYorkCityAmendedFrom
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

    /// The local days of the past contacts that `counts`, oldest first: what the sliding caps count.
    func days(where counts: (PastContact) -> Bool) -> [Int] {
        var days: [Int] = []
        for contact in past where counts(contact) { days.append(contact.day) }
        return days
    }

}

/// A past contact reduced to what the rules compare, in plain values: nothing to retain or release, so scanning
/// forty of them in each of thirty rules costs only the comparisons. People and destinations are keys the context
/// gave their ids (-1 for none): equal keys, equal ids.
struct PastContact: Sendable {
    let at: Instant
    /// Local day number in the consumer's primary zone.
    let day: Int
    let direction: Direction
    let channel: HistoryChannel
    let outcome: ContactOutcome?
    let dialingMethod: DialingMethod?
    let isConnected: Bool
    let person: Int
    /// The role of the person contacted, when the snapshot lists them.
    let personRole: PersonRole?
    let destination: Int
    /// The destination is a cell or residential line, or not on file (Massachusetts' "personal" numbers).
    let toPersonalNumber: Bool
    /// It named no debt, or one of the debts the proposed contact is about.
    let aboutProposedDebts: Bool
}

/// A call to the recipient or a conversation with them, prepared for the frequency rules: where it is in the
/// context's history, its local day and the particular debts (1006.14(b)(4)) it was about (empty when it named
/// none).
struct RecipientCall: Sendable {
    let index: Int
    let day: Int
    let particularDebts: [String]
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
        if ids.count <= 1, ids.allSatisfy({ id in !grouped.contains { $0.id == id } }) { return ids }
        var keys: [String] = []
        for id in ids {
            let key = key(id)
            if !keys.contains(key) { keys.append(key) }
        }
        return keys
    }
}

/// The rule set's times of day (as seconds of the local day) and dates, parsed once per engine rather than per
/// decision.
public struct ParsedRuleSet: Sendable {
    let callStart: Int, callEnd: Int, washingtonStart: Int, washingtonEnd: Int
    let newYorkCityAmendedFrom: LocalDate

    public init(_ ruleSet: RuleSet) {
        newYorkCityAmendedFrom = ruleSet.newYorkCityAmendedFrom
        callStart = ruleSet.windowStartSecond
        callEnd = ruleSet.windowEndSecond
        washingtonStart = ruleSet.washingtonStartSecond
        washingtonEnd = ruleSet.washingtonEndSecond
    }
}
