import RecoupCore

/// Credit furnishing, transfers, payment application and record retention (catalogue §3.6).
enum RecordRules {
    static let all: [ContactRule] = [passiveCreditReporting, transfer, multiplePayments, records]

    static let passiveCreditReporting = ContactRule("REGF-1006.30a-PASSIVE-CR", "12 CFR 1006.30(a)(1)", .postContact) { rule, c, at in
        guard c.isDebtCollector, c.proposal.action == .furnishToCRA || c.contentType == .creditReporting else { return nil }
        let spoke = c.past.contains {
            $0.channel == .call && $0.outcome == .conversation && $0.person == c.consumerKey && c.isAboutProposedDebts($0)
        }
        if spoke { return rule.pass("the collector spoke with the consumer about the debt", decisive: true) }
        guard let mailing = c.past.last(where: {
            $0.direction == .outbound && c.isAboutProposedDebts($0) && ($0.channel == .letter || $0.channel == .email)
                && $0.outcome != .returnedUndeliverable
        }), !c.past.contains(where: { $0.outcome == .returnedUndeliverable && $0.at > mailing.at })
        else {
            return rule.block("no conversation and no delivered letter or email about the debt: furnishing would be passive collection")
        }
        let mailed = LocalDate(dayNumber: mailing.day)
        let safe = mailed.dayNumber + c.ruleSet.furnishingWaitDays + 1
        let figures = { [("mail_date", Figure.date(mailed)), ("earliest_safe_furnishing_date", .date(LocalDate(dayNumber: safe)))] }
        if c.localDay(at) >= safe {
            return rule.pass("sent \(mailed.iso), no undeliverable notice in \(c.ruleSet.furnishingWaitDays) days", figures: figures(), decisive: true)
        }
        return rule.block("wait \(c.ruleSet.furnishingWaitDays) days after the \(mailed.iso) mailing for a notice of undeliverability",
                          figures: figures(), reopens: .at(c.startOfDay(safe)))
    }

    static let transfer = ContactRule("REGF-1006.30b-TRANSFER", "12 CFR 1006.30(b)", .postContact) { rule, c, _ in
        guard c.proposal.action == .deleteRecord else { return nil }
        return rule.pass("transfers of paid, discharged or identity-theft debts are refused by the placement and recall services")
    }

    static let multiplePayments = ContactRule("REGF-1006.30c-MULTIPAY", "12 CFR 1006.30(c)", .postContact) { rule, c, _ in
        guard c.contentType == .acceptPayment, c.snapshot.debts.count > 1 else { return nil }
        return rule.pass("the ledger applies payments as the consumer instructs and never to a disputed debt")
    }

    static let records = ContactRule("REGF-1006.100-RECORDS", "12 CFR 1006.100", .postContact) { rule, c, at in
        guard c.proposal.action == .deleteRecord else { return nil }
        let retention = RecordRetention(ruleSet: c.ruleSet)
        let lastActivity = (c.debts.compactMap(\.lastCollectionActivityDate) + c.past.map { LocalDate(dayNumber: $0.day) }).max()
        let lastCall = c.history.indices.filter { c.history[$0].channel == .call && c.history[$0].recordingID != nil }.map { c.past[$0].day }.max()
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
