import RecoupCore

/// What a snapshot says independently of any proposed contact, worked out once: the candidate zones resolved to
/// clocks, each past contact reduced to plain values with its local day, the people, destinations and debts they
/// name turned into small numbers, the validation period's end. Deciding several contacts for one snapshot (the
/// contactability answer asks for every channel of every destination) prepares it once.
///
/// Made by ``ComplianceEngine/prepare(_:)`` for that engine's rule set.
public final class PreparedSnapshot: Sendable {
    public let snapshot: ContactSnapshot
    /// Version of the rule set it was prepared with (the validation period depends on it).
    let ruleSetVersion: String
    /// Every zone the consumer may be in; a time is convenient only if it is convenient in all of them.
    let zones: [ZoneClock]
    /// The first candidate (the mailing address's zone when known): local days are counted on its calendar and
    /// instants are printed in it, and dates written to the consumer (a receipt's) are its days.
    public let primaryZone: ZoneClock
    /// Past contacts known as of the snapshot, oldest first: the snapshot's own array when it already is that
    /// (the usual case), so nothing is copied. Rules scan ``past`` and come here for the rarely needed facts.
    let history: [ContactEvent]
    /// The same contacts, by the same positions, reduced to plain values the rules compare.
    let past: [PastContact]
    /// By person key: outbound telephone calls to that person, and telephone conversations with them, oldest
    /// first: the frequency rules count them for the recipient of every proposal.
    private let callsByPerson: [[RecipientCall]], conversationsByPerson: [[RecipientCall]]
    /// The ids past contacts name, by key, with what the rules ask of each.
    let names: [Name]
    /// The distinct lists of debt ids past contacts named (``PastContact/debts`` indexes them), and the particular
    /// debts of each list.
    let debtLists: [[String]]
    let particularDebtLists: [[String]]
    /// Which debt ids share a particular debt.
    let debtGrouping: DebtGrouping
    let consumerKey: Int
    /// The day the validation notice was provided: as the snapshot's `validation_notice` says, else the day of the
    /// first notice the history shows sent by letter or email and not come back (a notice letter Recoup mailed, recorded with content
    /// `validation_notice`) about no particular debt or one of the snapshot's; nil when neither knows of one.
    let validationNoticeProvidedOn: LocalDate?
    /// The end of the validation period the rules respect, if a notice is known (counting business days walks
    /// the holiday calendar): the end stated, but never before the earliest lawful end for the day it was provided
    /// unless its actual receipt is known.
    let validationPeriodEnd: LocalDate?
    /// Whether the consumer lives in New York City (read from the mailing address's ZIP code, else the city's name).
    let isNewYorkCity: Bool

    /// A person's or destination's id, with the role or the kind of line the snapshot gives it.
    struct Name: Sendable {
        let id: String
        /// A cell or residential line, or not a destination on file (Massachusetts' "personal" numbers).
        let isPersonalNumber: Bool
        /// A work line, or an address or number the consumer's employer provided (Washington's "at work").
        let isWorkplace: Bool
        let role: PersonRole?
    }

    init(_ snapshot: ContactSnapshot, tables: RuleTables) {
        self.snapshot = snapshot
        ruleSetVersion = tables.ruleSet.version
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
        let primary = zones[0]
        primaryZone = primary

        let asOf = snapshot.asOf
        let history: [ContactEvent]
        if snapshot.history.indices.allSatisfy({ index in
            snapshot.history[index].at <= asOf && (index == 0 || snapshot.history[index - 1].at <= snapshot.history[index].at)
        }) {
            history = snapshot.history
        } else {
            history = snapshot.history.filter { $0.at <= asOf }.sorted { $0.at < $1.at }
        }
        self.history = history

        var names: [Name] = []
        names.reserveCapacity(8)
        /// A new or earlier id: kept apart from `key` so that the common case (the guess) stays small enough to
        /// inline.
        @inline(never) func lookUp(_ id: String) -> Int {
            if let known = names.firstIndex(where: { $0.id == id }) { return known }
            let destination = snapshot.destinations.first { $0.id == id }
            let type = destination?.type
            names.append(Name(id: id, isPersonalNumber: type == nil || type == .cell || type == .landline,
                              isWorkplace: type == .work || destination?.source?.isEmployerProvided == true,
                              role: snapshot.persons.first { $0.id == id }?.role))
            return names.count - 1
        }
        /// `guess`: the key the previous contact gave the same field, which it usually is again (equal ids compare
        /// fastest).
        func key(_ id: String?, guess: Int = -1) -> Int {
            guard let id else { return -1 }
            if guess >= 0, names[guess].id == id { return guess }
            return lookUp(id)
        }
        consumerKey = key(snapshot.consumer.id)
        let grouping = DebtGrouping(snapshot.debts)
        debtGrouping = grouping
        var debtLists: [[String]] = [], particularDebtLists: [[String]] = []
        // A debt list per debt and one naming none, usually.
        debtLists.reserveCapacity(snapshot.debts.count + 1)
        particularDebtLists.reserveCapacity(snapshot.debts.count + 1)
        var past: [PastContact] = []
        past.reserveCapacity(history.count)
        var period = primary.period(at: history.first?.at ?? asOf)
        var noticeSentOn: Int?
        let debtIDs = snapshot.debts.map(\.id)
        for index in history.indices {
            let at = history[index].at
            if !period.contains(at) { period = primary.period(at: at) }
            if noticeSentOn == nil, history[index].direction == .outbound, history[index].channel == .letter || history[index].channel == .email,
               history[index].contentType == .validationNotice,
               history[index].outcome != .returnedUndeliverable, history[index].outcome != .failed,
               history[index].debtIDs.isEmpty || history[index].debtIDs.contains(where: debtIDs.contains)
            {
                noticeSentOn = period.dayNumber(at)
            }
            // A past contact that names nobody was with the consumer, as a proposal that names nobody is.
            let person = key(history[index].person ?? snapshot.consumer.id, guess: past.last?.person ?? -1)
            let destination = key(history[index].destination, guess: past.last?.destination ?? -1)
            let debts: Int
            if let known = debtLists.firstIndex(of: history[index].debtIDs) {
                debts = known
            } else {
                debtLists.append(history[index].debtIDs)
                particularDebtLists.append(grouping.keys(history[index].debtIDs))
                debts = debtLists.count - 1
            }
            let contact = PastContact(
                at: at, day: period.dayNumber(at), direction: history[index].direction,
                channel: history[index].channel, outcome: history[index].outcome, dialingMethod: history[index].dialingMethod,
                isConnected: history[index].isConnected, person: person, personRole: person < 0 ? nil : names[person].role,
                destination: destination, toPersonalNumber: destination < 0 || names[destination].isPersonalNumber,
                atWorkplace: destination >= 0 && names[destination].isWorkplace, debts: debts)
            past.append(contact)
        }
        var calls = [[RecipientCall]](repeating: [], count: names.count), talks = calls
        // A list's first call reserves room for the rest of the history: one allocation per list instead of one
        // per doubling, at a few hundred bytes a list for as long as the snapshot is prepared.
        func add(_ call: RecipientCall, to list: inout [RecipientCall]) {
            if list.isEmpty { list.reserveCapacity(past.count - call.index) }
            list.append(call)
        }
        for (index, contact) in past.enumerated() where contact.channel == .call && contact.person >= 0 {
            let call = RecipientCall(index: index, day: contact.day, debts: contact.debts)
            if contact.direction == .outbound { add(call, to: &calls[contact.person]) }
            if contact.outcome == .conversation { add(call, to: &talks[contact.person]) }
        }
        callsByPerson = calls
        conversationsByPerson = talks
        self.past = past
        self.names = names
        self.debtLists = debtLists
        self.particularDebtLists = particularDebtLists
        isNewYorkCity = snapshot.jurisdiction.isNewYorkCity(mailingZIP: snapshot.consumer.locationSignals.first { $0.source == .mailingAddress }?.detail)
        let providedOn = snapshot.validationNotice?.providedAt ?? noticeSentOn.map(LocalDate.init(dayNumber:))
        validationNoticeProvidedOn = providedOn
        let earliestEnd = providedOn.map { ValidationPeriod(providedOn: $0, ruleSet: tables.ruleSet, calendar: tables.calendar).earliestEndDate }
        switch (snapshot.validationNotice?.validationPeriodEndDate, earliestEnd) {
        case let (stated?, earliest?) where snapshot.validationNotice?.actualReceiptKnown != true: validationPeriodEnd = max(stated, earliest)
        case let (stated?, _): validationPeriodEnd = stated
        case let (nil, earliest): validationPeriodEnd = earliest
        }
    }

    /// The key of an id (-1 for none; an id no past contact names gets a key no contact carries).
    func key(of id: String?) -> Int {
        guard let id else { return -1 }
        return names.firstIndex { $0.id == id } ?? -2
    }

    /// Outbound telephone calls to the person with a key, oldest first.
    func calls(to person: Int) -> [RecipientCall] { person >= 0 ? callsByPerson[person] : [] }

    /// Telephone conversations with the person with a key, oldest first.
    func conversations(with person: Int) -> [RecipientCall] { person >= 0 ? conversationsByPerson[person] : [] }

    static let everyStateZone: [ZoneClock] = [
        "America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
        "America/Anchorage", "Pacific/Honolulu",
    ].compactMap(ZoneClock.named)
}

/// A past contact reduced to what the rules compare, in plain values: nothing to retain or release, so scanning
/// forty of them in each of thirty rules costs only the comparisons. People and destinations are keys the
/// prepared snapshot gave their ids (-1 for none): equal keys, equal ids.
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
    /// The destination is a work line or employer-provided (Washington's communications at work).
    let atWorkplace: Bool
    /// Which of the prepared snapshot's debt lists the contact named.
    let debts: Int
}

/// A call to a person or a conversation with them, prepared for the frequency rules: where it is in the history,
/// its local day and which of the prepared snapshot's debt lists it named (``PreparedSnapshot/particularDebtLists``
/// holds the particular debts, 1006.14(b)(4), of each; empty when it named none). Plain values, like
/// ``PastContact``.
struct RecipientCall: Sendable {
    let index: Int
    let day: Int
    let debts: Int
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
