import RecoupCore

/// Who may be told about a debt, deceased consumers, location contacts and the e-communication safe harbours
/// (catalogue §3.3, §3.7, CO), then licensing (§5.5, §5.6).
enum RecipientRules {
    static let all: [ContactRule] = [
        thirdParty, coloradoLocation, location, deceased, electronicSafeHarbor, californiaLicense, texasBond,
    ]

    static func isLocationRequest(_ c: RuleContext) -> Bool { c.contentType == .locationInformationRequest }

    static let thirdParty = ContactRule("REGF-1006.6d-THIRDPARTY", "12 CFR 1006.6(d)(1); 15 U.S.C. 1692c(b)", .recipient) { rule, c, _ in
        guard c.isContact else { return nil }
        let role = c.person.role
        if role.mayReceiveDebtCommunications {
            if let owner = c.destination?.person, owner != c.person.id,
               let ownerRole = c.snapshot.persons.first(where: { $0.id == owner })?.role, !ownerRole.mayReceiveDebtCommunications
            {
                return rule.block("\(c.destination?.id ?? "the destination") belongs to \(owner) (\(ownerRole.rawValue)), a third party")
            }
            return rule.pass("\(c.person.id) (\(role.rawValue)) may be told about the debt")
        }
        if isLocationRequest(c) { return rule.pass("a location-information request (1006.10) to a third party") }
        return rule.block("\(c.person.id) is a third party (\(role.rawValue)): no communication about the debt without the consumer's direct consent or a court order")
    }

    static let coloradoLocation = ContactRule("CO-5-16-104-1f-ATTY30", "C.R.S. 5-16-104(1)(f)", .recipient) { rule, c, at in
        guard c.state == .CO, isLocationRequest(c), let attorney = c.snapshot.holds.attorney, c.isKnown(attorney.noticeReceivedAt),
              attorney.attorneyIdentifiable
        else { return nil }
        guard let sent = attorney.collectorLetterToAttorneySentAt else {
            return rule.block("the consumer is represented: ask the attorney first; third parties only after 30 days without a response")
        }
        let opens = sent.adding(seconds: Int64(c.ruleSet.coloradoAttorneyNonResponseDays) * 86_400)
        if at >= opens, attorney.attorneyUnresponsive { return rule.pass("the attorney has not responded for 30 days", decisive: true) }
        return rule.block(
            "Colorado: third-party location contacts wait at least \(c.ruleSet.coloradoAttorneyNonResponseDays) days after writing to the attorney (\(c.format(sent)))",
            reopens: attorney.attorneyUnresponsive ? .at(opens) : .never)
    }

    static let location = ContactRule("REGF-1006.10-LOCATION", "12 CFR 1006.10(b)-(c); 15 U.S.C. 1692b", .recipient) { rule, c, _ in
        guard isLocationRequest(c), !c.person.role.isConsumerForSection6 else { return nil }
        if c.proposal.content.mentionsDebt == true {
            return rule.block("a location request must never say that the consumer owes a debt")
        }
        if let attorney = c.snapshot.holds.attorney, c.isKnown(attorney.noticeReceivedAt), attorney.attorneyIdentifiable,
           !attorney.attorneyUnresponsive
        {
            return rule.block("the consumer is represented: location information comes from the attorney")
        }
        let asked = c.history.contains { event in
            event.direction == .outbound && event.person == c.person.id
                && event.content?.type == .locationInformationRequest
        }
        if asked { return rule.block("\(c.person.id) was already asked for location information once") }
        return rule.pass("first location request to \(c.person.id), no mention of the debt")
    }

    static let deceased = ContactRule("REGF-1006.2e-DECEASED", "12 CFR 1006.2(e), 1006.6(a)(4)", .recipient) { rule, c, _ in
        guard c.snapshot.consumer.deceased, c.isContact else { return nil }
        switch c.person.role {
        case .consumer:
            let died = c.snapshot.consumer.dateOfDeath.map { " on \($0.iso)" } ?? ""
            return rule.block("the consumer died\(died): deal with the executor, administrator or personal representative")
        case .executor, .spouse, .successorInInterest, .parentOfMinor, .guardian:
            return rule.pass("\(c.person.role.rawValue) may act for the estate", decisive: true)
        default:
            return nil
        }
    }

    static let electronicSafeHarbor = ContactRule("REGF-1006.6d3-ESAFEHARBOR", "12 CFR 1006.6(d)(3)-(5)", .recipient) { rule, c, at in
        guard c.isContact, c.channel == .email || c.channel == .sms, let destination = c.destination else { return nil }
        if c.channel == .email {
            let source = destination.source
            if source?.isEmployerProvided == true {
                return rule.warn("no safe harbour for an employer-provided address")
            }
            switch source {
            case .consumerEmailedCollector, .consumerProvided, .consumerProvidedWithNYCConsent, .creditorFileWithNotice:
                return rule.pass("email safe harbour: \(source?.rawValue ?? "")")
            default:
                return rule.warn("\(destination.id) meets no 1006.6(d)(4) safe-harbour procedure: third-party disclosure risk")
            }
        }
        // Text: the consumer texted or consented within the last 60 days.
        let horizon = at.adding(seconds: -Int64(c.ruleSet.textSafeHarborDays) * 86_400)
        let texted = c.past.contains {
            $0.direction == .inbound && $0.channel == .sms && $0.destination == c.destinationKey && $0.at >= horizon
        }
        let consented = c.snapshot.consents.contains {
            $0.type == .regFTextConsent && $0.givenDirectlyToCollector && c.isKnown($0.receivedAt)
                && ($0.receivedAt.map { $0 >= horizon } ?? false) && ($0.destinations.isEmpty || $0.destinations.contains(destination.id))
        }
        if texted || consented { return rule.pass("text safe harbour: consumer texted or consented within \(c.ruleSet.textSafeHarborDays) days") }
        return rule.warn("no text from or consent by the consumer on \(destination.id) in the last \(c.ruleSet.textSafeHarborDays) days: confirm the number is not reassigned")
    }

    static let californiaLicense = ContactRule("CA-DCLA-LICENSE", "Cal. Fin. Code 100000 et seq.", .licensing) { rule, c, _ in
        guard c.state == .CA, c.isContact || c.proposal.action == .fileLawsuit, c.snapshot.collector.type != .originalCreditor
        else { return nil }
        if c.snapshot.collector.isLicensed(in: .CA) { return rule.pass("licensed by the DFPI to collect in California") }
        return rule.block("\(c.snapshot.collector.name) holds no California debt-collection licence")
    }

    static let texasBond = ContactRule("TX-392.101-BOND", "Tex. Fin. Code 392.101", .licensing) { rule, c, _ in
        guard c.state == .TX, c.isContact, c.snapshot.collector.type.isDebtCollector else { return nil }
        return rule.pass("the surety bond is checked in the agency's configuration, not in a contact check")
    }
}
