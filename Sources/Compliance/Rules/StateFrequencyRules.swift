import RecoupCore

/// State and city caps on contact frequency (catalogue §5): Massachusetts, Washington, New York City, West
/// Virginia, and the reasonableness standards of California and Texas.
enum StateFrequencyRules {
    static let all: [any ContactRule] = [
        massachusetts, massachusettsBanks, massachusettsHousehold, washington, newYorkCity, westVirginia, california, texas,
    ]

    /// A blocking verdict from a sliding count, reopening on the first day back under the limit.
    static func checkCap(_ rule: Rule, _ c: RuleContext, at: Instant, days: [Int], window: Int, limit: Int, what: String)
        -> Finding
    {
        let counter = SlidingCount(days: days, windowDays: window)
        let today = c.localDay(at)
        let count = counter.count(endingOn: today)
        let figures: [(String, Figure)] = [("window_start", .date(LocalDate(dayNumber: today - window + 1))),
                                           ("window_end", .date(LocalDate(dayNumber: today)))]
        guard count >= limit else { return rule.pass("\(count) \(what) in \(window) days (limit \(limit))", figures: figures) }
        let reopen = counter.firstDay(from: today + 1, below: limit)
        return rule.block("\(count) \(what) in the \(window) days ending \(LocalDate(dayNumber: today).iso): the limit is \(limit)",
                          figures: figures, reopens: .at(c.startOfDay(reopen)))
    }

    // MARK: Massachusetts

    /// Whether a destination is the debtor's residence, cell or personal number (not work).
    static func isPersonal(_ c: RuleContext, destination id: String?) -> Bool {
        guard let id, let destination = c.snapshot.destinations.first(where: { $0.id == id }) else { return true }
        return destination.type == .cell || destination.type == .landline
    }

    /// Communications the creditor initiated by telephone or text, per debt: a call counts when it reached the
    /// person or their voicemail (*Watkins*, *Armata*); busy, unanswered-without-voicemail and failed calls do not.
    static func massachusettsDays(_ c: RuleContext, personal: Bool) -> [Int] {
        c.datedHistory.compactMap { entry in
            let event = entry.event
            guard event.direction == .outbound, event.person == c.person.id, event.channel == .call || event.channel == .sms,
                  isPersonal(c, destination: event.destination) == personal
            else { return nil }
            let ids = event.debtIDs
            guard ids.isEmpty || c.proposal.debtIDs.contains(where: ids.contains) else { return nil }
            if event.channel == .call {
                guard let outcome = event.outcome, outcome.leftSomethingOrSpoke || outcome == .voicemailReachedNoMessageLeft else { return nil }
            }
            return entry.day
        }
    }

    static func massachusettsCap(_ rule: Rule, _ c: RuleContext, at: Instant) -> Finding? {
        guard c.state == .MA, c.isContact, c.channel.isTelephoneCall || c.channel == .sms else { return nil }
        if c.contentType == .responseToConsumerInquiry { return rule.pass("a response to the debtor's own request is not initiated by the creditor") }
        let personal = !c.isWorkplace && isPersonal(c, destination: c.proposal.destination)
        return personal
            ? checkCap(rule, c, at: at, days: massachusettsDays(c, personal: true), window: 7, limit: c.ruleSet.massachusettsPersonalPer7Days,
                       what: "initiated calls or texts to personal numbers about this debt")
            : checkCap(rule, c, at: at, days: massachusettsDays(c, personal: false), window: 30, limit: c.ruleSet.massachusettsOtherPer30Days,
                       what: "initiated calls or texts to other numbers about this debt")
    }

    static let massachusetts = Rule("MA-940CMR7.04-1f-FREQ", "940 CMR 7.04(1)(f)", .stateFrequency) { rule, c, at in
        guard c.person.role == .consumer else { return nil }
        return massachusettsCap(rule, c, at: at)
    }

    static let massachusettsBanks = Rule("MA-209CMR18.16-1d-FREQ", "209 CMR 18.16(1)(d)", .stateFrequency) { rule, c, at in
        guard c.isDebtCollector, c.person.role == .consumer else { return nil }
        return massachusettsCap(rule, c, at: at)
    }

    static let massachusettsHousehold = Rule("MA-HOUSEHOLD", "940 CMR 7.05(3)(d)", .stateFrequency) { rule, c, at in
        guard c.state == .MA, c.isContact, c.channel.isTelephoneCall,
              [.spouse, .parentOfMinor, .guardian, .adultChildNotRepresentative].contains(c.person.role)
        else { return nil }
        return massachusettsCap(rule, c, at: at)
    }

    // MARK: Washington

    /// Communications, not attempts: a call that reached the person or left a message, a text, an email, a letter.
    static func isWashingtonCommunication(_ event: ContactEvent) -> Bool {
        guard event.direction == .outbound else { return false }
        switch event.channel {
        case .call: return event.outcome?.leftSomethingOrSpoke ?? false
        case .sms, .email, .letter: return event.outcome != .returnedUndeliverable && event.outcome != .failed
        }
    }

    static let washington = Rule("WA-RCW19.16.250-FREQ", "RCW 19.16.250", .stateFrequency) { rule, c, at in
        guard c.state == .WA, c.isContact, c.snapshot.collector.type.isDebtCollector else { return nil }
        if c.channel.isTelephoneCall, !c.isWorkplace,
           let blocked = TimePlaceRules.windowCheck(c, at: at, zones: c.zones, start: c.washingtonStart,
                                                    end: c.washingtonEnd)
        {
            return rule.block("Washington: \(blocked.message) at home", reopens: .at(blocked.reopens))
        }
        let debtorOrSpouse = Set(c.snapshot.persons.filter { $0.role == .consumer || $0.role == .spouse }.map(\.id) + [c.snapshot.consumer.id])
        guard debtorOrSpouse.contains(c.person.id) else { return nil }
        if c.isWorkplace {
            let days = c.datedHistory.filter { isWashingtonCommunication($0.event) && !isPersonal(c, destination: $0.event.destination) }.map(\.day)
            return checkCap(rule, c, at: at, days: days, window: 7, limit: c.ruleSet.washingtonWorkPerWeek, what: "communications at work")
        }
        let days = c.datedHistory.filter { isWashingtonCommunication($0.event) && debtorOrSpouse.contains($0.event.person ?? "") }.map(\.day)
        return checkCap(rule, c, at: at, days: days, window: 7, limit: c.ruleSet.washingtonPerWeek,
                        what: "communications with the debtor or spouse")
    }

    // MARK: New York City

    static let newYorkCity = Rule("NYC-6RCNY5-77-FREQ", "6 RCNY 5-77", .stateFrequency) { rule, c, at in
        guard c.snapshot.jurisdiction.isNewYorkCity, c.isContact, c.person.role.isConsumerForSection6 else { return nil }
        if c.contentType == .responseToConsumerInquiry || c.contentType == .optOutConfirmationOnly {
            return rule.pass("a response the consumer asked for is not an attempt the cap counts")
        }
        // Per account under the amended rules; per creditor before them.
        let perAccount = LocalDate(dayNumber: c.localDay(at)) >= c.ruleSet.newYorkCityAmendedFrom
        let creditors = Set(c.debts.compactMap(\.creditor))
        let related: (String) -> Bool = { id in
            if c.proposal.debtIDs.contains(id) { return true }
            guard !perAccount, let creditor = c.snapshot.debts.first(where: { $0.id == id })?.creditor else { return false }
            return creditors.contains(creditor)
        }
        let days = c.datedHistory.compactMap { entry -> Int? in
            let event = entry.event
            guard event.direction == .outbound, let person = event.person,
                  c.snapshot.persons.first(where: { $0.id == person })?.role.isConsumerForSection6 ?? (person == c.snapshot.consumer.id),
                  event.debtIDs.isEmpty || event.debtIDs.contains(where: related)
            else { return nil }
            return entry.day
        }
        let finding = checkCap(rule, c, at: at, days: days, window: 7, limit: c.ruleSet.newYorkCityAttemptsPer7Days,
                               what: "attempts in all media \(perAccount ? "on this account" : "for this creditor")")
        // Counted per creditor until the amended rules take effect: from that day the count may be lower.
        let amended = c.startOfDay(c.ruleSet.newYorkCityAmendedFrom.dayNumber)
        if !perAccount, finding.verdict == .block, case let .at(reopens) = finding.reopens, amended < reopens {
            return rule.block(finding.message, figures: finding.figures, reopens: .at(amended))
        }
        return finding
    }

    // MARK: West Virginia

    static let westVirginia = Rule("WV-46A-2-125d-FREQ", "W. Va. Code 46A-2-125(d)", .stateFrequency) { rule, c, at in
        guard c.state == .WV, c.isContact, c.channel.isTelephoneCall else { return nil }
        let calls = c.callsToRecipient.map(\.day)
        let callCap = checkCap(rule, c, at: at, days: calls, window: 7, limit: c.ruleSet.westVirginiaCallsPerWeek,
                               what: "calls to \(c.person.id) (all debts)")
        if callCap.verdict == .block { return callCap }
        let talks = c.conversationsWithRecipient.map(\.day)
        return checkCap(rule, c, at: at, days: talks, window: 7, limit: c.ruleSet.westVirginiaConversationsPerWeek,
                        what: "conversations with \(c.person.id) (all debts)")
    }

    // MARK: Reasonableness standards

    static let california = Rule("CA-1788.11-FREQ", "Cal. Civ. Code 1788.11(d)-(e)", .stateFrequency) { rule, c, at in
        guard c.state == .CA, c.isContact, c.channel.isTelephoneCall else { return nil }
        let week = SlidingCount(days: c.callsToRecipient.map(\.day), windowDays: 7).count(endingOn: c.localDay(at))
        if week >= c.ruleSet.maxCallsIn7Days {
            return rule.warn("\(week) calls to \(c.person.id) in 7 days across all debts: California's unreasonable-frequency standard")
        }
        return rule.pass("\(week) calls in 7 days across all debts")
    }

    static let texas = Rule("TX-392.302-HARASS", "Tex. Fin. Code 392.302(4)", .stateFrequency) { rule, c, at in
        guard c.state == .TX, c.isContact, c.channel.isTelephoneCall else { return nil }
        let rapid = Int64(c.ruleSet.rapidSuccessionMinutes) * 60
        let repeated = c.callsToRecipient.contains {
            $0.event.at <= at && at.secondsSince1970 - $0.event.at.secondsSince1970 < rapid
        }
        return repeated ? rule.warn("repeated calls minutes apart can show intent to harass") : rule.pass("no repeated or continuous calling")
    }
}
