import RecoupCore

/// A count of past events over a sliding window of local days: how many fall in the window ending on a day, and
/// the first later day on which fewer than a limit do (past events only, so the count can only fall).
struct SlidingCount {
    /// Local day numbers of the counted events.
    let days: [Int]
    let windowDays: Int

    func count(endingOn day: Int) -> Int {
        days.reduce(0) { $0 + ($1 > day - windowDays && $1 <= day ? 1 : 0) }
    }

    /// The first day at or after `day` whose window holds fewer than `limit` events.
    func firstDay(from day: Int, below limit: Int) -> Int {
        var candidate = day
        while count(endingOn: candidate) >= limit { candidate += 1 }
        return candidate
    }
}

/// The federal call-frequency presumptions and harassment factors (catalogue §3.4).
enum FrequencyRules {
    static let all: [ContactRule] = [conversation, sevenInSeven, exclusions, studentLoans, harassment, identity]

    /// Calls the presumptions look at: a telephone call from a debt collector to a person whose calls count.
    static func isCountedCall(_ c: RuleContext) -> Bool {
        c.isDebtCollector && c.isContact && c.channel.isTelephoneCall && !c.person.role.isExcludedFromCallCounts
    }

    /// The consent of 1006.14(b)(3)(i) that covers a call at `instant`: given directly to the collector, covering
    /// the debt and number, received before the call on day R (day 1) with the call on R..R+6, and not yet used up
    /// by the conversation it was given for.
    static func consentCovers(_ c: RuleContext, at instant: Instant, destination: String?, debtKeys: [String]) -> Consent? {
        c.snapshot.consents.first { consent in
            guard consent.type == .regFCallConsent, consent.givenDirectlyToCollector, c.isKnown(consent.receivedAt),
                  let received = consent.receivedAt, received <= instant
            else { return false }
            let day = c.localDay(instant), first = c.localDay(received)
            guard day >= first, day < first + c.ruleSet.consentExclusionDays else { return false }
            if let requested = consent.requestedDate, requested.dayNumber != day { return false }
            if !consent.destinations.isEmpty, !consent.destinations.contains(destination ?? "") { return false }
            if !consent.debtIDs.isEmpty,
               !debtKeys.contains(where: { key in consent.debtIDs.contains { c.debtGrouping.key($0) == key } })
            {
                return false
            }
            // The consent ends with the conversation it was given for.
            let used = c.past.contains {
                $0.person == c.recipientKey && $0.outcome == .conversation && $0.at > received && $0.at < instant
            }
            return !used
        }
    }

    /// Local days of the counted calls to the recipient about one particular debt (a call about no named debt
    /// counts for every debt).
    static func countedCallDays(_ c: RuleContext, debt key: String) -> [Int] {
        let lists = c.prepared.particularDebtLists
        // Per debt list (a few), not per call.
        let about = lists.map { $0.isEmpty || $0.contains(key) }
        var days: [Int] = []
        days.reserveCapacity(c.callsToRecipient.count)
        for call in c.callsToRecipient where about[call.debts] && c.past[call.index].isConnected {
            if !c.snapshot.consents.isEmpty {
                let keys = lists[call.debts]
                if consentCovers(c, at: c.past[call.index].at, destination: c.history[call.index].destination, debtKeys: keys.isEmpty ? [key] : keys) != nil {
                    continue
                }
            }
            days.append(call.day)
        }
        return days
    }

    static let sevenInSeven = ContactRule("REGF-1006.14b2-7IN7", "12 CFR 1006.14(b)(2)(i)(A)", .federalFrequency) { rule, c, at in
        guard isCountedCall(c), !c.particularDebts.isEmpty else { return nil }
        let day = c.localDay(at)
        if consentCovers(c, at: at, destination: c.proposal.destination, debtKeys: c.particularDebts) != nil {
            return rule.pass("a call with the consumer's direct consent is not counted (1006.14(b)(3)(i))")
        }
        let limit = c.ruleSet.maxCallsIn7Days
        var worst: (key: String, count: Int)?
        for key in c.particularDebts {
            let count = SlidingCount(days: countedCallDays(c, debt: key), windowDays: 7).count(endingOn: day)
            if worst == nil || count > worst!.count { worst = (key, count) }
        }
        guard let worst else { return nil }
        let figures = {
            [("counted_calls_in_window", Figure.int(worst.count)), ("window_start", .date(LocalDate(dayNumber: day - 6))),
             ("window_end", .date(LocalDate(dayNumber: day)))]
        }
        let counted = {
            let debtName = c.debts.first { c.debtGrouping.key($0.id) == worst.key }
                .map { "\($0.id)\($0.creditor.map { " (\($0))" } ?? "")" } ?? worst.key
            return "\(worst.count) counted calls to \(c.person.id) about \(debtName) on \(LocalDate(dayNumber: day - 6).iso)..\(LocalDate(dayNumber: day).iso) (local)"
        }
        guard worst.count >= limit else { return rule.pass(counted(), figures: figures()) }
        var reopenDay = day + 1
        for key in c.particularDebts {
            reopenDay = max(reopenDay, SlidingCount(days: countedCallDays(c, debt: key), windowDays: 7).firstDay(from: day + 1, below: limit))
        }
        return rule.block("\(counted()): another would be call \(worst.count + 1) in 7 days", figures: figures(), reopens: .at(c.startOfDay(reopenDay)))
    }

    static let conversation = ContactRule("REGF-1006.14b2-CONV7", "12 CFR 1006.14(b)(2)(i)(B)", .federalFrequency) { rule, c, at in
        guard isCountedCall(c), !c.particularDebts.isEmpty else { return nil }
        let day = c.localDay(at)
        let days = c.ruleSet.postConversationDays
        var latest: (day: Int, debt: String)?
        for talk in c.conversationsWithRecipient where talk.day <= day && day < talk.day + days {
            let keys = c.prepared.particularDebtLists[talk.debts]
            guard let key = c.particularDebts.first(where: { keys.isEmpty || keys.contains($0) }) else { continue }
            if latest == nil || talk.day > latest!.day { latest = (talk.day, key) }
        }
        guard let latest else { return rule.pass("no telephone conversation about this debt in the last \(days) days") }
        if consentCovers(c, at: at, destination: c.proposal.destination, debtKeys: c.particularDebts) != nil {
            return rule.pass("a call with the consumer's direct consent is not counted (1006.14(b)(3)(i))")
        }
        let from = LocalDate(dayNumber: latest.day), through = LocalDate(dayNumber: latest.day + days - 1)
        return rule.block(
            "telephone conversation with \(c.person.id) about \(latest.debt) on \(from.iso): no call through \(through.iso) (local)",
            figures: [("blocked_from", .date(from)), ("blocked_through", .date(through)),
                      ("first_permitted_date", .date(LocalDate(dayNumber: latest.day + days)))],
            reopens: .at(c.startOfDay(latest.day + days)))
    }

    static let exclusions = ContactRule("REGF-1006.14b3-EXCL", "12 CFR 1006.14(b)(3)", .federalFrequency) { rule, c, at in
        guard c.isDebtCollector, c.isContact, c.channel.isTelephoneCall else { return nil }
        if c.person.role.isExcludedFromCallCounts {
            return rule.pass("calls to the \(c.person.role.rawValue) are not counted", decisive: true)
        }
        if let consent = consentCovers(c, at: at, destination: c.proposal.destination, debtKeys: c.particularDebts) {
            let received = consent.receivedAt.map { c.format($0) } ?? "?"
            return rule.pass("consented call: consent given directly on \(received), within \(c.ruleSet.consentExclusionDays) days", decisive: true)
        }
        return nil
    }

    static let studentLoans = ContactRule("REGF-1006.14b4-STUDENTLOAN", "12 CFR 1006.14(b)(4)", .federalFrequency) { rule, c, _ in
        guard c.channel.isTelephoneCall, c.isContact, c.debts.contains(where: { $0.type == .studentLoan }) else { return nil }
        let grouped = c.particularDebts.filter { $0.hasPrefix("student-loan:") }
        guard !grouped.isEmpty else { return rule.pass("each student loan is counted separately (no shared account number)") }
        return rule.pass("student loans under one account number at acquisition count as one debt: " + grouped.joined(separator: ", "))
    }

    static let harassment = ContactRule("REGF-1006.14a-GENERAL", "12 CFR 1006.14(a), (b)(1); 15 U.S.C. 1692d", .federalFrequency) { rule, c, at in
        guard c.isDebtCollector, c.isContact, c.channel.isTelephoneCall || c.channel == .sms else { return nil }
        let rapid = Int64(c.ruleSet.rapidSuccessionMinutes) * 60
        let isSameLine = { (contact: PastContact) in
            contact.direction == .outbound && contact.destination == c.destinationKey && (contact.channel == .call || contact.channel == .sms)
        }
        if let recent = c.past.last(where: { isSameLine($0) && $0.at <= at && at.secondsSince1970 - $0.at.secondsSince1970 < rapid }) {
            return rule.warn("rapid succession: a contact to the same number at \(c.format(recent.at)), under \(c.ruleSet.rapidSuccessionMinutes) minutes ago")
        }
        let today = c.localDay(at)
        let todayCount = c.past.count { $0.day == today && isSameLine($0) }
        if todayCount + 1 >= c.ruleSet.concentratedCallsPerDay {
            return rule.warn("\(todayCount) contacts to this number today: highly concentrated calling rebuts the presumption of compliance")
        }
        return rule.pass("no rapid-succession or concentrated-calling pattern")
    }

    static let identity = ContactRule("REGF-1006.14g-IDENTITY", "12 CFR 1006.14(g); 15 U.S.C. 1692d(6)", .federalFrequency) { rule, c, _ in
        guard c.isDebtCollector, c.isContact, c.channel.isTelephoneCall, c.contentType != .locationInformationRequest else { return nil }
        return rule.pass("caller identity is part of every call script and limited-content message (enforced in scripts)")
    }
}
