import RecoupCore

/// Whether a debt is past its statute of limitations: a fact given directly (`sol_expired`) wins; otherwise the
/// limitations tables (with the tenant's overrides) for the consumer's state, counted from the last payment.
/// Unknown (nil) when neither settles it; the rules then treat the debt as not known to be time-barred.
enum TimeBar {
    static func isExpired(_ debt: DebtFacts, _ c: RuleContext) -> Bool? {
        if let stated = debt.solExpired { return stated }
        guard let state = c.state, let accrual = debt.lastPaymentDate else { return nil }
        let today = LocalDate(dayNumber: c.localDay(c.proposal.at))
        return c.limitations.isTimeBarred(state: state, debtType: debt.type, accrualDate: accrual, asOf: today).expired
    }
}
