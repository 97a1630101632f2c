import RecoupCore

/// Media the person refused, TCPA consent and revocation, electronic-communication consents, work email, social
/// media and mail appearance (catalogue §3.2, §4, NYC, NY).
enum MediumRules {
    static let all: [ContactRule] = [
        medium, tcpaRevocation, tcpaCell, tcpaResidential, tcpaConfirmation, newYorkCityElectronicConsent,
        newYorkEmail, workEmail, socialMedia, postcard, envelope,
    ]

    /// The opt-out medium a proposed channel uses.
    static func optOutMedium(_ channel: ProposedChannel) -> OptOutMedium? {
        switch channel {
        case .call, .voicemail: .telephoneCalls
        case .sms: .sms
        case .email: .email
        default: nil
        }
    }

    /// Opt-outs known by `at` that reach the proposed destination.
    static func optOuts(_ c: RuleContext, at: Instant) -> [OptOut] {
        guard let medium = optOutMedium(c.channel) else { return [] }
        return c.snapshot.optOuts.filter { optOut in
            guard optOut.medium == medium, c.isKnown(optOut.recordedAt), optOut.recordedAt.map({ $0 <= at }) ?? true else {
                return false
            }
            switch optOut.scope {
            case .allNumbers, .allAddresses: return true
            case .number, .address: return optOut.destination == nil || optOut.destination == c.proposal.destination
            }
        }
    }

    /// A confirmation already sent on this destination since `since`.
    static func confirmationSent(_ c: RuleContext, since: Instant?) -> Bool {
        c.history.contains { event in
            event.direction == .outbound && event.destination == c.proposal.destination
                && event.content?.type == .optOutConfirmationOnly && (since.map { event.at >= $0 } ?? true)
        }
    }

    static let medium = ContactRule("REGF-1006.14h-MEDIUM", "12 CFR 1006.14(h)", .medium) { rule, c, at in
        guard c.isContact, c.isDebtCollector else { return nil }
        let refusals = optOuts(c, at: at)
        guard let latest = refusals.max(by: { ($0.recordedAt ?? at) < ($1.recordedAt ?? at) }) else {
            return optOutMedium(c.channel) == nil ? nil : rule.pass("no request to avoid this medium or address")
        }
        if let renewed = renewedConsent(c, after: latest.recordedAt, at: at) {
            return rule.pass("\(c.person.id) consented again\(renewed.receivedAt.map { " on \(c.format($0))" } ?? "") after asking to stop")
        }
        if c.contentType == .optOutConfirmationOnly, c.channel.isElectronic, !confirmationSent(c, since: latest.recordedAt) {
            return rule.pass("1006.14(h)(2)(i): one confirmation of the opt-out", decisive: true)
        }
        // 1006.14(h)(2)(ii): the person wrote or called in on that medium since; one reply is allowed.
        let historyChannel: HistoryChannel? = switch c.channel {
        case .call, .voicemail: .call
        case .sms: .sms
        case .email: .email
        default: nil
        }
        if c.contentType == .responseToConsumerInquiry, let since = latest.recordedAt,
           let inbound = c.past.last(where: { $0.direction == .inbound && $0.channel == historyChannel && $0.at > since }),
           !c.past.contains(where: { $0.direction == .outbound && $0.channel == historyChannel && $0.at > inbound.at })
        {
            return rule.pass("1006.14(h)(2)(ii): one reply in the medium the person used to reach out", decisive: true)
        }
        let scope = latest.scope == .number || latest.scope == .address ? (latest.destination ?? "this address") : "every \(latest.medium.rawValue) destination"
        let when = latest.recordedAt.map { " on \(c.format($0))" } ?? ""
        return rule.block("\(c.person.id) asked\(when) not to be contacted by \(latest.medium.rawValue) (\(scope))")
    }

    /// TCPA revocations known by `at` for the proposed number.
    static func revocations(_ c: RuleContext, at: Instant) -> [TCPARevocation] {
        c.snapshot.tcpaRevocations.filter { revocation in
            c.isKnown(revocation.receivedAt) && (revocation.receivedAt.map { $0 <= at } ?? true)
                && (revocation.destination == nil || revocation.destination == c.proposal.destination)
        }
    }

    /// A consent the person gave the collector again after `since` (a START reply to a text, a consent an agent
    /// recorded) for the proposed medium and number: revoked consent can be given back, and the person's later word
    /// counts. An undated revocation or opt-out cannot be shown to be older, so nothing renews it.
    static func renewedConsent(_ c: RuleContext, after since: Instant?, at: Instant) -> Consent? {
        guard let since else { return nil }
        let type: ConsentType
        switch c.channel {
        case .sms: type = .regFTextConsent
        case .call, .voicemail: type = .regFCallConsent
        default: return nil
        }
        let destination = c.proposal.destination ?? ""
        return c.snapshot.consents.first { consent in
            guard consent.type == type, consent.givenDirectlyToCollector, c.isKnown(consent.receivedAt),
                  let received = consent.receivedAt, received > since, received <= at
            else { return false }
            return consent.destinations.isEmpty || consent.destinations.contains(destination)
        }
    }

    static func isRoboContact(_ c: RuleContext) -> Bool {
        (c.channel == .call || c.channel == .voicemail || c.channel == .sms) && c.dialingMethod.isRestrictedByTCPA
    }

    static let tcpaRevocation = ContactRule("TCPA-64.1200a10-REVOKE", "47 CFR 64.1200(a)(10)", .medium) { rule, c, at in
        guard c.isContact, c.channel == .call || c.channel == .voicemail || c.channel == .sms,
              let revocation = revocations(c, at: at).max(by: { ($0.receivedAt ?? at) < ($1.receivedAt ?? at) })
        else { return nil }
        var figures: [(String, Figure)] = []
        if let received = revocation.receivedAt {
            let day = LocalDate(dayNumber: c.localDay(received))
            figures = [("revocation_received_date", .date(day)),
                       ("honor_no_later_than", .date(c.calendar.adding(businessDays: c.ruleSet.tcpaRevocationBusinessDays, to: day)))]
        }
        if let renewed = renewedConsent(c, after: revocation.receivedAt, at: at) {
            return rule.pass("consent given again\(renewed.receivedAt.map { " on \(c.format($0))" } ?? "") after the revocation", figures: figures)
        }
        if c.contentType == .optOutConfirmationOnly, c.channel == .sms {
            return rule.pass("a one-time confirmation text is permitted after a revocation", figures: figures)
        }
        guard isRoboContact(c) else {
            return rule.pass("TCPA consent revoked, but a manually dialled live call is outside 227(b)(1)(A)", figures: figures)
        }
        return rule.block("consent to autodialled or prerecorded calls and texts to \(c.proposal.destination ?? "this number") was revoked; honoured at once", figures: figures)
    }

    /// Prior express consent for the proposed number: the consumer gave it (to the collector or the creditor), or a
    /// consent on file covers it.
    static func hasPriorExpressConsent(_ c: RuleContext) -> Bool {
        if c.destination?.source?.isTCPAPriorExpressConsent == true { return true }
        let destination = c.proposal.destination ?? ""
        return c.snapshot.consents.contains { consent in
            guard callConsents.contains(consent.type), c.isKnown(consent.receivedAt) else { return false }
            return consent.destinations.isEmpty || consent.destinations.contains(destination)
        }
    }

    static let callConsents: Set<ConsentType> = [.regFCallConsent, .regFTextConsent, .callConsentOnCreditorFile]

    /// Cells, and work lines: a work number may well be wireless, and without a line-type lookup the stricter case is
    /// taken, as Recoup takes it for a line of unknown type.
    static let tcpaCell = ContactRule("TCPA-227b1A-CELL", "47 U.S.C. 227(b)(1)(A)(iii); 47 CFR 64.1200(a)(1)(iii)", .medium) { rule, c, _ in
        guard c.isContact, c.channel == .call || c.channel == .voicemail || c.channel == .sms,
              c.destinationType == .cell || c.destinationType == .work
        else { return nil }
        guard c.dialingMethod.isRestrictedByTCPA else {
            return rule.pass("manually dialled: 227(b)(1)(A) restricts only autodialled and prerecorded calls and texts", exempt: true)
        }
        if hasPriorExpressConsent(c) {
            return rule.pass("prior express consent: \(c.destination?.source?.rawValue ?? "consent on file")", decisive: true)
        }
        let line = c.destinationType == .work ? "a work line (it may be a cell)" : "a cell phone"
        return rule.block("\(c.dialingMethod.rawValue) \(c.channel.rawValue) to \(line) without prior express consent (source: \(c.destination?.source?.rawValue ?? "unknown"))")
    }

    static let tcpaResidential = ContactRule("TCPA-227b1B-RESIDENTIAL", "47 U.S.C. 227(b)(1)(B); 47 CFR 64.1200(a)(3)", .medium) { rule, c, at in
        guard c.isContact, c.channel == .call || c.channel == .voicemail, c.destinationType == .landline,
              c.dialingMethod == .prerecorded
        else { return nil }
        if hasPriorExpressConsent(c) { return rule.pass("prior express consent to prerecorded calls", decisive: true) }
        let window = Int64(c.ruleSet.residentialPrerecordedWindowDays) * 86_400
        let since = at.adding(seconds: -window)
        let recent = c.past.filter { contact in
            guard contact.direction == .outbound, contact.channel == .call, contact.dialingMethod == .prerecorded else { return false }
            return contact.destination == c.destinationKey && contact.at > since && contact.at <= at
        }
        let limit = c.ruleSet.residentialPrerecordedCalls
        guard recent.count >= limit else {
            return rule.pass("\(recent.count) exempt prerecorded calls to this line in 30 days (limit \(limit))")
        }
        let reopens = recent[recent.count - limit].at.adding(seconds: window)
        return rule.block("\(recent.count) prerecorded calls to this residential line in the last 30 days: the exemption allows \(limit)",
                          reopens: .at(reopens))
    }

    static let tcpaConfirmation = ContactRule("TCPA-64.1200a11-CONFIRM", "47 CFR 64.1200(a)(11)", .medium) { rule, c, at in
        guard c.isContact, c.contentType == .optOutConfirmationOnly, c.channel == .sms else { return nil }
        let latest = (revocations(c, at: at).compactMap(\.receivedAt) + optOuts(c, at: at).compactMap(\.recordedAt)).max()
        if confirmationSent(c, since: latest) { return rule.block("a confirmation was already sent for this opt-out") }
        return rule.pass("one confirmation text, no marketing content", decisive: true)
    }

    /// The person wrote in on this channel and destination and has had no reply since.
    static func awaitingReply(_ c: RuleContext, on channel: HistoryChannel) -> Bool {
        guard let inbound = c.past.last(where: {
            $0.direction == .inbound && $0.channel == channel && $0.destination == c.destinationKey
        }) else { return false }
        return !c.past.contains {
            $0.direction == .outbound && $0.channel == channel && $0.at > inbound.at
        }
    }

    static let newYorkCityElectronicConsent = ContactRule("NYC-6RCNY5-77-ECONSENT", "6 RCNY 5-77", .medium) { rule, c, _ in
        guard c.isNewYorkCity, c.isContact, c.channel.isElectronic else { return nil }
        if c.destination?.source == .consumerProvidedWithNYCConsent { return rule.pass("consent to electronic communication on file", decisive: true) }
        let consented = c.snapshot.consents.contains {
            $0.type == .nycElectronicCommunicationConsent && c.isKnown($0.receivedAt)
                && ($0.destinations.isEmpty || $0.destinations.contains(c.proposal.destination ?? ""))
        }
        if consented { return rule.pass("NYC consent to electronic communication on file", decisive: true) }
        let replyChannel: HistoryChannel? = c.channel == .email ? .email : c.channel == .sms ? .sms : nil
        if let replyChannel, awaitingReply(c, on: replyChannel) {
            return rule.pass("a reply in the channel the consumer used", decisive: true)
        }
        return rule.block("New York City: no \(c.channel.rawValue) without the consumer's consent to electronic communication")
    }

    static let newYorkEmail = ContactRule("NY-23NYCRR1.6-EMAIL", "23 NYCRR 1.6", .medium) { rule, c, _ in
        guard c.state == .NY, c.isDebtCollector, c.isContact, c.channel == .email else { return nil }
        switch c.destination?.source {
        case .consumerEmailedCollector, .consumerProvided, .consumerProvidedWithNYCConsent:
            if c.isWorkplace { return rule.block("New York: never email an employer-provided address") }
            return rule.pass("the consumer provided this address to communicate about the debt")
        default:
            return rule.block("New York: email only to an address the consumer provided for this debt, with consent")
        }
    }

    static let workEmail = ContactRule("REGF-1006.22f3-WORKEMAIL", "12 CFR 1006.22(f)(3)", .medium) { rule, c, _ in
        guard c.isDebtCollector, c.isContact, c.channel == .email, c.destinationType == .workEmail || c.isWorkplace else { return nil }
        let consented = c.snapshot.consents.contains {
            $0.givenDirectlyToCollector && c.isKnown($0.receivedAt) && $0.destinations.contains(c.proposal.destination ?? "")
        }
        let emailedFrom = c.past.contains {
            $0.direction == .inbound && $0.channel == .email && $0.destination == c.destinationKey
        }
        if consented || emailedFrom { return rule.pass("the consumer consented or wrote from this work address", decisive: true) }
        return rule.block("\(c.proposal.destination ?? "the address") is employer-provided: no email without the consumer's consent or their email from it")
    }

    static let socialMedia = ContactRule("REGF-1006.22f4-SOCIAL", "12 CFR 1006.22(f)(4)", .medium) { rule, c, _ in
        guard c.isContact, c.channel == .socialMedia else { return nil }
        if c.destinationType == .socialPublic || c.destination?.type == .socialMediaPublic {
            return rule.block("a social-media message others can see")
        }
        return rule.pass("a private message")
    }

    static let postcard = ContactRule("REGF-1006.22f1-POSTCARD", "12 CFR 1006.22(f)(1); 15 U.S.C. 1692f(7)", .medium) { rule, c, _ in
        guard c.isContact, c.channel == .letter else { return nil }
        return rule.pass("letters go in envelopes: postcards are not a format the letter service offers")
    }

    static let envelope = ContactRule("REGF-1006.22f2-ENVELOPE", "12 CFR 1006.22(f)(2); 15 U.S.C. 1692f(8)", .medium) { rule, c, _ in
        guard c.isContact, c.channel == .letter else { return nil }
        return rule.pass("envelopes carry only the return address and a neutral business name (template validation)")
    }
}
