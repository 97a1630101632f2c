import RecoupCore

/// Legal holds, cease notices, attorney representation and the dispute and original-creditor holds: the facts
/// that stop contact outright until something changes (catalogue §3.2, §3.5, §3.7, CA, WV).
enum HoldRules {
    static let all: [ContactRule] = [
        bankruptcyStay, bankruptcyDischarge, cease, attorney, californiaAttorney, westVirginiaAttorney, dispute,
        originalCreditorRequest,
    ]

    /// Anything that tries to collect: a collection contact, a lawsuit, credit furnishing.
    static func isCollectionActivity(_ c: RuleContext) -> Bool {
        switch c.proposal.action {
        case .contact: c.contentType.isCollection && c.contentType != .responseToConsumerInquiry
        case .fileLawsuit, .furnishToCRA: true
        case .fileProofOfClaim, .deleteRecord: false
        }
    }

    static let bankruptcyStay = ContactRule("BK-362a6-STAY", "11 U.S.C. 362(a)(6)", .legalHold) { rule, c, at in
        guard let bankruptcy = c.snapshot.holds.bankruptcy, bankruptcy.status == .pending else { return nil }
        if c.proposal.action == .fileProofOfClaim {
            return rule.pass("a proof of claim is how a creditor takes part in the case; it is not an act to collect", decisive: true)
        }
        guard bankruptcy.debtIsPrepetition ?? true, isCollectionActivity(c) else {
            return rule.pass("the stay covers pre-petition debts and collection acts only")
        }
        if let petition = bankruptcy.petitionDate, LocalDate(dayNumber: c.localDay(at)) < petition {
            return rule.pass("before the petition date \(petition.iso)")
        }
        let filed = bankruptcy.petitionDate.map { " filed \($0.iso)" } ?? ""
        return rule.block(
            "automatic stay: a bankruptcy case\(filed) is pending; no act to collect this pre-petition debt",
            figures: bankruptcy.petitionDate.map { [("blocked_from", .date($0))] } ?? [])
    }

    static let bankruptcyDischarge = ContactRule("BK-524a2-DISCHARGE", "11 U.S.C. 524(a)(2)", .legalHold) { rule, c, _ in
        guard let bankruptcy = c.snapshot.holds.bankruptcy, bankruptcy.status == .discharged else { return nil }
        guard bankruptcy.debtDischarged ?? (bankruptcy.debtIsPrepetition ?? true), isCollectionActivity(c) else {
            return rule.pass("the debt was not discharged")
        }
        let when = bankruptcy.dischargeDate.map { " on \($0.iso)" } ?? ""
        return rule.block("the debt was discharged in bankruptcy\(when); it may never be collected as a personal liability")
    }

    static let cease = ContactRule("REGF-1006.6c-CEASE", "12 CFR 1006.6(c); 15 U.S.C. 1692c(c)", .cease) { rule, c, at in
        guard c.isDebtCollector, let notice = c.snapshot.holds.cease, notice.written, c.isKnown(notice.receivedAt),
              notice.receivedAt.map({ $0 <= at }) ?? true, c.covers(notice.debtIDs), c.proposal.action == .contact
        else { return nil }
        if c.contentType.isCeaseException {
            return rule.pass("1006.6(c)(2): a notice that collection ends or that a specified remedy may be invoked is still allowed",
                             decisive: true)
        }
        let received = notice.receivedAt.map { " received \(c.format($0))" } ?? ""
        return rule.block(
            "written cease-communication notice\(received) covers \(c.debtIDs.joined(separator: ", ")): only a termination or remedy notice may follow")
    }

    /// The consumer's representation, known and covering the debt, with an attorney the collector can reach.
    static func representation(_ c: RuleContext, at: Instant) -> AttorneyRepresentation? {
        guard let attorney = c.snapshot.holds.attorney, c.isKnown(attorney.noticeReceivedAt),
              attorney.noticeReceivedAt.map({ $0 <= at }) ?? true, c.covers(attorney.debtIDs), attorney.attorneyIdentifiable,
              c.person.role != .consumerAttorney
        else { return nil }
        return attorney
    }

    static let attorney = ContactRule("REGF-1006.6b2-ATTY", "12 CFR 1006.6(b)(2); 15 U.S.C. 1692c(a)(2)", .attorney) { rule, c, at in
        guard c.isDebtCollector, c.proposal.action == .contact, c.person.role.isConsumerForSection6,
              let attorney = representation(c, at: at)
        else { return nil }
        if attorney.attorneyConsentedToDirectContact, c.isKnown(attorney.consentReceivedAt) {
            return rule.pass("the consumer's attorney consented to direct communication", decisive: true)
        }
        if attorney.attorneyUnresponsive {
            return rule.pass("the attorney did not respond within a reasonable period", decisive: true)
        }
        let name = attorney.attorneyName ?? "an attorney"
        return rule.block("the consumer is represented by \(name) on this debt: communicate with the attorney only")
    }

    static let californiaAttorney = ContactRule("CA-1788.14c-ATTY", "Cal. Civ. Code 1788.14(c)", .attorney) { rule, c, at in
        guard c.state == .CA, c.proposal.action == .contact, c.person.role.isConsumerForSection6,
              let attorney = representation(c, at: at), attorney.written
        else { return nil }
        if attorney.attorneyConsentedToDirectContact || attorney.attorneyUnresponsive {
            return rule.pass("the attorney consented or failed to respond", decisive: true)
        }
        if c.contentType == .responseToConsumerInquiry {
            return rule.pass("a response in the ordinary course to the debtor's own inquiry", decisive: true)
        }
        return rule.block("written notice of representation (Rosenthal Act, applies to creditors too): contact the attorney")
    }

    static let westVirginiaAttorney = ContactRule("WV-46A-2-128e-ATTY72", "W. Va. Code 46A-2-128(e)", .attorney) { rule, c, at in
        guard c.state == .WV, c.proposal.action == .contact, c.person.role.isConsumerForSection6,
              let attorney = representation(c, at: at), attorney.written, let received = attorney.noticeReceivedAt
        else { return nil }
        if attorney.attorneyConsentedToDirectContact || attorney.attorneyUnresponsive {
            return rule.pass("the attorney consented or failed to respond", decisive: true)
        }
        let graceEnds = received.adding(seconds: Int64(c.ruleSet.westVirginiaAttorneyGraceHours) * 3600)
        if at < graceEnds {
            return rule.warn("within the \(c.ruleSet.westVirginiaAttorneyGraceHours)-hour grace after written notice of representation (ends \(c.format(graceEnds)))")
        }
        return rule.block("written notice of representation received \(c.format(received)); the 72-hour grace has passed")
    }

    /// Whether a request arrived within the validation period: as stated, else from the notice's end date.
    static func withinValidationPeriod(_ stated: Bool?, receivedAt: Instant?, _ c: RuleContext) -> Bool {
        if let stated { return stated }
        guard let received = receivedAt, let end = c.validationPeriodEnd else { return true }
        return LocalDate(dayNumber: c.localDay(received)) <= end
    }

    static let dispute = ContactRule("REGF-1006.38d2-DISPUTE", "12 CFR 1006.38(d)(2); 15 U.S.C. 1692g(b)", .disputeHold) { rule, c, at in
        guard c.isDebtCollector, let dispute = c.snapshot.holds.dispute, c.isKnown(dispute.receivedAt),
              dispute.receivedAt.map({ $0 <= at }) ?? true, c.covers(dispute.debtIDs), isCollectionActivity(c)
        else { return nil }
        if let sent = dispute.verificationSentAt, sent <= at, c.isKnown(sent) {
            return rule.pass(dispute.duplicative ? "duplicative-dispute notice sent \(c.format(sent))" : "verification sent \(c.format(sent))",
                             decisive: true)
        }
        guard dispute.written else {
            return rule.warn("oral dispute: no collection hold, but the debt must be reported as disputed (1692e(8))")
        }
        guard withinValidationPeriod(dispute.withinValidationPeriod, receivedAt: dispute.receivedAt, c) else {
            return rule.warn("written dispute after the validation period: no 1006.38(d)(2) hold; respond to it")
        }
        return rule.block("written dispute within the validation period: no collection until verification is sent")
    }

    static let originalCreditorRequest = ContactRule("REGF-1006.38c-OCREQ", "12 CFR 1006.38(c); 15 U.S.C. 1692g(b)", .disputeHold) { rule, c, at in
        guard c.isDebtCollector, let request = c.snapshot.holds.originalCreditorRequest, c.isKnown(request.receivedAt),
              request.receivedAt.map({ $0 <= at }) ?? true, isCollectionActivity(c)
        else { return nil }
        if let responded = request.respondedAt, responded <= at, c.isKnown(responded) {
            return rule.pass("original creditor's name and address provided \(c.format(responded))", decisive: true)
        }
        guard request.written, withinValidationPeriod(request.withinValidationPeriod, receivedAt: request.receivedAt, c) else {
            return rule.warn("original-creditor request not in writing or after the validation period: answer it, no hold")
        }
        return rule.block("written original-creditor request within the validation period: no collection until the name and address are provided")
    }
}
