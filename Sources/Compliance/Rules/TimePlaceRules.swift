import RecoupCore

/// Inconvenient places and the workplace, then inconvenient times: the consumer's stated windows, the federal
/// 8 a.m.–9 p.m. window in every candidate zone, and the Massachusetts and Colorado overlays (catalogue §3.1, §5).
enum TimePlaceRules {
    static let all: [ContactRule] = [
        workplace, place, massachusettsWork, knownInconvenientTime, callWindow, consentException, massachusettsTime,
        colorado, quietHours,
    ]

    /// Contacts whose time of day the consumer experiences: everything but postal mail and non-contacts.
    static func isTimed(_ c: RuleContext) -> Bool { c.isContact && !c.channel.isPostal }

    // MARK: Place

    static let workplace = ContactRule("REGF-1006.6b3-WORK", "12 CFR 1006.6(b)(3); 15 U.S.C. 1692c(a)(3)", .place) { rule, c, _ in
        guard c.isDebtCollector, c.isContact, c.isWorkplace else { return nil }
        guard c.snapshot.consumer.employerProhibitsContact, c.isKnown(c.snapshot.consumer.employerProhibitionRecordedAt) else {
            return rule.pass("no sign the employer prohibits contact at work")
        }
        return rule.block("the consumer's employer prohibits this kind of contact at work")
    }

    static let place = ContactRule("REGF-1006.6b1ii-PLACE", "12 CFR 1006.6(b)(1)(ii); 15 U.S.C. 1692c(a)(1)", .place) { rule, c, _ in
        guard c.isDebtCollector, c.isContact else { return nil }
        let places = c.snapshot.consumer.inconvenientPlaces.filter { c.isKnown($0.recordedAt) }
        guard !places.isEmpty else { return nil }
        if c.isWorkplace, let work = places.first(where: \.isWorkplace) {
            return rule.block("the consumer said the workplace is inconvenient: \"\(work.statement)\"")
        }
        let others = places.filter { !$0.isWorkplace }
        if !others.isEmpty, !c.channel.isPostal {
            return rule.warn("the consumer named inconvenient places: " + others.map { "\"\($0.statement)\"" }.joined(separator: ", "))
        }
        return rule.pass("the destination is not a place the consumer called inconvenient")
    }

    static let massachusettsWork = ContactRule("MA-940CMR7.04-1h-WORK", "940 CMR 7.04(1)(h); 209 CMR 18.16(1)(c)", .place) { rule, c, at in
        guard c.state == .MA, c.isContact, c.channel.isTelephoneCall, c.isWorkplace else { return nil }
        let requests = c.snapshot.consumer.inconvenientPlaces.filter { $0.isWorkplace && c.isKnown($0.recordedAt) }
        guard let request = requests.last else { return rule.pass("no request not to be called at work") }
        if !request.oral || request.writtenConfirmationReceived {
            return rule.block("written request not to be called at work (valid until withdrawn in writing)")
        }
        guard let recorded = request.recordedAt else { return rule.block("oral request not to be called at work") }
        let expires = recorded.adding(seconds: Int64(c.ruleSet.massachusettsOralWorkRequestDays) * 86_400)
        if at >= expires {
            return rule.pass("the oral request of \(c.format(recorded)) lapsed after \(c.ruleSet.massachusettsOralWorkRequestDays) days without written confirmation")
        }
        return rule.block("oral request not to be called at work, valid \(c.ruleSet.massachusettsOralWorkRequestDays) days unless confirmed in writing",
                          reopens: .at(expires))
    }

    /// Colorado's 1692c twin, reported after the federal rules it mirrors (it decides alone for Colorado-licensed
    /// agencies the FDCPA does not reach).
    static let colorado = ContactRule("CO-5-16-105-TIME/ATTY/WORK", "C.R.S. 5-16-105(1)(a)-(c), (2)", .time) { rule, c, at in
        guard c.state == .CO, c.isContact else { return nil }
        if c.person.role.isConsumerForSection6, let attorney = HoldRules.representation(c, at: at),
           !attorney.attorneyUnresponsive, !attorney.attorneyConsentedToDirectContact
        {
            return rule.block("Colorado: the consumer is represented by an attorney on this debt")
        }
        if c.isWorkplace, c.snapshot.consumer.employerProhibitsContact {
            return rule.block("Colorado: the employer prohibits contact at work")
        }
        if isTimed(c), let window = windowCheck(c, at: at, zones: c.zones, start: c.windowStart, end: c.windowEnd) {
            return rule.block("Colorado: \(window.message)", reopens: .at(window.reopens))
        }
        return rule.pass("Colorado time, attorney and workplace rules met")
    }

    // MARK: Time

    /// A blocked time: the first zone outside the window, and the earliest instant every zone is inside it.
    struct WindowBlock {
        let zone: String
        let secondOfDay: Int
        let start: Int, end: Int
        let reopens: Instant

        var message: String { "\(clock(secondOfDay)) in \(zone) is outside \(clock(start))–\(clock(end)) local" }
    }

    static func clock(_ second: Int) -> String {
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(second / 3600)):\(two(second / 60 % 60))"
    }

    /// Nil when `at` is inside `[start, end)` local in every zone; else why, and when that is next true.
    static func windowCheck(_ c: RuleContext, at: Instant, zones: [ZoneClock], start: Int, end: Int) -> WindowBlock? {
        guard let first = zones.first(where: { zone in
            let second = zone.secondOfDay(at)
            return second < start || second >= end
        }) else { return nil }
        // Move to the next window start in each zone that is outside, until all are inside (zones far apart may
        // need a second round).
        var candidate = at
        for _ in 0..<8 {
            var moved = false
            for zone in zones {
                let (day, second) = zone.localDayAndSecond(candidate)
                if second < start {
                    candidate = max(candidate, zone.instant(dayNumber: day, secondOfDay: start))
                    moved = true
                } else if second >= end {
                    candidate = max(candidate, zone.instant(dayNumber: day + 1, secondOfDay: start))
                    moved = true
                }
            }
            if !moved { break }
        }
        return WindowBlock(zone: first.identifier, secondOfDay: first.secondOfDay(at), start: start, end: end, reopens: candidate)
    }

    /// The consumer's stated window in force at `at` for this channel, in any candidate zone.
    static func statedWindow(_ c: RuleContext, at: Instant) -> (InconvenientTime, ZoneClock)? {
        for time in c.snapshot.consumer.inconvenientTimes where c.isKnown(time.recordedAt) {
            guard time.channels.isEmpty || time.channels.contains(c.channel) else { continue }
            for zone in c.zones where time.window.contains(secondOfDay: zone.secondOfDay(at)) { return (time, zone) }
        }
        return nil
    }

    /// A consent, given directly to the collector, that covers the local time of `at` in every zone.
    static func timeConsent(_ c: RuleContext, at: Instant) -> TimeConsent? {
        c.snapshot.consumer.timeConsents.first { consent in
            consent.givenDirectlyToCollector && c.isKnown(consent.recordedAt)
                && c.zones.allSatisfy { zone in
                    let (day, second) = zone.local(at)
                    return consent.window.contains(secondOfDay: second) && (consent.date.map { $0 == day } ?? true)
                }
        }
    }

    static let knownInconvenientTime = ContactRule("REGF-1006.6b1i-KNOWN", "12 CFR 1006.6(b)(1)(i)", .time) { rule, c, at in
        guard isTimed(c), c.isDebtCollector, !c.snapshot.consumer.inconvenientTimes.isEmpty else { return nil }
        guard let (time, zone) = statedWindow(c, at: at) else {
            return rule.pass("outside the times the consumer said are inconvenient")
        }
        if timeConsent(c, at: at) != nil { return rule.pass("the consumer later consented to this time") }
        let (day, second) = zone.local(at)
        let endSecond = time.window.end.minutes * 60
        let endDay = endSecond > second ? day : day.adding(days: 1)
        let quote = time.statement.map { " (\"\($0)\")" } ?? ""
        return rule.block("the consumer said \(time.window) local is inconvenient\(quote)",
                          figures: [("local_time", .text("\(day.iso) \(clock(second))"))],
                          reopens: .at(zone.instant(day: endDay, secondOfDay: endSecond)))
    }

    static let callWindow = ContactRule("REGF-1006.6b1i-TIME", "12 CFR 1006.6(b)(1)(i); 15 U.S.C. 1692c(a)(1)", .time) { rule, c, at in
        guard isTimed(c), c.isDebtCollector else { return nil }
        let localTime = {
            let local = c.primaryZone.local(at)
            return [("local_time", Figure.text("\(local.day.iso) \(clock(local.secondOfDay))"))]
        }
        guard let blocked = windowCheck(c, at: at, zones: c.zones, start: c.windowStart, end: c.windowEnd) else {
            return rule.pass("inside \(clock(c.windowStart))–\(clock(c.windowEnd)) in " + c.zones.map(\.identifier).joined(separator: ", "),
                             figures: localTime())
        }
        if timeConsent(c, at: at) != nil {
            return rule.pass("an inconvenient hour, but the consumer consented to it directly (1006.6(b)(4))", figures: localTime())
        }
        return rule.block(blocked.message, figures: localTime(), reopens: .at(blocked.reopens))
    }

    static let consentException = ContactRule("REGF-1006.6b4-EXCEPT", "12 CFR 1006.6(b)(4)", .time) { rule, c, at in
        guard isTimed(c), c.isDebtCollector, let consent = timeConsent(c, at: at) else { return nil }
        let otherwiseBlocked = windowCheck(c, at: at, zones: c.zones, start: c.windowStart, end: c.windowEnd) != nil
            || statedWindow(c, at: at) != nil
        guard otherwiseBlocked else { return nil }
        let quote = consent.statement.map { ": \"\($0)\"" } ?? ""
        return rule.pass("the consumer's direct prior consent to \(consent.window)\(quote)", decisive: true)
    }

    static let eastern = ZoneClock.named("America/New_York").map { [$0] } ?? []

    static let massachusettsTime = ContactRule("MA-940CMR7.04-TIME", "940 CMR 7.04, 7.05(3)(e); 209 CMR 18.16(1)(a)", .time) { rule, c, at in
        guard c.state == .MA, isTimed(c), !eastern.isEmpty else { return nil }
        guard let blocked = windowCheck(c, at: at, zones: eastern, start: c.windowStart, end: c.windowEnd) else {
            return rule.pass("inside 08:00–21:00 Eastern")
        }
        if timeConsent(c, at: at) != nil { return rule.pass("the debtor stated other waking hours") }
        return rule.block("Massachusetts: \(blocked.message)", reopens: .at(blocked.reopens))
    }

    static let quietHours = ContactRule("TCPA-64.1200c1-QUIETHOURS", "47 CFR 64.1200(c)(1)", .time) { rule, c, _ in
        guard isTimed(c), c.channel.isTelephoneCall || c.channel == .sms else { return nil }
        return rule.pass("telemarketing quiet hours do not govern debt-collection calls; 1006.6(b)(1)(i) does")
    }
}
