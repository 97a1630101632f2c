import RecoupCore

/// What a message must and must not say: disclosures, opt-out notices, the validation notice and its period,
/// overshadowing, time-barred debts and the state notices (catalogue §3.5, §3.6, §5).
enum ContentRules {
    static let all: [ContactRule] = [
        miniMiranda, optOutNotice, overshadowing, noticeTiming, noticeContent, validationPeriod, translation, delivery,
        timeBarredSuit, californiaLicenseNumber, californiaTimeBarred, californiaCreditors, texasTimeBarred,
        westVirginiaTimeBarred, newYorkCityTimeBarred, newYorkCityScope, newYorkInitialDisclosures, newYorkPaymentNotice,
        newYorkLimitations,
    ]

    /// A message that is a communication (not a limited-content message, not a filing).
    static func isCommunication(_ c: RuleContext) -> Bool {
        c.isContact && !c.contentType.isLimitedContent && c.contentType != .callRecording
    }

    static func isWritten(_ c: RuleContext) -> Bool {
        c.isContact && (c.channel == .letter || c.channel == .email || c.channel == .sms || c.channel == .socialMedia)
    }

    /// Whether any debt of the proposal is time-barred (a stated fact wins; else the limitations tables).
    static func timeBarredDebts(_ c: RuleContext) -> [DebtFacts] {
        c.debts.filter { TimeBar.isExpired($0, c) == true }
    }

    static let miniMiranda = ContactRule("REGF-1006.18e-MINIMIRANDA", "12 CFR 1006.18(e); 15 U.S.C. 1692e(11)", .content) { rule, c, _ in
        guard c.isDebtCollector, c.isContact, c.contentType != .callRecording, c.contentType != .locationInformationRequest else { return nil }
        let includes = c.proposal.content.includesMiniMiranda
        if c.contentType.isLimitedContent {
            return includes == true
                ? rule.warn("a limited-content message must not carry the debt-collector disclosure, or it becomes a communication")
                : rule.pass("a limited-content message needs no disclosure")
        }
        switch includes {
        case true?: return rule.pass("the debt-collector disclosure is included")
        case false?: return rule.block("the message lacks the 1006.18(e) disclosure that it is from a debt collector")
        case nil: return rule.warn("whether the message carries the debt-collector disclosure is not stated")
        }
    }

    static let optOutNotice = ContactRule("REGF-1006.6e-OPTOUT-NOTICE", "12 CFR 1006.6(e)", .content) { rule, c, _ in
        guard c.isDebtCollector, c.isContact, c.channel.isElectronic else { return nil }
        switch c.proposal.content.includesOptOutNotice {
        case true?: return rule.pass("a simple opt-out method for this address or number is included")
        case false?: return rule.block("every email or text must say how to opt out of electronic messages to this address or number")
        case nil: return rule.warn("whether the message carries an opt-out notice is not stated")
        }
    }

    static let overshadowing = ContactRule("REGF-1006.38b-OVERSHADOW", "12 CFR 1006.38(b)(1); 15 U.S.C. 1692g(b)", .content) { rule, c, at in
        guard c.isDebtCollector, isCommunication(c), let end = c.validationPeriodEnd else { return nil }
        // Day numbers, not dates: this runs for every communication in the validation period.
        let today = c.localDay(at), endDay = end.dayNumber
        guard today <= endDay else { return nil }
        let content = c.proposal.content
        let figures = { [("validation_period_end_date", Figure.date(end))] }
        if let days = content.paymentDeadlineDays, today + days <= endDay {
            let lawfulFrom = end.adding(days: 1 - days)
            return rule.block("a \(days)-day payment deadline falls inside the validation period ending \(end.iso)",
                              figures: figures(), reopens: .at(c.startOfDay(lawfulFrom.dayNumber)))
        }
        if content.threatensLegalAction == true {
            return rule.block("threatening legal action during the validation period overshadows the dispute rights",
                              figures: figures(), reopens: .at(c.startOfDay(end.dayNumber + 1)))
        }
        return rule.pass("nothing in the message overshadows the dispute and original-creditor rights", figures: figures())
    }

    static let noticeTiming = ContactRule("REGF-1006.34-VN-TIMING", "12 CFR 1006.34(a)(1); 15 U.S.C. 1692g(a)", .content) { rule, c, at in
        guard c.isDebtCollector, isCommunication(c), c.contentType != .validationNotice else { return nil }
        if let provided = c.prepared.validationNoticeProvidedOn { return rule.pass("validation information was provided on \(provided.iso)") }
        // The first time the collector conveyed anything about the debt: a message it sent, or a conversation,
        // whoever placed the call (a consumer who calls in and talks about the debt has had the initial communication).
        let initial = c.past.first {
            $0.person == c.consumerKey && ($0.outcome == .conversation || ($0.direction == .outbound && $0.channel != .call))
        }
        guard let initialDay = initial?.day else { return nil }
        let deadline = initialDay + c.ruleSet.validationNoticeDaysAfterInitial
        if c.localDay(at) > deadline {
            return rule.block("no validation notice within \(c.ruleSet.validationNoticeDaysAfterInitial) days of the initial communication on \(LocalDate(dayNumber: initialDay).iso): send it first")
        }
        return rule.warn("send the validation notice by \(LocalDate(dayNumber: deadline).iso)")
    }

    static let noticeContent = ContactRule("REGF-1006.34c-VN-CONTENT", "12 CFR 1006.34(c)", .content) { rule, c, _ in
        guard c.isContact, c.contentType == .validationNotice else { return nil }
        let content = c.proposal.content
        var missing: [String] = []
        if content.includesMiniMiranda == false { missing.append("the debt-collector disclosure") }
        if content.disputePrompts == false { missing.append("the dispute prompts") }
        if content.originalCreditorPrompt == false { missing.append("the original-creditor prompt") }
        if let bases = content.itemizationDateBasis, Set(bases.values).count > 1 {
            missing.append("one itemization date for every part (" + bases.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + ")")
        }
        guard missing.isEmpty else {
            let lacking = missing
            return rule.block("the validation notice lacks " + lacking.joined(separator: "; "))
        }
        return rule.pass("the notice follows the 1006.34(c) content model (Model Form B-1)")
    }

    static let validationPeriod = ContactRule("REGF-1006.34b5-VPERIOD", "12 CFR 1006.34(b)(5)", .content) { rule, c, at in
        guard c.isContact, c.contentType == .validationNotice else { return nil }
        let provided = LocalDate(dayNumber: c.localDay(at))
        let period = ValidationPeriod(providedOn: provided, ruleSet: c.ruleSet, calendar: c.calendar)
        var figures: [(String, Figure)] = [
            ("provided_date", .date(period.providedDate)), ("assumed_receipt_date", .date(period.assumedReceiptDate)),
            ("earliest_permissible_end_date", .date(period.earliestEndDate)), ("excluded_holidays", .dates(period.excludedHolidays)),
        ]
        guard let stated = c.proposal.content.validationPeriodEndDateStated ?? c.snapshot.validationNotice?.validationPeriodEndDate else {
            return rule.pass("state \(period.earliestEndDate.iso) or later as the end of the validation period", figures: figures, decisive: true)
        }
        figures.append(("stated_end_date", .date(stated)))
        guard stated >= period.earliestEndDate else {
            return rule.block("the stated end date \(stated.iso) is before the earliest lawful end \(period.earliestEndDate.iso) (receipt assumed \(period.assumedReceiptDate.iso))",
                              figures: figures)
        }
        return rule.pass("end date \(stated.iso) ≥ \(period.earliestEndDate.iso): provided \(provided.iso), receipt assumed \(period.assumedReceiptDate.iso), + \(c.ruleSet.validationPeriodDays) days",
                         figures: figures, decisive: true)
    }

    static let translation = ContactRule("REGF-1006.34f-TRANSLATION", "12 CFR 1006.34(f)", .content) { rule, c, _ in
        guard c.isContact, c.contentType == .validationNotice, let language = c.proposal.content.language, language != "en" else { return nil }
        if c.proposal.content.englishNoticeIncludedOrPreviouslySent == false {
            return rule.block("a translated validation notice needs an English notice in the same communication or before it")
        }
        return rule.pass("an English notice accompanies or preceded the \(language) translation")
    }

    static let delivery = ContactRule("REGF-1006.42-DELIVERY", "12 CFR 1006.42(a)", .content) { rule, c, _ in
        guard c.isContact, c.contentType == .validationNotice, let destination = c.proposal.destination else { return nil }
        let bounced = c.past.contains { $0.destination == c.destinationKey && $0.outcome == .returnedUndeliverable }
        if bounced { return rule.block("earlier messages to \(destination) came back undeliverable: this would not give actual notice") }
        return rule.pass("no undeliverable notice for \(destination)")
    }

    static let timeBarredSuit = ContactRule("REGF-1006.26b-TIMEBARRED", "12 CFR 1006.26(b)", .content) { rule, c, _ in
        guard c.isDebtCollector else { return nil }
        let suing = c.proposal.action == .fileLawsuit || c.contentType == .legalAction
        let threatening = c.isContact && c.proposal.content.threatensLegalAction == true
        if c.proposal.action == .fileProofOfClaim { return rule.pass("a proof of claim is not a legal action under 1006.26(b)", decisive: true) }
        guard suing || threatening else { return nil }
        let barred = timeBarredDebts(c)
        guard !barred.isEmpty else { return rule.pass("no debt is past its statute of limitations") }
        return rule.block("\(barred.map(\.id).joined(separator: ", ")) is time-barred: never sue or threaten to sue")
    }

    /// A state's time-barred notice on written communications: block when it is known to be missing.
    static func timeBarredNotice(_ rule: RuleEvaluation, _ c: RuleContext, state: String) -> RuleOutcome? {
        let barred = timeBarredDebts(c)
        guard !barred.isEmpty else { return rule.pass("no time-barred debt") }
        switch c.proposal.content.timeBarredDisclosure {
        case true?: return rule.pass("the \(state) time-barred notice is included")
        case false?: return rule.block("\(barred.map(\.id).joined(separator: ", ")) is time-barred: the \(state) notice must be in this communication")
        case nil: return rule.warn("time-barred debt: whether the \(state) notice is included is not stated")
        }
    }

    static let californiaLicenseNumber = ContactRule("CA-1788.11f-LICNUM", "Cal. Civ. Code 1788.11(b), (f)", .content) { rule, c, _ in
        guard c.state == .CA, isWritten(c), c.snapshot.collector.type != .originalCreditor else { return nil }
        switch c.proposal.content.californiaLicenseNumberDisplayedPt {
        case let points? where points >= 12: return rule.pass("California licence number shown in \(points)-point type")
        case let points?: return rule.block("the California licence number is in \(points)-point type; at least 12 is required")
        case nil: return rule.warn("whether the California licence number is displayed (12-point) is not stated")
        }
    }

    static let californiaTimeBarred = ContactRule("CA-1788.14d-TIMEBARRED", "Cal. Civ. Code 1788.14(d)", .content) { rule, c, _ in
        guard c.state == .CA, isWritten(c), c.contentType.isCollection else { return nil }
        return timeBarredNotice(rule, c, state: "California")
    }

    static let californiaCreditors = ContactRule("CA-1788.17-FDCPA", "Cal. Civ. Code 1788.17", .content) { rule, c, _ in
        guard c.state == .CA, c.isContact, c.snapshot.collector.type == .originalCreditor else { return nil }
        return rule.pass("the Rosenthal Act applies the FDCPA's conduct rules to this creditor (not 1692e(11) or 1692g)")
    }

    static let texasTimeBarred = ContactRule("TX-392.307-TIMEBARRED", "Tex. Fin. Code 392.307", .content) { rule, c, _ in
        guard c.state == .TX, c.snapshot.collector.type == .debtBuyer else { return nil }
        if c.proposal.action == .fileLawsuit, !timeBarredDebts(c).isEmpty {
            return rule.block("a debt buyer may not sue or arbitrate on a Texas debt past the limitations period")
        }
        guard isWritten(c) else { return nil }
        return timeBarredNotice(rule, c, state: "Texas")
    }

    static let westVirginiaTimeBarred = ContactRule("WV-46A-2-128f-TIMEBARRED", "W. Va. Code 46A-2-128(f)", .content) { rule, c, _ in
        guard c.state == .WV, c.channel == .letter, c.isContact,
              [.initialWrittenCommunication, .validationNotice, .initialCommunication].contains(c.contentType)
        else { return nil }
        return timeBarredNotice(rule, c, state: "West Virginia")
    }

    static let newYorkCityTimeBarred = ContactRule("NYC-TIMEBARRED", "6 RCNY 2-191; 6 RCNY 5-77", .content) { rule, c, _ in
        guard c.isNewYorkCity, isCommunication(c) else { return nil }
        return timeBarredNotice(rule, c, state: "New York City")
    }

    static let newYorkCityScope = ContactRule("NYC-SCOPE", "NYC Admin. Code 20-488 et seq.", .content) { rule, c, _ in
        guard c.isNewYorkCity, c.isContact, !c.isDebtCollector else { return nil }
        return rule.pass("New York City's rules reach creditors collecting their own debts: the city rules above were applied")
    }

    static let newYorkInitialDisclosures = ContactRule("NY-23NYCRR1.2-INITIAL", "23 NYCRR 1.2", .content) { rule, c, _ in
        guard c.state == .NY, c.isDebtCollector, c.contentType == .initialWrittenCommunication || c.contentType == .validationNotice,
              c.isContact
        else { return nil }
        return rule.pass("the New York rights and exempt-income notice is part of the initial-disclosure letter template")
    }

    static let newYorkPaymentNotice = ContactRule("NY-23NYCRR1.3-SOL", "23 NYCRR 1.3", .content) { rule, c, _ in
        guard c.state == .NY, c.isDebtCollector, c.contentType == .acceptPayment else { return nil }
        let barred = timeBarredDebts(c)
        guard !barred.isEmpty else { return rule.pass("the statute of limitations has not run") }
        let given = c.proposal.content.nycrr13NoticeInSameMedium == true
            || c.history.contains { $0.content?.nycrr13Notice == true && $0.channel.rawValue == c.channel.rawValue }
        if given { return rule.pass("the 1.3 time-barred notice was given in this medium before accepting payment", decisive: true) }
        return rule.block("New York: before accepting payment on a time-barred debt, give the 23 NYCRR 1.3 notice in the same medium")
    }

    static let newYorkLimitations = ContactRule("NY-CPLR214i-SOL", "N.Y. CPLR 214-i", .content) { rule, c, _ in
        guard c.state == .NY, c.proposal.action == .fileLawsuit || c.contentType == .acceptPayment else { return nil }
        return rule.pass("New York consumer credit: 3-year limitations period; a payment does not revive it")
    }
}
