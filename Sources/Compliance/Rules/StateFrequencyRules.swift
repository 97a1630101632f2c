import RecoupCore

/// State and city caps on contact frequency (catalogue §5): Massachusetts, Washington, New York City, West
/// Virginia, and the reasonableness standards of California and Texas.
enum StateFrequencyRules {
    static let all: [ContactRule] = [
        massachusetts, massachusettsBanks, massachusettsHousehold, washington, newYorkCity, westVirginia, california, texas,
    ]

    /// A blocking verdict from a sliding count of the past contacts that `counts`, reopening on the first day back
    /// under the limit.
    static func checkCap(
        _ rule: RuleEvaluation, _ c: RuleContext, at: Instant, window: Int, limit: Int, what: @autoclosure () -> String,
        counting counts: (PastContact) -> Bool
    ) -> RuleOutcome {
        let today = c.localDay(at)
        let count = c.count(window: window, endingOn: today, where: counts)
        let figures = {
            [("window_start", Figure.date(LocalDate(dayNumber: today - window + 1))), ("window_end", .date(LocalDate(dayNumber: today)))]
        }
        guard count >= limit else { return rule.pass("\(count) \(what()) in \(window) days (limit \(limit))", figures: figures()) }
        let reopen = SlidingCount(days: c.days(where: counts), windowDays: window).firstDay(from: today + 1, below: limit)
        return rule.block("\(count) \(what()) in the \(window) days ending \(LocalDate(dayNumber: today).iso): the limit is \(limit)",
                          figures: figures(), reopens: .at(c.startOfDay(reopen)))
    }

    // MARK: Massachusetts

    /// Whether a destination is the debtor's residence, cell or personal number (not work).
    static func isPersonal(_ c: RuleContext, destination id: String?) -> Bool {
        guard let id, let destination = c.snapshot.destinations.first(where: { $0.id == id }) else { return true }
        return destination.type == .cell || destination.type == .landline
    }

    /// Communications the creditor initiated by telephone or text, per debt: a call counts when it reached the
    /// person or their voicemail (*Watkins*, *Armata*); busy, unanswered-without-voicemail and failed calls do not.
    static func isMassachusettsCommunication(_ contact: PastContact, _ c: RuleContext, personal: Bool) -> Bool {
        guard contact.direction == .outbound, contact.person == c.recipientKey, contact.channel == .call || contact.channel == .sms,
              contact.toPersonalNumber == personal, c.isAboutProposedDebts(contact)
        else { return false }
        if contact.channel == .call {
            guard let outcome = contact.outcome, outcome.leftSomethingOrSpoke || outcome == .voicemailReachedNoMessageLeft else { return false }
        }
        return true
    }

    static func massachusettsCap(_ rule: RuleEvaluation, _ c: RuleContext, at: Instant) -> RuleOutcome? {
        guard c.state == .MA, c.isContact, c.channel.isTelephoneCall || c.channel == .sms else { return nil }
        if c.contentType == .responseToConsumerInquiry { return rule.pass("a response to the debtor's own request is not initiated by the creditor") }
        let personal = !c.isWorkplace && isPersonal(c, destination: c.proposal.destination)
        return personal
            ? checkCap(rule, c, at: at, window: 7, limit: c.ruleSet.massachusettsPersonalPer7Days,
                       what: "initiated calls or texts to personal numbers about this debt") { isMassachusettsCommunication($0, c, personal: true) }
            : checkCap(rule, c, at: at, window: 30, limit: c.ruleSet.massachusettsOtherPer30Days,
                       what: "initiated calls or texts to other numbers about this debt") { isMassachusettsCommunication($0, c, personal: false) }
    }

    static let massachusetts = ContactRule("MA-940CMR7.04-1f-FREQ", "940 CMR 7.04(1)(f)", .stateFrequency) { rule, c, at in
        guard c.person.role == .consumer else { return nil }
        return massachusettsCap(rule, c, at: at)
    }

    static let massachusettsBanks = ContactRule("MA-209CMR18.16-1d-FREQ", "209 CMR 18.16(1)(d)", .stateFrequency) { rule, c, at in
        guard c.isDebtCollector, c.person.role == .consumer else { return nil }
        return massachusettsCap(rule, c, at: at)
    }

    static let massachusettsHousehold = ContactRule("MA-HOUSEHOLD", "940 CMR 7.05(3)(d)", .stateFrequency) { rule, c, at in
        guard c.state == .MA, c.isContact, c.channel.isTelephoneCall,
              [.spouse, .parentOfMinor, .guardian, .adultChildNotRepresentative].contains(c.person.role)
        else { return nil }
        return massachusettsCap(rule, c, at: at)
    }

    // MARK: Washington

    /// Communications, not attempts: a call that reached the person or left a message, a text, an email, a letter.
    static func isWashingtonCommunication(_ contact: PastContact) -> Bool {
        guard contact.direction == .outbound else { return false }
        switch contact.channel {
        case .call: return contact.outcome?.leftSomethingOrSpoke ?? false
        case .sms, .email, .letter: return contact.outcome != .returnedUndeliverable && contact.outcome != .failed
        }
    }

    static let washington = ContactRule("WA-RCW19.16.250-FREQ", "RCW 19.16.250", .stateFrequency) { rule, c, at in
        guard c.state == .WA, c.isContact, c.snapshot.collector.type.isDebtCollector else { return nil }
        if c.channel.isTelephoneCall, !c.isWorkplace,
           let blocked = TimePlaceRules.windowCheck(c, at: at, zones: c.zones, start: c.washingtonStart,
                                                    end: c.washingtonEnd)
        {
            return rule.block("Washington: \(blocked.message) at home", reopens: .at(blocked.reopens))
        }
        let isDebtorOrSpouse = { (person: Int, role: PersonRole?) in person == c.consumerKey || role == .consumer || role == .spouse }
        guard isDebtorOrSpouse(c.recipientKey, c.person.role) else { return nil }
        if c.isWorkplace {
            return checkCap(rule, c, at: at, window: 7, limit: c.ruleSet.washingtonWorkPerWeek, what: "communications at work") {
                isWashingtonCommunication($0) && $0.atWorkplace
            }
        }
        return checkCap(rule, c, at: at, window: 7, limit: c.ruleSet.washingtonPerWeek, what: "communications with the debtor or spouse") {
            isWashingtonCommunication($0) && isDebtorOrSpouse($0.person, $0.personRole)
        }
    }

    // MARK: New York City

    static let newYorkCity = ContactRule("NYC-6RCNY5-77-FREQ", "6 RCNY 5-77", .stateFrequency) { rule, c, at in
        guard c.isNewYorkCity, c.isContact, c.person.role.isConsumerForSection6 else { return nil }
        if c.contentType == .responseToConsumerInquiry || c.contentType == .optOutConfirmationOnly {
            return rule.pass("a response the consumer asked for is not an attempt the cap counts")
        }
        // Per account under the amended rules; per creditor before them.
        let perAccount = c.localDay(at) >= c.newYorkCityAmendedFrom.dayNumber
        // By the prepared snapshot's debt lists (a few), not by past contact (forty).
        let aboutSameCreditor = perAccount ? [] : sameCreditorDebtLists(c)
        let finding = checkCap(rule, c, at: at, window: 7, limit: c.ruleSet.newYorkCityAttemptsPer7Days,
                               what: "attempts in all media \(perAccount ? "on this account" : "for this creditor")") { contact in
            contact.direction == .outbound && contact.person >= 0
                && contact.personRole?.isConsumerForSection6 ?? (contact.person == c.consumerKey)
                && (c.isAboutProposedDebts(contact) || (!perAccount && aboutSameCreditor[contact.debts]))
        }
        // Counted per creditor until the amended rules take effect: from that day the count may be lower.
        let amended = c.startOfDay(c.newYorkCityAmendedFrom.dayNumber)
        if !perAccount, finding.verdict == .block, case let .at(reopens) = finding.reopens, amended < reopens {
            return finding.reopening(.at(amended))
        }
        return finding
    }

    /// By the prepared snapshot's debt lists: whether the list names a debt owed to a creditor of the proposal's
    /// debts (New York City counted per creditor before its amended rules).
    static func sameCreditorDebtLists(_ c: RuleContext) -> [Bool] {
        let creditors = c.debts.compactMap(\.creditor)
        let sameCreditor = { (id: String) in
            c.snapshot.debts.first(where: { $0.id == id })?.creditor.map(creditors.contains) ?? false
        }
        return c.prepared.debtLists.map { $0.contains(where: sameCreditor) }
    }

    // MARK: West Virginia

    static let westVirginia = ContactRule("WV-46A-2-125d-FREQ", "W. Va. Code 46A-2-125(d)", .stateFrequency) { rule, c, at in
        guard c.state == .WV, c.isContact, c.channel.isTelephoneCall else { return nil }
        let callCap = checkCap(rule, c, at: at, window: 7, limit: c.ruleSet.westVirginiaCallsPerWeek, what: "calls to \(c.person.id) (all debts)") {
            $0.channel == .call && $0.direction == .outbound && $0.person == c.recipientKey
        }
        if callCap.verdict == .block { return callCap }
        return checkCap(rule, c, at: at, window: 7, limit: c.ruleSet.westVirginiaConversationsPerWeek,
                        what: "conversations with \(c.person.id) (all debts)") {
            $0.channel == .call && $0.outcome == .conversation && $0.person == c.recipientKey
        }
    }

    // MARK: Reasonableness standards

    static let california = ContactRule("CA-1788.11-FREQ", "Cal. Civ. Code 1788.11(d)-(e)", .stateFrequency) { rule, c, at in
        guard c.state == .CA, c.isContact, c.channel.isTelephoneCall else { return nil }
        let week = c.callsToRecipient.onDays(window: 7, endingOn: c.localDay(at)).count
        if week >= c.ruleSet.maxCallsIn7Days {
            return rule.warn("\(week) calls to \(c.person.id) in 7 days across all debts: California's unreasonable-frequency standard")
        }
        return rule.pass("\(week) calls in 7 days across all debts")
    }

    static let texas = ContactRule("TX-392.302-HARASS", "Tex. Fin. Code 392.302(4)", .stateFrequency) { rule, c, at in
        guard c.state == .TX, c.isContact, c.channel.isTelephoneCall else { return nil }
        let rapid = Int64(c.ruleSet.rapidSuccessionMinutes) * 60
        let repeated = c.callsToRecipient.contains {
            let called = c.past[$0.index].at
            return called <= at && at.secondsSince1970 - called.secondsSince1970 < rapid
        }
        return repeated ? rule.warn("repeated calls minutes apart can show intent to harass") : rule.pass("no repeated or continuous calling")
    }
}
