import RecoupCore

/// Credit furnishing, transfers, payment application and record retention (catalogue §3.6).
enum RecordRules {
    static let all: [any ContactRule] = [passiveCreditReporting, transfer, multiplePayments, records]

    static let passiveCreditReporting = Rule("REGF-1006.30a-PASSIVE-CR", "12 CFR 1006.30(a)(1)", .postContact) { rule, c, at in
        guard c.isDebtCollector, c.proposal.action == .furnishToCRA || c.contentType == .creditReporting else { return nil }
        let about = c.datedHistory.filter { entry in
            entry.event.direction == .outbound && (entry.event.debtIDs.isEmpty || c.proposal.debtIDs.contains(where: entry.event.debtIDs.contains))
        }
        let spoke = c.datedHistory.contains { entry in
            entry.event.channel == .call && entry.event.outcome == .conversation && entry.event.person == c.snapshot.consumer.id
                && (entry.event.debtIDs.isEmpty || c.proposal.debtIDs.contains(where: entry.event.debtIDs.contains))
        }
        if spoke { return rule.pass("the collector spoke with the consumer about the debt", decisive: true) }
        let returned = Set(c.datedHistory.filter { $0.event.outcome == .returnedUndeliverable }.map(\.event.at))
        guard let mailing = about.last(where: { ($0.event.channel == .letter || $0.event.channel == .email) && $0.event.outcome != .returnedUndeliverable }),
              !returned.contains(where: { $0 > mailing.event.at })
        else {
            return rule.block("no conversation and no delivered letter or email about the debt: furnishing would be passive collection")
        }
        let safe = mailing.day + c.ruleSet.furnishingWaitDays + 1
        let figures: [(String, Figure)] = [("mail_date", .date(LocalDate(dayNumber: mailing.day))),
                                           ("earliest_safe_furnishing_date", .date(LocalDate(dayNumber: safe)))]
        if c.localDay(at) >= safe {
            return rule.pass("sent \(LocalDate(dayNumber: mailing.day).iso), no undeliverable notice in \(c.ruleSet.furnishingWaitDays) days", figures: figures, decisive: true)
        }
        return rule.block("wait \(c.ruleSet.furnishingWaitDays) days after the \(LocalDate(dayNumber: mailing.day).iso) mailing for a notice of undeliverability",
                          figures: figures, reopens: .at(c.startOfDay(safe)))
    }

    static let transfer = Rule("REGF-1006.30b-TRANSFER", "12 CFR 1006.30(b)", .postContact) { rule, c, _ in
        guard c.proposal.action == .deleteRecord else { return nil }
        return rule.pass("transfers of paid, discharged or identity-theft debts are refused by the placement and recall services")
    }

    static let multiplePayments = Rule("REGF-1006.30c-MULTIPAY", "12 CFR 1006.30(c)", .postContact) { rule, c, _ in
        guard c.contentType == .acceptPayment, c.snapshot.debts.count > 1 else { return nil }
        return rule.pass("the ledger applies payments as the consumer instructs and never to a disputed debt")
    }

    static let records = Rule("REGF-1006.100-RECORDS", "12 CFR 1006.100", .postContact) { rule, c, at in
        guard c.proposal.action == .deleteRecord else { return nil }
        let retention = RecordRetention(ruleSet: c.ruleSet)
        let lastActivity = (c.debts.compactMap(\.lastCollectionActivityDate) + c.datedHistory.map { LocalDate(dayNumber: $0.day) }).max()
        let lastCall = c.datedHistory.filter { $0.event.channel == .call && $0.event.recordingID != nil }.map(\.day).max()
        var figures: [(String, Figure)] = []
        var keepThrough: LocalDate?
        if let lastActivity {
            let through = retention.retainUntil(.accountRecords, lastActivity: lastActivity)
            figures.append(("retain_account_records_through", .date(through)))
            keepThrough = through
        }
        if let lastCall {
            let through = retention.retainUntil(.callRecording, lastActivity: LocalDate(dayNumber: lastCall))
            figures.append(("retain_recording_through", .date(through)))
            keepThrough = max(keepThrough ?? through, through)
        }
        guard let keepThrough else { return rule.pass("no collection activity on record") }
        if LocalDate(dayNumber: c.localDay(at)) > keepThrough { return rule.pass("retention ended \(keepThrough.iso)", figures: figures, decisive: true) }
        return rule.block("records must be kept through \(keepThrough.iso) (3 years after the last collection activity or call)",
                          figures: figures, reopens: .at(c.startOfDay(keepThrough.dayNumber + 1)))
    }
}
