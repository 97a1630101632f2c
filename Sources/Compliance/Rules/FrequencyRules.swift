import RecoupCore

/// A count of past events over a sliding window of local days: how many fall in the window ending on a day, and
/// the first later day on which fewer than a limit do (past events only, so the count can only fall).
///
/// Rules count the events of one window without listing them (``Swift/Array/onDays(window:endingOn:)``; most
/// decisions pass) and list the days only when a cap blocks and must say when it reopens.
struct SlidingCount {
    /// Local day numbers of the counted events, oldest first.
    let days: [Int]
    let windowDays: Int

    func count(endingOn day: Int) -> Int {
        days.onDays(window: windowDays, endingOn: day) { $0 }.count
    }

    /// The first day at or after `day` whose window holds fewer than `limit` events.
    func firstDay(from day: Int, below limit: Int) -> Int {
        var candidate = day
        while count(endingOn: candidate) >= limit { candidate += 1 }
        return candidate
    }
}

/// Something that happened on a local day: past contacts and the calls prepared from them, kept oldest first, so
/// their days ascend too (local days run backwards only where clocks turn back across midnight, which no US zone
/// does: they change at 2 a.m.).
protocol OnLocalDay {
    var day: Int { get }
}

extension PastContact: OnLocalDay {}
extension RecipientCall: OnLocalDay {}

extension Array {
    /// The position of the first element for which `isLater` holds, in an array where it holds from some position
    /// to the end: a binary search of a list kept oldest first.
    func partitioningIndex(where isLater: (Element) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if isLater(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// The elements on the `window` local days ending on `end`, of a list kept oldest first: what a sliding cap
    /// counts, found by two binary searches instead of a scan of the whole history.
    func onDays(window: Int, endingOn end: Int, day: (Element) -> Int) -> ArraySlice<Element> {
        self[partitioningIndex { day($0) > end - window }..<partitioningIndex { day($0) > end }]
    }
}

extension Array where Element: OnLocalDay {
    /// The elements on the `window` local days ending on `end`, by their own days.
    func onDays(window: Int, endingOn end: Int) -> ArraySlice<Element> { onDays(window: window, endingOn: end) { $0.day } }
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

    /// Whether a call to the recipient counts for one particular debt (a call about no named debt counts for every
    /// debt): it connected and no consent of 1006.14(b)(3)(i) covered it.
    static func counts(_ call: RecipientCall, _ c: RuleContext, debt key: String) -> Bool {
        let keys = c.prepared.particularDebtLists[call.debts]
        guard keys.isEmpty || keys.contains(key), c.past[call.index].isConnected else { return false }
        return c.snapshot.consents.isEmpty
            || consentCovers(c, at: c.past[call.index].at, destination: c.history[call.index].destination, debtKeys: keys.isEmpty ? [key] : keys) == nil
    }

    /// How many counted calls to the recipient about one particular debt fall on the 7 local days ending on `day`.
    static func countedCalls(_ c: RuleContext, debt key: String, endingOn day: Int) -> Int {
        c.callsToRecipient.onDays(window: 7, endingOn: day).count { counts($0, c, debt: key) }
    }

    /// Local days of the counted calls to the recipient about one particular debt, oldest first.
    static func countedCallDays(_ c: RuleContext, debt key: String) -> [Int] {
        c.callsToRecipient.compactMap { counts($0, c, debt: key) ? $0.day : nil }
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
            let count = countedCalls(c, debt: key, endingOn: day)
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
        for talk in c.conversationsWithRecipient.onDays(window: days, endingOn: day) {
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
        let isGrouped = { (key: String) in key.hasPrefix("student-loan:") }
        guard c.particularDebts.contains(where: isGrouped) else { return rule.pass("each student loan is counted separately (no shared account number)") }
        return rule.pass("student loans under one account number at acquisition count as one debt: "
            + c.particularDebts.filter(isGrouped).joined(separator: ", "))
    }

    static let harassment = ContactRule("REGF-1006.14a-GENERAL", "12 CFR 1006.14(a), (b)(1); 15 U.S.C. 1692d", .federalFrequency) { rule, c, at in
        guard c.isDebtCollector, c.isContact, c.channel.isTelephoneCall || c.channel == .sms else { return nil }
        let rapid = Int64(c.ruleSet.rapidSuccessionMinutes) * 60
        let isSameLine = { (contact: PastContact) in
            contact.direction == .outbound && contact.destination == c.destinationKey && (contact.channel == .call || contact.channel == .sms)
        }
        // Oldest first: look back from `at` only as far as the rapid-succession interval.
        var earlier = c.past.partitioningIndex { $0.at > at }
        while earlier > 0, at.secondsSince1970 - c.past[earlier - 1].at.secondsSince1970 < rapid {
            earlier -= 1
            if isSameLine(c.past[earlier]) {
                return rule.warn("rapid succession: a contact to the same number at \(c.format(c.past[earlier].at)), under \(c.ruleSet.rapidSuccessionMinutes) minutes ago")
            }
        }
        let todayCount = c.past.onDays(window: 1, endingOn: c.localDay(at)).count(where: isSameLine)
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
