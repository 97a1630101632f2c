import RecoupCore

/// A prepared snapshot and one proposal, made ready for every rule: who the recipient is, which "particular
/// debts" the contact is about, which past contacts were about them, the recipient's calls and conversations.
/// Rules read these instead of recomputing them, which is what keeps a decision to a few microseconds.
///
/// A class, so handing it to thirty rules (and again at every step of the next-lawful search) passes one
/// reference instead of copying the snapshot's arrays.
public final class RuleContext: Sendable {
    let prepared: PreparedSnapshot
    /// Read through the prepared snapshot rather than copied: a snapshot holds a score of arrays and strings.
    public var snapshot: ContactSnapshot { prepared.snapshot }
    public let proposal: ProposedContact
    let tables: RuleTables
    public var ruleSet: RuleSet { tables.ruleSet }
    var limitations: StatuteOfLimitations { tables.limitations }
    var calendar: BusinessCalendar { tables.calendar }

    /// Every zone the consumer may be in; a time is convenient only if it is convenient in all of them.
    public var zones: [ZoneClock] { prepared.zones }
    /// The first candidate: local days are counted on its calendar and instants are printed in it.
    public var primaryZone: ZoneClock { prepared.primaryZone }
    /// Past contacts known as of the snapshot, oldest first (see ``PreparedSnapshot/history``), and the same
    /// contacts as plain values (held here too: every rule scans them).
    var history: [ContactEvent] { prepared.history }
    let past: [PastContact]
    /// The ``PastContact`` keys of the recipient, the consumer and the proposed destination.
    let recipientKey: Int, consumerKey: Int, destinationKey: Int
    /// Outbound calls to the recipient and telephone conversations with them, oldest first, each with the debt
    /// list it named: prepared once per snapshot because several rules count them.
    let callsToRecipient: [RecipientCall]
    let conversationsWithRecipient: [RecipientCall]
    /// The recipient of the proposed contact; the consumer when the proposal names nobody else.
    let person: Person
    let destination: Destination?
    /// Every debt the proposed contact is about (the proposal builds this list on each ask), and the "particular
    /// debts" (1006.14(b)(4)) they are.
    let debtIDs: [String]
    let particularDebts: [String]
    /// Which debt ids share a particular debt.
    var debtGrouping: DebtGrouping { prepared.debtGrouping }
    let debts: [DebtFacts]
    var validationPeriodEnd: LocalDate? { prepared.validationPeriodEnd }
    var isNewYorkCity: Bool { prepared.isNewYorkCity }
    /// The call window and Washington's home hours as seconds of the local day.
    var windowStart: Int { tables.callStart }
    var windowEnd: Int { tables.callEnd }
    var washingtonStart: Int { tables.washingtonStart }
    var washingtonEnd: Int { tables.washingtonEnd }
    /// The day New York City's amended rules took effect.
    var newYorkCityAmendedFrom: LocalDate { tables.newYorkCityAmendedFrom }
    /// By the prepared snapshot's debt lists: whether the list names no debt or one the proposal is about.
    private let aboutProposedDebtLists: [Bool]
    /// The primary zone's offset around the proposed instant: most local days the rules ask for are of instants
    /// inside it (the proposal's, the next-lawful search's), answered without searching the zone's transitions.
    private let proposalPeriod: ZoneClock.Period

    init(prepared: PreparedSnapshot, proposal: ProposedContact, tables: RuleTables) {
        self.prepared = prepared
        self.proposal = proposal
        self.tables = tables
        past = prepared.past

        // Fields read one by one from the prepared snapshot: a copy of the whole snapshot retains a score of arrays.
        let consumerID = prepared.snapshot.consumer.id
        let recipient = proposal.person.flatMap { id in prepared.snapshot.persons.first { $0.id == id } }
            ?? Person(id: proposal.person ?? consumerID, role: proposal.person == nil || proposal.person == consumerID ? .consumer : .neighborThirdParty)
        person = recipient
        recipientKey = prepared.key(of: recipient.id)
        consumerKey = prepared.consumerKey
        destinationKey = prepared.key(of: proposal.destination)
        let debtIDs = proposal.debtIDs
        self.debtIDs = debtIDs
        aboutProposedDebtLists = prepared.debtLists.map { ids in ids.isEmpty || debtIDs.contains(where: ids.contains) }
        callsToRecipient = prepared.calls(to: recipientKey)
        conversationsWithRecipient = prepared.conversations(with: recipientKey)
        destination = proposal.destination.flatMap { id in prepared.snapshot.destinations.first { $0.id == id } }
        debts = debtIDs.compactMap { id in prepared.snapshot.debts.first { $0.id == id } }
        particularDebts = prepared.debtGrouping.keys(debtIDs)
        proposalPeriod = prepared.primaryZone.period(at: proposal.at)
    }

    // MARK: Facts as of the snapshot

    /// A fact recorded at or before the snapshot's instant (undated facts are taken as known).
    func isKnown(_ recordedAt: Instant?) -> Bool { recordedAt.map { $0 <= snapshot.asOf } ?? true }

    /// Whether a scope list covers one of the proposal's debts (an empty list covers every debt).
    func covers(_ scope: [String]) -> Bool {
        scope.isEmpty || scope.contains("all") || debtIDs.contains { scope.contains($0) }
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

    func localDay(_ instant: Instant) -> Int {
        proposalPeriod.contains(instant) ? proposalPeriod.dayNumber(instant) : primaryZone.dayNumber(instant)
    }

    /// The instant local midnight starts a local day (primary zone).
    func startOfDay(_ dayNumber: Int) -> Instant {
        primaryZone.instant(day: LocalDate(dayNumber: dayNumber), secondOfDay: 0)
    }

    func format(_ instant: Instant) -> String { primaryZone.iso8601(instant) }

    /// Whether a past contact named no debt, or one of the debts the proposed contact is about.
    func isAboutProposedDebts(_ contact: PastContact) -> Bool { aboutProposedDebtLists[contact.debts] }

    /// How many past contacts that `counts` fall on the `window` local days ending on `day`: what the sliding caps
    /// compare with their limits, counted without listing them.
    func count(window: Int, endingOn day: Int, where counts: (PastContact) -> Bool) -> Int {
        past.onDays(window: window, endingOn: day).count(where: counts)
    }

    /// The local days of the past contacts that `counts`, oldest first: when a sliding cap reopens.
    func days(where counts: (PastContact) -> Bool) -> [Int] {
        var days: [Int] = []
        days.reserveCapacity(past.count)
        for contact in past where counts(contact) { days.append(contact.day) }
        return days
    }
}

/// The rule set, the limitation periods and the calendar an engine decides with, and the rule set's times of day
/// (as seconds of the local day) and dates parsed once per engine rather than per decision. A class, so a decision's
/// context takes one reference instead of copying the rule set's score of fields.
final class RuleTables: Sendable {
    let ruleSet: RuleSet
    let limitations: StatuteOfLimitations
    let calendar: BusinessCalendar
    let callStart: Int, callEnd: Int, washingtonStart: Int, washingtonEnd: Int
    let newYorkCityAmendedFrom: LocalDate

    init(_ ruleSet: RuleSet, limitations: StatuteOfLimitations, calendar: BusinessCalendar) {
        self.ruleSet = ruleSet
        self.limitations = limitations
        self.calendar = calendar
        newYorkCityAmendedFrom = ruleSet.newYorkCityAmendedFrom
        callStart = ruleSet.windowStartSecond
        callEnd = ruleSet.windowEndSecond
        washingtonStart = ruleSet.washingtonStartSecond
        washingtonEnd = ruleSet.washingtonEndSecond
    }
}
